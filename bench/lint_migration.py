"""Time lint-migration against the hand pipeline on a generated 500-revision project.

The hand pipeline is what an engineer runs today:

    alembic upgrade PREV:HEAD --sql | squawk --reporter json

It imports Alembic, SQLAlchemy, env.py and every revision module.
`cofee-hooks lint-migration` reads the graph with `ast` and imports only the
head revision. Both run in this process's environment and cold, because
--no-cache turns the lint cache off. They alternate, several times each, and
the medians, their ratio and the median of the per-pair ratios are printed.
The numbers depend on machine load: run it on an otherwise idle machine.
Target: ratio at most 0.8.

Usage: python bench/lint_migration.py [--revisions 500] [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent

ENV_PY = """\
from alembic import context

context.configure(url="postgresql://bench@localhost/bench", literal_binds=True, dialect_opts={"paramstyle": "named"})
with context.begin_transaction():
    context.run_migrations()
"""

REVISION = '''\
"""step {index}

Revision ID: {revision}
Revises: {down}
"""
from alembic import op
import sqlalchemy as sa

revision = {revision!r}
down_revision = {down_value!r}
branch_labels = None
depends_on = None


def upgrade():
{body}


def downgrade():
    raise NotImplementedError("forward only")
'''


def generate(root: Path, count: int) -> list[str]:
    """Write alembic.ini, env.py and a linear history of `count` revisions; return the ids."""
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/migrations\nprepend_sys_path = .\npath_separator = os\n")
    (root / "migrations" / "env.py").write_text(ENV_PY)
    (root / "migrations" / "script.py.mako").write_text("")
    ids = [f"{index:04d}{'%08x' % (index * 2654435761 % 2**32)}" for index in range(count)]
    for index, revision in enumerate(ids):
        down = ids[index - 1] if index else None
        if index == 0:
            body = '    op.create_table("events", sa.Column("id", sa.BigInteger(), primary_key=True))'
        elif index % 2:
            body = f'    op.add_column("events", sa.Column("c{index}", sa.Text(), nullable=True))'
        else:
            body = f'    op.create_index("ix_events_c{index - 1}", "events", ["c{index - 1}"])'
        text = REVISION.format(index=index, revision=revision, down=down or "", down_value=down, body=body)
        (versions / f"{revision}_step_{index}.py").write_text(text)
    return ids


def hand_pipeline(root: Path, previous: str, head: str) -> None:
    alembic = subprocess.run(
        [str(BIN / "alembic"), "upgrade", f"{previous}:{head}", "--sql"],
        cwd=root, capture_output=True, text=True, check=True,
    )
    subprocess.run([str(BIN / "squawk"), "--reporter", "json"], input=alembic.stdout, cwd=root, capture_output=True, text=True)


def cofee_hooks(root: Path) -> None:
    completed = subprocess.run(
        [str(BIN / "cofee-hooks"), "lint-migration", str(root), "--no-cache", "--format", "json"],
        cwd=root, capture_output=True, text=True,
    )
    if completed.returncode not in (0, 1):
        raise SystemExit(f"cofee-hooks failed: {completed.stderr}")


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cofee-bench-") as scratch:
        root = Path(scratch)
        ids = generate(root, arguments.revisions)
        os.environ.pop("NO_COLOR", None)

        # One warm-up of each, so the file system cache treats both alike.
        hand_pipeline(root, ids[-2], ids[-1])
        cofee_hooks(root)

        # Alternate the two so that both see the same machine load.
        hand_samples, our_samples = [], []
        for _ in range(arguments.repeat):
            hand_samples.append(timed(lambda: hand_pipeline(root, ids[-2], ids[-1])))
            our_samples.append(timed(lambda: cofee_hooks(root)))

    hand = statistics.median(hand_samples)
    ours = statistics.median(our_samples)
    pair_ratio = statistics.median(o / h for o, h in zip(our_samples, hand_samples))
    print(f"revisions:          {arguments.revisions}")
    print(f"hand pipeline:      {hand:.3f} s (median of {arguments.repeat})")
    print(f"lint-migration:     {ours:.3f} s (median of {arguments.repeat})")
    print(f"ratio of medians:   {ours / hand:.2f} (target <= 0.80)")
    print(f"median pair ratio:  {pair_ratio:.2f}")


if __name__ == "__main__":
    main()
