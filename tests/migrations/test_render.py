from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from cofee_hooks.errors import ConfigError, ToolFailure
from cofee_hooks.migrations.graph import build_graph
from cofee_hooks.migrations.project import read_alembic_ini
from cofee_hooks.migrations.render import render_revisions, render_with_env, revision_statements, sql_text
from tests.migrations.helpers import line_of, write_ini, write_revision

PYTHON = [sys.executable]


def _render(root: Path, *revision_ids: str, python: list[str] = PYTHON):
    project = read_alembic_ini(root / "alembic.ini")
    graph = build_graph(project.versions_dirs)
    revisions = [graph.revisions[rev_id] for rev_id in revision_ids]
    return render_revisions(project, revisions, python, timeout=60)


def test_statements_carry_op_lines_and_transactions(tmp_path: Path) -> None:
    write_ini(tmp_path)
    path = write_revision(
        tmp_path / "migrations" / "versions",
        "a0000001",
        None,
        """
        op.add_column("users", sa.Column("locale", sa.Text(), nullable=True))
        with op.get_context().autocommit_block():
            op.create_index("ix_users_locale", "users", ["locale"], postgresql_concurrently=True)
        op.execute("UPDATE users SET locale = 'en'")
        """,
    )
    rendering = _render(tmp_path, "a0000001")["a0000001"]
    assert rendering.ok, rendering.error
    pairs = [(statement.sql, statement.line) for statement in rendering.statements]
    with_line = line_of(path, "autocommit_block")
    assert pairs == [
        ("BEGIN;", None),
        ("ALTER TABLE users ADD COLUMN locale TEXT;", line_of(path, "op.add_column")),
        ("COMMIT;", with_line),
        ("CREATE INDEX CONCURRENTLY ix_users_locale ON users (locale);", line_of(path, "op.create_index")),
        ("BEGIN;", with_line),
        ("UPDATE users SET locale = 'en';", line_of(path, "op.execute")),
        ("COMMIT;", None),
    ]
    assert not any("alembic_version" in sql for sql, _ in pairs)


def test_multi_line_statement_maps_every_sql_line(tmp_path: Path) -> None:
    write_ini(tmp_path)
    path = write_revision(
        tmp_path / "migrations" / "versions",
        "a0000001",
        None,
        'op.create_table("t", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("x", sa.Text()))',
    )
    rendering = _render(tmp_path, "a0000001")["a0000001"]
    text = sql_text(rendering, fallback_line=99)
    create_line = line_of(path, "op.create_table")
    assert text.text.startswith("BEGIN;\nCREATE TABLE t (")
    assert text.python_line(1) == 99
    assert text.python_line(2) == create_line
    assert text.python_line(3) == create_line
    assert text.python_line(len(text.python_lines)) == 99


def test_merge_renders_alone(tmp_path: Path) -> None:
    write_ini(tmp_path)
    versions = tmp_path / "migrations" / "versions"
    write_revision(versions, "a0000001", None, 'op.create_table("a", sa.Column("id", sa.Integer()))')
    write_revision(versions, "b0000002", "a0000001", 'op.create_table("b", sa.Column("id", sa.Integer()))')
    write_revision(versions, "c0000003", "a0000001", 'op.create_table("c", sa.Column("id", sa.Integer()))')
    write_revision(versions, "d0000004", ("b0000002", "c0000003"))
    renderings = _render(tmp_path, "d0000004", "c0000003")
    assert [s.sql for s in renderings["d0000004"].statements] == ["BEGIN;", "COMMIT;"]
    assert [s.sql for s in renderings["c0000003"].statements][1].startswith("CREATE TABLE c")


def test_depends_on_renders_only_its_revision(tmp_path: Path) -> None:
    write_ini(tmp_path)
    versions = tmp_path / "migrations" / "versions"
    write_revision(versions, "a0000001", None, 'op.create_table("a", sa.Column("id", sa.Integer()))')
    write_revision(versions, "b0000002", None, 'op.create_table("b", sa.Column("id", sa.Integer()))', branch_labels=("b",))
    write_revision(versions, "c0000003", "a0000001", 'op.add_column("a", sa.Column("b_id", sa.Integer()))', depends_on="b0000002")
    sqls = [s.sql for s in _render(tmp_path, "c0000003")["c0000003"].statements]
    assert sqls == ["BEGIN;", "ALTER TABLE a ADD COLUMN b_id INTEGER;", "COMMIT;"]


