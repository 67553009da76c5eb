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
`bench/lint_migration.py`, the core benchmark, when that script is present;
otherwise this script writes its own. Prints medians and ratios; exits 1 when a target is missed.

Usage: python bench/lint_cache.py [--revisions N] [--runs N] [--changed N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WARM_TARGET = 0.25
SINCE_TARGET = 0.2

ENV_PY = '''\
from alembic import context

config = context.config


def run_migrations_offline():
    context.configure(url="postgresql://", literal_binds=True, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_offline()
'''

ALEMBIC_INI = """\
[alembic]
script_location = %(here)s/migrations
"""

REVISION = '''\
"""step {index}

Revision ID: {revision}
Revises: {down_text}
"""
from alembic import op
import sqlalchemy as sa

revision = {revision!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
{body}


def downgrade():
    raise NotImplementedError("forward only")
'''


def revision_id(index: int) -> str:
    return f"{index:04d}{'abcdef'[index % 6] * 8}"


def revision_body(index: int) -> str:
    table = f"t{index // 5}"
    step = index % 5
    if step == 0:
        return (
            f"    op.create_table({table!r}, sa.Column('id', sa.BigInteger(), primary_key=True), "
            "sa.Column('name', sa.Text(), nullable=True))"
        )
    if step == 1:
        return f"    op.add_column({table!r}, sa.Column('c{index}', sa.Text(), nullable=True))"
    if step == 2:
        return (
            "    with op.get_context().autocommit_block():\n"
            f"        op.create_index('ix_{table}_name', {table!r}, ['name'], postgresql_concurrently=True)"
        )
    if step == 3:
        return f"    op.alter_column({table!r}, 'c{index - 2}', type_=sa.String(200))"
    return f"    op.execute(\"UPDATE {table} SET name = 'x' WHERE name IS NULL\")"


def own_generator(root: Path, count: int) -> list[str]:
    (root / "alembic.ini").write_text(ALEMBIC_INI, encoding="utf-8")
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(ENV_PY, encoding="utf-8")
    for index in range(count):
        down = revision_id(index - 1) if index else None
        text = REVISION.format(
            index=index, revision=revision_id(index), down=down, down_text=down or "", body=revision_body(index)
        )
        (versions / f"{revision_id(index)}_step.py").write_text(text, encoding="utf-8")
    return [revision_id(index) for index in range(count)]


def generate(root: Path, count: int) -> tuple[str, list[str]]:
    """Build the project with the core benchmark's generator when there is one.

    Returns the generator's script and the revision ids, oldest first.
    """
    shared = REPO_ROOT / "bench" / "lint_migration.py"
    if shared.is_file():
        spec = importlib.util.spec_from_file_location("_bench_lint_migration", shared)
        module = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        spec.loader.exec_module(module)
        generator = getattr(module, "generate", None)
        if callable(generator):
            return "bench/lint_migration.py", list(generator(root, count))
    return "bench/lint_cache.py", own_generator(root, count)


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
        source, ids = generate(root, options.revisions)
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
    print(f"project: {options.revisions} revisions, generator {source}")
    print(f"hand pipeline, newest revision (median of {options.runs}): {hand:.3f} s")
    print(f"lint-migration, warm cache (median of {options.runs}): {warm:.3f} s  ratio {warm_ratio:.2f} (target <= {WARM_TARGET})")
    print(f"hand pipeline x {len(changed)} revisions: {hand_each:.3f} s")
    print(f"lint-migration --since ({len(changed)} changed): {since:.3f} s  ratio {since_ratio:.2f} (target <= {SINCE_TARGET})")
    return 0 if warm_ratio <= WARM_TARGET and since_ratio <= SINCE_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
