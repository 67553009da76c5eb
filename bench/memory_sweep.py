"""Benchmark the SessionEnd memory sweep of a session with 30 subagents.

Builds a throw-away project and a session folder in Claude Code's layout:
`<session>.jsonl` plus `<session>/subagents/agent-<id>.jsonl` with a
`.meta.json` each. The session has 30 subagents of 6 agent types. Each
transcript is padded to about 1 MB of earlier records and ends with a memory
section of two entries. Then times, as separate processes fed the SessionEnd
payload:

- the floor: `python -I -S -c pass`;
- the first sweep, which writes 60 entry files and 6 indexes (the memory
  folder is removed before each run, outside the timing);
- a repeated sweep, where every entry already exists and nothing is written.

The hook runs through `hooks/cofee_hooks_entry.py` as Claude Code starts it
(`python -S`). Each time is printed as a ratio of Claude Code's default
SessionEnd budget (1.5 s, used when the installed hook sets no timeout) and
of the floor measured in the same run.

Usage: python bench/memory_sweep.py [--runs N] [--subagents N] [--padding-kb N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ENTRY_SCRIPT = REPO_ROOT / "hooks" / "cofee_hooks_entry.py"
SESSION_END_BUDGET = 1.5
SESSION_ID = "5e6695a3-06eb-425f-b32f-9ccb54368f6a"
AGENT_TYPES = 6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per measurement (default 10)")
    parser.add_argument("--subagents", type=int, default=30, help="subagent transcripts (default 30)")
    parser.add_argument("--padding-kb", type=int, default=1024, help="size of each transcript in KiB (default 1024)")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cofee-bench-memory-") as scratch:
        base = Path(scratch)
        project = base / "project"
        (project / ".claude").mkdir(parents=True)
        transcript = _build_session(base / "transcripts", arguments.subagents, arguments.padding_kb * 1024)
        payload = json.dumps(
            {
                "session_id": SESSION_ID,
                "transcript_path": str(transcript),
                "cwd": str(project),
                "hook_event_name": "SessionEnd",
                "reason": "other",
            }
        ).encode()
        memory = project / ".claude" / "agents-memory"

        floor = _median(arguments.runs, lambda: _run([sys.executable, "-I", "-S", "-c", "pass"], b"", project))
        first = _median(arguments.runs, lambda: _fresh_sweep(payload, project, memory))
        written = sum(1 for path in memory.rglob("*.md") if path.name != "INDEX.md")
        repeated = _median(arguments.runs, lambda: _sweep(payload, project))

        print(f"session: {arguments.subagents} subagents, {AGENT_TYPES} agent types, ~{arguments.padding_kb} KiB each")
        print(f"entries written by one sweep: {written}")
        print(f"python -I -S -c pass:     {floor * 1000:7.1f} ms")
        for label, seconds in (("first sweep (writes)", first), ("repeated sweep (no-op)", repeated)):
            print(
                f"{label:25s} {seconds * 1000:7.1f} ms  "
                f"= {seconds / SESSION_END_BUDGET:.3f} of the 1.5 s SessionEnd budget, "
                f"{seconds / floor:.1f}x the floor"
            )
    return 0


def _build_session(folder: Path, subagents: int, size: int) -> Path:
    subagent_folder = folder / SESSION_ID / "subagents"
    subagent_folder.mkdir(parents=True)
    transcript = folder / f"{SESSION_ID}.jsonl"
    transcript.write_text(_record("user", "msg_main_0", "start") + _record("assistant", "msg_main_1", "done"))
    padding = _padding(size)
    for number in range(subagents):
        agent_id = f"a{number:016x}"
        text = "SUBAGENT-RESULT: done\n\n" + _section(number)
        (subagent_folder / f"agent-{agent_id}.jsonl").write_text(
            padding + _record("assistant", f"msg_{number}", text)
        )
        meta = {"agentType": f"agent-type-{number % AGENT_TYPES}", "description": "benchmark"}
        (subagent_folder / f"agent-{agent_id}.meta.json").write_text(json.dumps(meta))
    return transcript


def _padding(size: int) -> str:
    records = []
    used = 0
    number = 0
    while used < size:
        kind = "user" if number % 2 else "assistant"
        record = _record(kind, f"msg_pad_{number}", "earlier work " * 60)
        records.append(record)
        used += len(record)
        number += 1
    return "".join(records)


def _record(kind: str, message_id: str, text: str) -> str:
    message = {"id": message_id, "role": kind, "content": [{"type": "text", "text": text}]}
    return json.dumps({"type": kind, "isSidechain": True, "message": message}) + "\n"


def _section(number: int) -> str:
    entries = []
    for part in ("schema", "queries"):
        entries.append(
            f"# 2026-12-04-{part}-{number}.md\n"
            f"## Insight: finding {part} {number}\n"
            f"## Domain: {part}\n"
            f"first line of knowledge for subagent {number}\n"
            f"second line of knowledge about {part}\n"
            f"## Source: benchmark\n"
            f"## Applies when: working on {part}\n"
        )
    return "<!-- memory -->\n" + "\n".join(entries) + "<!-- /memory -->"


def _fresh_sweep(payload: bytes, project: Path, memory: Path) -> float:
    shutil.rmtree(memory, ignore_errors=True)
    return _sweep(payload, project)


def _sweep(payload: bytes, project: Path) -> float:
    return _run([sys.executable, "-S", str(ENTRY_SCRIPT)], payload, project)


def _run(command: list[str], stdin: bytes, cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, input=stdin, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or result.stdout:
        raise SystemExit(f"{' '.join(command)} failed: exit {result.returncode}: {result.stderr.decode()[:300]}")
    return elapsed


def _median(runs: int, measure) -> float:
    measure()  # warm the page cache and the configuration cache
    return statistics.median(measure() for _ in range(runs))


if __name__ == "__main__":
    sys.exit(main())
