"""Every recorded Claude Code payload goes through the entry script as a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.claude.conftest import (
    ENTRY_SCRIPT,
    assert_protocol_output,
    entry_argument,
    localise,
    recorded_samples,
    run_entry,
)

SAMPLES = recorded_samples()


def test_fixtures_cover_many_events() -> None:
    assert len({name for name, _, _ in SAMPLES}) >= 15


@pytest.mark.parametrize(("event_file", "number", "payload"), SAMPLES, ids=[f"{n}-{i}" for n, i, _ in SAMPLES])
def test_recorded_payload(project: Path, event_file: str, number: int, payload: dict) -> None:
    payload = localise(payload, project)
    completed = run_entry(json.dumps(payload).encode(), project, entry_argument(payload))

    stderr = completed.stderr.decode(errors="replace")
    assert "Traceback" not in stderr
    answer = assert_protocol_output(completed.stdout.decode(), payload.get("hook_event_name"))
    command = payload.get("tool_input", {}).get("command", "") if payload.get("tool_name") == "Bash" else ""
    if payload.get("hook_event_name") == "PreToolUse" and "git commit" in command:
        # app.py is staged and the guard is on: the commit is denied in JSON, exit 0.
        assert completed.returncode == 0, stderr
        assert answer is not None
        assert answer["hookSpecificOutput"]["permissionDecision"] == "deny"
        assert "app.py" in answer["hookSpecificOutput"]["permissionDecisionReason"]
    else:
        assert completed.returncode == 0, stderr


def test_non_git_bash_gives_nothing(project: Path) -> None:
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(project), "tool_input": {"command": "ls -la"}}
    completed = run_entry(json.dumps(payload).encode(), project, ["bash"])
    assert completed.returncode == 0
    assert completed.stdout == b""
    assert completed.stderr == b""


def test_unreadable_bash_git_payload_blocks(project: Path) -> None:
    data = b'{"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "git commit -am x"'
    completed = run_entry(data, project, ["bash"])
    assert completed.returncode == 2
    assert completed.stdout == b""
    lines = completed.stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("cofee-hooks:")


def test_unreadable_other_payload_passes(project: Path) -> None:
    completed = run_entry(b'{"hook_event_name": "Stop", "last_assistant_message": "git', project, [])
    assert completed.returncode == 0
    assert completed.stdout == b""
    assert completed.stderr == b""


def test_oversized_payload_is_not_read(project: Path) -> None:
    command = "echo " + "x" * (6 * 1024 * 1024)
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": command}}
    completed = run_entry(json.dumps(payload).encode(), project, ["bash"])
    assert completed.returncode == 0
    assert completed.stdout == b""


def _base_python() -> str | None:
    candidate = Path(sys.base_prefix) / "bin" / "python3"
    if not candidate.is_file():
        return None
    probe = subprocess.run([str(candidate), "-S", "-c", "import cofee_hooks"], capture_output=True, timeout=30)
    return None if probe.returncode == 0 else str(candidate)


def test_missing_package_fails_closed_for_git(tmp_path: Path) -> None:
    python = _base_python()
    if python is None:
        pytest.skip("no interpreter without the package installed")
    script = tmp_path / "hooks" / ENTRY_SCRIPT.name
    script.parent.mkdir()
    shutil.copy(ENTRY_SCRIPT, script)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    git_call = json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "git commit -m x"}})
    blocked = subprocess.run([python, "-S", str(script), "bash"], input=git_call.encode(), capture_output=True, env=env, timeout=30)
    other = subprocess.run([python, "-S", str(script)], input=b'{"hook_event_name": "Stop"}', capture_output=True, env=env, timeout=30)

    assert blocked.returncode == 2
    assert blocked.stdout == b""
    assert len(blocked.stderr.decode().strip().splitlines()) == 1
    assert "cofee_hooks package was not found" in blocked.stderr.decode()
    assert other.returncode == 0
    assert other.stdout == b""
    assert other.stderr == b""


def test_package_found_from_local_settings(tmp_path: Path, project: Path) -> None:
    # The installed layout: the script in .claude/hooks, the package path in
    # settings.local.json, and no COFEE_HOOKS_* variables in the environment.
    python = _base_python()
    if python is None:
        pytest.skip("no interpreter without the package installed")
    from cofee_hooks.claude.settings import install_claude_hooks

    install_claude_hooks(project)
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(project), "tool_input": {"command": "git commit -m x"}}
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CLAUDE_PROJECT_DIR": str(project), "GIT_CONFIG_NOSYSTEM": "1"}
    completed = subprocess.run(
        [python, "-S", str(project / ".claude" / "hooks" / ENTRY_SCRIPT.name), "bash"],
        input=json.dumps(payload).encode(),
        capture_output=True,
        env=env,
        cwd=project,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    answer = json.loads(completed.stdout)
    assert answer["hookSpecificOutput"]["permissionDecision"] == "deny"
