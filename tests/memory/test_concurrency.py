"""Fifty real processes write into one agent folder at the same moment."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from cofee_hooks.memory.section import parse_entry_file
from cofee_hooks.memory.store import read_index

WRITERS = 50

# Each writer waits for the start file, so all of them race for the lock together.
WRITER = textwrap.dedent(
    """
    import os, sys, time
    from cofee_hooks.memory.section import parse_entry_file
    from cofee_hooks.memory.store import store_entries

    root, start_file, number, same = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "same"
    fact = "shared fact" if same else f"fact written by writer {number}"
    text = (
        "# 2026-12-04-race.md\\n"
        "## Insight: concurrent capture\\n"
        "## Domain: locking\\n"
        f"{fact}\\n"
        + "padding so the file is not written in one tiny block " * 200 + "\\n"
        "## Source: the concurrency test\\n"
        "## Applies when: many hooks end at once\\n"
    )
    entry = parse_entry_file(text)
    while not os.path.exists(start_file):
        time.sleep(0.001)
    results = store_entries(root, "db-architect", [entry], "2026-12-04")
    print(results[0].status)
    """
)


def run_writers(tmp_path: Path, memory_dir: Path, mode: str) -> list[str]:
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    start_file = tmp_path / f"start-{mode}"
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(memory_dir), str(start_file), str(number), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(WRITERS)
    ]
    start_file.write_text("go", encoding="utf-8")
    statuses = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        statuses.append(out.strip())
    return statuses


def test_fifty_writers_lose_nothing(tmp_path: Path, memory_dir: Path) -> None:
    statuses = run_writers(tmp_path, memory_dir, "distinct")

    folder = memory_dir / "db-architect"
    entries = sorted(name for name in os.listdir(folder) if name.endswith(".md") and name != "INDEX.md")
    expected = ["2026-12-04-race.md"] + [f"2026-12-04-race-{number}.md" for number in range(2, WRITERS + 1)]
    assert statuses == ["written"] * WRITERS
    assert entries == sorted(expected)

    facts = set()
    for name in entries:
        text = (folder / name).read_text(encoding="utf-8")
        parsed = parse_entry_file(text)
        assert parsed is not None, f"{name} is incomplete"
        assert text.startswith(f"# {name}\n")
        facts.add(parsed.knowledge[0])
    assert facts == {f"fact written by writer {number}" for number in range(WRITERS)}

    index = read_index(str(folder))
    assert index is not None
    assert sorted(item.file for item in index) == sorted(expected)
    assert [name for name in os.listdir(folder) if name.endswith(".tmp")] == []


def test_fifty_writers_same_entry_write_once(tmp_path: Path, memory_dir: Path) -> None:
    statuses = run_writers(tmp_path, memory_dir, "same")

    folder = memory_dir / "db-architect"
    entries = sorted(name for name in os.listdir(folder) if name.endswith(".md") and name != "INDEX.md")
    assert entries == ["2026-12-04-race.md"]
    assert statuses.count("written") == 1
    assert statuses.count("duplicate") == WRITERS - 1
