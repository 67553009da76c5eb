from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from cofee_hooks.claude.protocol import HookEvent
from cofee_hooks.config.fast import load_fast
from cofee_hooks.context import hooks
from cofee_hooks.context.inject import END_MARKER, HEADING
from cofee_hooks.context.state import load_state, remove_stale, sanitize_session_id, save_state

from .conftest import write

PAYLOADS = Path(__file__).resolve().parent.parent / "fixtures" / "claude" / "payloads"


def recorded_agent_payloads() -> list[dict]:
    data = json.loads((PAYLOADS / "PreToolUse.json").read_text(encoding="utf-8"))
    return [sample["payload"] for sample in data["samples"] if sample["payload"].get("tool_name") == "Agent"]


def prompt_event(text: str, session: str = "session-1") -> HookEvent:
    return HookEvent({"hook_event_name": "UserPromptSubmit", "session_id": session, "prompt": text})


def start_event(source: str, session: str = "session-1") -> HookEvent:
    return HookEvent({"hook_event_name": "SessionStart", "session_id": session, "source": source})


def dispatch_event(tool_input: dict, tool_name: str = "Agent") -> HookEvent:
    return HookEvent(
        {"hook_event_name": "PreToolUse", "session_id": "session-1", "tool_name": tool_name, "tool_input": tool_input}
    )


def context_of(answer: dict) -> str:
    return answer["hookSpecificOutput"]["additionalContext"]


# Subagent dispatch --------------------------------------------------------------


def test_recorded_agent_payloads_exist():
    assert len(recorded_agent_payloads()) >= 5


@pytest.mark.parametrize("payload", recorded_agent_payloads(), ids=lambda payload: str(sorted(payload["tool_input"])))
def test_dispatch_answer_is_full_copy(payload, config, log):
    original = json.loads(json.dumps(payload["tool_input"]))
    answer = hooks.handle_agent_dispatch(HookEvent(payload), config, log)

    assert answer["hookSpecificOutput"]["hookEventName"] == "PreToolUse"
    updated = answer["hookSpecificOutput"]["updatedInput"]
    assert set(updated) == set(original)
    for key, value in original.items():
        if key != "prompt":
            assert updated[key] == value, key
            assert type(updated[key]) is type(value), key
    assert updated["prompt"].startswith(original["prompt"])
    assert updated["prompt"] != original["prompt"]
    assert payload["tool_input"] == original, "the payload must not be changed in place"


def test_dispatch_gives_agent_libraries_and_rules(config, log):
    tool_input = {"description": "Design schema", "prompt": "design the orders table", "subagent_type": "db-architect"}
    prompt = hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log)["hookSpecificOutput"]["updatedInput"]["prompt"]
    assert "`/websites/sqlalchemy_en_21`" in prompt
    assert "`/sqlalchemy/alembic`" in prompt
    assert "Check every foreign key for an index." in prompt
    assert "Run pytest before you report." not in prompt


def test_dispatch_task_text_triggers(config, log):
    tool_input = {
        "description": "Pool",
        "prompt": "import asyncpg and edit alembic/versions/0002.py",
        "subagent_type": "db-architect",
    }
    prompt = hooks.handle_agent_dispatch(dispatch_event(tool_input, "Task"), config, log)["hookSpecificOutput"]["updatedInput"]["prompt"]
    assert "`/magicstack/asyncpg`" in prompt
    assert "Every revision needs a downgrade." in prompt


def test_dispatch_unknown_agent_gets_task_context(config, log):
    tool_input = {"description": "Video", "prompt": "write the storyboard with remotion", "subagent_type": "no-such-agent"}
    prompt = hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log)["hookSpecificOutput"]["updatedInput"]["prompt"]
    assert "`/remotion-dev/remotion`" in prompt
    assert "Keep title cards under three seconds." in prompt
    assert "/websites/sqlalchemy_en_21" not in prompt


def test_dispatch_nothing_applies(config, log):
    tool_input = {"description": "Docs", "prompt": "fix a typo in the readme", "subagent_type": "writer"}
    assert hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log) is None


