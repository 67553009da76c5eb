"""Benchmark the Claude Code hook entry point against the interpreter's own start-up.

Prints, from one run, the median wall time per call of:

- the floor: `python -I -S -c pass` with the same interpreter;
- a Bash call that is not a git command (target: at most 2.0x the floor);
- a `git commit` check in a guarded repository with an allowed staged file
  (target: at most 3.0x the floor);
- a git command that does not commit (`git status`), for comparison.

Calls are interleaved so that machine load affects all of them alike.
Usage: python bench/hooks_runtime.py [--calls N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = ROOT / "hooks" / "cofee_hooks_entry.py"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _make_project(base: Path) -> Path:
    project = base / "workspace"
    (project / ".claude").mkdir(parents=True)
    (project / ".claude" / "cofee-hooks.yaml").write_text("commit_guard:\n  enabled: true\n", encoding="utf-8")
    (project / "docs").mkdir()
    (project / "docs" / "guide.md").write_text("guide\n", encoding="utf-8")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "init")
    (project / "docs" / "guide.md").write_text("guide, changed\n", encoding="utf-8")
    _git(project, "add", "docs/guide.md")
    return project


def _payload(project: Path, command: str) -> bytes:
    return json.dumps(
        {
            "session_id": "0d02af1a-a83b-4898-b11b-e2c4d1b0c4e8",
            "transcript_path": str(project.parent / "session.jsonl"),
            "cwd": str(project),
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": command, "description": "benchmark"},
            "tool_use_id": "toolu_bench",
        }
    ).encode()


def _time(command: list[str], data: bytes, cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, input=data, cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"benchmark call failed ({completed.returncode}): {completed.stderr.decode()[:300]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=40, help="calls per case (default 40)")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cofee-bench-") as folder:
        project = _make_project(Path(folder))
        env = dict(os.environ, CLAUDE_PROJECT_DIR=str(project))
        # An installed package has its bytecode compiled; let the warm-up
        # write it here too, or every call would compile the modules again.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        entry = [sys.executable, "-S", str(ENTRY), "bash"]
        # The hook imports the package the way an installed project does.
        env["COFEE_HOOKS_PATH"] = str(ROOT / "src")
        cases = {
            "floor: python -I -S -c pass": ([sys.executable, "-I", "-S", "-c", "pass"], b""),
            "Bash call, not git": (entry, _payload(project, "ls -la docs && cat docs/guide.md | wc -l")),
            "git commit check": (entry, _payload(project, "git commit -m 'Update the guide'")),
            "git status (no commit)": (entry, _payload(project, "git status --short")),
        }
        # Warm up the configuration cache and the file system.
        for command, data in cases.values():
            _time(command, data, project, env)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(arguments.calls):
            for name, (command, data) in cases.items():
                samples[name].append(_time(command, data, project, env))

    medians = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    floor = medians["floor: python -I -S -c pass"]
    targets = {"Bash call, not git": 2.0, "git commit check": 3.0}
    print(f"python {sys.version.split()[0]} on {sys.platform}, {arguments.calls} calls per case, median wall time")
    for name, median in medians.items():
        ratio = median / floor
        target = targets.get(name)
        verdict = "" if target is None else f"  target <= {target:.1f}x: {'met' if ratio <= target else 'MISSED'}"
        print(f"  {name:30} {median:7.1f} ms  {ratio:4.2f}x{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
