"""The commit guard's entry fails closed when the recorded interpreter is gone.

Each test runs the exact command line that install wrote to
`.claude/settings.json`, with `/bin/sh -c` as Claude Code does, and a
`COFEE_HOOKS_PYTHON` that points at a deleted virtualenv.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cofee_hooks.claude.settings import COMMAND, install_claude_hooks
from tests.conftest import run_cli

GIT_COMMIT = {
    "session_id": "s1",
    "cwd": "",
    "hook_event_name": "PreToolUse",
    "tool_name": "Bash",
    "tool_input": {"command": "git commit -m 'add notes'"},
}
LIST_FILES = {**GIT_COMMIT, "tool_input": {"command": "ls -la"}}


def _bash_command(project: Path) -> str:
    settings = json.loads((project / ".claude" / "settings.json").read_text(encoding="utf-8"))
    for group in settings["hooks"]["PreToolUse"]:
        if group.get("matcher") == "Bash":
            return group["hooks"][0]["command"]
    raise AssertionError("no PreToolUse Bash entry installed")


def _run(project: Path, payload: dict, path: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": path,
        "HOME": str(project),
        "CLAUDE_PROJECT_DIR": str(project),
        "COFEE_HOOKS_PYTHON": str(project / "deleted-venv" / "bin" / "python"),
        "COFEE_HOOKS_PATH": str(project / "deleted-venv" / "lib"),
    }
    payload = {**payload, "cwd": str(project)}
    return subprocess.run(
        ["/bin/sh", "-c", _bash_command(project)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=project,
        env=env,
        timeout=60,
    )


def _python_without_package(tmp_path: Path) -> str:
    """Return a PATH whose `python3` is the base interpreter, which lacks cofee_hooks."""
    folder = tmp_path / "bin"
    folder.mkdir()
    base = getattr(sys, "_base_executable", sys.executable)
    (folder / "python3").symlink_to(base)
    return str(folder)


def test_missing_interpreter_blocks_git_call(tmp_path: Path, git_env) -> None:
    project = tmp_path / "project"
    project.mkdir()
    install_claude_hooks(project)

    result = _run(project, GIT_COMMIT, _python_without_package(tmp_path))

    # The entry script says this only after reading "git" in the payload, so
    # the retry got the stdin that the failed first start left unread.
    assert result.returncode == 2, result.stderr
    assert "cofee_hooks package was not found" in result.stderr
    assert "reinstall cofee-hooks into the environment of " in result.stderr
    assert "pip install" not in result.stderr


def test_missing_interpreter_passes_other_call(tmp_path: Path, git_env) -> None:
    project = tmp_path / "project"
    project.mkdir()
    install_claude_hooks(project)

    result = _run(project, LIST_FILES, _python_without_package(tmp_path))

    assert result.returncode == 0, result.stderr


def test_no_interpreter_at_all_blocks(tmp_path: Path, git_env) -> None:
    project = tmp_path / "project"
    project.mkdir()
    install_claude_hooks(project)
    empty = tmp_path / "empty-bin"
    empty.mkdir()

    result = _run(project, GIT_COMMIT, str(empty))

    assert result.returncode == 2
    assert "no Python interpreter could start the commit guard" in result.stderr


def _record_interpreter(project: Path, interpreter: str) -> None:
    local = project / ".claude" / "settings.local.json"
    settings = json.loads(local.read_text(encoding="utf-8"))
    settings["env"]["COFEE_HOOKS_PYTHON"] = interpreter
    local.write_text(json.dumps(settings), encoding="utf-8")


def test_doctor_names_missing_interpreter(tmp_path: Path, git_env, monkeypatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    install_claude_hooks(project)
    gone = str(project / "deleted-venv" / "bin" / "python")
    _record_interpreter(project, gone)
    monkeypatch.delenv("COFEE_HOOKS_PYTHON", raising=False)

    completed = run_cli("doctor", cwd=project)
    lines = [line for line in completed.stdout.splitlines() if "entry point" in line]

    assert lines, completed.stdout
    assert lines[0].startswith("ERROR")
    assert f"interpreter {gone} not found" in lines[0]
    assert "falls back to python3" in lines[0]
    assert "was blocked" not in lines[0]


def test_doctor_old_command_not_blocked(tmp_path: Path, git_env, monkeypatch) -> None:
    # Settings written before the fallback existed: the shell exits 127.
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    install_claude_hooks(project)
    settings_path = project / ".claude" / "settings.json"
    settings = json.loads(settings_path.read_text(encoding="utf-8"))
    for group in settings["hooks"]["PreToolUse"]:
        if group.get("matcher") == "Bash":
            group["hooks"][0]["command"] = COMMAND + " bash"
    settings_path.write_text(json.dumps(settings), encoding="utf-8")
    _record_interpreter(project, str(project / "deleted-venv" / "bin" / "python"))
    monkeypatch.delenv("COFEE_HOOKS_PYTHON", raising=False)

    completed = run_cli("doctor", cwd=project)
    lines = [line for line in completed.stdout.splitlines() if "entry point" in line]

    assert "commits would NOT be blocked" in lines[0]
    assert "run cofee-hooks install --claude" in lines[0]


def test_doctor_no_python3_on_path(tmp_path: Path, git_env, monkeypatch) -> None:
    import os
    import shutil

    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    install_claude_hooks(project)
    _record_interpreter(project, str(project / "deleted-venv" / "bin" / "python"))
    monkeypatch.delenv("COFEE_HOOKS_PYTHON", raising=False)
    only_git = tmp_path / "only-git"
    only_git.mkdir()
    (only_git / "git").symlink_to(shutil.which("git"))

    completed = run_cli("doctor", cwd=project, env={**os.environ, "PATH": str(only_git)})
    lines = [line for line in completed.stdout.splitlines() if "entry point" in line]

    assert "no python3 on PATH either" in lines[0], completed.stdout
