"""Doctor reports on the workspace files; the wheel ships every template."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cofee_hooks.workspace import template_files
from tests.conftest import REPO_ROOT, run_cli


def test_doctor_reports_workspace_checks_ok(tmp_path: Path, git_env):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=git_env)
    run_cli("init", "--install", str(tmp_path), env=git_env)

    result = run_cli("doctor", str(tmp_path), env=git_env)

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("OK") and "mcp.json" in line for line in lines)
    assert any(line.startswith("OK") and "agent files" in line for line in lines)


def test_doctor_reports_broken_workspace_files(tmp_path: Path, git_env):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=git_env)
    run_cli("init", "--install", str(tmp_path), env=git_env)
    (tmp_path / ".mcp.json").write_text('{"mcpServers": {"db": {"env": {"DATABASE_URI": "postgresql://u:pw@db/x"}}}}')
    agent = tmp_path / ".claude" / "agents" / "db-architect.md"
    agent.write_text(agent.read_text(encoding="utf-8").replace("name: db-architect", "name: dba"), encoding="utf-8")

    result = run_cli("doctor", str(tmp_path), env=git_env)

    assert result.returncode == 1
    assert "mcpServers.db: needs either command (with args) or url" in result.stdout
    assert "name 'dba' does not match the file name 'db-architect'" in result.stdout


@pytest.mark.slow
def test_wheel_ships_templates(tmp_path: Path):
    # Without hatchling in this environment, pip fetches it into an isolated build environment.
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", str(tmp_path), str(REPO_ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    (wheel,) = tmp_path.glob("*.whl")

    prefix = "cofee_hooks/templates/workspace/"
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name[len(prefix) :] for name in archive.namelist() if name.startswith(prefix)}

    assert shipped == set(template_files())
