"""Find an agent's memory folder and read the summaries in its `INDEX.md`.

This is the read side that recall needs on every subagent dispatch, kept
apart from `store` so the hook does not import the writer, the redaction
patterns or `typing`. The entry parser is imported only for files that the
index does not list yet. Standard library only.
"""

from __future__ import annotations

import os
import re

# typing is imported for type checkers only: it costs milliseconds on every hook call.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

INDEX_NAME = "INDEX.md"
MAX_AGENT_NAME_LENGTH = 64
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\]")
# `\w` is Unicode-aware: letters and digits of every script, plus `_`.
_NAME_UNSAFE = re.compile(r"[^\w.-]+")
# Compiled by `read_index` on first use (`re` caches them), so a dispatch
# for an agent without a memory folder does not pay for them.
_INDEX_ENTRY = r"^- \[(?P<file>[^\]]+)\]\([^)]*\): ?(?P<insight>.*)$"
_INDEX_DETAIL = r"^  - (?P<key>Domain|Applies when): ?(?P<value>.*)$"


class UnsafeName(ValueError):
    """A name or folder that would put a file outside the memory folder."""


class IndexedEntry(tuple):
    """One line of an agent's index: the entry file (relative to the agent folder) and its summary.

    A plain tuple subclass rather than `typing.NamedTuple` or
    `collections.namedtuple`: importing typing, or building a namedtuple
    class, costs more than the rest of recall's imports together.
    """

    __slots__ = ()
    _fields = ("file", "insight", "domain", "applies_when")

    def __new__(cls, file: str, insight: str, domain: str, applies_when: str) -> IndexedEntry:
        return tuple.__new__(cls, (file, insight, domain, applies_when))

    def __getnewargs__(self) -> tuple[str, str, str, str]:
        return tuple(self)  # type: ignore[return-value]

    def __repr__(self) -> str:
        return "IndexedEntry(file={!r}, insight={!r}, domain={!r}, applies_when={!r})".format(*self)

    @property
    def file(self) -> str:
        return self[0]

    @property
    def insight(self) -> str:
        return self[1]

    @property
    def domain(self) -> str:
        return self[2]

    @property
    def applies_when(self) -> str:
        return self[3]


def memory_root(config: Any) -> str:
    """Return the absolute memory folder of a loaded configuration.

    Raises `UnsafeName` when `memory.folder` points outside the project root.
    """
    root = os.path.abspath(str(config.root))
    folder = os.path.normpath(os.path.join(root, config.values["memory"]["folder"]))
    if folder != root and not folder.startswith(root.rstrip(os.sep) + os.sep):
        raise UnsafeName(f"memory.folder {config.values['memory']['folder']!r} is outside the project {root}")
    return folder


def agent_folder_name(agent: str) -> str:
    """Return the folder name for an agent type, or raise `UnsafeName`.

    Separators, `..`, control characters and absolute paths are rejected
    outright, because they only appear in a name meant to escape the folder.
    Letters and digits of any script, `.`, `_` and `-` are kept, and every
    other character becomes `-`. The name is normalised to Unicode NFC, so
    a name typed on macOS and on Linux gives one folder.
    """
    quoted = repr(agent[:80])
    if not agent or not agent.strip():
        raise UnsafeName("empty agent name")
    if _UNSAFE_CHARACTERS.search(agent) or ".." in agent or os.path.isabs(agent):
        raise UnsafeName(f"agent name {quoted} contains a path separator, '..' or a control character")
    name = agent.strip()
    if not name.isascii():
        # ASCII text is already in NFC, and most agent names are ASCII, so
        # the hook imports unicodedata only when it can change something.
        import unicodedata

        name = unicodedata.normalize("NFC", name)
    name = _NAME_UNSAFE.sub("-", name).strip("-.")
    name = name[:MAX_AGENT_NAME_LENGTH].rstrip("-.")
    if not name or name == INDEX_NAME:
        raise UnsafeName(f"agent name {quoted} has no usable characters")
    return name


def agent_folder(root: str, agent: str) -> str:
    """Return the folder of `agent` under the memory folder `root`, or raise `UnsafeName`.

    The check uses resolved paths, so a symbolic link that leads out of the
    memory folder is rejected too.
    """
    folder = os.path.join(root, agent_folder_name(agent))
    real_root = os.path.realpath(root)
    real_folder = os.path.realpath(folder)
    if not real_folder.startswith(real_root.rstrip(os.sep) + os.sep):
        raise UnsafeName(f"agent folder {folder} resolves to {real_folder}, outside {real_root}")
    return folder


def entry_files(folder: str) -> list[str]:
    """Return the entry files of an agent folder (relative paths, sorted), without the index."""
    found: list[str] = []
    for current, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in files:
            if name.endswith(".md") and not name.startswith(".") and name != INDEX_NAME:
                found.append(os.path.relpath(os.path.join(current, name), folder))
    return sorted(found)


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            return stream.read()
    except OSError:
        return None


def read_index(folder: str) -> list[IndexedEntry] | None:
    """Parse an agent's `INDEX.md`; None when it is missing or unreadable."""
    text = _read_text(os.path.join(folder, INDEX_NAME))
    if text is None:
        return None
    entry_pattern = re.compile(_INDEX_ENTRY)
    detail_pattern = re.compile(_INDEX_DETAIL)
    entries: list[IndexedEntry] = []
    current: dict[str, str] | None = None
    for line in text.splitlines():
        head = entry_pattern.match(line)
        if head is not None:
            if current is not None:
                entries.append(_indexed(current))
            current = {"file": head.group("file"), "insight": head.group("insight")}
            continue
        detail = detail_pattern.match(line)
        if detail is not None and current is not None:
            current[detail.group("key")] = detail.group("value")
    if current is not None:
        entries.append(_indexed(current))
    return entries


def load_summaries(folder: str) -> list[IndexedEntry]:
    """Return the summary of every entry in an agent folder, sorted by file name.

    The index supplies what it lists; only files it does not list (saved by
    the agent itself after the last rebuild) are opened and parsed. A file
    that is not in the team's format (notes written by hand) is still
    listed, under its first line, so `memory list` and recall show it.
    """
    present = entry_files(folder)
    indexed = {item.file: item for item in read_index(folder) or []}
    summaries: list[IndexedEntry] = []
    for relative in present:
        link = relative.replace(os.sep, "/")
        if link in indexed:
            summaries.append(indexed[link])
            continue
        text = _read_text(os.path.join(folder, relative))
        if text is None:
            continue
        from cofee_hooks.memory.section import parse_entry_file

        entry = parse_entry_file(text)
        if entry is not None:
            summaries.append(IndexedEntry(link, entry.insight, entry.domain, entry.applies_when))
        else:
            summaries.append(IndexedEntry(link, f"{_first_line(text)} (not in the team format)", "", ""))
    return summaries


def _first_line(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip()
        if stripped:
            return stripped[:120]
    return "empty file"


def _indexed(values: dict[str, str]) -> IndexedEntry:
    return IndexedEntry(
        values["file"], values.get("insight", ""), values.get("Domain", ""), values.get("Applies when", "")
    )

