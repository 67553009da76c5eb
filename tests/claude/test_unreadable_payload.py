"""A truncated or broken payload on the Bash entry: clear reason, exit code, log line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from cofee_hooks.claude import runtime
from tests.claude.conftest import REPO_ROOT, run_entry

GIT_COMMIT = {
    "hook_event_name": "PreToolUse",
    "tool_name": "Bash",
    "tool_input": {"command": "git commit -m 'add notes'"},
    "session_id": "s1",
    "cwd": "/tmp",
}


def _truncated() -> bytes:
    text = json.dumps(GIT_COMMIT)
    return text[: text.index("add notes")].encode()


def _entry_env() -> dict[str, str]:
    # Claude Code passes COFEE_HOOKS_PATH from settings.local.json, so the
    # entry script imports nothing (json included) before the runtime.
    return {**os.environ, "COFEE_HOOKS_PATH": str(REPO_ROOT / "src")}


def test_loads_truncated_raises_value_error() -> None:
    # A fresh `python -S` process, because json.decoder not being imported
    # yet is the case that matters and pytest has imported it.
    script = (
        "from cofee_hooks.claude import runtime\n"
        "for text in ('{\"a\": \"x', '{\"a\": 1', '{\"a\" 1}', '[1, 2'):\n"
        "    try:\n"
        "        runtime.loads(text)\n"
        "    except ValueError:\n"
        "        continue\n"
        "    raise SystemExit('no ValueError for ' + text)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    result = subprocess.run([sys.executable, "-S", "-c", script], env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr


def test_truncated_bash_payload_blocked(tmp_path: Path) -> None:
    result = run_entry(_truncated(), tmp_path, ["bash"], env=_entry_env())
    stderr = result.stderr.decode()

    assert result.returncode == 2
    assert "payload is not valid JSON" in stderr
    assert "SystemError" not in stderr
    assert "internal error" not in stderr


def test_truncated_payload_logged(tmp_path: Path) -> None:
    run_entry(_truncated(), tmp_path, ["bash"], env=_entry_env())
    log = (tmp_path / ".claude" / "logs" / "cofee-hooks.log").read_text(encoding="utf-8")

    assert "payload is not valid JSON" in log
    assert "blocked" in log


def test_unreadable_not_git_exits_zero(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", str(tmp_path))
    stderr = io.StringIO()

    code = runtime.run(b'{"hook_event_name": "Stop", "x": ', io.StringIO(), stderr)

    assert code == 0
    assert stderr.getvalue() == ""
