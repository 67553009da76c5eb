from __future__ import annotations

import os
from pathlib import Path

import pytest

from cofee_hooks.memory.section import MemoryEntry, parse_entry_file
from cofee_hooks.memory.store import (
    INDEX_NAME,
    UnsafeName,
    agent_folder,
    agent_folder_name,
    load_summaries,
    memory_root,
    prune,
    read_index,
    store_entries,
    topic_slug,
)
from tests.memory.helpers import entry_text, make_config


def entry(topic: str = "orders-partial-index", **fields: object) -> MemoryEntry:
    parsed = parse_entry_file(entry_text(topic, **fields))  # type: ignore[arg-type]
    assert parsed is not None
    return parsed


def test_entry_written_in_team_format(memory_dir: Path) -> None:
    results = store_entries(str(memory_dir), "db-architect", [entry()], "2026-12-05")

    path = memory_dir / "db-architect" / "2026-12-05-orders-partial-index.md"
    assert [result.status for result in results] == ["written"]
    assert results[0].path == str(path)
    assert path.read_text(encoding="utf-8") == entry_text(date="2026-12-05")


def test_same_content_not_written_twice(memory_dir: Path) -> None:
    store_entries(str(memory_dir), "db-architect", [entry()], "2026-12-05")

    results = store_entries(str(memory_dir), "db-architect", [entry()], "2026-12-06")

    assert [result.status for result in results] == ["duplicate"]
    assert results[0].path.endswith("2026-12-05-orders-partial-index.md")
    assert sorted(os.listdir(memory_dir / "db-architect")) == [
        ".lock",
        "2026-12-05-orders-partial-index.md",
        INDEX_NAME,
    ]


def test_file_agent_wrote_itself_counts_as_present(memory_dir: Path) -> None:
    folder = memory_dir / "db-architect" / "notes"
    folder.mkdir(parents=True)
    # The agent's own copy: other date, other name, a subfolder and loose spacing.
    own = entry_text("my-own-name", date="2026-11-30").replace("## Insight: ", "## Insight:   ")
    (folder / "2026-11-30-my-own-name.md").write_text(own, encoding="utf-8")

    results = store_entries(str(memory_dir), "db-architect", [entry()], "2026-12-05")

    assert [result.status for result in results] == ["duplicate"]
    assert not (memory_dir / "db-architect" / "2026-12-05-orders-partial-index.md").exists()
    assert [item.file for item in read_index(str(memory_dir / "db-architect")) or []] == [
        "notes/2026-11-30-my-own-name.md"
    ]


def test_same_name_other_content_gets_number(memory_dir: Path) -> None:
    folder = memory_dir / "db-architect"
    folder.mkdir(parents=True)
    original = "# my notes, not an entry\n"
    (folder / "2026-12-05-orders-partial-index.md").write_text(original, encoding="utf-8")

    first = store_entries(str(memory_dir), "db-architect", [entry()], "2026-12-05")
    second = store_entries(
        str(memory_dir), "db-architect", [entry(knowledge=("another fact", "and one more"))], "2026-12-05"
    )

    assert first[0].path == str(folder / "2026-12-05-orders-partial-index-2.md")
    assert second[0].path == str(folder / "2026-12-05-orders-partial-index-3.md")
    assert (folder / "2026-12-05-orders-partial-index.md").read_text(encoding="utf-8") == original
    text = (folder / "2026-12-05-orders-partial-index-2.md").read_text(encoding="utf-8")
    assert text.startswith("# 2026-12-05-orders-partial-index-2.md\n")


def test_no_temporary_files_left(memory_dir: Path) -> None:
    store_entries(str(memory_dir), "db-architect", [entry("a"), entry("b", insight="other")], "2026-12-05")

    leftovers = [name for name in os.listdir(memory_dir / "db-architect") if name.endswith(".tmp")]
    assert leftovers == []


