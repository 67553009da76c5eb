"""`cofee-hooks memory list | show | prune`, run as real processes."""

from __future__ import annotations

import datetime
from pathlib import Path

from cofee_hooks.memory.section import parse_entry_file
from cofee_hooks.memory.store import INDEX_NAME, read_index, store_entries
from tests.conftest import run_cli
from tests.memory.helpers import entry_text


def save(memory_dir: Path, agent: str, date: str, topic: str, **fields: object) -> Path:
    entry = parse_entry_file(entry_text(topic, **fields))  # type: ignore[arg-type]
    assert entry is not None
    return Path(store_entries(str(memory_dir), agent, [entry], date)[0].path)


def days_ago(days: int) -> str:
    return (datetime.date.today() - datetime.timedelta(days=days)).isoformat()


def test_list_agents(project: Path, memory_dir: Path) -> None:
    save(memory_dir, "db-architect", "2026-11-01", "a")
    save(memory_dir, "db-architect", "2026-11-02", "b", insight="second")
    save(memory_dir, "code-reviewer", "2026-11-02", "c")

    result = run_cli("memory", "list", cwd=project)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "code-reviewer: 1 entry\ndb-architect: 2 entries\n"


def test_list_one_agent(project: Path, memory_dir: Path) -> None:
    save(memory_dir, "db-architect", "2026-11-01", "a", applies_when="adding an index")

    result = run_cli("memory", "list", "db-architect", cwd=project)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        ".claude/agents-memory/db-architect/2026-11-01-a.md",
        "    Insight: A partial index on open orders beats a full one",
        "    Applies when: adding an index",
    ]


def test_list_without_memory(project: Path) -> None:
    (project / ".claude" / "cofee-hooks.yaml").write_text("memory:\n  enabled: true\n", encoding="utf-8")
    result = run_cli("memory", "list", cwd=project)

    assert result.returncode == 0
    assert result.stdout == "No memory saved yet in .claude/agents-memory.\n"


def test_list_unknown_agent_fails(project: Path, memory_dir: Path) -> None:
    save(memory_dir, "db-architect", "2026-11-01", "a")

    result = run_cli("memory", "list", "nobody", cwd=project)

    assert result.returncode == 2
    assert result.stderr == "cofee-hooks: no memory saved for agent 'nobody' in .claude/agents-memory\n"


def test_list_rejects_traversal(project: Path) -> None:
    result = run_cli("memory", "list", "../../etc", cwd=project)

    assert result.returncode == 2
    assert result.stderr.startswith("cofee-hooks: invalid agent name: ")
    assert len(result.stderr.splitlines()) == 1


def test_show_by_memory_path_and_real_path(project: Path, memory_dir: Path) -> None:
    path = save(memory_dir, "db-architect", "2026-11-01", "a")

    short = run_cli("memory", "show", "db-architect/2026-11-01-a.md", cwd=project)
    full = run_cli("memory", "show", str(path), cwd=project)

    assert short.returncode == 0, short.stderr
    assert short.stdout == entry_text("a", date="2026-11-01")
    assert full.stdout == short.stdout


def test_show_missing_file(project: Path) -> None:
    result = run_cli("memory", "show", "db-architect/nothing.md", cwd=project)

    assert result.returncode == 2
    assert result.stderr == (
        "cofee-hooks: memory file not found: db-architect/nothing.md (also looked in .claude/agents-memory)\n"
    )


def test_prune_dry_run_then_delete(project: Path, memory_dir: Path) -> None:
    old = save(memory_dir, "db-architect", days_ago(40), "old")
    new = save(memory_dir, "db-architect", days_ago(5), "new", insight="recent")
    other = save(memory_dir, "code-reviewer", days_ago(100), "ancient", insight="very old")

    dry = run_cli("memory", "prune", "--older-than", "30", "--dry-run", cwd=project)

    assert dry.returncode == 0, dry.stderr
    assert f"would delete .claude/agents-memory/db-architect/{old.name}" in dry.stdout
    assert f"would delete .claude/agents-memory/code-reviewer/{other.name}" in dry.stdout
    assert dry.stdout.endswith(f"would delete 2 entries dated before {days_ago(30)}\n")
    assert old.exists()
    assert other.exists()

    real = run_cli("memory", "prune", "--older-than", "30", cwd=project)

    assert real.returncode == 0, real.stderr
    assert real.stdout.endswith(f"deleted 2 entries dated before {days_ago(30)}\n")
    assert not old.exists()
    assert not other.exists()
    assert new.exists()
    assert [item.file for item in read_index(str(memory_dir / "db-architect")) or []] == [new.name]
    assert old.name not in (memory_dir / "db-architect" / INDEX_NAME).read_text(encoding="utf-8")


