"""After the package is removed, the hooks say how to reinstall or remove them, with exact paths."""

from __future__ import annotations

import sys
from pathlib import Path

from cofee_hooks.guard.git_hooks import install_git_hooks
from tests.claude.conftest import run_entry

from .conftest import Repo


def _base_python() -> str:
    return getattr(sys, "_base_executable", sys.executable)


def test_hook_without_package_names_fix(repo: Repo, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    install_git_hooks(repo.path, python=_base_python(), import_paths=[str(empty)])
    repo.write("docs/a.md")
    repo.git("add", "-A")

    refused = repo.git("commit", "-q", "-m", "docs", check=False)
    hook = repo.path / ".git" / "hooks" / "pre-commit"

    assert refused.returncode == 1
    assert f"reinstall cofee-hooks into the environment of {_base_python()}" in refused.stderr
    assert "pip install" not in refused.stderr
    assert f"delete {hook}" in refused.stderr
    assert "uninstall --git" not in refused.stderr


def test_hook_without_interpreter_names_fix(repo: Repo, tmp_path: Path) -> None:
    install_git_hooks(repo.path, python=str(tmp_path / "gone" / "python"), import_paths=[])
    repo.write("docs/a.md")
    repo.git("add", "-A")

    refused = repo.git("commit", "-q", "-m", "docs", check=False)

    assert refused.returncode == 1
    assert f"reinstall cofee-hooks into the environment of {tmp_path / 'gone' / 'python'}" in refused.stderr
    assert "pip install" not in refused.stderr
    assert ".git/hooks/pre-commit" in refused.stderr
    assert "uninstall --git" not in refused.stderr
