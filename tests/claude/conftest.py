"""Helpers for the Claude Code runtime tests: recorded payloads and a real entry process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ENTRY_SCRIPT = REPO_ROOT / "hooks" / "cofee_hooks_entry.py"
PAYLOADS = REPO_ROOT / "tests" / "fixtures" / "claude" / "payloads"


def recorded_samples() -> list[tuple[str, int, dict[str, Any]]]:
    """Return (event file name, sample number, payload) for every recorded payload."""
    samples = []
    for path in sorted(PAYLOADS.glob("*.json")):
        if path.name.startswith("_"):
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        for number, sample in enumerate(document["samples"]):
            samples.append((path.stem, number, sample["payload"]))
    return samples


def entry_argument(payload: Any) -> list[str]:
    """Return the argument the installed settings give the entry script for this payload."""
    if isinstance(payload, dict) and payload.get("tool_name") == "Bash":
        if payload.get("hook_event_name") == "PreToolUse":
            return ["bash"]
        if payload.get("hook_event_name") == "PostToolUse":
            return ["post-bash"]
    return []


def run_entry(data: bytes, project: Path, argument: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the entry script as Claude Code does: `python -S script`, project folder as cwd."""
    environment = dict(os.environ if env is None else env)
    environment["CLAUDE_PROJECT_DIR"] = str(project)
    return subprocess.run(
        [sys.executable, "-S", str(ENTRY_SCRIPT), *argument],
        input=data,
        cwd=project,
        env=environment,
        capture_output=True,
        timeout=60,
    )


def assert_protocol_output(stdout: str, event_name: Any) -> dict[str, Any] | None:
    """Check stdout is empty or exactly one JSON object whose event-specific part names the event."""
    text = stdout.strip()
    if not text:
        return None
    assert text.startswith("{"), text[:200]
    decoder = json.JSONDecoder()
    value, end = decoder.raw_decode(text)
    assert text[end:].strip() == "", f"more than one JSON value on stdout: {text[:200]}"
    assert isinstance(value, dict)
    specific = value.get("hookSpecificOutput")
    if specific is not None:
        assert specific.get("hookEventName") == event_name
    return value


@pytest.fixture
def project(tmp_path: Path, git_env: dict[str, str]) -> Path:
    """A guarded workspace repository with a disallowed file staged."""
    root = tmp_path / "workspace"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    (root / ".claude").mkdir()
    (root / ".claude" / "cofee-hooks.yaml").write_text("commit_guard:\n  enabled: true\n", encoding="utf-8")
    (root / "README.md").write_text("readme\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=root, check=True)
    (root / "app.py").write_text("print(1)\n", encoding="utf-8")
    (root / "staged.txt").write_text("x\n", encoding="utf-8")
    subprocess.run(["git", "add", "app.py", "staged.txt"], cwd=root, check=True)
    return root


def localise(payload: dict[str, Any], project: Path) -> dict[str, Any]:
    """Point the recorded neutral paths at the test project."""
    text = json.dumps(payload).replace("/home/dev/workspace", str(project)).replace("/home/dev", str(project.parent / "home"))
    return json.loads(text)
