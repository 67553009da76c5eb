"""SubagentStop, Stop and SessionEnd hooks: save the memory sections agents write.

Each handler follows the runtime's contract: `handler(event, config, log)`
returns a hook output dict or None. Every handler fails open, so an error is
logged and the agent goes on, because losing one memory entry is better than
stopping work.
Standard library only: these run at the end of every agent turn.

Claude Code 2.1.332 does not deliver SubagentStop reliably: it can be missing
for background agents, fire twice, or carry an empty `agent_type`. So
SessionEnd sweeps the session's subagent transcripts again. Writing is
deduplicated by content, so a second capture of the same entry writes nothing.
"""

from __future__ import annotations

import datetime
import os
import re
import time
from typing import Any, Protocol

from cofee_hooks.claude.protocol import HookEvent, block
from cofee_hooks.memory.section import ParsedSection, parse_message
from cofee_hooks.memory.store import UnsafeName, memory_root, store_entries
from cofee_hooks.memory.transcript import (
    agent_type_from_meta,
    changed_files,
    last_assistant_text,
    subagent_transcripts,
)

# Claude Code gives SessionEnd hooks 1.5 s in total unless the installed hook
# sets a longer timeout. `cofee-hooks install` sets 10 s, and the runtime stops
# a SessionEnd hook after 8 s. The sweep starts no new transcript after this
# many seconds, so it stays inside the installed timeout and logs what it skipped.
SWEEP_BUDGET_SECONDS = 5.0
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")

ASK_REASON = (
    "You changed files but your final message has no memory section. If you learned "
    "something a later run should know, end your message with <!-- memory --> ... "
    "<!-- /memory --> holding entries in the team format: '# <date>-<topic>.md', "
    "'## Insight:', '## Domain:', 2-5 lines of knowledge, '## Source:', "
    "'## Applies when:'. If there is nothing worth keeping, just finish."
)
REJECTED_REASON = (
    "Your memory section was not saved: no entry in it is valid. {reasons}. Write the section "
    "again at the end of your message, between <!-- memory --> and <!-- /memory -->, with "
    "entries in the team format: '# <date>-<topic>.md', '## Insight:', '## Domain:', "
    "2-5 lines of knowledge, '## Source:', '## Applies when:'. If there is nothing worth "
    "keeping, just finish."
)


class Log(Protocol):
    """The runtime's hook logger."""

    def info(self, message: str) -> None: ...
    def warning(self, message: str) -> None: ...
    def error(self, message: str) -> None: ...


def handle_subagent_stop(event: HookEvent, config: Any, log: Log) -> dict[str, Any] | None:
    """Save the memory section of a subagent's final message; maybe ask once for a missing one."""
    try:
        return _subagent_stop(event, config, log)
    except Exception as error:  # noqa: BLE001 - an advisory hook must never stop the agent
        log.error(f"memory: SubagentStop failed: {type(error).__name__}: {error}")
        return None


def handle_stop(event: HookEvent, config: Any, log: Log) -> dict[str, Any] | None:
    """Save the memory section of the main session's final message; maybe ask once to fix a rejected one."""
    try:
        return _stop(event, config, log)
    except Exception as error:  # noqa: BLE001 - an advisory hook must never stop the agent
        log.error(f"memory: Stop failed: {type(error).__name__}: {error}")
    return None


def handle_session_end(event: HookEvent, config: Any, log: Log) -> dict[str, Any] | None:
    """Capture the memory sections that SubagentStop and Stop missed in this session."""
    try:
        sweep_session(event, config, log, budget_seconds=_sweep_budget(config))
    except Exception as error:  # noqa: BLE001 - an advisory hook must never stop the client
        log.error(f"memory: SessionEnd failed: {type(error).__name__}: {error}")
    return None


def _subagent_stop(event: HookEvent, config: Any, log: Log) -> dict[str, Any] | None:
    settings = _settings(config)
    if settings is None:
        return None
    transcript = event.text("agent_transcript_path")
    if not transcript:
        log.info(
            f"memory: SubagentStop of agent {event.text('agent_id') or '<no agent_id>'} in session "
            f"{event.session_id or '<none>'} has no agent_transcript_path; only its last message is read"
        )
    agent = event.text("agent_type") or (agent_type_from_meta(transcript) if transcript else "")
    if not agent:
        # The internal compaction agent also stops with an empty type; it has no memory.
        log.info(
            f"memory: SubagentStop skipped: agent type missing (agent_id {event.text('agent_id') or '<none>'}, "
            f"session {event.session_id or '<none>'})"
        )
        return None

    parsed = parse_message(event.text("last_assistant_message"))
    if parsed is None and transcript:
        parsed = parse_message(last_assistant_text(transcript))
    if parsed is not None:
        capture(config, agent, parsed, log, origin="SubagentStop")
        return _ask_again(event, settings, parsed, agent, log)

    if settings["ask_when_missing"] and not event.flag("stop_hook_active"):
        if transcript and changed_files(transcript):
            log.info(f"memory: asked {agent} for its memory section")
            return block(ASK_REASON)
    return None


def _stop(event: HookEvent, config: Any, log: Log) -> dict[str, Any] | None:
    settings = _settings(config)
    if settings is None:
        return None
    parsed = parse_message(event.text("last_assistant_message"))
    transcript = event.text("transcript_path")
    if parsed is None and transcript:
        parsed = parse_message(last_assistant_text(transcript, main_chain_only=True))
    if parsed is None:
        return None
    capture(config, settings["main_agent"], parsed, log, origin="Stop")
    return _ask_again(event, settings, parsed, settings["main_agent"], log)


