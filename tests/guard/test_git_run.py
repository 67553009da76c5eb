"""`cofee_hooks.git.run`, which hooks use to start git without the subprocess module."""

from __future__ import annotations

import os

import pytest

from cofee_hooks import git

from .conftest import Repo


def test_large_input_and_output_both_ways(repo: Repo) -> None:
    repo.write("README.md")
    repo.commit_all("seed")
    request = b"HEAD\n" * 100_000
    completed = git.run(["cat-file", "--batch-check"], repo.path, input_bytes=request)
    lines = completed.stdout.splitlines()
    assert len(lines) == 100_000
    assert lines[0].endswith(b" commit " + lines[0].split()[2])


def test_failure_carries_git_message(repo: Repo) -> None:
    with pytest.raises(git.GitError, match="git rev-parse nosuch failed: fatal: ambiguous argument 'nosuch'"):
        git.run(["rev-parse", "nosuch"], repo.path)


def test_unchecked_failure_returns_exit_code(repo: Repo) -> None:
    completed = git.run(["rev-parse", "--verify", "-q", "nosuch"], repo.path, check=False)
    assert completed.returncode == 1
    assert completed.stdout == b""


def test_missing_folder_is_git_error(tmp_path) -> None:
    with pytest.raises(git.GitError, match="cannot change to"):
        git.run(["status"], tmp_path / "missing")


def test_missing_git_is_git_error(monkeypatch: pytest.MonkeyPatch, repo: Repo) -> None:
    monkeypatch.setenv("PATH", str(repo.path / "no-such-bin"))
    with pytest.raises(git.GitError, match="git not found on PATH"):
        git.run(["version"])


def test_stdin_is_empty_without_input(repo: Repo) -> None:
    # With no input, git reads an empty stdin instead of waiting on the caller's.
    completed = git.run(["hash-object", "--stdin"], repo.path)
    assert completed.stdout.strip() == b"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


def test_timeout_kills_git(repo: Repo, tmp_path) -> None:
    fifo = tmp_path / "never-written"
    os.mkfifo(fifo)
    with pytest.raises(git.GitError, match="timed out after 0.5 s"):
        git.run(["hash-object", str(fifo)], repo.path, timeout=0.5)
