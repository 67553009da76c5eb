"""Parse the memory section an agent ends its final message with.

The section is the text between `<!-- memory -->` and `<!-- /memory -->`
(the last such pair in the message). It contains one or more entries in
the team's format:

    # <date>-<topic-slug>.md
    ## Insight: <one-line summary>
    ## Domain: <sub-area>
    <2-5 lines of the actual knowledge>
    ## Source: <how it was discovered>
    ## Applies when: <when a future invocation should recall it>

Parsing is pure: no file is touched here. Standard library only, because the
Stop and SubagentStop hooks import this module.
"""

from __future__ import annotations

import re
from typing import NamedTuple

OPEN_MARKER = "<!-- memory -->"
CLOSE_MARKER = "<!-- /memory -->"
MIN_KNOWLEDGE_LINES = 2
MAX_KNOWLEDGE_LINES = 5

# Field name in lower case -> its spelling in entry files and messages.
FIELDS = {
    "insight": "Insight",
    "domain": "Domain",
    "source": "Source",
    "applies when": "Applies when",
}

_OPEN_PATTERN = re.compile(r"<!--\s*memory\s*-->", re.IGNORECASE)
_CLOSE_PATTERN = re.compile(r"<!--\s*/\s*memory\s*-->", re.IGNORECASE)
_HEADER_PATTERN = re.compile(r"^#(?!#)\s*(.*?)\s*$")
_FIELD_PATTERN = re.compile(r"^##(?!#)\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*$")
_DATE_PREFIX = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|<date>|\{date\}|YYYY-MM-DD)[-_ ]*", re.IGNORECASE)
_FENCE_PATTERN = re.compile(r"^\s*(```|~~~)")
_HEADING_PATTERN = re.compile(r"^##(?!#)")


class MemoryEntry(NamedTuple):
    """One valid entry: the agent's topic and the five parts of the team's format."""

    topic: str
    insight: str
    domain: str
    knowledge: tuple[str, ...]
    source: str
    applies_when: str

    def render(self, file_name: str) -> str:
        """Return the file text in the team's format, headed by `file_name`."""
        lines = [
            f"# {file_name}",
            f"## Insight: {self.insight}",
            f"## Domain: {self.domain}",
            *self.knowledge,
            f"## Source: {self.source}",
            f"## Applies when: {self.applies_when}",
        ]
        return "\n".join(lines) + "\n"

    def content_key(self) -> str:
        """Return the text that decides whether two entries have the same content.

        The file name line is left out, so a copy the agent saved under its own
        date, or a numbered copy, still counts as the same content.
        """
        parts = [self.insight, self.domain, *self.knowledge, self.source, self.applies_when]
        return "\n".join(" ".join(part.split()).casefold() for part in parts)


class RejectedEntry(NamedTuple):
    """An entry that failed validation: its header as written and why it failed."""

    header: str
    reason: str


class ParsedSection:
    """The entries of one memory section, valid and rejected, in their order."""

    __slots__ = ("entries", "rejected", "problems")

    def __init__(self) -> None:
        self.entries: list[MemoryEntry] = []
        self.rejected: list[RejectedEntry] = []
        self.problems: list[str] = []


def find_section(message: str) -> str | None:
    """Return the text inside the last memory section of `message`, or None.

    A section whose closing marker is missing runs to the end of the message,
    because the section is meant to end the message anyway. An opening marker
    after the last complete section that is followed by no entry header (a
    mention of the marker in prose) does not hide that section.
    """
    if not message:
        return None
    openings = list(_OPEN_PATTERN.finditer(message))
    if not openings:
        return None
    closings = list(_CLOSE_PATTERN.finditer(message))
    last_open = openings[-1]
    if closings and closings[-1].start() > last_open.start():
        closing = _CLOSE_PATTERN.search(message, last_open.end())
        assert closing is not None
        return message[last_open.end() : closing.start()]

    trailing = message[last_open.end() :]
    complete = [match for match in openings if closings and match.end() <= closings[-1].start()]
    if not complete or _has_header(trailing):
        return trailing
    return message[complete[-1].end() : closings[-1].start()]


def _has_header(text: str) -> bool:
    return any(_HEADER_PATTERN.match(line.strip()) for line in text.splitlines())


