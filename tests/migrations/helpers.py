"""Build small Alembic projects on disk for tests: alembic.ini plus revision files."""

from __future__ import annotations

import textwrap
from pathlib import Path

INI = """\
[alembic]
script_location = %(here)s/migrations
{extra}
"""


def write_ini(project: Path, extra: str = "") -> Path:
    project.mkdir(parents=True, exist_ok=True)
    ini = project / "alembic.ini"
    ini.write_text(INI.format(extra=extra), encoding="utf-8")
    return ini


def write_revision(
    folder: Path,
    revision: str,
    down_revision: str | tuple[str, ...] | None,
    upgrade: str = "pass",
    *,
    branch_labels: tuple[str, ...] | None = None,
    depends_on: str | tuple[str, ...] | None = None,
    imports: str = "",
    filename: str | None = None,
) -> Path:
    """Write one revision file the way `alembic revision` lays it out; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    revises = ", ".join(down_revision) if isinstance(down_revision, tuple) else (down_revision or "")
    body = textwrap.indent(textwrap.dedent(upgrade).strip("\n"), "    ")
    text = (
        f'"""{revision} message\n\nRevision ID: {revision}\nRevises: {revises}\n"""\n'
        "from alembic import op\n"
        "import sqlalchemy as sa\n"
        f"{imports}\n"
        f"revision = {revision!r}\n"
        f"down_revision = {down_revision!r}\n"
        f"branch_labels = {branch_labels!r}\n"
        f"depends_on = {depends_on!r}\n"
        "\n\n"
        "def upgrade():\n"
        f"{body}\n"
        "\n\n"
        "def downgrade():\n"
        "    raise NotImplementedError('forward only')\n"
    )
    path = folder / (filename or f"{revision}_message.py")
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """Return the 1-based line of the first line containing `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def simple_project(root: Path, extra_ini: str = "") -> Path:
    """A three-revision linear history: a clean middle revision, and a head that builds an index without CONCURRENTLY."""
    write_ini(root, extra_ini)
    versions = root / "migrations" / "versions"
    write_revision(
        versions,
        "1000aaaa",
        None,
        'op.create_table("users", sa.Column("id", sa.BigInteger(), primary_key=True), '
        'sa.Column("email", sa.Text(), nullable=True))',
    )
    write_revision(
        versions,
        "2000bbbb",
        "1000aaaa",
        """
        op.execute("SET lock_timeout = '2s'")
        op.execute("SET statement_timeout = '5s'")
        op.add_column("users", sa.Column("name", sa.Text(), nullable=True))
        """,
    )
    write_revision(versions, "3000cccc", "2000bbbb", 'op.create_index("ix_users_email", "users", ["email"])')
    return root
