"""`git commit --amend` in the Claude Code hook: the amended commit keeps HEAD's changes."""

from __future__ import annotations

import pytest

from cofee_hooks.claude.protocol import HookEvent
from cofee_hooks.config.fast import load_fast
from cofee_hooks.guard.agent_hook import handle_bash

from .conftest import Repo


class _Log:
    def info(self, message: str) -> None:
        pass

    warning = error = info


def _judge(repo: Repo, command: str) -> str:
    event = HookEvent({"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(repo.path), "tool_input": {"command": command}})
    answer = handle_bash(event, load_fast(str(repo.path)), _Log())
    if answer is None:
        return ""
    return answer["hookSpecificOutput"]["permissionDecisionReason"]


@pytest.fixture
def seeded(repo: Repo) -> Repo:
    repo.write("README.md", "hello\n")
    repo.commit_all("seed")
    return repo


def test_amend_of_code_commit_denied(seeded: Repo) -> None:
    seeded.write("src/late.py")
    seeded.commit_all("slipped past the hook")

    reason = _judge(seeded, "git commit --amend -m 'reword'")

    assert "src/late.py" in reason


def test_amend_of_docs_commit_allowed(seeded: Repo) -> None:
    seeded.write("docs/a.md")
    seeded.commit_all("docs")
    seeded.write("docs/b.md")
    seeded.git("add", "docs/b.md")

    assert _judge(seeded, "git commit --amend --no-edit") == ""


def test_amend_of_root_commit(repo: Repo) -> None:
    repo.write("src/first.py")
    repo.commit_all("root")

    reason = _judge(repo, "git commit --amend --no-edit")

    assert "src/first.py" in reason
