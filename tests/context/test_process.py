"""The context hooks run as Claude Code runs them: a real process fed a recorded payload."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PAYLOADS = Path(__file__).resolve().parent.parent / "fixtures" / "claude" / "payloads"
ENTRY_SCRIPT = REPO_ROOT / "hooks" / "cofee_hooks_entry.py"
RUNTIME_MISSING = importlib.util.find_spec("cofee_hooks.claude.runtime") is None


def recorded_agent_payload(project: Path) -> dict:
    data = json.loads((PAYLOADS / "PreToolUse.json").read_text(encoding="utf-8"))
    payload = next(sample["payload"] for sample in data["samples"] if sample["payload"].get("tool_name") == "Agent")
    return {**payload, "cwd": str(project)}


def run_hook(command: list[str], project: Path, payload: dict) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COFEE_HOOKS")}
    env["CLAUDE_PROJECT_DIR"] = str(project)
    return subprocess.run(
        command, cwd=project, env=env, input=json.dumps(payload), capture_output=True, text=True, timeout=60
    )


def check_dispatch_answer(result: subprocess.CompletedProcess, payload: dict) -> None:
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    updated = answer["hookSpecificOutput"]["updatedInput"]
    assert set(updated) == set(payload["tool_input"])
    for key, value in payload["tool_input"].items():
        if key != "prompt":
            assert updated[key] == value
    assert updated["prompt"].startswith(payload["tool_input"]["prompt"])
    # The recorded dispatch names db-architect, which the test registry maps to SQLAlchemy.
    assert "`/websites/sqlalchemy_en_21`" in updated["prompt"]


@pytest.mark.skipif(RUNTIME_MISSING, reason="the hook runtime module is not built")
def test_runtime_process_dispatch(project: Path):
    payload = recorded_agent_payload(project)
    code = "import sys; from cofee_hooks.claude import runtime; sys.exit(runtime.main())"
    check_dispatch_answer(run_hook([sys.executable, "-c", code], project, payload), payload)


@pytest.mark.skipif(RUNTIME_MISSING or not ENTRY_SCRIPT.is_file(), reason="the hook entry script is not built")
def test_entry_script_user_prompt(project: Path):
    payload = {
        "session_id": "process-session",
        "cwd": str(project),
        "hook_event_name": "UserPromptSubmit",
        "prompt": "write a pytest for alembic/versions/0001_init.py",
    }
    first = run_hook([sys.executable, "-S", str(ENTRY_SCRIPT)], project, payload)
    assert first.returncode == 0, first.stderr
    context = json.loads(first.stdout)["hookSpecificOutput"]["additionalContext"]
    assert "`/pytest-dev/pytest`" in context
    assert "Every revision needs a downgrade." in context

    second = run_hook([sys.executable, "-S", str(ENTRY_SCRIPT)], project, payload)
    assert second.returncode == 0, second.stderr
    assert second.stdout == ""

    # Every log line of the hook names its session, so one session's story can be grepped.
    log = (project / ".claude" / "logs" / "cofee-hooks.log").read_text(encoding="utf-8")
    lines = [line for line in log.splitlines() if "context for user prompt" in line]
    assert lines, log
    assert all("session=process-session" in line for line in lines), log


def test_handlers_in_plain_interpreter(project: Path):
    """Without the runtime: the handlers alone, imported by a small driver in a fresh interpreter."""
    payload = recorded_agent_payload(project)
    driver = (
        "import json, sys\n"
        "from cofee_hooks.claude.protocol import parse_payload, encode_answer\n"
        "from cofee_hooks.config.fast import load_fast\n"
        "from cofee_hooks.context.hooks import handle_agent_dispatch\n"
        "class Log:\n"
        "    def info(self, message): pass\n"
        "    warning = error = info\n"
        "event = parse_payload(sys.stdin.read())\n"
        "print(encode_answer(handle_agent_dispatch(event, load_fast(event.cwd), Log())))\n"
    )
    result = run_hook([sys.executable, "-c", driver], project, payload)
    check_dispatch_answer(result, payload)


def test_hook_modules_import_no_third_party():
    code = (
        "import sys\n"
        "import cofee_hooks.context.hooks\n"
        "loaded = sorted(name for name in ('yaml', 'click', 'alembic', 'sqlalchemy') if name in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