def test_prune_one_agent(project: Path, memory_dir: Path) -> None:
    kept = save(memory_dir, "code-reviewer", days_ago(100), "ancient")
    gone = save(memory_dir, "db-architect", days_ago(100), "ancient")

    result = run_cli("memory", "prune", "--older-than", "30", "db-architect", cwd=project)

    assert result.returncode == 0, result.stderr
    assert kept.exists()
    assert not gone.exists()


def test_prune_needs_days(project: Path) -> None:
    missing = run_cli("memory", "prune", cwd=project)
    negative = run_cli("memory", "prune", "--older-than", "-1", cwd=project)

    assert missing.returncode == 2
    assert "--older-than" in missing.stderr
    assert negative.returncode == 2


def test_config_option_sets_folder(project: Path, tmp_path: Path) -> None:
    config_file = project / ".claude" / "cofee-hooks.yaml"
    config_file.write_text("memory:\n  folder: docs/memory\n", encoding="utf-8")
    save(project / "docs" / "memory", "db-architect", "2026-11-01", "a")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    result = run_cli("memory", "list", "--config", str(config_file), cwd=elsewhere)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "db-architect: 1 entry\n"


def test_folder_outside_project_rejected(project: Path) -> None:
    (project / ".claude" / "cofee-hooks.yaml").write_text("memory:\n  folder: ../outside\n", encoding="utf-8")

    result = run_cli("memory", "list", cwd=project)

    assert result.returncode == 2
    assert "memory.folder: expected a path inside the project" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_list_outside_a_workspace_says_so(tmp_path: Path) -> None:
    result = run_cli("memory", "list", cwd=tmp_path)

    assert result.returncode == 0
    assert f"No .claude/cofee-hooks.yaml found in {tmp_path.resolve()} or above" in result.stdout


def test_show_by_name_alone_when_unique(project: Path, memory_dir: Path) -> None:
    save(memory_dir, "db-architect", "2026-11-01", "a")

    result = run_cli("memory", "show", "2026-11-01-a.md", cwd=project)

    assert result.returncode == 0, result.stderr
    assert result.stdout == entry_text("a", date="2026-11-01")


def test_show_ambiguous_name_needs_agent(project: Path, memory_dir: Path) -> None:
    save(memory_dir, "db-architect", "2026-11-01", "a")
    save(memory_dir, "code-reviewer", "2026-11-01", "a")

    result = run_cli("memory", "show", "2026-11-01-a.md", cwd=project)

    assert result.returncode == 2
    assert "is in several agent folders" in result.stderr
    assert "give AGENT/2026-11-01-a.md" in result.stderr


def test_show_refuses_paths_outside_memory_folder(project: Path, memory_dir: Path) -> None:
    save(memory_dir, "db-architect", "2026-11-01", "a")
    (project / "notes.md").write_text("private\n", encoding="utf-8")

    for target in ("../../../notes.md", str(project / "notes.md"), "../../../../../../../../etc/passwd"):
        result = run_cli("memory", "show", target, cwd=memory_dir / "db-architect")
        assert result.returncode == 2, target
        assert "private" not in result.stdout, target
        assert "root:" not in result.stdout, target
        assert "not inside the memory folder" in result.stderr or "not found" in result.stderr


def test_prune_help_says_older_than_is_required(project: Path) -> None:
    result = run_cli("memory", "prune", "--help", cwd=project)

    assert "Required" in result.stdout


def test_hand_written_note_is_listed(project: Path, memory_dir: Path) -> None:
    save(memory_dir, "db-architect", "2026-11-01", "a")
    (memory_dir / "db-architect" / "vacuum-notes.md").write_text("# Vacuum notes\n\nRun it at night.\n", encoding="utf-8")

    result = run_cli("memory", "list", "db-architect", cwd=project)

    assert result.returncode == 0, result.stderr
    assert ".claude/agents-memory/db-architect/vacuum-notes.md" in result.stdout.splitlines()
    assert "    Insight: Vacuum notes (not in the team format)" in result.stdout.splitlines()