def test_index_lists_insight_and_applies_when(memory_dir: Path) -> None:
    store_entries(
        str(memory_dir),
        "db-architect",
        [entry("a"), entry("b", insight="Batch mode for SQLite", applies_when="altering SQLite tables")],
        "2026-12-05",
    )

    index = (memory_dir / "db-architect" / INDEX_NAME).read_text(encoding="utf-8")
    items = read_index(str(memory_dir / "db-architect"))

    assert "# Memory of db-architect" in index
    assert items is not None
    assert [item.file for item in items] == ["2026-12-05-a.md", "2026-12-05-b.md"]
    assert items[1].insight == "Batch mode for SQLite"
    assert items[1].applies_when == "altering SQLite tables"
    assert items[1].domain == "indexes"


def test_summaries_include_files_missing_from_index(memory_dir: Path) -> None:
    store_entries(str(memory_dir), "db-architect", [entry("a")], "2026-12-05")
    (memory_dir / "db-architect" / "2026-12-06-later.md").write_text(
        entry_text("later", date="2026-12-06", insight="Saved by the agent"), encoding="utf-8"
    )

    summaries = load_summaries(str(memory_dir / "db-architect"))

    assert [item.file for item in summaries] == ["2026-12-05-a.md", "2026-12-06-later.md"]
    assert summaries[1].insight == "Saved by the agent"


