"""The Claude Code hook's log says what happened to the whole Bash call."""

from __future__ import annotations

import pytest

from cofee_hooks.claude.protocol import HookEvent
from cofee_hooks.config.fast import load_fast
from cofee_hooks.guard.agent_hook import handle_bash

from .conftest import Repo


@pytest.fixture
def seeded(repo: Repo) -> Repo:
    repo.write("README.md", "hello\n")
    repo.commit_all("seed")
    return repo


class _RecordingLog:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str) -> None:
        self.lines.append(message)

    warning = error = info


def test_log_of_denied_skip_says_denied(seeded: Repo) -> None:
    seeded.write("docs/a.md")
    seeded.git("add", "docs/a.md")
    log = _RecordingLog()
    event = HookEvent(
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(seeded.path), "tool_input": {"command": "git commit -n -m x"}}
    )

    answer = handle_bash(event, load_fast(str(seeded.path)), log)

    assert answer is not None
    assert not any(line.endswith(": allowed") for line in log.lines), log.lines
    assert any(line.startswith("denied the Bash call") for line in log.lines), log.lines
