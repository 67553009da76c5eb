"""GitPython: used by check-commit --range, never imported by a hook."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cofee_hooks import git
from tests.claude.conftest import ENTRY_SCRIPT

from .conftest import Repo, make_repo


def _history_with_merge(repo: Repo) -> str:
    repo.write("README.md")
    repo.commit_all("base")
    base = repo.head()
    repo.git("switch", "-q", "-c", "side")
    repo.write("docs/side.md")
    repo.commit_all("Side docs\n\nA body that is not part of the subject.")
    repo.git("switch", "-q", "main")
    repo.write("docs/main.md")
    repo.commit_all("Main docs\nwrapped onto a second line")
    repo.git("merge", "-q", "--no-ff", "--no-verify", "-m", "Merge side", "side")
    return base


def test_range_commits_match_plumbing(tmp_path: Path, git_env: dict) -> None:
    repo = make_repo(tmp_path / "r")
    base = _history_with_merge(repo)
    for revisions in ([f"{base}..HEAD"], ["HEAD"], ["HEAD", "--not", base]):
        from_gitpython = git.range_commits(revisions, repo.path)
        from_plumbing = git.rev_list_with_parents(revisions, repo.path)
        assert from_gitpython == from_plumbing, revisions
    merge = git.range_commits([f"{base}..HEAD"], repo.path)[-1]
    assert len(merge[1]) == 2
    assert merge[2] == "Merge side"


def test_range_commits_unknown_revision(tmp_path: Path, git_env: dict) -> None:
    repo = make_repo(tmp_path / "r")
    repo.write("README.md")
    repo.commit_all("base")
    with pytest.raises(git.GitError) as caught:
        git.range_commits(["nosuch..HEAD"], repo.path)
    assert caught.value.message.startswith("git rev-list failed:")
    assert "bad revision 'nosuch..HEAD'" in caught.value.message


def test_open_repository_outside_repository(tmp_path: Path, git_env: dict) -> None:
    with pytest.raises(git.GitError) as caught:
        git.open_repository(tmp_path)
    assert "not a git repository" in caught.value.message


def test_check_commit_range_with_merge(tmp_path: Path, git_env: dict) -> None:
    from tests.conftest import run_cli

    repo = make_repo(tmp_path / "r")
    base = _history_with_merge(repo)
    result = run_cli("check-commit", "--range", f"{base}..HEAD", "--format", "json", cwd=repo.path)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    subjects = sorted(commit["subject"] for commit in data["commits"])
    assert subjects == ["Main docs wrapped onto a second line", "Merge side", "Side docs"]


def _imported_modules(importtime_stderr: str) -> set[str]:
    # Lines look like "import time:  self |  cumulative | <indent>module".
    names = set()
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def _is_gitpython(name: str) -> bool:
    return name == "git" or name.startswith("git.")


def test_pre_push_hook_does_not_import_gitpython(tmp_path: Path, git_env: dict) -> None:
    from cofee_hooks.guard.git_hooks import _import_paths

    repo = make_repo(tmp_path / "r")
    repo.write("README.md")
    repo.commit_all("base")
    base = repo.head()
    repo.write("src/app.py")
    repo.commit_all("Outside the policy")
    head = repo.head()
    probe = (
        "import sys\n"
        f"sys.path[:0] = {_import_paths()!r}\n"
        "from cofee_hooks.guard.hook import main\n"
        "code = main(['pre-push', 'origin', 'file:///nowhere'])\n"
        "print(code, 'git' in sys.modules)\n"
    )
    stdin = f"refs/heads/main {head} refs/heads/main {base}\n"
    # The first run may build the configuration copy; the second is the usual push.
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-I", "-S", "-c", probe], cwd=repo.path, input=stdin, capture_output=True, text=True
        )
    assert result.stdout.strip() == "1 False", result.stderr
    assert "src/app.py" in result.stderr


def test_claude_bash_hook_does_not_import_gitpython(tmp_path: Path, git_env: dict) -> None:
    repo = make_repo(tmp_path / "r")
    repo.write("README.md")
    repo.commit_all("base")
    repo.write("src/app.py")
    repo.git("add", "-A")
    payload = {
        "session_id": "s1",
        "cwd": str(repo.path),
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "git commit -m 'Add app'"},
        "tool_use_id": "toolu_1",
    }
    env = dict(git_env, CLAUDE_PROJECT_DIR=str(repo.path))
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-S", str(ENTRY_SCRIPT), "bash"],
        input=json.dumps(payload),
        cwd=repo.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert '"deny"' in result.stdout
    modules = _imported_modules(result.stderr)
    assert "cofee_hooks.guard.changes" in modules  # the staged set was read
    assert not [name for name in modules if _is_gitpython(name)]