def test_get_bind_reading_rows_is_unrenderable(tmp_path: Path) -> None:
    write_ini(tmp_path)
    path = write_revision(
        tmp_path / "migrations" / "versions",
        "a0000001",
        None,
        """
        bind = op.get_bind()
        if bind.dialect.name == "postgresql":
            rows = bind.execute(sa.text("SELECT id FROM users")).fetchall()
        """,
    )
    rendering = _render(tmp_path, "a0000001")["a0000001"]
    assert not rendering.ok
    assert f"reads query results from op.get_bind() (.fetchall at line {line_of(path, 'fetchall')})" in rendering.error
    assert rendering.error_line == line_of(path, "fetchall")
    assert rendering.error_kind == "needs-database"


def test_get_bind_inspect_is_unrenderable(tmp_path: Path) -> None:
    write_ini(tmp_path)
    write_revision(
        tmp_path / "migrations" / "versions",
        "a0000001",
        None,
        'if "users" in sa.inspect(op.get_bind()).get_table_names():\n    pass',
    )
    rendering = _render(tmp_path, "a0000001")["a0000001"]
    assert "inspects the database through op.get_bind()" in rendering.error


def test_missing_module_names_module_and_setting(tmp_path: Path) -> None:
    write_ini(tmp_path)
    write_revision(tmp_path / "migrations" / "versions", "a0000001", None, imports="from myapp.types import GUID\n")
    rendering = _render(tmp_path, "a0000001")["a0000001"]
    assert "no module named 'myapp'" in rendering.error
    assert rendering.error_kind == "missing-module"


def test_prepend_sys_path_makes_app_importable(tmp_path: Path) -> None:
    write_ini(tmp_path, "prepend_sys_path = src")
    package = tmp_path / "src" / "myapp"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "types.py").write_text("import sqlalchemy as sa\nGUID = sa.Uuid\n", encoding="utf-8")
    write_revision(
        tmp_path / "migrations" / "versions",
        "a0000001",
        None,
        'op.add_column("users", sa.Column("key", GUID(), nullable=True))',
        imports="from myapp.types import GUID\n",
    )
    rendering = _render(tmp_path, "a0000001")["a0000001"]
    assert rendering.ok, rendering.error
    assert rendering.statements[1].sql == "ALTER TABLE users ADD COLUMN key UUID;"


def test_exception_in_upgrade_is_reported_with_line(tmp_path: Path) -> None:
    write_ini(tmp_path)
    path = write_revision(tmp_path / "migrations" / "versions", "a0000001", None, 'raise ValueError("no way")')
    rendering = _render(tmp_path, "a0000001")["a0000001"]
    assert rendering.error == f"upgrade() raised ValueError at line {line_of(path, 'raise ValueError')}: no way"


def test_project_venv_interpreter_is_used(tmp_path: Path) -> None:
    # A stand-in venv whose python records that it ran, then runs the real interpreter.
    marker = tmp_path / "venv-used"
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho yes > "{marker}"\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(python.stat().st_mode | stat.S_IEXEC)
    write_ini(tmp_path)
    write_revision(tmp_path / "migrations" / "versions", "a0000001", None)

    from cofee_hooks.migrations.project import find_project_python

    project = read_alembic_ini(tmp_path / "alembic.ini")
    command = find_project_python(project, None)
    assert command == [str(python)]
    assert _render(tmp_path, "a0000001", python=command)["a0000001"].ok
    assert marker.read_text().strip() == "yes"


def test_interpreter_without_alembic_is_tool_failure(tmp_path: Path) -> None:
    write_ini(tmp_path)
    write_revision(tmp_path / "migrations" / "versions", "a0000001", None)
    # -S -I: the interpreter without site-packages, so alembic cannot be imported.
    with pytest.raises(ToolFailure) as caught:
        _render(tmp_path, "a0000001", python=[sys.executable, "-I", "-S"])
    assert caught.value.exit_code == 3
    assert f"the render interpreter {sys.executable} cannot import Alembic" in caught.value.message
    assert "migrations.python" in caught.value.message


