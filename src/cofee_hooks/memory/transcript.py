"""Read what the memory hooks need from Claude Code session transcripts.

A transcript is JSON Lines: one record per line, with `type` (`user`,
`assistant`, `attachment`, `system`, ...) and, for messages, `message` in the
Messages API shape. One assistant message can span several records that share
`message.id`, one per content block. Transcripts grow large, so the last
assistant text is read from the end of the file, in growing chunks, instead of
parsing every record. Subagent transcripts sit in
`<session id>/subagents/agent-<id>.jsonl` beside the session's own file, with
`agent-<id>.meta.json` naming the agent type (`agentType`).
Standard library only.
"""

from __future__ import annotations

import json
import os
from typing import Any

FIRST_CHUNK_BYTES = 64 * 1024
MAX_TAIL_BYTES = 16 * 1024 * 1024
FILE_CHANGING_TOOLS = frozenset({"Write", "Edit", "MultiEdit", "NotebookEdit"})


def last_assistant_text(path: str, *, main_chain_only: bool = False) -> str:
    """Return the text of the last assistant message in a transcript, or ''.

    `main_chain_only` skips records marked `isSidechain`, which belong to
    subagents rather than the session itself. A missing or unreadable file
    gives ''.
    """
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as stream:
            chunk = FIRST_CHUNK_BYTES
            while True:
                start = max(0, size - chunk)
                stream.seek(start)
                lines = stream.read(size - start).split(b"\n")
                if start > 0:
                    lines = lines[1:]  # the first line is cut by the chunk boundary
                text, complete = _scan_backwards(lines, main_chain_only)
                if complete or start == 0 or chunk >= MAX_TAIL_BYTES:
                    return text
                chunk *= 4
    except OSError:
        return ""


def agent_type_from_meta(transcript_path: str) -> str:
    """Return `agentType` from the `.meta.json` beside a subagent transcript, or ''."""
    if not transcript_path.endswith(".jsonl"):
        return ""
    meta_path = transcript_path[: -len(".jsonl")] + ".meta.json"
    try:
        with open(meta_path, encoding="utf-8") as stream:
            meta = json.load(stream)
    except (OSError, ValueError):
        return ""
    value = meta.get("agentType") if isinstance(meta, dict) else None
    return value if isinstance(value, str) else ""


def changed_files(path: str) -> bool:
    """Return whether the transcript records a Write, Edit, MultiEdit or NotebookEdit tool use."""
    try:
        with open(path, "rb") as stream:
            for line in stream:
                # Cheap byte test first: only lines with a tool use are parsed.
                if b"tool_use" not in line:
                    continue
                record = _parse(line)
                if record is not None and _uses_file_tool(record):
                    return True
    except OSError:
        return False
    return False


def subagent_transcripts(session_transcript: str, session_id: str) -> list[str]:
    """Return the subagent transcripts of a session, sorted by file name."""
    folder = os.path.join(os.path.dirname(session_transcript), session_id, "subagents")
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [
        os.path.join(folder, name)
        for name in sorted(names)
        if name.startswith("agent-") and name.endswith(".jsonl")
    ]


def _scan_backwards(lines: list[bytes], main_chain_only: bool) -> tuple[str, bool]:
    """Return the last assistant message's text and whether a record before that message was seen.

    False means the scan reached the start of `lines`, so the message may begin earlier.
    """
    message_id: object = None
    texts: list[str] = []
    for line in reversed(lines):
        record = _parse(line)
        if record is None:
            continue
        if main_chain_only and record.get("isSidechain") is True:
            continue
        kind = record.get("type")
        if kind == "user" and message_id is not None:
            return _join(texts), True
        if kind != "assistant":
            continue
        message = record.get("message")
        if not isinstance(message, dict):
            continue
        blocks = _text_blocks(message)
        if message_id is None:
            if blocks:
                message_id = message.get("id") or id(record)
                texts.extend(reversed(blocks))
            continue
        if message.get("id") != message_id:
            return _join(texts), True
        texts.extend(reversed(blocks))
    return _join(texts), False


def _text_blocks(message: dict[str, Any]) -> list[str]:
    content = message.get("content")
    if isinstance(content, str):
        return [content] if content.strip() else []
    if not isinstance(content, list):
        return []
    return [
        block["text"]
        for block in content
        if isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str)
    ]


def _join(texts: list[str]) -> str:
    return "\n".join(reversed(texts))


def _uses_file_tool(record: dict[str, Any]) -> bool:
    message = record.get("message")
    if record.get("type") != "assistant" or not isinstance(message, dict):
        return False
    content = message.get("content")
    if not isinstance(content, list):
        return False
    return any(
        isinstance(block, dict) and block.get("type") == "tool_use" and block.get("name") in FILE_CHANGING_TOOLS
        for block in content
    )


def _parse(line: bytes) -> dict[str, Any] | None:
    line = line.strip()
    if not line.startswith(b"{"):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
