"""`cofee-hooks doctor` starts each installed git hook's interpreter, as git would."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cofee_hooks
from cofee_hooks.guard.git_hooks import install_git_hooks
from tests.conftest import run_cli

from .conftest import Repo

PACKAGE_PARENT = str(Path(cofee_hooks.__file__).resolve().parent.parent)


@pytest.fixture
def venv_python(tmp_path: Path) -> Path:
    """The interpreter of a real virtual environment that has no cofee_hooks of its own."""
    base = getattr(sys, "_base_executable", sys.executable)
    folder = tmp_path / "venv"
    subprocess.run([base, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    return folder / "bin" / "python"


def _hook_lines(repo: Repo) -> dict[str, str]:
    completed = run_cli("doctor", str(repo.path))
    lines = {}
    for line in completed.stdout.splitlines():
        for name in ("pre-commit", "pre-merge-commit", "pre-push"):
            if "git hooks" in line and f" {name}: " in line:
                lines[name] = line
    return lines


def _pin_paths(repo: Repo, old: str, new: str) -> None:
    for name in ("pre-commit", "pre-merge-commit", "pre-push"):
        hook = repo.path / ".git" / "hooks" / name
        hook.write_text(hook.read_text(encoding="utf-8").replace(repr(old), repr(new)), encoding="utf-8")


def test_working_hooks_reported_ok(repo: Repo, venv_python: Path) -> None:
    install_git_hooks(repo.path, python=str(venv_python), import_paths=[PACKAGE_PARENT, *sys.path[1:]])

    lines = _hook_lines(repo)

    assert len(lines) == 3
    for line in lines.values():
        assert line.startswith("OK"), line


def test_package_folder_without_package(repo: Repo, venv_python: Path, tmp_path: Path) -> None:
    install_git_hooks(repo.path, python=str(venv_python), import_paths=[PACKAGE_PARENT])
    empty = tmp_path / "venv" / "lib" / "site-packages-moved"
    empty.mkdir(parents=True)
    _pin_paths(repo, PACKAGE_PARENT, str(empty))

    lines = _hook_lines(repo)
    repo.write("docs/a.md")
    repo.git("add", "-A")
    commit = repo.git("commit", "-q", "-m", "docs", check=False)

    assert commit.returncode == 1
    assert len(lines) == 3
    for line in lines.values():
        assert line.startswith("ERROR"), line
        assert "No module named 'cofee_hooks" in line
        assert "cofee-hooks install --git from the environment" in line


def test_deleted_interpreter(repo: Repo, venv_python: Path) -> None:
    install_git_hooks(repo.path, python=str(venv_python), import_paths=[PACKAGE_PARENT])
    shutil.rmtree(venv_python.parent.parent)

    lines = _hook_lines(repo)

    assert len(lines) == 3
    for line in lines.values():
        assert line.startswith("ERROR"), line
        assert f"interpreter {venv_python} not found" in line
        assert "cofee-hooks install --git from the environment" in line


def test_self_check_runs_no_hook(repo: Repo) -> None:
    repo.write("src/app.py")
    repo.git("add", "-A")

    completed = subprocess.run(
        [sys.executable, "-m", "cofee_hooks.guard.hook", "--self-check"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 0
    assert completed.stderr == ""