def test_dispatch_does_not_inject_twice(config, log):
    tool_input = {"description": "d", "prompt": "design it", "subagent_type": "db-architect"}
    first = hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log)["hookSpecificOutput"]["updatedInput"]
    assert HEADING in first["prompt"]
    assert first["prompt"].endswith(END_MARKER + "\n")
    assert hooks.handle_agent_dispatch(dispatch_event(first), config, log) is None
    assert any("skipped" in message for _, message in log.lines)


def test_dispatch_prompt_quoting_the_heading_still_gets_the_block(config, log):
    prompt = f"Explain why the block under '{HEADING}' was too long, then design it."
    tool_input = {"description": "d", "prompt": prompt, "subagent_type": "db-architect"}
    answer = hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log)
    assert answer is not None
    assert "`/websites/sqlalchemy_en_21`" in answer["hookSpecificOutput"]["updatedInput"]["prompt"]


def test_dispatch_ignores_session_state(config, log):
    hooks.handle_user_prompt(prompt_event("tune the SQLAlchemy session"), config, log)
    tool_input = {"description": "d", "prompt": "use sqlalchemy", "subagent_type": "writer"}
    prompt = hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log)["hookSpecificOutput"]["updatedInput"]["prompt"]
    assert "`/websites/sqlalchemy_en_21`" in prompt


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"tool_name": "Agent"},
        {"tool_name": "Agent", "tool_input": "not a mapping"},
        {"tool_name": "Agent", "tool_input": {"prompt": 42, "subagent_type": "db-architect"}},
        {"tool_name": "Agent", "tool_input": {"prompt": "x", "subagent_type": ["db-architect"]}},
        {"tool_name": "Bash", "tool_input": {"command": "ls"}},
    ],
)
def test_dispatch_odd_input(raw, config, log):
    answer = hooks.handle_agent_dispatch(HookEvent(raw), config, log)
    assert answer is None
    assert not [line for line in log.lines if line[0] == "error"]


def test_dispatch_disabled(project, log):
    write(project, ".claude/cofee-hooks.yaml", (project / ".claude/cofee-hooks.yaml").read_text() + "context:\n  enabled: false\n")
    config = load_fast(str(project))
    tool_input = {"description": "d", "prompt": "design it", "subagent_type": "db-architect"}
    assert hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log) is None


def test_dispatch_failure_is_logged_not_raised(config, log, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(hooks, "load_rules", broken)
    tool_input = {"description": "d", "prompt": "design it", "subagent_type": "db-architect"}
    assert hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log) is None
    assert log.lines == [("error", "context injection at subagent dispatch failed: RuntimeError: disk on fire")]


def test_dispatch_adds_memory_recall(project, config, log, monkeypatch):
    import cofee_hooks.memory.recall as recall_module

    (project / ".claude" / "agents-memory").mkdir()
    calls = []

    def fake_recall(config_arg, agent_type, task_text, budget):
        calls.append((agent_type, task_text, budget))
        return "### Memory of db-architect\n\n- orders use soft deletes"

    monkeypatch.setattr(recall_module, "recall_for_dispatch", fake_recall)
    tool_input = {"description": "Design", "prompt": "design the orders table", "subagent_type": "db-architect"}
    prompt = hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log)["hookSpecificOutput"]["updatedInput"]["prompt"]
    assert prompt.rstrip().endswith(f"- orders use soft deletes\n{END_MARKER}")
    # A probe within the memory share, then the call whose result is used.
    assert len(calls) == 2
    agent_type, task_text, budget = calls[-1]
    assert agent_type == "db-architect"
    assert "design the orders table" in task_text
    assert 0 < budget < 9500


def test_dispatch_memory_only(project, config, log, monkeypatch):
    import cofee_hooks.memory.recall as recall_module

    (project / ".claude" / "agents-memory").mkdir()
    monkeypatch.setattr(recall_module, "recall_for_dispatch", lambda *args: "### Memory\n\n- a fact")
    tool_input = {"description": "Docs", "prompt": "fix a typo", "subagent_type": "writer"}
    prompt = hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log)["hookSpecificOutput"]["updatedInput"]["prompt"]
    assert "- a fact" in prompt