def parse_section(text: str) -> ParsedSection:
    """Split a section into entries and validate each one."""
    result = ParsedSection()
    blocks, stray = _split_entries(text)
    if stray:
        result.problems.append(f"text before the first '# <date>-<topic>.md' line was ignored: {stray!r}")
    for header, body in blocks:
        entry, reason = parse_entry(header, body)
        if entry is not None:
            result.entries.append(entry)
        else:
            result.rejected.append(RejectedEntry(header, reason))
    return result


def parse_message(message: str) -> ParsedSection | None:
    """Find and parse the memory section of a message; None when it has none."""
    section = find_section(message)
    if section is None:
        return None
    return parse_section(section)


def parse_entry_file(text: str) -> MemoryEntry | None:
    """Parse a whole entry file (header line first); None when it is not a valid entry."""
    blocks, _ = _split_entries(text)
    if len(blocks) != 1:
        return None
    entry, _ = parse_entry(*blocks[0])
    return entry


def topic_of(header: str) -> str:
    """Return the topic of an entry header, without its date prefix and `.md` suffix."""
    name = header.strip()
    if name.lower().endswith(".md"):
        name = name[:-3]
    return _DATE_PREFIX.sub("", name, count=1).strip()


def parse_entry(header: str, body: list[str]) -> tuple[MemoryEntry | None, str]:
    """Validate one entry; return (entry, '') or (None, reason)."""
    topic = topic_of(header)
    if not topic:
        return None, "the '# <date>-<topic>.md' line has no topic"

    values, knowledge, problems = _read_fields(body)
    missing = [f"'## {FIELDS[key]}:'" for key in FIELDS if key not in values]
    if missing:
        problems.insert(0, "missing " + ", ".join(missing))
    empty = [f"'## {FIELDS[key]}:'" for key in FIELDS if key in values and not values[key]]
    if empty:
        problems.append("empty " + ", ".join(empty))
    if "domain" in values and not MIN_KNOWLEDGE_LINES <= len(knowledge) <= MAX_KNOWLEDGE_LINES:
        noun = "line" if len(knowledge) == 1 else "lines"
        problems.append(
            f"{len(knowledge)} knowledge {noun} after '## Domain:'; "
            f"expected {MIN_KNOWLEDGE_LINES}-{MAX_KNOWLEDGE_LINES}"
        )
    if problems:
        return None, "; ".join(problems)

    entry = MemoryEntry(
        topic=topic,
        insight=values["insight"],
        domain=values["domain"],
        knowledge=tuple(knowledge),
        source=values["source"],
        applies_when=values["applies when"],
    )
    return entry, ""


def _split_entries(text: str) -> tuple[list[tuple[str, list[str]]], str]:
    blocks: list[tuple[str, list[str]]] = []
    stray: list[str] = []
    for line in text.splitlines():
        # Agents often wrap the section in a code fence; the fence is not content.
        if _FENCE_PATTERN.match(line):
            continue
        header = _HEADER_PATTERN.match(line.strip())
        if header is not None:
            blocks.append((header.group(1), []))
        elif blocks:
            blocks[-1][1].append(line)
        elif line.strip():
            stray.append(line.strip())
    return blocks, " ".join(stray)


def _read_fields(body: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """Collect field values and knowledge lines.

    Knowledge is every non-blank line between `## Domain:` and the next field.
    A non-blank line after any other field continues that field's value, so a
    long "Applies when" wrapped over two lines still reads as one.

    A `##` heading that is not a field (`## Handoff`, or an unknown
    `## Name: ...` once all fields are there) ends the entry: it is what the
    agent wrote after a section whose closing marker it forgot.
    """
    values: dict[str, str] = {}
    knowledge: list[str] = []
    problems: list[str] = []
    current: str | None = None
    for raw in body:
        line = raw.strip()
        if not line:
            continue
        match = _FIELD_PATTERN.match(line)
        if match is None and _HEADING_PATTERN.match(line):
            break
        if match is not None:
            key = " ".join(match.group(1).lower().split())
            if key not in FIELDS and len(values) == len(FIELDS):
                break
            if key not in FIELDS:
                problems.append(f"unknown field '## {match.group(1)}:'")
                current = None
                continue
            if key in values:
                problems.append(f"'## {FIELDS[key]}:' appears twice")
                continue
            values[key] = match.group(2)
            current = key
        elif current == "domain":
            knowledge.append(line)
        elif current is not None:
            values[current] = f"{values[current]} {line}".strip()
        else:
            problems.append(f"text before '## Insight:': {line[:60]!r}")
    return values, knowledge, problems
