"""Doctor tests the hook entry point with the interpreter Claude Code would run, not its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cofee_hooks.claude.settings import install_claude_hooks
from tests.conftest import run_cli

SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin:/bin")


def _without_package(python: str) -> bool:
    probe = subprocess.run([python, "-c", "import cofee_hooks"], capture_output=True, env={"PATH": "/usr/bin:/bin"})
    return probe.returncode != 0


pytestmark = pytest.mark.skipif(
    SYSTEM_PYTHON is None or not _without_package(SYSTEM_PYTHON), reason="needs a python3 without cofee_hooks"
)


def _fresh_clone(tmp_path: Path) -> Path:
    """A teammate's clone: settings.json and the entry script are committed, settings.local.json is not."""
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / ".claude").mkdir()
    (project / ".claude" / "cofee-hooks.yaml").write_text("commit_guard:\n  enabled: true\n", encoding="utf-8")
    install_claude_hooks(project)
    (project / ".claude" / "settings.local.json").unlink()
    return project


def _entry_point_lines(project: Path, env: dict[str, str]) -> list[str]:
    completed = run_cli("doctor", cwd=project, env=env)
    assert "Traceback" not in completed.stderr
    return [line for line in completed.stdout.splitlines() if "entry point" in line]


def test_fresh_clone_without_local_settings_is_an_error(tmp_path: Path, git_env) -> None:
    project = _fresh_clone(tmp_path)
    env = {key: value for key, value in os.environ.items() if not key.startswith("COFEE_HOOKS_")}
    # PATH as a shell outside the virtualenv has it: python3 lacks the package.
    env["PATH"] = "/usr/bin:/bin"
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)

    lines = _entry_point_lines(project, env)

    assert lines and lines[0].startswith("ERROR"), lines
    assert "was blocked" in lines[0]
    assert ".claude/settings.local.json sets no COFEE_HOOKS_PYTHON" in lines[0]
    assert "run cofee-hooks install --claude on this machine" in lines[0]


def test_fresh_clone_package_on_path_warns(tmp_path: Path, git_env) -> None:
    project = _fresh_clone(tmp_path)
    env = {key: value for key, value in os.environ.items() if not key.startswith("COFEE_HOOKS_")}
    # The virtualenv that has the package comes first, as in an activated shell.
    env["PATH"] = f"{os.path.dirname(sys.executable)}:/usr/bin:/bin"

    lines = _entry_point_lines(project, env)

    assert lines[0].startswith("OK"), lines
    assert lines[1].startswith("WARNING"), lines
    assert "sets no COFEE_HOOKS_PYTHON" in lines[1], lines


def test_installed_machine_passes(tmp_path: Path, git_env) -> None:
    project = _fresh_clone(tmp_path)
    install_claude_hooks(project)
    env = {key: value for key, value in os.environ.items() if not key.startswith("COFEE_HOOKS_")}
    env["PATH"] = "/usr/bin:/bin"

    lines = _entry_point_lines(project, env)

    assert len(lines) == 1, lines
    assert lines[0].startswith("OK"), lines
