"""SubagentStop and Stop handlers, fed the recorded Claude Code 2.1.332 payloads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cofee_hooks.claude.protocol import HookEvent
from cofee_hooks.config.fast import FastConfig
from cofee_hooks.memory.hooks import ASK_REASON, capture_date, handle_stop, handle_subagent_stop
from tests.memory.helpers import FIXTURES, RecordingLog, entry_text, make_config, section

SCENARIO = "09_subagent_bash_deny_inside"
SESSION = "6101d80d-a26c-4b50-8770-741338bbffbc"
AGENT_ID = "a282bc75f3c0d5354"


def samples(event: str) -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / "payloads" / f"{event}.json").read_text(encoding="utf-8"))
    return [sample["payload"] for sample in data["samples"]]


def recorded(event: str, scenario: str) -> dict[str, Any]:
    data = json.loads((FIXTURES / "payloads" / f"{event}.json").read_text(encoding="utf-8"))
    return next(dict(sample["payload"]) for sample in data["samples"] if sample["scenario"] == scenario)


def copy_transcripts(tmp_path: Path, scenario: str = SCENARIO) -> Path:
    target = tmp_path / "transcripts"
    shutil.copytree(FIXTURES / "transcripts" / scenario, target)
    return target


def subagent_payload(tmp_path: Path, **changes: Any) -> dict[str, Any]:
    folder = copy_transcripts(tmp_path)
    payload = recorded("SubagentStop", SCENARIO)
    payload["transcript_path"] = str(folder / f"{SESSION}.jsonl")
    payload["agent_transcript_path"] = str(folder / SESSION / "subagents" / f"agent-{AGENT_ID}.jsonl")
    payload.update(changes)
    return payload


def saved(memory_dir: Path, agent: str = "db-architect") -> list[str]:
    folder = memory_dir / agent
    if not folder.is_dir():
        return []
    return sorted(path.name for path in folder.iterdir() if path.suffix == ".md" and path.name != "INDEX.md")


def test_several_entries_saved(config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path) -> None:
    message = section(entry_text("orders-index"), entry_text("batch-mode", insight="Batch mode for SQLite"))
    payload = subagent_payload(tmp_path, last_assistant_message=message)

    answer = handle_subagent_stop(HookEvent(payload), config, log)

    assert answer is None
    names = saved(memory_dir)
    assert len(names) == 2
    assert any(name.endswith("-orders-index.md") for name in names)
    assert any(name.endswith("-batch-mode.md") for name in names)
    assert "saved .claude/agents-memory/db-architect/" in log.text("info")


def test_malformed_entry_reported_others_kept(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path
) -> None:
    broken = entry_text("broken").replace("## Source: EXPLAIN ANALYZE on a staging copy\n", "")
    payload = subagent_payload(tmp_path, last_assistant_message=section(entry_text("kept"), broken))

    handle_subagent_stop(HookEvent(payload), config, log)

    assert [name.split("-", 3)[3] for name in saved(memory_dir)] == ["kept.md"]
    warnings = log.text("warning")
    assert "entry '# 2026-12-04-broken.md' not saved: missing '## Source:'" in warnings


def test_firing_twice_writes_once(config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path) -> None:
    payload = subagent_payload(tmp_path, last_assistant_message=section(entry_text()))

    handle_subagent_stop(HookEvent(payload), config, log)
    handle_subagent_stop(HookEvent(payload), config, log)

    assert len(saved(memory_dir)) == 1
    assert "already saved in" in log.text("info")


def test_recorded_payloads_write_nothing(config: FastConfig, log: RecordingLog, memory_dir: Path) -> None:
    # Their transcript paths point nowhere here, so only the message is read.
    for payload in samples("SubagentStop"):
        assert handle_subagent_stop(HookEvent(payload), config, log) is None
    for payload in samples("Stop"):
        assert handle_stop(HookEvent(payload), config, log) is None

    assert not memory_dir.exists()
    assert log.text("error") == ""


def test_compaction_agent_skipped(config: FastConfig, log: RecordingLog, memory_dir: Path) -> None:
    payload = recorded("SubagentStop", "14_compact_continue")
    payload["last_assistant_message"] += "\n" + section(entry_text())

    handle_subagent_stop(HookEvent(payload), config, log)

    assert not memory_dir.exists()
    assert "agent type missing" in log.text("info")


def test_empty_agent_type_read_from_meta(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path
) -> None:
    payload = subagent_payload(tmp_path, agent_type="", last_assistant_message=section(entry_text()))

    handle_subagent_stop(HookEvent(payload), config, log)

    assert len(saved(memory_dir, "db-architect")) == 1


def test_empty_agent_type_without_meta_skipped(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path
) -> None:
    payload = subagent_payload(tmp_path, agent_type="", last_assistant_message=section(entry_text()))
    Path(payload["agent_transcript_path"]).with_suffix(".meta.json").unlink()

    handle_subagent_stop(HookEvent(payload), config, log)

    assert not memory_dir.exists()
    assert "agent type missing" in log.text("info")


@pytest.mark.parametrize("agent", ["../../etc", "/etc", "db\x00architect", "..", "a/b"])
def test_traversal_in_agent_type_rejected(
    config: FastConfig, log: RecordingLog, project: Path, tmp_path: Path, agent: str
) -> None:
    payload = subagent_payload(tmp_path, agent_type=agent, last_assistant_message=section(entry_text()))

    assert handle_subagent_stop(HookEvent(payload), config, log) is None

    assert list(tmp_path.rglob("*-orders-partial-index.md")) == []
    assert "rejected, nothing written" in log.text("warning")


def test_falls_back_to_transcript(config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path) -> None:
    payload = subagent_payload(tmp_path, last_assistant_message="")
    add_section_to_last_message(Path(payload["agent_transcript_path"]), section(entry_text("from-transcript")))

    handle_subagent_stop(HookEvent(payload), config, log)

    assert [name.split("-", 3)[3] for name in saved(memory_dir)] == ["from-transcript.md"]


def test_message_preferred_over_transcript(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path
) -> None:
    payload = subagent_payload(tmp_path, last_assistant_message=section(entry_text("from-message")))
    add_section_to_last_message(Path(payload["agent_transcript_path"]), section(entry_text("from-transcript")))

    handle_subagent_stop(HookEvent(payload), config, log)

    assert [name.split("-", 3)[3] for name in saved(memory_dir)] == ["from-message.md"]


def test_disabled_memory_writes_nothing(project: Path, log: RecordingLog, memory_dir: Path, tmp_path: Path) -> None:
    payload = subagent_payload(tmp_path, last_assistant_message=section(entry_text()))

    handle_subagent_stop(HookEvent(payload), make_config(project, enabled=False), log)

    assert not memory_dir.exists()


def test_configured_folder_used(project: Path, log: RecordingLog, tmp_path: Path) -> None:
    payload = subagent_payload(tmp_path, last_assistant_message=section(entry_text()))

    handle_subagent_stop(HookEvent(payload), make_config(project, folder="docs/memory"), log)

    assert len(list((project / "docs" / "memory" / "db-architect").glob("*-orders-partial-index.md"))) == 1


def test_ask_when_missing_off_by_default(config: FastConfig, log: RecordingLog, tmp_path: Path) -> None:
    payload = subagent_payload(tmp_path, last_assistant_message="done")
    add_file_edit(Path(payload["agent_transcript_path"]))

    assert handle_subagent_stop(HookEvent(payload), config, log) is None


def test_ask_once_when_files_changed(project: Path, log: RecordingLog, tmp_path: Path) -> None:
    config = make_config(project, ask_when_missing=True)
    payload = subagent_payload(tmp_path, last_assistant_message="done")
    add_file_edit(Path(payload["agent_transcript_path"]))

    first = handle_subagent_stop(HookEvent(payload), config, log)
    again = handle_subagent_stop(HookEvent({**payload, "stop_hook_active": True}), config, log)

    assert first == {"decision": "block", "reason": ASK_REASON}
    assert again is None


def test_no_ask_without_file_changes(project: Path, log: RecordingLog, tmp_path: Path) -> None:
    config = make_config(project, ask_when_missing=True)
    # The recorded subagent only ran Bash.
    payload = subagent_payload(tmp_path, last_assistant_message="done")

    assert handle_subagent_stop(HookEvent(payload), config, log) is None


def test_no_ask_when_section_present(project: Path, log: RecordingLog, tmp_path: Path) -> None:
    config = make_config(project, ask_when_missing=True)
    payload = subagent_payload(tmp_path, last_assistant_message=section(entry_text()))
    add_file_edit(Path(payload["agent_transcript_path"]))

    assert handle_subagent_stop(HookEvent(payload), config, log) is None


def test_stop_saves_into_main_agent_folder(project: Path, log: RecordingLog, memory_dir: Path) -> None:
    payload = recorded("Stop", "01_bash_deny_json")
    payload["last_assistant_message"] = section(entry_text("main-session"))

    assert handle_stop(HookEvent(payload), make_config(project, main_agent="lead"), log) is None

    assert [name.split("-", 3)[3] for name in saved(memory_dir, "lead")] == ["main-session.md"]


def test_stop_falls_back_to_session_transcript(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path
) -> None:
    folder = copy_transcripts(tmp_path, "01_bash_deny_json")
    transcript = folder / "0d02af1a-a83b-4898-b11b-e2c4d1b0c4e8.jsonl"
    add_section_to_last_message(transcript, section(entry_text("main-from-transcript")))
    payload = recorded("Stop", "01_bash_deny_json")
    payload["transcript_path"] = str(transcript)
    payload["last_assistant_message"] = ""

    handle_stop(HookEvent(payload), config, log)

    assert [name.split("-", 3)[3] for name in saved(memory_dir, "main")] == ["main-from-transcript.md"]


def test_handlers_fail_open(log: RecordingLog, tmp_path: Path) -> None:
    class Broken:
        root = str(tmp_path)

        @property
        def values(self) -> dict[str, Any]:
            raise RuntimeError("configuration exploded")

    payload = {"agent_type": "db-architect", "last_assistant_message": section(entry_text())}

    assert handle_subagent_stop(HookEvent(payload), Broken(), log) is None
    assert handle_stop(HookEvent(payload), Broken(), log) is None
    assert "configuration exploded" in log.text("error")


def add_section_to_last_message(transcript: Path, text: str) -> None:
    """Append `text` to the last assistant text block of a recorded transcript."""
    lines = transcript.read_text(encoding="utf-8").splitlines()
    for position in range(len(lines) - 1, -1, -1):
        record = json.loads(lines[position])
        if record.get("type") != "assistant":
            continue
        blocks = [block for block in record["message"]["content"] if block.get("type") == "text"]
        if not blocks:
            continue
        blocks[-1]["text"] += "\n\n" + text
        lines[position] = json.dumps(record)
        transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    raise AssertionError(f"{transcript} has no assistant text")


def add_file_edit(transcript: Path) -> None:
    """Insert an Edit tool use before the last record, as an agent that changed a file leaves."""
    lines = transcript.read_text(encoding="utf-8").splitlines()
    record = {
        "type": "assistant",
        "isSidechain": True,
        "message": {
            "id": "msg_edit",
            "role": "assistant",
            "content": [
                {"type": "tool_use", "id": "toolu_edit", "name": "Edit", "input": {"file_path": "models.py"}}
            ],
        },
    }
    lines.insert(len(lines) - 1, json.dumps(record))
    transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_agent_saved_file_itself(config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path) -> None:
    # The agent followed the protocol by hand and also ended with the section.
    own = memory_dir / "db-architect" / f"{capture_date()}-orders-partial-index.md"
    own.parent.mkdir(parents=True)
    own.write_text(entry_text(date=capture_date()), encoding="utf-8")
    payload = subagent_payload(tmp_path, last_assistant_message=section(entry_text()))

    handle_subagent_stop(HookEvent(payload), config, log)

    assert saved(memory_dir) == [own.name]
    assert own.read_text(encoding="utf-8") == entry_text(date=capture_date())
    assert f"already saved in .claude/agents-memory/db-architect/{own.name}" in log.text("info")
    assert (memory_dir / "db-architect" / "INDEX.md").read_text(encoding="utf-8").count(own.name) == 2


BROKEN_ENTRY = "# 2026-12-04-half.md\n## Insight: only an insight\n"


def test_ask_again_when_every_entry_rejected(project: Path, log: RecordingLog, tmp_path: Path) -> None:
    config = make_config(project, ask_when_missing=True)
    payload = subagent_payload(tmp_path, last_assistant_message=section(BROKEN_ENTRY))

    first = handle_subagent_stop(HookEvent(payload), config, log)
    again = handle_subagent_stop(HookEvent({**payload, "stop_hook_active": True}), config, log)

    assert first is not None
    assert first["decision"] == "block"
    assert "'# 2026-12-04-half.md': missing '## Domain:'" in first["reason"]
    assert again is None


def test_no_ask_again_when_one_entry_is_valid(project: Path, log: RecordingLog, tmp_path: Path) -> None:
    config = make_config(project, ask_when_missing=True)
    payload = subagent_payload(tmp_path, last_assistant_message=section(BROKEN_ENTRY, entry_text()))

    assert handle_subagent_stop(HookEvent(payload), config, log) is None


def test_no_ask_again_when_asking_is_off(config: FastConfig, log: RecordingLog, tmp_path: Path) -> None:
    payload = subagent_payload(tmp_path, last_assistant_message=section(BROKEN_ENTRY))

    assert handle_subagent_stop(HookEvent(payload), config, log) is None
    assert "not saved" in log.text("warning")


def test_stop_asks_again_for_rejected_main_section(project: Path, log: RecordingLog) -> None:
    payload = recorded("Stop", "01_bash_deny_json")
    payload["last_assistant_message"] = section(BROKEN_ENTRY)
    config = make_config(project, ask_when_missing=True)

    answer = handle_stop(HookEvent(payload), config, log)

    assert answer is not None
    assert answer["decision"] == "block"
    assert handle_stop(HookEvent({**payload, "stop_hook_active": True}), config, log) is None


def test_subagent_stop_logs_missing_type_and_transcript(config: FastConfig, log: RecordingLog) -> None:
    payload = {"hook_event_name": "SubagentStop", "session_id": "s-1", "agent_id": "a-7", "agent_type": ""}

    assert handle_subagent_stop(HookEvent(payload), config, log) is None

    assert "agent a-7 in session s-1 has no agent_transcript_path" in log.text("info")
    assert "agent type missing (agent_id a-7, session s-1)" in log.text("info")