def _ask_again(
    event: HookEvent, settings: dict[str, Any], parsed: ParsedSection, agent: str, log: Log
) -> dict[str, Any] | None:
    """Block once when every entry of a section was rejected, so the agent can fix it."""
    if not settings["ask_when_missing"] or event.flag("stop_hook_active"):
        return None
    if parsed.entries or not parsed.rejected:
        return None
    reasons = "; ".join(f"'# {item.header}': {item.reason}" for item in parsed.rejected[:3])
    if len(parsed.rejected) > 3:
        reasons += f"; and {len(parsed.rejected) - 3} more"
    log.info(f"memory: asked {agent} to write its rejected memory section again")
    return block(REJECTED_REASON.format(reasons=reasons))


def sweep_session(
    event: HookEvent, config: Any, log: Log, *, budget_seconds: float = SWEEP_BUDGET_SECONDS
) -> dict[str, int]:
    """Read the last message of every subagent and of the session; save the sections found.

    Returns counts of entries by outcome (`written`, `duplicate`, `rejected`).
    """
    counts = {"written": 0, "duplicate": 0, "rejected": 0}
    settings = _settings(config)
    transcript = event.text("transcript_path")
    session_id = event.session_id
    if settings is None:
        return counts
    if not transcript or not os.path.isfile(transcript):
        what = "has no transcript_path" if not transcript else f"transcript_path {transcript} is not a file"
        log.warning(f"memory: SessionEnd of session {session_id or '<none>'} {what}; nothing swept")
        return counts
    deadline = time.monotonic() + budget_seconds

    found: dict[str, list[ParsedSection]] = {}
    paths = subagent_transcripts(transcript, session_id) if _SESSION_ID.match(session_id) else []
    for position, path in enumerate(paths):
        if time.monotonic() > deadline:
            log.warning(
                f"memory: SessionEnd sweep stopped after {budget_seconds:g} s; "
                f"{len(paths) - position} subagent transcript(s) not read"
            )
            break
        agent = agent_type_from_meta(path)
        if not agent:
            log.info(
                f"memory: SessionEnd of session {session_id}: {os.path.basename(path)} skipped, "
                "its .meta.json is missing or names no agent type"
            )
            continue
        parsed = parse_message(last_assistant_text(path))
        if parsed is not None:
            found.setdefault(agent, []).append(parsed)

    main = parse_message(last_assistant_text(transcript, main_chain_only=True))
    if main is not None:
        found.setdefault(settings["main_agent"], []).append(main)

    for agent, sections in found.items():
        merged = ParsedSection()
        for section in sections:
            merged.entries.extend(section.entries)
            merged.rejected.extend(section.rejected)
            merged.problems.extend(section.problems)
        for outcome, number in capture(config, agent, merged, log, origin="SessionEnd").items():
            counts[outcome] += number
    return counts


def capture(config: Any, agent: str, parsed: ParsedSection, log: Log, *, origin: str) -> dict[str, int]:
    """Store the valid entries of a parsed section and log every outcome."""
    counts = {"written": 0, "duplicate": 0, "rejected": len(parsed.rejected)}
    settings = config.values["memory"]
    for problem in parsed.problems:
        log.warning(f"memory: {origin} {agent}: {problem}")
    for rejected in parsed.rejected:
        log.warning(f"memory: {origin} {agent}: entry '# {rejected.header}' not saved: {rejected.reason}")
    try:
        root = memory_root(config)
        results = store_entries(
            root,
            agent,
            parsed.entries,
            capture_date(),
            redact_secrets=settings["redact_secrets"],
        )
    except UnsafeName as error:
        log.warning(f"memory: {origin}: rejected, nothing written: {error}")
        return counts
    for result in results:
        counts[result.status] += 1
        relative_path = os.path.relpath(result.path, str(config.root))
        if result.status == "written":
            log.info(f"memory: {origin} {agent}: saved {relative_path}")
            if result.redactions:
                # The kinds only, because the values must not reach the log either.
                log.warning(f"memory: redacted in {relative_path}: {', '.join(result.redactions)}")
        else:
            log.info(f"memory: {origin} {agent}: already saved in {relative_path}")
    return counts


def capture_date() -> str:
    """Return today's date (local time) as YYYY-MM-DD, the date entry files are named with."""
    return datetime.date.today().isoformat()


def _sweep_budget(config: Any) -> float:
    # A smaller `hooks.deadline_seconds` makes the runtime stop the hook sooner,
    # so the sweep keeps a margin below it for writing what it found.
    hooks = config.values.get("hooks") if isinstance(config.values, dict) else None
    deadline = hooks.get("deadline_seconds") if isinstance(hooks, dict) else None
    if isinstance(deadline, (int, float)) and not isinstance(deadline, bool) and deadline > 0:
        return min(SWEEP_BUDGET_SECONDS, deadline * 0.6)
    return SWEEP_BUDGET_SECONDS


def _settings(config: Any) -> dict[str, Any] | None:
    settings = config.values.get("memory") if isinstance(config.values, dict) else None
    if not isinstance(settings, dict) or not settings.get("enabled"):
        return None
    return settings