def test_gitignore_covers_lock_and_temporary_files(memory_dir: Path) -> None:
    store_entries(str(memory_dir), "db-architect", [entry()], "2026-12-05")

    ignore = (memory_dir / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".lock" in ignore
    assert ".*.tmp" in ignore


def test_existing_gitignore_left_alone(memory_dir: Path) -> None:
    memory_dir.mkdir(parents=True)
    (memory_dir / ".gitignore").write_text("custom\n", encoding="utf-8")

    store_entries(str(memory_dir), "db-architect", [entry()], "2026-12-05")

    assert (memory_dir / ".gitignore").read_text(encoding="utf-8") == "custom\n"


@pytest.mark.parametrize(
    "agent",
    ["../../etc", "..", "a/../../b", "/etc", "/tmp/x", "db\x00architect", "db/architect", "db\\architect", "a\nb", "", "  "],
)
def test_unsafe_agent_name_rejected(memory_dir: Path, tmp_path: Path, agent: str) -> None:
    with pytest.raises(UnsafeName):
        store_entries(str(memory_dir), agent, [entry()], "2026-12-05")

    assert not memory_dir.exists()
    written = [path for path in tmp_path.rglob("*.md")]
    assert written == []


@pytest.mark.parametrize(
    ("agent", "folder"),
    [
        ("db-architect", "db-architect"),
        ("plugin:reviewer", "plugin-reviewer"),
        ("Code Reviewer", "Code-Reviewer"),
        (".hidden", "hidden"),
        ("x" * 200, "x" * 64),
    ],
)
def test_agent_name_sanitised(agent: str, folder: str) -> None:
    assert agent_folder_name(agent) == folder


def test_symlink_out_of_memory_folder_rejected(memory_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    memory_dir.mkdir(parents=True)
    (memory_dir / "db-architect").symlink_to(outside)

    with pytest.raises(UnsafeName):
        agent_folder(str(memory_dir), "db-architect")
    with pytest.raises(UnsafeName):
        store_entries(str(memory_dir), "db-architect", [entry()], "2026-12-05")
    assert list(outside.iterdir()) == []


def test_memory_folder_outside_project_rejected(project: Path) -> None:
    with pytest.raises(UnsafeName):
        memory_root(make_config(project, folder="../elsewhere"))
    with pytest.raises(UnsafeName):
        memory_root(make_config(project, folder="/tmp"))
    assert memory_root(make_config(project, folder="notes/memory")) == str(project / "notes" / "memory")


@pytest.mark.parametrize(
    ("topic", "slug"),
    [
        ("Orders Partial Index", "orders-partial-index"),
        ("../../etc/passwd", "etc-passwd"),
        ("a\x00b", "a-b"),
        ("--x--", "x"),
        ("y" * 100, "y" * 60),
        ("...", ""),
    ],
)
def test_topic_slug_sanitised(topic: str, slug: str) -> None:
    assert topic_slug(topic) == slug


def test_traversal_in_topic_stays_inside(memory_dir: Path) -> None:
    results = store_entries(str(memory_dir), "db-architect", [entry("../../../outside")], "2026-12-05")

    assert results[0].path == str(memory_dir / "db-architect" / "2026-12-05-outside.md")


def test_topic_without_letters_named_note(memory_dir: Path) -> None:
    results = store_entries(str(memory_dir), "db-architect", [entry("!!!")], "2026-12-05")

    assert results[0].path.endswith("2026-12-05-note.md")


def test_secrets_redacted_before_writing(memory_dir: Path) -> None:
    leaky = entry(
        "staging",
        knowledge=("Connect with postgresql://app:hunter2@db.internal/app", "CI uses ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
    )

    results = store_entries(str(memory_dir), "db-architect", [leaky], "2026-12-05")

    text = Path(results[0].path).read_text(encoding="utf-8")
    assert "hunter2" not in text
    assert "ghp_abcdefghijklmnopqrstuvwxyz0123456789" not in text
    assert "postgresql://app:[REDACTED]@db.internal/app" in text
    assert results[0].redactions == ("password in URL", "GitHub token")


def test_redaction_can_be_turned_off(memory_dir: Path) -> None:
    leaky = entry("staging", knowledge=("password=hunter22", "second line"))

    results = store_entries(str(memory_dir), "db-architect", [leaky], "2026-12-05", redact_secrets=False)

    assert "password=hunter22" in Path(results[0].path).read_text(encoding="utf-8")
    assert results[0].redactions == ()


def test_agent_copy_with_secret_matches_redacted_entry(memory_dir: Path) -> None:
    folder = memory_dir / "db-architect"
    folder.mkdir(parents=True)
    knowledge = ("password=hunter22 works on staging", "second line")
    (folder / "2026-12-04-staging.md").write_text(entry_text("staging", knowledge=knowledge), encoding="utf-8")

    results = store_entries(str(memory_dir), "db-architect", [entry("staging", knowledge=knowledge)], "2026-12-05")

    assert [result.status for result in results] == ["duplicate"]


def test_prune_deletes_old_entries_and_updates_index(memory_dir: Path) -> None:
    store_entries(str(memory_dir), "db-architect", [entry("old")], "2026-01-01")
    store_entries(str(memory_dir), "db-architect", [entry("new", insight="newer")], "2026-12-01")
    folder = memory_dir / "db-architect"
    (folder / "undated.md").write_text(entry_text("undated", insight="no date"), encoding="utf-8")

    planned = prune(str(memory_dir), "db-architect", "2026-06-01", dry_run=True)
    assert planned == [str(folder / "2026-01-01-old.md")]
    assert (folder / "2026-01-01-old.md").exists()

    removed = prune(str(memory_dir), "db-architect", "2026-06-01")

    assert removed == [str(folder / "2026-01-01-old.md")]
    assert not (folder / "2026-01-01-old.md").exists()
    assert (folder / "undated.md").exists()
    assert [item.file for item in read_index(str(folder)) or []] == ["2026-12-01-new.md", "undated.md"]


def test_index_redacts_agent_written_file(memory_dir: Path) -> None:
    folder = memory_dir / "db-architect"
    folder.mkdir(parents=True)
    leaky = entry_text("own", insight="Use token ghp_abcdefghijklmnopqrstuvwxyz0123456789 for CI")
    (folder / "2026-12-01-own.md").write_text(leaky, encoding="utf-8")

    store_entries(str(memory_dir), "db-architect", [entry()], "2026-12-05")

    index = (folder / INDEX_NAME).read_text(encoding="utf-8")
    assert "ghp_abcdefghijklmnop" not in index
    assert "Use token [REDACTED GitHub token] for CI" in index


def test_names_keep_letters_of_any_script() -> None:
    from cofee_hooks.memory.store import agent_folder_name, topic_slug

    assert agent_folder_name("üñí cødé") == "üñí-cødé"
    assert agent_folder_name("plugin:reviewer") == "plugin-reviewer"
    # The decomposed form a macOS keyboard may produce gives the same folder.
    assert agent_folder_name("cafe\u0301") == agent_folder_name("caf\u00e9")
    assert topic_slug("Übergröße — Index_Plan!") == "übergröße-index-plan"
