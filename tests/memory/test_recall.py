from __future__ import annotations

import os
from pathlib import Path

import pytest

from cofee_hooks.config.fast import FastConfig
from cofee_hooks.memory.recall import recall_for_dispatch, words
from cofee_hooks.memory.section import parse_entry_file
from cofee_hooks.memory.store import INDEX_NAME, store_entries
from tests.memory.helpers import entry_text, make_config

TASK = "Add an index on orders.created_at for the monthly report"


def save(memory_dir: Path, agent: str, date: str, topic: str, **fields: object) -> None:
    entry = parse_entry_file(entry_text(topic, **fields))  # type: ignore[arg-type]
    assert entry is not None
    store_entries(str(memory_dir), agent, [entry], date)


@pytest.fixture
def remembered(memory_dir: Path) -> Path:
    save(memory_dir, "db-architect", "2026-11-01", "orders-index", domain="indexes", applies_when="adding an index to orders")
    save(
        memory_dir,
        "db-architect",
        "2026-11-02",
        "enum-migration",
        insight="Enum changes need a new type",
        domain="enums",
        applies_when="changing a PostgreSQL enum",
    )
    save(
        memory_dir,
        "db-architect",
        "2026-11-03",
        "report-queries",
        insight="Reports read from the replica",
        domain="reporting",
        applies_when="writing a monthly report query",
    )
    return memory_dir


def test_matching_entries_offered_in_full(config: FastConfig, remembered: Path) -> None:
    block = recall_for_dispatch(config, "db-architect", TASK, 9500)

    assert block.startswith("## Memory of db-architect\n")
    assert "### Entries that match this task" in block
    assert entry_text("orders-index", date="2026-11-01", domain="indexes", applies_when="adding an index to orders") in block
    assert "# 2026-11-03-report-queries.md\n## Insight: Reports read from the replica" in block
    assert "### Other entries" in block
    assert "- .claude/agents-memory/db-architect/2026-11-02-enum-migration.md: Enum changes need a new type" in block
    assert "# 2026-11-02-enum-migration.md" not in block


def test_best_match_comes_first(config: FastConfig, remembered: Path) -> None:
    block = recall_for_dispatch(config, "db-architect", "monthly report query on the replica", 9500)

    assert block.index("2026-11-03-report-queries.md") < block.index("2026-11-01-orders-index.md")


def test_no_match_lists_all_by_path(config: FastConfig, remembered: Path) -> None:
    block = recall_for_dispatch(config, "db-architect", "rename a Python module", 9500)

    assert "### Entries that match this task" not in block
    assert block.count("\n- .claude/agents-memory/db-architect/") == 3


def test_result_is_deterministic(config: FastConfig, remembered: Path) -> None:
    results = {recall_for_dispatch(config, "db-architect", TASK, 9500) for _ in range(5)}

    assert len(results) == 1


@pytest.mark.parametrize("budget", [0, 50, 120, 200, 300, 450, 600, 800, 1000, 1500, 9500])
def test_never_longer_than_budget(config: FastConfig, remembered: Path, budget: int) -> None:
    block = recall_for_dispatch(config, "db-architect", TASK, budget)

    assert len(block) <= budget


def test_budget_moves_full_entries_to_summary(config: FastConfig, memory_dir: Path) -> None:
    for number in range(20):
        save(memory_dir, "db-architect", f"2026-10-{number + 1:02d}", f"index-{number}", insight=f"insight {number}")

    block = recall_for_dispatch(config, "db-architect", TASK, 1200)

    assert len(block) <= 1200
    assert "### Entries that match this task" in block
    assert "### Other entries" in block
    assert "more in .claude/agents-memory/db-architect/INDEX.md" in block


def test_no_memory_gives_empty(config: FastConfig, memory_dir: Path) -> None:
    assert recall_for_dispatch(config, "db-architect", TASK, 9500) == ""
    (memory_dir / "db-architect").mkdir(parents=True)
    assert recall_for_dispatch(config, "db-architect", TASK, 9500) == ""


def test_other_agents_memory_not_offered(config: FastConfig, remembered: Path) -> None:
    assert recall_for_dispatch(config, "code-reviewer", TASK, 9500) == ""


@pytest.mark.parametrize("agent", ["", "../db-architect", "/etc", "db\x00architect"])
def test_unusable_agent_gives_empty(config: FastConfig, remembered: Path, agent: str) -> None:
    assert recall_for_dispatch(config, agent, TASK, 9500) == ""


def test_recall_turned_off(project: Path, remembered: Path) -> None:
    assert recall_for_dispatch(make_config(project, recall=False), "db-architect", TASK, 9500) == ""
    assert recall_for_dispatch(make_config(project, enabled=False), "db-architect", TASK, 9500) == ""


def test_entry_saved_by_agent_recalled(config: FastConfig, remembered: Path) -> None:
    own = entry_text("vacuum", date="2026-11-20", domain="maintenance", applies_when="tuning autovacuum for orders")
    (remembered / "db-architect" / "2026-11-20-vacuum.md").write_text(own, encoding="utf-8")

    block = recall_for_dispatch(config, "db-architect", "tune autovacuum on the orders table", 9500)

    assert own in block


def test_deleted_entry_not_offered(config: FastConfig, remembered: Path) -> None:
    os.unlink(remembered / "db-architect" / "2026-11-01-orders-index.md")

    block = recall_for_dispatch(config, "db-architect", TASK, 9500)

    assert "orders-index" not in block


def test_index_used_for_summaries(config: FastConfig, remembered: Path) -> None:
    # The summary line comes from INDEX.md, not from the entry file.
    index = remembered / "db-architect" / INDEX_NAME
    index.write_text(
        index.read_text(encoding="utf-8").replace("Enum changes need a new type", "insight from the index"),
        encoding="utf-8",
    )

    block = recall_for_dispatch(config, "db-architect", TASK, 9500)

    assert "enum-migration.md: insight from the index" in block


def test_words_normalised() -> None:
    assert words("Adding Indexes to the ORDERS tables, with queries") == {"index", "order", "table", "query"}


def test_word_endings_meet() -> None:
    assert words("indexes indexing indexed index") == {"index"}


def test_generic_verbs_do_not_match(config: FastConfig, remembered: Path) -> None:
    block = recall_for_dispatch(config, "db-architect", "Adding a button to the settings page.", 9500)

    assert "### Entries that match this task" not in block
    assert block.count("\n- .claude/agents-memory/db-architect/") == 3


def test_generic_words_dropped() -> None:
    assert words("Adding, writing, updating and changing a new file") == {"file"}


def test_one_applies_when_word_is_not_enough(config: FastConfig, remembered: Path) -> None:
    # "orders" occurs only in the "Applies when" of the orders-index entry.
    block = recall_for_dispatch(config, "db-architect", "rename the orders model", 9500)

    assert "### Entries that match this task" not in block


def test_one_domain_word_is_enough(config: FastConfig, remembered: Path) -> None:
    block = recall_for_dispatch(config, "db-architect", "look at the enums", 9500)

    assert "# 2026-11-02-enum-migration.md" in block
