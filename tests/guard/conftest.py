"""Temporary git repositories for the commit guard tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

CONFIG_ON = "commit_guard:\n  enabled: true\n"


class Repo:
    """A real repository in a temporary folder, driven with the git command line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, check: bool = True, input_text: str | None = None, env: dict | None = None):
        completed = subprocess.run(
            ["git", *args],
            cwd=self.path,
            capture_output=True,
            text=True,
            input=input_text,
            env=env,
            timeout=120,
        )
        if check and completed.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed ({completed.returncode}):\n{completed.stderr}")
        return completed

    def write(self, relative: str, text: str = "content\n") -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def symlink(self, relative: str, target: str) -> None:
        link = self.path / relative
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, link)

    def commit_all(self, message: str = "change") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", message)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").stdout.strip()

    def tracked(self, revision: str = "HEAD") -> list[str]:
        out = self.git("ls-tree", "-r", "-z", "--name-only", revision).stdout
        return [name for name in out.split("\0") if name]


def make_repo(path: Path, config: str | None = CONFIG_ON) -> Repo:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    repo = Repo(path)
    if config is not None:
        repo.write(".claude/cofee-hooks.yaml", config)
    return repo


@pytest.fixture
def repo(tmp_path: Path, git_env: dict[str, str]) -> Repo:
    """A repository whose configuration turns the guard on with the default policy."""
    return make_repo(tmp_path / "repo")