def test_missing_interpreter_is_config_error(tmp_path: Path) -> None:
    write_ini(tmp_path)
    write_revision(tmp_path / "migrations" / "versions", "a0000001", None)
    with pytest.raises(ConfigError) as caught:
        _render(tmp_path, "a0000001", python=["/nonexistent/python3"])
    assert "render interpreter '/nonexistent/python3' not found" in caught.value.message


def test_revision_statements_cuts_one_segment() -> None:
    output = (
        "BEGIN;\n\nCREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);\n\n"
        "-- Running upgrade  -> a1\n\nCREATE TABLE a (id INTEGER);\n\n"
        "INSERT INTO alembic_version (version_num) VALUES ('a1');\n\nCOMMIT;\n\n"
        "BEGIN;\n\n-- Running upgrade b2, c3 -> d4\n\nCREATE TABLE d (id INTEGER);\n\n"
        "UPDATE alembic_version SET version_num='d4';\n\nCOMMIT;\n\n"
    )
    assert revision_statements(output, "d4") == ["BEGIN;", "CREATE TABLE d (id INTEGER);", "COMMIT;"]
    assert revision_statements(output, "a1") == ["BEGIN;", "CREATE TABLE a (id INTEGER);", "COMMIT;"]


ENV_PY = '''
from alembic import context

context.configure(url="postgresql://", literal_binds=True, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
'''


def test_use_env_renders_merge_alone(tmp_path: Path) -> None:
    write_ini(tmp_path)
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "env.py").write_text(ENV_PY, encoding="utf-8")
    versions = tmp_path / "migrations" / "versions"
    write_revision(versions, "a0000001", None, 'op.create_table("a", sa.Column("id", sa.Integer()))')
    write_revision(versions, "b0000002", "a0000001", 'op.create_table("b", sa.Column("id", sa.Integer()))')
    write_revision(versions, "c0000003", "a0000001", 'op.create_table("c", sa.Column("id", sa.Integer()))')
    path = write_revision(versions, "d0000004", ("b0000002", "c0000003"), 'op.add_column("a", sa.Column("x", sa.Integer()))')
    project = read_alembic_ini(tmp_path / "alembic.ini")
    graph = build_graph(project.versions_dirs)
    command = f"{sys.executable} -m alembic"

    merge = render_with_env(project, graph.revisions["d0000004"], command, 60)
    assert merge.ok, merge.error
    assert [s.sql for s in merge.statements] == ["BEGIN;", "ALTER TABLE a ADD COLUMN x INTEGER;", "COMMIT;"]
    assert {s.line for s in merge.statements} == {line_of(path, "def upgrade")}

    first = render_with_env(project, graph.revisions["a0000001"], command, 60)
    assert [s.sql.split("(")[0].strip() for s in first.statements] == ["BEGIN;", "CREATE TABLE a", "COMMIT;"]


def test_use_env_failure_is_unrenderable(tmp_path: Path) -> None:
    write_ini(tmp_path)
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "env.py").write_text("import no_such_module_here\n", encoding="utf-8")
    write_revision(tmp_path / "migrations" / "versions", "a0000001", None)
    project = read_alembic_ini(tmp_path / "alembic.ini")
    revision = build_graph(project.versions_dirs).revisions["a0000001"]
    rendering = render_with_env(project, revision, f"{sys.executable} -m alembic", 60)
    assert not rendering.ok
    assert "failed with exit code" in rendering.error
    assert "no_such_module_here" in rendering.error


def test_sys_exit_in_one_revision_spares_others(tmp_path: Path) -> None:
    write_ini(tmp_path)
    versions = tmp_path / "migrations" / "versions"
    write_revision(versions, "a0000001", None, 'import sys\nsys.exit("stop here")')
    write_revision(versions, "b0000002", "a0000001", 'op.create_table("b", sa.Column("id", sa.Integer()))')
    renderings = _render(tmp_path, "a0000001", "b0000002")
    assert renderings["a0000001"].error.startswith("upgrade() raised SystemExit at line")
    assert renderings["b0000002"].ok
