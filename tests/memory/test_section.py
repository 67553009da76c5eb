from __future__ import annotations

from pathlib import Path

import pytest

from cofee_hooks.memory.section import find_section, parse_entry_file, parse_message, parse_section, topic_of
from tests.memory.helpers import entry_text, section


def test_several_entries_parsed_in_order() -> None:
    message = section(
        entry_text("orders-partial-index"),
        entry_text("alembic-batch-mode", domain="migrations", applies_when="altering a SQLite table"),
        entry_text("enum-values", knowledge=("one", "two", "three", "four", "five")),
    )

    parsed = parse_message(message)

    assert parsed is not None
    assert [entry.topic for entry in parsed.entries] == ["orders-partial-index", "alembic-batch-mode", "enum-values"]
    assert parsed.rejected == []
    assert parsed.entries[1].domain == "migrations"
    assert parsed.entries[1].applies_when == "altering a SQLite table"
    assert parsed.entries[2].knowledge == ("one", "two", "three", "four", "five")


def test_entry_fields_read_exactly() -> None:
    parsed = parse_message(section(entry_text()))

    assert parsed is not None
    entry = parsed.entries[0]
    assert entry.insight == "A partial index on open orders beats a full one"
    assert entry.domain == "indexes"
    assert entry.knowledge == (
        "Queries filter on status = 'open', under 2% of rows.",
        "CREATE INDEX CONCURRENTLY avoids locking writes.",
    )
    assert entry.source == "EXPLAIN ANALYZE on a staging copy"
    assert entry.applies_when == "adding an index to the orders table"


def test_render_uses_team_format() -> None:
    entry = parse_message(section(entry_text()))
    assert entry is not None

    text = entry.entries[0].render("2027-01-02-orders-partial-index.md")

    assert text == entry_text(date="2027-01-02")


@pytest.mark.parametrize(
    ("drop", "reason"),
    [
        ("## Insight:", "missing '## Insight:'"),
        ("## Domain:", "missing '## Domain:'"),
        ("## Source:", "missing '## Source:'"),
        ("## Applies when:", "missing '## Applies when:'"),
    ],
)
def test_missing_field_rejected_with_name(drop: str, reason: str) -> None:
    broken = "".join(line for line in entry_text("broken").splitlines(keepends=True) if not line.startswith(drop))

    parsed = parse_message(section(entry_text("good"), broken))

    assert parsed is not None
    assert [entry.topic for entry in parsed.entries] == ["good"]
    assert len(parsed.rejected) == 1
    assert parsed.rejected[0].header == "2026-12-04-broken.md"
    assert reason in parsed.rejected[0].reason


def test_several_missing_fields_all_named() -> None:
    parsed = parse_section("# 2026-12-04-thin.md\n## Insight: only this\n")

    assert parsed.entries == []
    reason = parsed.rejected[0].reason
    assert "'## Domain:'" in reason
    assert "'## Source:'" in reason
    assert "'## Applies when:'" in reason


@pytest.mark.parametrize("count", [0, 1, 6])
def test_knowledge_line_count_outside_range_rejected(count: int) -> None:
    knowledge = tuple(f"fact {number}" for number in range(count))

    parsed = parse_message(section(entry_text("facts", knowledge=knowledge)))

    assert parsed is not None
    assert parsed.entries == []
    assert f"{count} knowledge line" in parsed.rejected[0].reason
    assert "expected 2-5" in parsed.rejected[0].reason


def test_empty_field_rejected() -> None:
    parsed = parse_message(section(entry_text("blank", source="")))

    assert parsed is not None
    assert parsed.entries == []
    assert "empty '## Source:'" in parsed.rejected[0].reason


def test_duplicate_and_unknown_fields_rejected() -> None:
    text = entry_text("twice").replace("## Domain:", "## Mood: happy\n## Domain:") + "## Domain: again\n"

    parsed = parse_section(text)

    assert parsed.entries == []
    assert "'## Domain:' appears twice" in parsed.rejected[0].reason
    assert "unknown field '## Mood:'" in parsed.rejected[0].reason


@pytest.mark.parametrize("heading", ["## Handoff", "## Next steps", "## Handoff: to the backend developer"])
def test_heading_after_entry_without_closing_marker_ends_it(heading: str) -> None:
    message = f"Done.\n<!-- memory -->\n{entry_text('orders')}\n{heading}\nNext: backend-developer wires the endpoint\n"

    parsed = parse_message(message)

    assert parsed is not None
    assert [entry.applies_when for entry in parsed.entries] == ["adding an index to the orders table"]
    assert parsed.rejected == []