def test_dispatch_memory_failure_still_injects(project, config, log, monkeypatch):
    import cofee_hooks.memory.recall as recall_module

    (project / ".claude" / "agents-memory").mkdir()
    def broken(*args):
        raise RuntimeError("index unreadable")

    monkeypatch.setattr(recall_module, "recall_for_dispatch", broken)
    tool_input = {"description": "d", "prompt": "design it", "subagent_type": "db-architect"}
    prompt = hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log)["hookSpecificOutput"]["updatedInput"]["prompt"]
    assert "`/websites/sqlalchemy_en_21`" in prompt
    assert ("warning", "memory recall failed: RuntimeError: index unreadable") in log.lines


def test_dispatch_without_memory_package(project, config, log, monkeypatch):
    import sys

    (project / ".claude" / "agents-memory").mkdir()
    monkeypatch.setitem(sys.modules, "cofee_hooks.memory.recall", None)
    tool_input = {"description": "d", "prompt": "design it", "subagent_type": "db-architect"}
    prompt = hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log)["hookSpecificOutput"]["updatedInput"]["prompt"]
    assert "`/websites/sqlalchemy_en_21`" in prompt


def test_dispatch_with_real_memory(project, config, log):
    section = pytest.importorskip("cofee_hooks.memory.section")
    store = pytest.importorskip("cofee_hooks.memory.store")
    entry_text = (
        "# 2026-11-01-orders-index.md\n"
        "## Insight: Index orders by customer before reports\n"
        "## Domain: indexes\n"
        "Reports filter orders by customer.\n"
        "Use a btree index.\n"
        "## Source: EXPLAIN on staging\n"
        "## Applies when: designing the orders table\n"
    )
    entry = section.parse_entry_file(entry_text)
    assert entry is not None
    store.store_entries(str(project / ".claude" / "agents-memory"), "db-architect", [entry], "2026-11-01")

    tool_input = {"description": "Design", "prompt": "design the orders table", "subagent_type": "db-architect"}
    prompt = hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log)["hookSpecificOutput"]["updatedInput"]["prompt"]
    block = prompt[len("design the orders table\n\n") :]
    assert "## Memory of db-architect" in block
    assert "Index orders by customer before reports" in block
    assert "`/websites/sqlalchemy_en_21`" in block
    assert len(block) <= 9500


def test_dispatch_skips_memory_without_folder(config, log, monkeypatch):
    import cofee_hooks.memory.recall as recall_module

    def unexpected(*args):
        raise AssertionError("recall must not run without a memory folder")

    monkeypatch.setattr(recall_module, "recall_for_dispatch", unexpected)
    tool_input = {"description": "d", "prompt": "design it", "subagent_type": "db-architect"}
    assert hooks.handle_agent_dispatch(dispatch_event(tool_input), config, log) is not None
    assert not [line for line in log.lines if line[0] != "info"]


# User prompt -----------------------------------------------------------------


def test_prompt_gets_mentioned_ids_and_rules(config, log):
    answer = hooks.handle_user_prompt(prompt_event("from sqlalchemy.orm import Session in src/api/orders.ts"), config, log)
    assert answer["hookSpecificOutput"]["hookEventName"] == "UserPromptSubmit"
    text = context_of(answer)
    assert "`/websites/sqlalchemy_en_21`" in text
    assert "Validate every request body." in text
    assert "/sqlalchemy/alembic" not in text, "agent libraries are for subagents only"


def test_prompt_nothing_applies(config, log):
    assert hooks.handle_user_prompt(prompt_event("hello"), config, log) is None
    assert hooks.handle_user_prompt(prompt_event(""), config, log) is None


def test_task_notification_is_not_a_user_prompt(config, log):
    data = json.loads((PAYLOADS / "UserPromptSubmit.json").read_text(encoding="utf-8"))
    notices = [s["payload"] for s in data["samples"] if s["payload"]["prompt"].startswith("<task-notification>")]
    assert notices
    for payload in notices:
        payload = {**payload, "prompt": payload["prompt"].replace("SUBAGENT-RESULT", "used pytest and sqlalchemy")}
        assert hooks.handle_user_prompt(HookEvent(payload), config, log) is None


def test_prompt_not_given_twice_per_session(config, log):
    assert hooks.handle_user_prompt(prompt_event("use pytest"), config, log) is not None
    assert hooks.handle_user_prompt(prompt_event("more pytest please"), config, log) is None
    other_session = hooks.handle_user_prompt(prompt_event("more pytest please", session="session-2"), config, log)
    assert "`/pytest-dev/pytest`" in context_of(other_session)


