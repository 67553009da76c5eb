"""Write memory entries to `<memory folder>/<agent>/`, one file per entry.

Guarantees, for every writer that goes through this module:

- A file name is never overwritten: a new file is linked into place with
  `os.link`, which fails when the name exists, and the next numbered name
  (`...-2.md`) is tried instead.
- No partial file is ever visible: content goes to a temporary file first.
- Writers of one agent folder are serialised by `fcntl.flock` on `.lock` in
  that folder, so concurrent hooks neither lose entries nor write duplicates.
- An entry whose content already exists anywhere in the agent's folder (also
  when the agent saved the file itself) is not written again.
- `INDEX.md` in the agent folder lists every entry with its "Applies when"
  and is rebuilt on every write.

Agent names and topics are sanitised before they become path components, and
a path that would leave the memory folder is rejected. Standard library only.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import unicodedata
from typing import Any, Iterator, NamedTuple

# The read side lives in `index`; its names are imported here so that callers
# of `store` keep working.
from cofee_hooks.memory.index import (  # noqa: F401 - re-exported
    INDEX_NAME,
    MAX_AGENT_NAME_LENGTH,
    IndexedEntry,
    UnsafeName,
    _read_text,
    agent_folder,
    agent_folder_name,
    entry_files,
    load_summaries,
    memory_root,
    read_index,
)
from cofee_hooks.memory.redact import redact
from cofee_hooks.memory.section import MemoryEntry, parse_entry_file

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no fcntl
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".lock"
MAX_TOPIC_LENGTH = 60
_DATE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-")
_SLUG_UNSAFE = re.compile(r"[\W_]+")
_GITIGNORE_TEXT = "# Written by cofee-hooks: its lock and temporary files.\n.lock\n.*.tmp\n"


class StoreResult(NamedTuple):
    """The outcome of storing one entry (`written` or `duplicate`), its file and the kinds of secrets redacted."""

    status: str
    path: str
    redactions: tuple[str, ...] = ()


def topic_slug(topic: str) -> str:
    """Return a file-name-safe slug: lower case letters and digits of any script, and single hyphens."""
    slug = _SLUG_UNSAFE.sub("-", unicodedata.normalize("NFC", topic.lower())).strip("-")
    return slug[:MAX_TOPIC_LENGTH].rstrip("-")


def store_entries(
    root: str,
    agent: str,
    entries: list[MemoryEntry],
    capture_date: str,
    *,
    redact_secrets: bool = True,
) -> list[StoreResult]:
    """Write each entry as `<capture_date>-<topic>.md` in the agent's folder.

    Raises `UnsafeName` for an agent name that cannot be used and `OSError`
    when the folder cannot be written.
    """
    folder = agent_folder(root, agent)
    if not entries:
        return []
    os.makedirs(folder, exist_ok=True)
    _ensure_gitignore(root)

    results: list[StoreResult] = []
    with locked(folder):
        present = scan_entries(folder)
        known = _content_keys(folder, present, redact_secrets)
        for entry in entries:
            result, stored = _store_one(folder, entry, capture_date, known, redact_secrets)
            results.append(result)
            if result.status == "written":
                present.append((os.path.relpath(result.path, folder), stored))
        # Rebuilt even when nothing new was written: the agent may have saved
        # files itself since the last rebuild.
        write_index(folder, agent_folder_name(agent), present, redact_secrets=redact_secrets)
    return results


def _store_one(
    folder: str, entry: MemoryEntry, capture_date: str, known: dict[str, str], redact_secrets: bool
) -> tuple[StoreResult, MemoryEntry]:
    redactions: tuple[str, ...] = ()
    if redact_secrets:
        entry, redactions = _redact_entry(entry)
    key = entry.content_key()
    if key in known:
        return StoreResult("duplicate", known[key], redactions), entry

    slug = topic_slug(entry.topic) or "note"
    path = _link_new_file(folder, f"{capture_date}-{slug}", entry)
    known[key] = path
    return StoreResult("written", path, redactions), entry


def _redact_entry(entry: MemoryEntry) -> tuple[MemoryEntry, tuple[str, ...]]:
    kinds: list[str] = []

    def clean(text: str) -> str:
        cleaned, found = redact(text)
        kinds.extend(found)
        return cleaned

    # Knowledge is redacted as one text, so a private key spread over several
    # lines is caught as one block.
    knowledge = tuple(line for line in clean("\n".join(entry.knowledge)).splitlines() if line.strip())
    cleaned = entry._replace(
        topic=clean(entry.topic),
        insight=clean(entry.insight),
        domain=clean(entry.domain),
        knowledge=knowledge,
        source=clean(entry.source),
        applies_when=clean(entry.applies_when),
    )
    return cleaned, tuple(kinds)


def _link_new_file(folder: str, stem: str, entry: MemoryEntry) -> str:
    """Put the entry under the first free name `stem.md`, `stem-2.md`, ...; return its path."""
    number = 1
    while True:
        name = f"{stem}.md" if number == 1 else f"{stem}-{number}.md"
        target = os.path.join(folder, name)
        number += 1
        if os.path.lexists(target):
            continue
        temporary = _write_temporary(folder, entry.render(name))
        try:
            if _link_no_replace(temporary, target):
                return target
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def _link_no_replace(source: str, target: str) -> bool:
    """Give `source` the name `target` unless that name exists; return whether it did."""
    try:
        os.link(source, target)
        return True
    except FileExistsError:
        return False
    except OSError:
        # NOTE: some file systems (certain network and FUSE mounts) refuse hard
        # links. The rename below is still atomic, and the lock keeps other
        # cofee-hooks writers out, but a foreign writer could race the check.
        if os.path.lexists(target):
            return False
        os.rename(source, target)
        return True


def _write_temporary(folder: str, text: str) -> str:
    handle, temporary = _create_temporary(folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


_temporary_numbers = itertools.count()


def _create_temporary(folder: str) -> tuple[int, str]:
    # The process id keeps concurrent hooks apart, and O_EXCL guards against a
    # leftover file of an earlier process with the same id. The tempfile
    # module would cost every recall a few milliseconds of imports.
    while True:
        path = os.path.join(folder, f".{os.getpid()}-{next(_temporary_numbers)}.tmp")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), path
        except FileExistsError:
            continue


@contextlib.contextmanager
def locked(folder: str) -> Iterator[None]:
    """Hold the exclusive lock of an agent folder (blocks until it is free)."""
    with open(os.path.join(folder, LOCK_NAME), "a", encoding="utf-8") as lock_file:
        if fcntl is not None:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def read_entry(path: str) -> MemoryEntry | None:
    """Parse one entry file; None when it is unreadable or not in the team's format."""
    text = _read_text(path)
    return None if text is None else parse_entry_file(text)


