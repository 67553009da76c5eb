"""The SessionEnd sweep over recorded Claude Code 2.1.332 session transcripts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cofee_hooks.claude.protocol import HookEvent
from cofee_hooks.config.fast import FastConfig
from cofee_hooks.memory.hooks import (
    SWEEP_BUDGET_SECONDS,
    _sweep_budget,
    handle_session_end,
    handle_subagent_stop,
    sweep_session,
)
from tests.memory.helpers import FIXTURES, RecordingLog, entry_text, make_config, section
from tests.memory.test_hooks import add_section_to_last_message, recorded

SCENARIOS = sorted(path.name for path in (FIXTURES / "transcripts").iterdir() if path.is_dir())


def session_end_samples() -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / "payloads" / "SessionEnd.json").read_text(encoding="utf-8"))
    return [sample for sample in data["samples"] if sample["scenario"] in SCENARIOS]


def prepare(tmp_path: Path, scenario: str) -> tuple[Path, dict[str, Any]]:
    """Copy a recorded session and return its folder and its SessionEnd payload, pointed at the copy."""
    folder = tmp_path / "projects" / scenario
    shutil.copytree(FIXTURES / "transcripts" / scenario, folder)
    payload = recorded("SessionEnd", scenario)
    payload["transcript_path"] = str(folder / Path(payload["transcript_path"]).name)
    return folder, payload


def memory_files(memory_dir: Path) -> list[str]:
    if not memory_dir.exists():
        return []
    return sorted(
        str(path.relative_to(memory_dir))
        for path in memory_dir.rglob("*.md")
        if path.name != "INDEX.md"
    )


def subagent_file(folder: Path, payload: dict[str, Any]) -> Path:
    subagents = folder / payload["session_id"] / "subagents"
    return next(subagents.glob("agent-*.jsonl"))


@pytest.mark.parametrize("sample", session_end_samples(), ids=lambda sample: sample["scenario"])
def test_recorded_sessions_write_nothing(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path, sample: dict[str, Any]
) -> None:
    _, payload = prepare(tmp_path, sample["scenario"])

    assert handle_session_end(HookEvent(payload), config, log) is None

    assert memory_files(memory_dir) == []
    assert log.text("error") == ""
    assert log.text("warning") == ""


def test_recorded_subagents_exist() -> None:
    # The sweep tests below need recorded sessions that really have subagents.
    with_subagents = [name for name in SCENARIOS if list((FIXTURES / "transcripts" / name).glob("*/subagents/*.jsonl"))]
    assert len(with_subagents) >= 4


@pytest.mark.parametrize(
    "scenario",
    [
        "04_subagent_updated_input_allow",
        "06_subagent_control",
        "07_subagent_background_default",
        "08_subagent_updated_input_no_decision",
        "09_subagent_bash_deny_inside",
    ],
)
def test_missed_subagent_section_captured(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path, scenario: str
) -> None:
    folder, payload = prepare(tmp_path, scenario)
    add_section_to_last_message(subagent_file(folder, payload), section(entry_text("missed-by-subagent-stop")))

    counts = sweep_session(HookEvent(payload), config, log)

    assert counts == {"written": 1, "duplicate": 0, "rejected": 0}
    names = memory_files(memory_dir)
    assert len(names) == 1
    assert names[0].startswith("db-architect/")
    assert names[0].endswith("-missed-by-subagent-stop.md")


def test_sweep_after_subagent_stop_writes_nothing_new(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path
) -> None:
    folder, payload = prepare(tmp_path, "06_subagent_control")
    text = section(entry_text("captured-early"))
    transcript = subagent_file(folder, payload)
    add_section_to_last_message(transcript, text)
    stop = recorded("SubagentStop", "06_subagent_control")
    stop["agent_transcript_path"] = str(transcript)
    stop["last_assistant_message"] = text
    handle_subagent_stop(HookEvent(stop), config, log)

    counts = sweep_session(HookEvent(payload), config, log)

    assert counts == {"written": 0, "duplicate": 1, "rejected": 0}
    assert len(memory_files(memory_dir)) == 1


def test_sweep_skips_subagent_without_meta(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path
) -> None:
    folder, payload = prepare(tmp_path, "06_subagent_control")
    transcript = subagent_file(folder, payload)
    add_section_to_last_message(transcript, section(entry_text()))
    transcript.with_suffix(".meta.json").unlink()

    sweep_session(HookEvent(payload), config, log)

    assert memory_files(memory_dir) == []
    assert f"{transcript.name} skipped, its .meta.json is missing" in log.text("info")
    assert payload["session_id"] in log.text("info")


@pytest.mark.parametrize("transcript", ["", "folder"])
def test_sweep_logs_unusable_transcript_path(
    config: FastConfig, log: RecordingLog, tmp_path: Path, transcript: str
) -> None:
    payload = {"hook_event_name": "SessionEnd", "session_id": "s-1", "transcript_path": str(tmp_path) if transcript else ""}

    sweep_session(HookEvent(payload), config, log)

    assert "memory: SessionEnd of session s-1" in log.text("warning")
    assert "nothing swept" in log.text("warning")


def test_sweep_captures_main_session_section(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path
) -> None:
    folder, payload = prepare(tmp_path, "06_subagent_control")
    add_section_to_last_message(Path(payload["transcript_path"]), section(entry_text("main-topic")))

    sweep_session(HookEvent(payload), config, log)

    assert [name.split("/")[0] for name in memory_files(memory_dir)] == ["main"]


def test_sweep_reports_malformed_entries(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path
) -> None:
    folder, payload = prepare(tmp_path, "06_subagent_control")
    broken = entry_text("broken").replace("## Insight: A partial index on open orders beats a full one\n", "")
    add_section_to_last_message(subagent_file(folder, payload), section(entry_text("kept"), broken))

    counts = sweep_session(HookEvent(payload), config, log)

    assert counts == {"written": 1, "duplicate": 0, "rejected": 1}
    assert "missing '## Insight:'" in log.text("warning")


def test_unsafe_session_id_not_followed(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path
) -> None:
    folder, payload = prepare(tmp_path, "06_subagent_control")
    add_section_to_last_message(subagent_file(folder, payload), section(entry_text()))
    payload["session_id"] = "../" + payload["session_id"]

    sweep_session(HookEvent(payload), config, log)

    assert memory_files(memory_dir) == []


def make_session(tmp_path: Path, subagents: int) -> tuple[dict[str, Any], list[str]]:
    """Build a session with `subagents` subagent transcripts from a recorded one, each with a section."""
    folder, payload = prepare(tmp_path, "09_subagent_bash_deny_inside")
    template = subagent_file(folder, payload)
    meta = json.loads(template.with_suffix(".meta.json").read_text(encoding="utf-8"))
    agents = []
    for number in range(subagents):
        agent = f"agent-type-{number % 6}"
        target = template.parent / f"agent-b{number:016x}.jsonl"
        shutil.copyfile(template, target)
        add_section_to_last_message(target, section(entry_text(f"topic-{number}", insight=f"insight {number}")))
        target.with_suffix(".meta.json").write_text(json.dumps({**meta, "agentType": agent}), encoding="utf-8")
        agents.append(agent)
    return payload, agents


def test_thirty_subagents_all_captured(
    config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path
) -> None:
    payload, agents = make_session(tmp_path, 30)

    counts = sweep_session(HookEvent(payload), config, log)

    assert counts == {"written": 30, "duplicate": 0, "rejected": 0}
    names = memory_files(memory_dir)
    assert len(names) == 30
    for number, agent in enumerate(agents):
        assert any(name.startswith(f"{agent}/") and name.endswith(f"-topic-{number}.md") for name in names)
    assert "not read" not in log.text()


def test_sweep_budget_stops_early(config: FastConfig, log: RecordingLog, memory_dir: Path, tmp_path: Path) -> None:
    payload, _ = make_session(tmp_path, 3)

    sweep_session(HookEvent(payload), config, log, budget_seconds=-1.0)

    assert memory_files(memory_dir) == []
    assert "4 subagent transcript(s) not read" in log.text("warning")


def test_sweep_budget_follows_hook_deadline(project: Path) -> None:
    config = make_config(project)
    config.values["hooks"]["deadline_seconds"] = 2

    assert _sweep_budget(config) == pytest.approx(1.2)
    assert _sweep_budget(make_config(project)) == SWEEP_BUDGET_SECONDS