def test_prompt_gives_only_what_is_new(config, log):
    hooks.handle_user_prompt(prompt_event("use pytest"), config, log)
    text = context_of(hooks.handle_user_prompt(prompt_event("pytest with asyncpg"), config, log))
    assert "`/magicstack/asyncpg`" in text
    assert "/pytest-dev/pytest" not in text


def test_prompt_without_session_id_is_not_recorded(config, log):
    assert hooks.handle_user_prompt(prompt_event("use pytest", session=""), config, log) is not None
    assert hooks.handle_user_prompt(prompt_event("use pytest", session=""), config, log) is not None


# Session start -----------------------------------------------------------------


def test_reinjected_after_compaction(config, log):
    hooks.handle_user_prompt(prompt_event("pytest and the storyboard"), config, log)
    answer = hooks.handle_session_start(start_event("compact"), config, log)
    assert answer["hookSpecificOutput"]["hookEventName"] == "SessionStart"
    text = context_of(answer)
    assert "Sent again after compaction" in text
    assert "`/pytest-dev/pytest`" in text
    assert "Keep title cards under three seconds." in text


def test_reinjected_after_resume(config, log):
    hooks.handle_user_prompt(prompt_event("use pytest"), config, log)
    assert "`/pytest-dev/pytest`" in context_of(hooks.handle_session_start(start_event("resume"), config, log))


def test_clear_sends_nothing_and_resets_the_session(config, log):
    hooks.handle_user_prompt(prompt_event("use pytest"), config, log)
    assert hooks.handle_session_start(start_event("clear"), config, log) is None
    assert any("cleared" in message for _, message in log.lines)
    # The cleared session no longer has the ID, so the next prompt that calls for it gets it.
    assert "`/pytest-dev/pytest`" in context_of(hooks.handle_user_prompt(prompt_event("pytest again"), config, log))


def test_startup_injects_nothing(config, log):
    hooks.handle_user_prompt(prompt_event("use pytest"), config, log)
    assert hooks.handle_session_start(start_event("startup"), config, log) is None


def test_session_start_without_history(config, log):
    assert hooks.handle_session_start(start_event("compact", session="fresh"), config, log) is None


def test_state_kept_after_reinjection(config, log):
    hooks.handle_user_prompt(prompt_event("use pytest"), config, log)
    hooks.handle_session_start(start_event("compact"), config, log)
    assert hooks.handle_user_prompt(prompt_event("pytest again"), config, log) is None
    assert "`/pytest-dev/pytest`" in context_of(hooks.handle_session_start(start_event("compact"), config, log))


def test_reinjection_skips_deleted_rule(project, config, log):
    hooks.handle_user_prompt(prompt_event("pytest and the storyboard"), config, log)
    (project / ".claude/agent-rules/video-style.md").unlink()
    text = context_of(hooks.handle_session_start(start_event("compact"), config, log))
    assert "Video style" not in text
    assert "`/pytest-dev/pytest`" in text


# Session state -----------------------------------------------------------------


def test_session_id_sanitised():
    assert sanitize_session_id("../../etc/passwd") == "etc_passwd"
    assert sanitize_session_id("cb495db9-1daf-4636-b3b5-20b8879649fd") == "cb495db9-1daf-4636-b3b5-20b8879649fd"
    assert sanitize_session_id("") == ""
    assert len(sanitize_session_id("a" * 500)) == 100


def test_state_file_stays_in_cache_folder(project, config, log):
    hooks.handle_user_prompt(prompt_event("use pytest", session="../../escape"), config, log)
    files = sorted(path.name for path in (project / ".cofee-hooks-cache" / "sessions").iterdir())
    assert files == ["escape.json"]
    assert not (project.parent / "escape.json").exists()


def test_state_written_atomically(project):
    state = load_state(str(project), "s1")
    state.add(["/a/b"], [".claude/agent-rules/x.md"])
    save_state(state)
    folder = project / ".cofee-hooks-cache" / "sessions"
    assert [path.name for path in folder.iterdir()] == ["s1.json"]
    again = load_state(str(project), "s1")
    assert again.libraries == ["/a/b"]
    assert again.rules == [".claude/agent-rules/x.md"]


