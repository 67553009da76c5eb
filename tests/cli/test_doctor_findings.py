"""doctor's wording for a foreign hook, no repository, absent files and no entries."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import run_cli


def _lines(completed: subprocess.CompletedProcess[str], check: str) -> list[str]:
    return [line for line in completed.stdout.splitlines() if f" {check} " in f" {line} "]


def _project(tmp_path: Path, git: bool = True, guard: bool = True) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    if git:
        subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    if guard:
        (project / ".claude").mkdir()
        (project / ".claude" / "cofee-hooks.yaml").write_text("commit_guard:\n  enabled: true\n", encoding="utf-8")
    return project


def test_foreign_pre_commit_is_warning(tmp_path: Path, git_env) -> None:
    project = _project(tmp_path)
    hook = project / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    hook.chmod(0o755)

    completed = run_cli("doctor", cwd=project)
    line = next(line for line in completed.stdout.splitlines() if "pre-commit:" in line)

    assert line.startswith("WARNING"), line
    assert "the commit guard is not in it" in line


def test_foreign_hook_running_cofee_hooks_is_info(tmp_path: Path, git_env) -> None:
    project = _project(tmp_path)
    hook = project / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (project / ".pre-commit-config.yaml").write_text("repos:\n- repo: local\n  hooks:\n  - id: cofee-hooks\n", encoding="utf-8")

    completed = run_cli("doctor", cwd=project)
    line = next(line for line in completed.stdout.splitlines() if "pre-commit:" in line)

    assert line.startswith("INFO"), line


def test_guard_on_outside_repository_fails(tmp_path: Path, git_env) -> None:
    project = _project(tmp_path, git=False)

    completed = run_cli("doctor", cwd=project)
    lines = _lines(completed, "git hooks")

    assert completed.returncode == 1
    assert lines[0].startswith("ERROR")
    assert "not inside a git repository, so the commit guard guards nothing" in lines[0]


def test_absent_files_not_present(tmp_path: Path, git_env) -> None:
    project = _project(tmp_path)

    completed = run_cli("doctor", cwd=project)

    assert any(".mcp.json not present" in line for line in completed.stdout.splitlines()), completed.stdout
    assert not any(line.startswith("OK") and "mcp.json" in line for line in completed.stdout.splitlines())


def test_no_entries_says_not_installed(tmp_path: Path, git_env) -> None:
    project = _project(tmp_path)
    (project / ".claude" / "settings.json").write_text('{"model": "sonnet"}\n', encoding="utf-8")

    completed = run_cli("doctor", cwd=project)
    lines = _lines(completed, "claude hooks")

    assert len(lines) == 1, lines
    assert "not installed" in lines[0]
    assert "every hook fails" not in completed.stdout


def test_hooks_path_in_work_tree_warns(tmp_path: Path, git_env) -> None:
    project = _project(tmp_path)
    subprocess.run(["git", "config", "core.hooksPath", ".githooks"], cwd=project, check=True)

    completed = run_cli("doctor", cwd=project)
    warnings = [line for line in _lines(completed, "git hooks") if line.startswith("WARNING")]

    assert any("is inside the work tree" in line and "machine's interpreter" in line for line in warnings), completed.stdout


def test_hooks_path_outside_work_tree_quiet(tmp_path: Path, git_env) -> None:
    project = _project(tmp_path)
    subprocess.run(["git", "config", "core.hooksPath", str(tmp_path / "shared-hooks")], cwd=project, check=True)

    completed = run_cli("doctor", cwd=project)

    assert "is inside the work tree" not in completed.stdout