def scan_entries(folder: str) -> list[tuple[str, MemoryEntry]]:
    """Return (relative path, entry) for every entry file of an agent folder that parses."""
    found: list[tuple[str, MemoryEntry]] = []
    for relative in entry_files(folder):
        entry = read_entry(os.path.join(folder, relative))
        if entry is not None:
            found.append((relative, entry))
    return found


def _content_keys(folder: str, present: list[tuple[str, MemoryEntry]], redact_secrets: bool) -> dict[str, str]:
    """Map the content key of every entry present in the folder to its path."""
    keys: dict[str, str] = {}
    for relative, entry in present:
        # A file the agent wrote itself may still contain the secret we redact.
        if redact_secrets:
            entry, _ = _redact_entry(entry)
        keys.setdefault(entry.content_key(), os.path.join(folder, relative))
    return keys


def write_index(
    folder: str,
    agent: str,
    present: list[tuple[str, MemoryEntry]] | None = None,
    *,
    redact_secrets: bool = True,
) -> str:
    """Rebuild `INDEX.md` of an agent folder from its entry files; call it under `locked`.

    `present` is the result of `scan_entries` when the caller already has it.
    Files the agent saved itself were never redacted, so their summaries are
    redacted here.
    """
    if present is None:
        present = scan_entries(folder)
    lines = [
        f"# Memory of {agent}",
        "",
        "<!-- Rebuilt by cofee-hooks on every write; edits to this file are lost. -->",
        "",
    ]
    for relative, entry in sorted(present, key=lambda item: item[0]):
        if redact_secrets:
            entry, _ = _redact_entry(entry)
        link = relative.replace(os.sep, "/")
        lines.append(f"- [{link}]({link}): {_one_line(entry.insight)}")
        lines.append(f"  - Domain: {_one_line(entry.domain)}")
        lines.append(f"  - Applies when: {_one_line(entry.applies_when)}")
    path = os.path.join(folder, INDEX_NAME)
    text = "\n".join(lines) + "\n"
    if _read_text(path) == text:
        return path
    temporary = _write_temporary(folder, text)
    os.replace(temporary, path)
    return path


def list_agents(root: str) -> list[str]:
    """Return the agent folder names under the memory folder, sorted."""
    try:
        names = os.listdir(root)
    except OSError:
        return []
    return sorted(
        name for name in names if not name.startswith(".") and os.path.isdir(os.path.join(root, name))
    )


def date_of(file_name: str) -> str | None:
    """Return the `YYYY-MM-DD` that starts an entry file name, or None."""
    match = _DATE_NAME.match(os.path.basename(file_name))
    return match.group(1) if match else None


def prune(root: str, agent: str, before: str, *, dry_run: bool = False) -> list[str]:
    """Delete the agent's entries dated before `before` (YYYY-MM-DD); return their paths."""
    folder = agent_folder(root, agent)
    if not os.path.isdir(folder):
        return []
    with locked(folder):
        old = [
            os.path.join(folder, relative)
            for relative in entry_files(folder)
            if (date_of(relative) or "9999-99-99") < before
        ]
        if dry_run:
            return old
        for path in old:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        if old:
            write_index(folder, agent_folder_name(agent))
    return old


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _ensure_gitignore(root: str) -> None:
    # The memory folder is committed, but its lock and temporary files must not be.
    path = os.path.join(root, ".gitignore")
    if os.path.exists(path):
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(_GITIGNORE_TEXT)