def test_wrapped_field_value_joined() -> None:
    text = entry_text("wrapped", applies_when="adding an index").rstrip("\n") + "\nto a table with many rows\n"

    parsed = parse_section(text)

    assert parsed.entries[0].applies_when == "adding an index to a table with many rows"


def test_field_names_case_insensitive() -> None:
    text = entry_text("case").replace("## Applies when:", "## applies WHEN :").replace("## Insight:", "##Insight:")

    parsed = parse_section(text)

    assert parsed.rejected == []
    assert parsed.entries[0].applies_when == "adding an index to the orders table"


def test_no_section_returns_none() -> None:
    assert parse_message("SUBAGENT-RESULT: orders(id pk, customer_id fk, total numeric)") is None
    assert parse_message("") is None


def test_last_section_wins() -> None:
    message = section(entry_text("first")) + "\nLater:\n" + section(entry_text("second"), before="")

    parsed = parse_message(message)

    assert parsed is not None
    assert [entry.topic for entry in parsed.entries] == ["second"]


def test_unclosed_section_runs_to_end() -> None:
    message = "Done.\n<!-- memory -->\n" + entry_text("unclosed")

    parsed = parse_message(message)

    assert parsed is not None
    assert [entry.topic for entry in parsed.entries] == ["unclosed"]


def test_code_fence_inside_section_ignored() -> None:
    message = "<!-- memory -->\n```markdown\n" + entry_text("fenced") + "```\n<!-- /memory -->"

    parsed = parse_message(message)

    assert parsed is not None
    assert [entry.topic for entry in parsed.entries] == ["fenced"]
    assert parsed.rejected == []


def test_text_before_first_entry_reported() -> None:
    parsed = parse_section("Here is what I learned:\n" + entry_text("kept"))

    assert [entry.topic for entry in parsed.entries] == ["kept"]
    assert "Here is what I learned:" in parsed.problems[0]


def test_section_without_entries_is_empty() -> None:
    parsed = parse_message("<!-- memory -->\n\n<!-- /memory -->")

    assert parsed is not None
    assert parsed.entries == []
    assert parsed.rejected == []


def test_find_section_tolerates_marker_spacing() -> None:
    assert find_section("x <!--memory--> body <!-- / memory --> y") == " body "


@pytest.mark.parametrize(
    ("header", "topic"),
    [
        ("2026-12-04-orders-index.md", "orders-index"),
        ("orders-index.md", "orders-index"),
        ("<date>-orders-index.md", "orders-index"),
        ("YYYY-MM-DD-orders-index.md", "orders-index"),
        ("2026-12-04-orders-index", "orders-index"),
        ("2026-12-04.md", ""),
    ],
)
def test_topic_of_strips_date_and_suffix(header: str, topic: str) -> None:
    assert topic_of(header) == topic


def test_header_without_topic_rejected() -> None:
    parsed = parse_section(entry_text("x").replace("# 2026-12-04-x.md", "# 2026-12-04.md"))

    assert parsed.entries == []
    assert "no topic" in parsed.rejected[0].reason


def test_content_key_ignores_header_and_spacing() -> None:
    first = parse_entry_file(entry_text("same", date="2026-01-01"))
    second = parse_entry_file(entry_text("same-2", date="2026-12-31").replace("## Domain: indexes", "## Domain:   indexes  "))

    assert first is not None
    assert second is not None
    assert first.content_key() == second.content_key()


def test_content_key_differs_for_other_knowledge() -> None:
    first = parse_entry_file(entry_text("one"))
    second = parse_entry_file(entry_text("one", knowledge=("other fact", "second fact")))

    assert first is not None
    assert second is not None
    assert first.content_key() != second.content_key()


def test_team_protocol_example_parses() -> None:
    # The workspace template teaches agents the format; its example must pass.
    protocol = Path(__file__).resolve().parents[2] / "src/cofee_hooks/templates/workspace/.claude/agents-shared/team-protocol.md"
    text = protocol.read_text(encoding="utf-8")

    parsed = parse_message(text[text.index("<!-- memory -->") :])

    assert parsed is not None
    assert parsed.rejected == []
    assert len(parsed.entries) >= 1


def test_marker_mentioned_after_section_ignored() -> None:
    message = section(entry_text("real")) + "\nNext time I will end with a <!-- memory --> block again."

    parsed = parse_message(message)

    assert parsed is not None
    assert [entry.topic for entry in parsed.entries] == ["real"]


def test_unclosed_last_section_preferred() -> None:
    message = section(entry_text("earlier")) + "\nFinal notes:\n<!-- memory -->\n" + entry_text("final")

    parsed = parse_message(message)

    assert parsed is not None
    assert [entry.topic for entry in parsed.entries] == ["final"]
