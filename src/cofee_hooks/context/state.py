"""Per-session record of the Context7 IDs and rule files given to the main session.

Each session has one JSON file under `.cofee-hooks-cache/sessions/` of the
project root, named after its sanitised session id. A prompt skips what the
file lists, and SessionStart after compaction or resume sends it
again. Subagent dispatch never reads or writes this state, because every
subagent starts with a fresh context. Files untouched for a week are deleted.
"""

from __future__ import annotations

import json
import os
import re
import time

CACHE_FOLDER = ".cofee-hooks-cache"
SESSIONS_FOLDER = "sessions"
MAX_AGE_SECONDS = 7 * 24 * 3600
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_MAX_NAME = 100


class SessionState:
    """Library IDs, rule paths and memory entries (relative to the project) given to one session, in order."""

    __slots__ = ("path", "libraries", "rules", "memory")

    def __init__(self, path: str | None, libraries: list[str], rules: list[str], memory: list[str] | None = None) -> None:
        self.path = path
        self.libraries = libraries
        self.rules = rules
        self.memory = memory if memory is not None else []

    @property
    def empty(self) -> bool:
        return not self.libraries and not self.rules

    def add(self, libraries: list[str], rules: list[str]) -> None:
        for library_id in libraries:
            if library_id not in self.libraries:
                self.libraries.append(library_id)
        for rule in rules:
            if rule not in self.rules:
                self.rules.append(rule)


def sanitize_session_id(session_id: str) -> str:
    """Return a file name for `session_id`: only letters, digits, `_` and `-`; '' when nothing is left."""
    return _UNSAFE.sub("_", session_id.strip())[:_MAX_NAME].strip("_")


def sessions_folder(root: str) -> str:
    return os.path.join(root, CACHE_FOLDER, SESSIONS_FOLDER)


def load_state(root: str, session_id: str) -> SessionState:
    """Read the state of `session_id`; a missing id gives a state that is never saved."""
    name = sanitize_session_id(session_id)
    if not name:
        return SessionState(None, [], [])
    path = os.path.join(sessions_folder(root), name + ".json")
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return SessionState(path, [], [])
    if not isinstance(data, dict):
        return SessionState(path, [], [])
    return SessionState(
        path, _strings(data.get("libraries")), _strings(data.get("rules")), _strings(data.get("memory"))
    )


def save_state(state: SessionState, now: float | None = None) -> None:
    """Write the state atomically; the first write of a session also deletes week-old files.

    Failures to write are ignored: without the file, the next prompt only
    repeats what this one gave.
    """
    if state.path is None:
        return
    folder = os.path.dirname(state.path)
    is_new = not os.path.exists(state.path)
    payload = json.dumps({"libraries": state.libraries, "rules": state.rules, "memory": state.memory})
    try:
        os.makedirs(folder, exist_ok=True)
        _ensure_gitignore(os.path.dirname(folder))
        temporary = f"{state.path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(temporary, state.path)
    except OSError:
        return
    if is_new:
        remove_stale(folder, time.time() if now is None else now)


def remove_stale(folder: str, now: float, max_age: float = MAX_AGE_SECONDS) -> list[str]:
    """Delete session files not modified for `max_age` seconds; return the names deleted."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.endswith((".json", ".tmp")):
            continue
        try:
            if now - entry.stat().st_mtime > max_age:
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str) and item]


def _ensure_gitignore(cache_folder: str) -> None:
    marker = os.path.join(cache_folder, ".gitignore")
    if not os.path.exists(marker):
        with open(marker, "w", encoding="utf-8") as handle:
            handle.write("# Cache of cofee-hooks; safe to delete at any time.\n*\n")
