"""Benchmark lint-migration's cache and --since against the hand pipeline.

Builds a 500-revision Alembic project in a throw-away git repository and
times, in the same run, as separate processes:

- the hand pipeline on the newest revision:
  `alembic upgrade PREV:HEAD --sql | squawk` (Alembic imports all revisions);
- `cofee-hooks lint-migration` on the head with a warm cache (nothing
  changed since the previous run). Target: at most 0.25 of the hand pipeline;
- `cofee-hooks lint-migration --since HEAD` after 20 revision files changed
  (each is a cache miss and is rendered again), against running the hand
  pipeline once for each of those 20 revisions. Target: at most 0.2.

The project comes from `generate(root, count) -> ids` in
`bench/lint_migration.py`, the core benchmark. Prints medians and ratios and
exits 1 when a target is missed.

Usage: python bench/lint_cache.py [--revisions N] [--runs N] [--changed N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Running this file as a script puts bench/ on sys.path, so the core benchmark imports directly.
from lint_migration import generate

WARM_TARGET = 0.25
SINCE_TARGET = 0.2

def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def timed(command: list[str] | str, cwd: Path, shell: bool = False) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, shell=shell, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        raise SystemExit(f"failed ({completed.returncode}): {command}\n{completed.stderr[-2000:]}")
    return elapsed


def hand_pipeline(root: Path, previous: str | None, revision: str) -> str:
    bin_dir = Path(sys.executable).parent
    alembic = shutil.which("alembic", path=str(bin_dir)) or "alembic"
    squawk = shutil.which("squawk", path=str(bin_dir)) or "squawk"
    span = f"{previous}:{revision}" if previous else revision
    return f"{alembic} -c alembic.ini upgrade {span} --sql | {squawk} --reporter json"


def cofee(*args: str) -> list[str]:
    return [sys.executable, "-m", "cofee_hooks", "lint-migration", *args]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--changed", type=int, default=20)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cofee-bench-") as folder:
        root = Path(folder)
        ids = generate(root, options.revisions)
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "project")
        head_command = hand_pipeline(root, ids[-2], ids[-1])

        hand = statistics.median(timed(head_command, root, shell=True) for _ in range(options.runs))
        timed(cofee(), root)  # fills the cache
        warm = statistics.median(timed(cofee(), root) for _ in range(options.runs))

        changed = ids[-options.changed :]
        for rev in changed:
            path = next((root / "migrations" / "versions").glob(f"{rev}_*.py"))
            with path.open("a", encoding="utf-8") as stream:
                stream.write("# touched by the benchmark\n")
        since = timed(cofee("--since", "HEAD", "--format", "json"), root)
        hand_each = sum(
            timed(hand_pipeline(root, ids[ids.index(rev) - 1], rev), root, shell=True) for rev in changed
        )

    warm_ratio = warm / hand
    since_ratio = since / hand_each
    print(f"project: {options.revisions} revisions, generator bench/lint_migration.py")
    print(f"hand pipeline, newest revision (median of {options.runs}): {hand:.3f} s")
    print(f"lint-migration, warm cache (median of {options.runs}): {warm:.3f} s  ratio {warm_ratio:.2f} (target <= {WARM_TARGET})")
    print(f"hand pipeline x {len(changed)} revisions: {hand_each:.3f} s")
    print(f"lint-migration --since ({len(changed)} changed): {since:.3f} s  ratio {since_ratio:.2f} (target <= {SINCE_TARGET})")
    return 0 if warm_ratio <= WARM_TARGET and since_ratio <= SINCE_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