def test_corrupt_state_is_empty(project):
    folder = project / ".cofee-hooks-cache" / "sessions"
    folder.mkdir(parents=True)
    (folder / "s1.json").write_text("[1, 2", encoding="utf-8")
    assert load_state(str(project), "s1").empty


def test_week_old_state_removed(project):
    folder = project / ".cofee-hooks-cache" / "sessions"
    folder.mkdir(parents=True)
    old = folder / "old.json"
    recent = folder / "recent.json"
    old.write_text("{}", encoding="utf-8")
    recent.write_text("{}", encoding="utf-8")
    eight_days_ago = time.time() - 8 * 24 * 3600
    os.utime(old, (eight_days_ago, eight_days_ago))

    state = load_state(str(project), "new-session")
    state.add(["/a/b"], [])
    save_state(state)

    assert sorted(path.name for path in folder.iterdir()) == ["new-session.json", "recent.json"]


def test_remove_stale_keeps_fresh_files(tmp_path):
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    assert remove_stale(str(tmp_path), time.time()) == []
    assert remove_stale(str(tmp_path), time.time() + 8 * 24 * 3600) == ["a.json"]


# Memory of the main session ------------------------------------------------------


def save_main_entry(project: Path, topic: str, domain: str, applies_when: str) -> None:
    from cofee_hooks.memory.section import parse_entry_file
    from cofee_hooks.memory.store import store_entries

    text = (
        f"# 2026-11-01-{topic}.md\n## Insight: insight about {topic}\n## Domain: {domain}\n"
        "first line of knowledge\nsecond line of knowledge\n"
        f"## Source: a session\n## Applies when: {applies_when}\n"
    )
    entry = parse_entry_file(text)
    store_entries(str(project / ".claude" / "agents-memory"), "main", [entry], "2026-11-01")


def test_prompt_recalls_main_session_memory_once(project, config, log):
    save_main_entry(project, "release-steps", "releases", "cutting a release of the backend")
    save_main_entry(project, "css-tokens", "styling", "changing colours of the web app")

    answer = hooks.handle_user_prompt(prompt_event("prepare the next releases"), config, log)
    text = context_of(answer)
    assert "## Memory of the main session" in text
    assert "# 2026-11-01-release-steps.md" in text
    assert "css-tokens" not in text
    assert any("1 memory entry in full" in message for _, message in log.lines)

    assert hooks.handle_user_prompt(prompt_event("and the releases again"), config, log) is None


def test_prompt_without_matching_memory_adds_nothing(project, config, log):
    save_main_entry(project, "release-steps", "releases", "cutting a release of the backend")
    assert hooks.handle_user_prompt(prompt_event("Adding a button to the settings page."), config, log) is None


def test_main_memory_shares_the_budget(project, log):
    save_main_entry(project, "release-steps", "releases", "cutting a release of the backend")
    write(project, ".claude/cofee-hooks.yaml", "context:\n  budget: 300\n" + (project / ".claude/cofee-hooks.yaml").read_text())
    config = load_fast(str(project))
    answer = hooks.handle_user_prompt(prompt_event("use pytest for the releases"), config, log)
    assert len(context_of(answer)) <= 300


def test_prompt_logs_rule_with_broken_frontmatter_once(project, config, log):
    write(project, ".claude/agent-rules/broken.md", "---\nkeywords: [storyboard\n---\n# Broken\n")
    write(project, ".claude/agent-rules/nested.md", "---\nkeywords:\n  alembic: yes\n---\n# Nested\n")

    hooks.handle_user_prompt(prompt_event("draft the storyboard"), config, log)
    hooks.handle_user_prompt(prompt_event("draft the storyboard again", session="session-2"), config, log)

    warnings = [message for level, message in log.lines if level == "warning"]
    assert warnings == [
        "rule file .claude/agent-rules/broken.md: keywords: flow list without a closing ']'; run cofee-hooks context check",
        "rule file .claude/agent-rules/nested.md: nested mapping under a key ignored: 'alembic: yes'; "
        "run cofee-hooks context check",
    ]
