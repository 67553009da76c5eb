"""`cofee-hooks check-commit` as a real process."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

from .conftest import Repo, make_repo


def test_no_config_says_guard_is_off(tmp_path: Path, git_env: dict) -> None:
    repo = make_repo(tmp_path / "plain", config=None)
    repo.write("src/app.py")
    repo.git("add", "-A")
    result = run_cli("check-commit", cwd=repo.path)
    assert result.returncode == 0
    assert "commit guard is off for this repository" in result.stdout
    assert "no .claude/cofee-hooks.yaml" in result.stdout


def test_config_above_repository_is_ignored(tmp_path: Path, git_env: dict) -> None:
    outer = tmp_path / "outer"
    (outer / ".claude").mkdir(parents=True)
    (outer / ".claude/cofee-hooks.yaml").write_text("commit_guard:\n  enabled: true\n", encoding="utf-8")
    repo = make_repo(outer / "inner", config=None)
    repo.write("src/app.py")
    repo.git("add", "-A")
    result = run_cli("check-commit", cwd=repo.path)
    assert result.returncode == 0
    assert "off for this repository" in result.stdout


def test_disabled_guard_is_off(tmp_path: Path, git_env: dict) -> None:
    repo = make_repo(tmp_path / "r", config="commit_guard:\n  enabled: false\n")
    repo.write("src/app.py")
    repo.git("add", "-A")
    result = run_cli("check-commit", cwd=repo.path)
    assert result.returncode == 0
    assert "commit_guard.enabled is false" in result.stdout


def test_staged_refused_text(repo: Repo) -> None:
    repo.write("src/app.py")
    repo.write("docs/a.md")
    repo.git("add", "-A")
    result = run_cli("check-commit", cwd=repo.path / "docs")
    assert result.returncode == 1
    assert "src/app.py  (added; matched no allow pattern)" in result.stdout
    assert "git restore --staged -- PATH" in result.stdout


def test_staged_allowed_text(repo: Repo) -> None:
    repo.write("docs/a.md")
    repo.git("add", "-A")
    result = run_cli("check-commit", cwd=repo.path)
    assert result.returncode == 0
    assert "2 staged change(s) checked; all inside the commit policy" in result.stdout


def test_staged_json(repo: Repo) -> None:
    repo.write("src/app.py")
    repo.git("add", "-A")
    result = run_cli("check-commit", "--format", "json", cwd=repo.path)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["allowed"] is False
    (offense,) = data["commits"][0]["offenses"]
    assert offense == {
        "path": "src/app.py",
        "status": "A",
        "role": "added",
        "reason": "matched no allow pattern",
        "pattern": None,
    }


def test_range_catches_no_verify_commit(repo: Repo) -> None:
    repo.write("README.md")
    repo.commit_all("base")
    base = repo.head()
    repo.write("docs/a.md")
    repo.commit_all("Add docs")
    repo.write("src/skipped.py")
    repo.commit_all("Skip the hook")
    result = run_cli("check-commit", "--range", f"{base}..HEAD", "--format", "json", cwd=repo.path)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [c["subject"] for c in data["commits"]] == ["Add docs", "Skip the hook"]
    assert [c["allowed"] for c in data["commits"]] == [True, False]
    assert data["commits"][1]["offenses"][0]["path"] == "src/skipped.py"

    text = run_cli("check-commit", "--range", f"{base}..HEAD", cwd=repo.path)
    assert text.returncode == 1
    assert "(Skip the hook) refused" in text.stdout
    assert "git rebase -i" in text.stdout

    clean = run_cli("check-commit", "--range", f"{base}..HEAD~1", cwd=repo.path)
    assert clean.returncode == 0


def test_invalid_range_is_usage_error(repo: Repo) -> None:
    result = run_cli("check-commit", "--range", "--all", cwd=repo.path)
    assert result.returncode == 2


def test_unknown_revision_is_git_failure(repo: Repo) -> None:
    repo.write("README.md")
    repo.commit_all("base")
    result = run_cli("check-commit", "--range", "nosuch..HEAD", cwd=repo.path)
    assert result.returncode == 3
    assert result.stderr.startswith("cofee-hooks: git rev-list")
    assert "bad revision 'nosuch..HEAD'" in result.stderr
    assert "Traceback" not in result.stderr


def test_outside_repository_is_git_failure(tmp_path: Path, git_env: dict) -> None:
    result = run_cli("check-commit", cwd=tmp_path)
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_config_is_config_error(tmp_path: Path, git_env: dict) -> None:
    repo = make_repo(tmp_path / "r", config="commit_guard:\n  allow: ['!']\n")
    result = run_cli("check-commit", cwd=repo.path)
    assert result.returncode == 2
    assert "commit_guard.allow: invalid pattern '!'" in result.stderr


def test_config_option(repo: Repo, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("commit_guard:\n  enabled: true\n  allow: ['src/']\n", encoding="utf-8")
    repo.write("src/app.py")
    repo.git("add", "src/app.py")
    result = run_cli("check-commit", "--config", str(other), cwd=repo.path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_manifest_is_valid() -> None:
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    manifest = REPO_ROOT / ".pre-commit-hooks.yaml"
    pre_commit = Path(sys.executable).with_name("pre-commit")
    result = subprocess.run([str(pre_commit), "validate-manifest", str(manifest)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = manifest.read_text(encoding="utf-8")
    assert "id: cofee-hooks-guard" in text
    assert "id: cofee-hooks-lint-migration" in text


def test_clean_merge_through_other_hook_manager(repo: Repo) -> None:
    import sys

    repo.write("README.md")
    repo.commit_all("base")
    repo.git("checkout", "-q", "-b", "upstream")
    repo.write("src/upstream.py")
    repo.commit_all("upstream code")
    repo.git("checkout", "-q", "main")
    repo.write("docs/mine.md")
    repo.commit_all("mine")
    # What the pre-commit framework or lefthook does: run check-commit from the hook.
    hook = repo.path / ".git" / "hooks" / "pre-merge-commit"
    hook.write_text(f"#!/bin/sh\nexec '{sys.executable}' -m cofee_hooks check-commit\n", encoding="utf-8")
    hook.chmod(0o755)
    merged = repo.git("merge", "-q", "--no-ff", "-m", "merge upstream", "upstream", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert repo.git("rev-list", "--count", "--merges", "HEAD").stdout.strip() == "1"


def test_install_and_uninstall_commands(repo: Repo) -> None:
    installed = run_cli("install", "--git", str(repo.path))
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.splitlines()[0] == f"pre-commit: installed in {repo.path / '.git' / 'hooks'}"
    again = run_cli("install", "--git", str(repo.path))
    assert all("already installed" in line for line in again.stdout.splitlines())
    removed = run_cli("uninstall", "--git", str(repo.path))
    assert removed.stdout.splitlines() == ["pre-commit: removed", "pre-merge-commit: removed", "pre-push: removed"]


def test_outside_repository_one_line(tmp_path: Path, git_env: dict) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    env = {**git_env, "GIT_CEILING_DIRECTORIES": str(tmp_path)}

    result = run_cli("check-commit", cwd=folder, env=env)

    assert result.returncode == 3
    assert result.stderr.strip() == f"cofee-hooks: {folder} is not inside a git repository"
