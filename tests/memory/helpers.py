"""Helpers shared by the memory tests: configuration, a recording log, entry text."""

from __future__ import annotations

import copy
from pathlib import Path

from cofee_hooks.config.fast import FastConfig
from cofee_hooks.config.schema import defaults

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "claude"


class RecordingLog:
    """Collects what a hook logs, by level."""

    def __init__(self) -> None:
        self.records: list[tuple[str, str]] = []

    def info(self, message: str) -> None:
        self.records.append(("info", message))

    def warning(self, message: str) -> None:
        self.records.append(("warning", message))

    def error(self, message: str) -> None:
        self.records.append(("error", message))

    def text(self, level: str | None = None) -> str:
        return "\n".join(message for kind, message in self.records if level in (None, kind))


def make_config(root: Path, **memory: object) -> FastConfig:
    values = copy.deepcopy(defaults())
    values["memory"].update(memory)
    return FastConfig(values, None, str(root))


def entry_text(
    topic: str = "orders-partial-index",
    *,
    date: str = "2026-12-04",
    insight: str = "A partial index on open orders beats a full one",
    domain: str = "indexes",
    knowledge: tuple[str, ...] = (
        "Queries filter on status = 'open', under 2% of rows.",
        "CREATE INDEX CONCURRENTLY avoids locking writes.",
    ),
    source: str = "EXPLAIN ANALYZE on a staging copy",
    applies_when: str = "adding an index to the orders table",
) -> str:
    lines = [
        f"# {date}-{topic}.md",
        f"## Insight: {insight}",
        f"## Domain: {domain}",
        *knowledge,
        f"## Source: {source}",
        f"## Applies when: {applies_when}",
    ]
    return "\n".join(lines) + "\n"


def section(*entries: str, before: str = "Work is done.\n\n") -> str:
    return before + "<!-- memory -->\n" + "\n".join(entries) + "<!-- /memory -->\n"
