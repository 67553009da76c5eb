from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cofee_hooks.memory.transcript import (
    FIRST_CHUNK_BYTES,
    agent_type_from_meta,
    changed_files,
    last_assistant_text,
    subagent_transcripts,
)
from tests.memory.helpers import FIXTURES

RECORDED_SUBAGENT = (
    FIXTURES
    / "transcripts"
    / "09_subagent_bash_deny_inside"
    / "6101d80d-a26c-4b50-8770-741338bbffbc"
    / "subagents"
    / "agent-a282bc75f3c0d5354.jsonl"
)


def assistant(message_id: str, *blocks: dict[str, Any], sidechain: bool = False) -> dict[str, Any]:
    return {
        "type": "assistant",
        "isSidechain": sidechain,
        "message": {"id": message_id, "role": "assistant", "content": list(blocks)},
    }


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def user(value: str) -> dict[str, Any]:
    return {"type": "user", "message": {"role": "user", "content": value}}


def write(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def test_recorded_subagent_last_text() -> None:
    assert last_assistant_text(str(RECORDED_SUBAGENT)) == "SUBAGENT-RESULT: commit was blocked"


def test_recorded_meta_names_agent_type() -> None:
    assert agent_type_from_meta(str(RECORDED_SUBAGENT)) == "db-architect"


def test_recorded_subagent_did_not_change_files() -> None:
    assert changed_files(str(RECORDED_SUBAGENT)) is False


def test_message_split_over_records_joined(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.jsonl",
        user("go"),
        assistant("msg_1", text("earlier answer")),
        user("again"),
        assistant("msg_2", text("part one")),
        assistant("msg_2", {"type": "thinking", "thinking": "hidden"}),
        assistant("msg_2", text("part two")),
        {"type": "system", "subtype": "turn_duration"},
    )

    assert last_assistant_text(str(path)) == "part one\npart two"


def test_trailing_tool_use_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.jsonl",
        assistant("msg_1", text("the answer")),
        assistant("msg_2", {"type": "tool_use", "id": "t", "name": "Bash", "input": {}}),
    )

    assert last_assistant_text(str(path)) == "the answer"


def test_main_chain_only_skips_sidechain(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.jsonl",
        assistant("msg_1", text("main answer")),
        assistant("msg_2", text("subagent answer"), sidechain=True),
    )

    assert last_assistant_text(str(path), main_chain_only=True) == "main answer"
    assert last_assistant_text(str(path)) == "subagent answer"


def test_last_text_found_behind_large_history(tmp_path: Path) -> None:
    filler = [user("x" * 1000) for _ in range(3000)]
    path = write(tmp_path / "t.jsonl", assistant("msg_0", text("old")), *filler, assistant("msg_1", text("final")))

    assert path.stat().st_size > 2_000_000
    assert last_assistant_text(str(path)) == "final"


def test_last_message_longer_than_first_chunk(tmp_path: Path) -> None:
    long_text = "y" * (FIRST_CHUNK_BYTES * 3)
    path = write(tmp_path / "t.jsonl", user("go"), assistant("msg_1", text(long_text)))

    assert last_assistant_text(str(path)) == long_text


def test_text_far_before_trailing_records(tmp_path: Path) -> None:
    trailing = [{"type": "system", "note": "z" * 1000} for _ in range(200)]
    path = write(tmp_path / "t.jsonl", assistant("msg_1", text("answer")), *trailing)

    assert last_assistant_text(str(path)) == "answer"


def test_broken_lines_ignored(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(assistant("msg_1", text("ok"))) + "\n{not json\n\n[1, 2]\n", encoding="utf-8")

    assert last_assistant_text(str(path)) == "ok"


def test_missing_transcript_gives_empty(tmp_path: Path) -> None:
    assert last_assistant_text(str(tmp_path / "missing.jsonl")) == ""
    assert changed_files(str(tmp_path / "missing.jsonl")) is False
    assert agent_type_from_meta(str(tmp_path / "missing.jsonl")) == ""


def test_changed_files_detects_edit_tools(tmp_path: Path) -> None:
    for tool in ("Write", "Edit", "MultiEdit", "NotebookEdit"):
        path = write(
            tmp_path / f"{tool}.jsonl",
            assistant("msg_1", {"type": "tool_use", "id": "t", "name": tool, "input": {}}),
        )
        assert changed_files(str(path)) is True, tool


def test_changed_files_ignores_tool_names_in_text(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.jsonl",
        assistant("msg_1", text('I will not use the tool_use "name": "Write" today')),
        assistant("msg_2", {"type": "tool_use", "id": "t", "name": "Read", "input": {}}),
    )

    assert changed_files(str(path)) is False


def test_subagent_transcripts_listed(tmp_path: Path) -> None:
    folder = tmp_path / "session-1" / "subagents"
    folder.mkdir(parents=True)
    for name in ("agent-b.jsonl", "agent-a.jsonl", "agent-a.meta.json", "notes.txt"):
        (folder / name).write_text("", encoding="utf-8")

    found = subagent_transcripts(str(tmp_path / "session-1.jsonl"), "session-1")

    assert [Path(path).name for path in found] == ["agent-a.jsonl", "agent-b.jsonl"]
    assert subagent_transcripts(str(tmp_path / "other.jsonl"), "other") == []


def test_meta_without_agent_type(tmp_path: Path) -> None:
    (tmp_path / "agent-a.meta.json").write_text('{"agentType": 3}', encoding="utf-8")
    (tmp_path / "agent-b.meta.json").write_text("not json", encoding="utf-8")

    assert agent_type_from_meta(str(tmp_path / "agent-a.jsonl")) == ""
    assert agent_type_from_meta(str(tmp_path / "agent-b.jsonl")) == ""
