"""doctor's repository check, read with GitPython."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cofee_hooks import git
from tests.conftest import run_cli


def _git(cwd: Path, *args: str) -> str:
    completed = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return completed.stdout.strip()


def _repository(path: Path, commits: int = 1) -> Path:
    path.mkdir(parents=True)
    _git(path, "init", "-q", "-b", "main")
    for number in range(commits):
        (path / f"note{number}.md").write_text(f"{number}\n", encoding="utf-8")
        _git(path, "add", "-A")
        _git(path, "commit", "-q", "--no-verify", "-m", f"Note {number}")
    return path


def _repository_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.split()[1:2] == ["repository"]]


def test_state_on_branch(tmp_path: Path, git_env: dict) -> None:
    repo = _repository(tmp_path / "r")
    state = git.repository_state(repo)
    assert state.branch == "main"
    assert state.head == _git(repo, "rev-parse", "HEAD")
    assert state.operation is None
    assert state.worktrees == []


def test_state_before_first_commit(tmp_path: Path, git_env: dict) -> None:
    repo = _repository(tmp_path / "r", commits=0)
    state = git.repository_state(repo)
    assert state.head is None
    assert state.branch == "main"


def test_state_detached_with_worktree(tmp_path: Path, git_env: dict) -> None:
    repo = _repository(tmp_path / "r", commits=2)
    other = tmp_path / "other tree"
    _git(repo, "worktree", "add", "-q", "-b", "side", str(other))
    _git(repo, "switch", "-q", "--detach", "HEAD~1")
    state = git.repository_state(repo / "note0.md")
    assert state.branch is None
    assert state.head == _git(repo, "rev-parse", "HEAD")
    assert [Path(item).resolve() for item in state.worktrees] == [other.resolve()]

    from_other = git.repository_state(other)
    assert from_other.branch == "side"
    assert [Path(item).resolve() for item in from_other.worktrees] == [repo.resolve()]


def test_state_during_merge(tmp_path: Path, git_env: dict) -> None:
    repo = _repository(tmp_path / "r")
    _git(repo, "switch", "-q", "-c", "side")
    (repo / "note0.md").write_text("side\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Side")
    _git(repo, "switch", "-q", "main")
    (repo / "note0.md").write_text("main\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Main")
    merge = subprocess.run(["git", "merge", "-q", "side"], cwd=repo, capture_output=True, text=True)
    assert merge.returncode != 0  # a conflict leaves the merge unfinished
    assert git.repository_state(repo).operation == "a merge"


def test_doctor_reports_repository(tmp_path: Path, git_env: dict) -> None:
    repo = _repository(tmp_path / "r")
    _git(repo, "worktree", "add", "-q", "-b", "side", str(tmp_path / "second"))
    result = run_cli("doctor", cwd=repo)
    assert "Traceback" not in result.stderr
    lines = _repository_lines(result.stdout)
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith("INFO")
    assert "on branch main at " in lines[0]
    assert "1 other worktree(s) use the same git hooks folder" in lines[1]
    assert str(tmp_path / "second") in lines[1]


def test_doctor_outside_repository_skips_check(tmp_path: Path, git_env: dict) -> None:
    result = run_cli("doctor", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert _repository_lines(result.stdout) == []
