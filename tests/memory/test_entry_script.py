"""The memory hooks run the way Claude Code runs them: the entry script, a payload on stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.memory.helpers import entry_text, section
from tests.memory.test_hooks import add_file_edit, add_section_to_last_message, recorded
from tests.memory.test_sweep import prepare, subagent_file

ENTRY_SCRIPT = Path(__file__).resolve().parents[2] / "hooks" / "cofee_hooks_entry.py"


def run_hook(payload: dict[str, Any], project: Path) -> subprocess.CompletedProcess[str]:
    payload = {**payload, "cwd": str(project)}
    return subprocess.run(
        [sys.executable, "-S", str(ENTRY_SCRIPT)],
        input=json.dumps(payload),
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_subagent_stop_saves_entry(project: Path, memory_dir: Path) -> None:
    payload = recorded("SubagentStop", "06_subagent_control")
    payload["last_assistant_message"] += "\n\n" + section(entry_text("through-the-entry-script"))

    result = run_hook(payload, project)

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert len(list((memory_dir / "db-architect").glob("*-through-the-entry-script.md"))) == 1


def test_session_end_sweep_saves_missed_entry(project: Path, memory_dir: Path, tmp_path: Path) -> None:
    folder, payload = prepare(tmp_path, "07_subagent_background_default")
    add_section_to_last_message(subagent_file(folder, payload), section(entry_text("background-agent")))

    result = run_hook(payload, project)

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert len(list((memory_dir / "db-architect").glob("*-background-agent.md"))) == 1


def test_ask_when_missing_blocks_once(project: Path, tmp_path: Path) -> None:
    (project / ".claude" / "cofee-hooks.yaml").write_text("memory:\n  ask_when_missing: true\n", encoding="utf-8")
    folder, session_end = prepare(tmp_path, "06_subagent_control")
    transcript = subagent_file(folder, session_end)
    add_file_edit(transcript)
    payload = recorded("SubagentStop", "06_subagent_control")
    payload["agent_transcript_path"] = str(transcript)

    first = run_hook(payload, project)
    again = run_hook({**payload, "stop_hook_active": True}, project)

    assert first.returncode == 0, first.stderr
    answer = json.loads(first.stdout)
    assert answer["decision"] == "block"
    assert "<!-- memory -->" in answer["reason"]
    assert again.returncode == 0, again.stderr
    assert again.stdout == ""


def test_advisory_hook_without_package_logs_a_line(project: Path, tmp_path: Path) -> None:
    import shutil

    system_python = shutil.which("python3", path="/usr/bin:/bin")
    probe = subprocess.run([system_python or "false", "-c", "import cofee_hooks"], capture_output=True)
    if system_python is None or probe.returncode == 0:
        import pytest

        pytest.skip("needs a python3 without cofee_hooks")
    # A copy as install leaves it in a project: no package next to it.
    script = project / ".claude" / "hooks" / ENTRY_SCRIPT.name
    script.parent.mkdir(parents=True)
    shutil.copy(ENTRY_SCRIPT, script)
    payload = {"hook_event_name": "UserPromptSubmit", "session_id": "s-1", "prompt": "use pytest", "cwd": str(project)}

    result = subprocess.run(
        [system_python, "-S", str(script)],
        input=json.dumps(payload),
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "CLAUDE_PROJECT_DIR": str(project)},
    )

    assert result.returncode == 0
    assert result.stdout == ""
    log = (project / ".claude" / "logs" / "cofee-hooks.log").read_text(encoding="utf-8")
    assert "the cofee_hooks package cannot be imported" in log
    assert "run 'cofee-hooks install --claude' on this machine" in log
