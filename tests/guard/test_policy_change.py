"""A commit that changes the policy is judged by the committed policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from cofee_hooks.claude.protocol import HookEvent
from cofee_hooks.config.fast import load_fast
from cofee_hooks.guard.agent_hook import handle_bash
from cofee_hooks.guard.git_hooks import install_git_hooks

from .conftest import Repo, make_repo

WIDER = "commit_guard:\n  enabled: true\n  allow: ['*.md', '.claude/', 'src/']\n"
OFF = "commit_guard:\n  enabled: false\n"


class _Log:
    def info(self, message: str) -> None:
        pass

    warning = error = info


@pytest.fixture
def guarded(repo: Repo) -> Repo:
    repo.write("README.md", "hello\n")
    repo.commit_all("seed")
    install_git_hooks(repo.path)
    return repo


def test_widened_policy_judged_by_old(guarded: Repo) -> None:
    guarded.write(".claude/cofee-hooks.yaml", WIDER)
    guarded.write("src/new.py")
    guarded.git("add", "-A")

    refused = guarded.git("commit", "-q", "-m", "widen and add", check=False)

    assert refused.returncode == 1
    assert "src/new.py" in refused.stderr
    assert "src/new.py" not in guarded.tracked()


def test_policy_then_paths_allowed(guarded: Repo) -> None:
    guarded.write(".claude/cofee-hooks.yaml", WIDER)
    guarded.git("add", ".claude/cofee-hooks.yaml")
    guarded.git("commit", "-q", "-m", "widen")
    guarded.write("src/new.py")
    guarded.git("add", "src/new.py")

    guarded.git("commit", "-q", "-m", "add code")

    assert "src/new.py" in guarded.tracked()


def test_guard_off_judged_by_old(guarded: Repo) -> None:
    guarded.write(".claude/cofee-hooks.yaml", OFF)
    guarded.write("src/new.py")
    guarded.git("add", "-A")

    refused = guarded.git("commit", "-q", "-m", "turn off and add", check=False)

    assert refused.returncode == 1
    assert "src/new.py" in refused.stderr


def test_first_commit_judged_by_staged(tmp_path: Path, git_env) -> None:
    repo = make_repo(tmp_path / "fresh", config=WIDER)
    install_git_hooks(repo.path)
    repo.write("src/new.py")
    repo.git("add", "-A")

    repo.git("commit", "-q", "-m", "first")

    assert "src/new.py" in repo.tracked()


def test_agent_hook_judges_by_old(guarded: Repo) -> None:
    guarded.write(".claude/cofee-hooks.yaml", WIDER)
    guarded.write("src/new.py")
    guarded.git("add", "-A")
    event = HookEvent(
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(guarded.path), "tool_input": {"command": "git commit -m x"}}
    )

    answer = handle_bash(event, load_fast(str(guarded.path)), _Log())

    assert answer is not None
    assert "src/new.py" in answer["hookSpecificOutput"]["permissionDecisionReason"]


NOTE_ON_HEAD = (
    "This commit changes .claude/cofee-hooks.yaml, so it is judged by the policy in HEAD; "
    "commit the policy change on its own first."
)


def test_git_hook_refusal_names_head_policy(guarded: Repo) -> None:
    guarded.write(".claude/cofee-hooks.yaml", WIDER)
    guarded.write("src/new.py")
    guarded.git("add", "-A")

    refused = guarded.git("commit", "-q", "-m", "widen and add", check=False)

    assert refused.returncode == 1
    assert NOTE_ON_HEAD in refused.stderr


def test_agent_hook_refusal_names_head_policy(guarded: Repo) -> None:
    guarded.write(".claude/cofee-hooks.yaml", WIDER)
    guarded.write("src/new.py")
    guarded.git("add", "-A")
    event = HookEvent(
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(guarded.path), "tool_input": {"command": "git commit -m x"}}
    )

    answer = handle_bash(event, load_fast(str(guarded.path)), _Log())

    assert answer is not None
    assert NOTE_ON_HEAD in answer["hookSpecificOutput"]["permissionDecisionReason"]


def test_refusal_without_policy_change_has_no_note(guarded: Repo) -> None:
    guarded.write("src/new.py")
    guarded.git("add", "-A")

    refused = guarded.git("commit", "-q", "-m", "add code", check=False)

    assert refused.returncode == 1
    assert "judged by the policy in HEAD" not in refused.stderr
