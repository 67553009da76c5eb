"""This package's own rules, each with a failing and a passing revision."""

from __future__ import annotations

import textwrap

import pytest

from cofee_hooks.lint.checks import RevisionSource, check_duplicate_revisions, check_revision
from cofee_hooks.lint.rules import RULES


def revision(upgrade: str, downgrade: str = "    op.drop_table('x')", header: str | None = None) -> str:
    """Return a revision file with the given function bodies (already indented by four spaces)."""
    header = header or '"""change\n\nRevision ID: b2\nRevises: a1\n"""\nrevision = "b2"\ndown_revision = "a1"\n'
    return (
        f"{header}\nfrom alembic import op\nimport sqlalchemy as sa\n\n\n"
        f"def upgrade():\n{upgrade}\n\n\ndef downgrade():\n{downgrade}\n"
    )


def rules_of(source: str, ancestors=(), path: str = "versions/b2.py") -> list[str]:
    return [finding.rule for finding in check_revision(RevisionSource(path, source), ancestors, "b2")]


def findings_of(source: str, rule: str, ancestors=()):
    return [f for f in check_revision(RevisionSource("versions/b2.py", source), ancestors, "b2") if f.rule == rule]


def body(text: str) -> str:
    return textwrap.indent(textwrap.dedent(text).strip("\n"), "    ")


# --- empty-downgrade ---------------------------------------------------------


@pytest.mark.parametrize(
    "downgrade",
    ["    pass", '    """Nothing to undo."""', '    """Nothing."""\n    pass', "    ..."],
)
def test_empty_downgrade_fails(downgrade: str) -> None:
    source = revision(body("op.drop_column('users', 'bio')"), downgrade)

    found = findings_of(source, "empty-downgrade")

    assert len(found) == 1
    assert found[0].line == source.splitlines().index("def downgrade():") + 1
    assert found[0].column == 1


def test_empty_downgrade_of_empty_upgrade_passes() -> None:
    header = '"""merge\n\nRevision ID: b2\nRevises: a1, a2\n"""\nrevision = "b2"\ndown_revision = ("a1", "a2")\n'

    assert "empty-downgrade" not in rules_of(revision("    pass", "    pass", header=header))


def test_missing_downgrade_fails() -> None:
    source = revision(body("op.drop_column('users', 'bio')")).split("\n\ndef downgrade")[0] + "\n"

    found = findings_of(source, "empty-downgrade")

    assert [f.message for f in found] == ["downgrade() is missing"]


@pytest.mark.parametrize(
    "downgrade",
    [
        "    op.add_column('users', sa.Column('bio', sa.Text()))",
        "    raise NotImplementedError('the dropped bio values cannot be restored')",
    ],
)
def test_empty_downgrade_passes(downgrade: str) -> None:
    source = revision(body("op.drop_column('users', 'bio')"), downgrade)

    assert "empty-downgrade" not in rules_of(source)


# --- foreign-key-without-index -----------------------------------------------


def test_fk_without_index_add_column_fails() -> None:
    source = revision(
        body(
            """
            op.add_column(
                'tasks',
                sa.Column('project_id', sa.BigInteger(), sa.ForeignKey('projects.id', ondelete='CASCADE')),
            )
            """
        )
    )

    found = findings_of(source, "foreign-key-without-index")

    assert len(found) == 1
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "sa.ForeignKey" in text)
    assert found[0].line == line
    assert found[0].column == source.splitlines()[line - 1].index("sa.ForeignKey") + 1
    assert "tasks(project_id)" in found[0].message


def test_fk_with_index_same_revision_passes() -> None:
    source = revision(
        body(
            """
            op.add_column('tasks', sa.Column('project_id', sa.BigInteger(), sa.ForeignKey('projects.id', ondelete='CASCADE')))
            op.create_index('ix_tasks_project_id_state', 'tasks', ['project_id', 'state'])
            """
        )
    )

    assert "foreign-key-without-index" not in rules_of(source)


def test_fk_index_not_leading_fails() -> None:
    source = revision(
        body(
            """
            op.add_column('tasks', sa.Column('project_id', sa.BigInteger(), sa.ForeignKey('projects.id', ondelete='CASCADE')))
            op.create_index('ix_tasks_state_project', 'tasks', ['state', 'project_id'])
            """
        )
    )

    assert "foreign-key-without-index" in rules_of(source)


def test_fk_with_index_in_ancestor_passes() -> None:
    target = revision(
        body("op.create_foreign_key('fk_tasks_project', 'tasks', 'projects', ['project_id'], ['id'], ondelete='CASCADE')")
    )
    ancestor = revision(
        body("op.create_index('ix_tasks_project_id', 'tasks', ['project_id'])"),
        header='revision = "a1"\ndown_revision = None\n',
    )
    unrelated = revision(body("op.create_index('ix_jobs_project_id', 'jobs', ['project_id'])"))

    assert "foreign-key-without-index" in rules_of(target, [RevisionSource("a0.py", unrelated)])
    assert "foreign-key-without-index" not in rules_of(target, [RevisionSource("a1.py", ancestor)])


def test_fk_ancestors_read_only_when_needed() -> None:
    calls = []

    def ancestors():
        calls.append(1)
        return []

    covered = revision(
        body(
            """
            op.create_table(
                'notes',
                sa.Column('id', sa.BigInteger(), primary_key=True),
                sa.Column('user_id', sa.BigInteger(), sa.ForeignKey('users.id', ondelete='CASCADE'), index=True),
            )
            """
        )
    )

    assert "foreign-key-without-index" not in rules_of(covered, ancestors)
    assert calls == []


def test_fk_in_create_table_constraint_fails() -> None:
    source = revision(
        body(
            """
            op.create_table(
                'memberships',
                sa.Column('id', sa.BigInteger(), primary_key=True),
                sa.Column('user_id', sa.BigInteger()),
                sa.Column('team_id', sa.BigInteger()),
                sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ondelete='CASCADE'),
                sa.UniqueConstraint('user_id', 'team_id'),
            )
            """
        )
    )

    messages = [f.message for f in findings_of(source, "foreign-key-without-index")]

    assert messages == ["no index starts with the foreign key columns memberships(team_id)"]


def test_fk_covered_by_raw_sql_index_passes() -> None:
    source = revision(
        body(
            """
            op.add_column('tasks', sa.Column('owner_id', sa.BigInteger(), sa.ForeignKey('users.id', ondelete='SET NULL')))
            op.execute('CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_tasks_owner ON public.tasks (owner_id)')
            """
        )
    )

    assert "foreign-key-without-index" not in rules_of(source)


def test_fk_batch_operation_fails() -> None:
    source = revision(
        body(
            """
            with op.batch_alter_table('tasks') as batch_op:
                batch_op.create_foreign_key('fk_owner', 'users', ['owner_id'], ['id'], ondelete='CASCADE')
            """
        )
    )

    assert [f.message for f in findings_of(source, "foreign-key-without-index")] == [
        "no index starts with the foreign key columns tasks(owner_id)"
    ]


# --- foreign-key-without-ondelete --------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "op.add_column('tasks', sa.Column('owner_id', sa.BigInteger(), sa.ForeignKey('users.id')))",
        "op.create_foreign_key('fk_owner', 'tasks', 'users', ['owner_id'], ['id'])",
        "op.create_foreign_key('fk_owner', 'tasks', 'users', ['owner_id'], ['id'], ondelete=None)",
    ],
)
def test_fk_without_ondelete_fails(statement: str) -> None:
    source = revision(body(statement + "\nop.create_index('ix_owner', 'tasks', ['owner_id'])"))

    assert rules_of(source) == ["foreign-key-without-ondelete"]


@pytest.mark.parametrize(
    "statement",
    [
        "op.add_column('tasks', sa.Column('owner_id', sa.BigInteger(), sa.ForeignKey('users.id', ondelete='SET NULL')))",
        "op.create_foreign_key('fk_owner', 'tasks', 'users', ['owner_id'], ['id'], ondelete='CASCADE')",
        "op.create_foreign_key('fk_owner', 'tasks', 'users', ['owner_id'], ['id'], None, 'RESTRICT')",
    ],
)
def test_fk_with_ondelete_passes(statement: str) -> None:
    source = revision(body(statement + "\nop.create_index('ix_owner', 'tasks', ['owner_id'])"))

    assert rules_of(source) == []


# --- not-null-without-server-default -----------------------------------------


def test_not_null_without_default_fails() -> None:
    source = revision(body("op.add_column('users', sa.Column('locale', sa.Text(), nullable=False))"))

    found = findings_of(source, "not-null-without-server-default")

    assert len(found) == 1
    assert found[0].line == source.splitlines().index("    op.add_column('users', sa.Column('locale', sa.Text(), nullable=False))") + 1
    assert found[0].column == 5
    assert found[0].severity == RULES["not-null-without-server-default"].severity


def test_not_null_batch_without_default_fails() -> None:
    source = revision(
        body(
            """
            with op.batch_alter_table('users') as batch_op:
                batch_op.add_column(sa.Column('locale', sa.Text(), nullable=False))
            """
        )
    )

    assert "not-null-without-server-default" in rules_of(source)


@pytest.mark.parametrize(
    "statement",
    [
        "op.add_column('users', sa.Column('locale', sa.Text(), nullable=False, server_default='en'))",
        "op.add_column('users', sa.Column('locale', sa.Text(), nullable=True))",
        "op.add_column('users', sa.Column('locale', sa.Text()))",
    ],
)
def test_not_null_with_default_passes(statement: str) -> None:
    assert "not-null-without-server-default" not in rules_of(revision(body(statement)))


def test_not_null_on_new_table_exempt() -> None:
    source = revision(
        body(
            """
            op.create_table('profiles', sa.Column('id', sa.BigInteger(), primary_key=True))
            op.add_column('profiles', sa.Column('locale', sa.Text(), nullable=False))
            """
        )
    )

    assert "not-null-without-server-default" not in rules_of(source)


# --- concurrent-index-in-transaction ------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "op.create_index('ix_jobs_state', 'jobs', ['state'], postgresql_concurrently=True)",
        "op.drop_index('ix_jobs_state', table_name='jobs', postgresql_concurrently=True)",
        "if True:\n    op.create_index('ix_jobs_state', 'jobs', ['state'], postgresql_concurrently=True)",
    ],
)
def test_concurrent_index_in_transaction_fails(statement: str) -> None:
    source = revision(body(statement))

    found = findings_of(source, "concurrent-index-in-transaction")

    assert len(found) == 1
    assert "postgresql_concurrently" in source.splitlines()[found[0].line - 1]


@pytest.mark.parametrize(
    "statement",
    [
        "with op.get_context().autocommit_block():\n    op.create_index('ix_jobs_state', 'jobs', ['state'], postgresql_concurrently=True)",
        "context = op.get_context()\nwith context.autocommit_block():\n    op.drop_index('ix_jobs_state', table_name='jobs', postgresql_concurrently=True)",
        "op.create_index('ix_jobs_state', 'jobs', ['state'])",
    ],
)
def test_concurrent_index_in_autocommit_passes(statement: str) -> None:
    assert "concurrent-index-in-transaction" not in rules_of(revision(body(statement)))


# --- revision-header-mismatch --------------------------------------------------


def test_header_revises_mismatch_fails() -> None:
    header = '"""change\n\nRevision ID: b2\nRevises: a0\nCreate Date: 2026-01-01\n"""\nrevision = "b2"\ndown_revision = "a1"\n'
    source = revision(body("op.drop_column('users', 'bio')"), header=header)

    found = findings_of(source, "revision-header-mismatch")

    assert len(found) == 1
    assert found[0].line == 4
    assert "Revises: a0" in found[0].message
    assert "a1" in found[0].message


def test_header_revision_id_mismatch_fails() -> None:
    header = '"""change\n\nRevision ID: b3\nRevises: a1\n"""\nrevision = "b2"\ndown_revision = "a1"\n'

    found = findings_of(revision(body("pass"), header=header), "revision-header-mismatch")

    assert [f.line for f in found] == [3]


@pytest.mark.parametrize(
    "header",
    [
        '"""change\n\nRevision ID: b2\nRevises: a1\n"""\nrevision = "b2"\ndown_revision = "a1"\n',
        '"""merge\n\nRevision ID: b2\nRevises: a1, a2\n"""\nrevision = "b2"\ndown_revision = ("a2", "a1")\n',
        '"""first\n\nRevision ID: b2\nRevises:\n"""\nrevision = "b2"\ndown_revision = None\n',
        '"""no header lines in this docstring"""\nrevision = "b2"\ndown_revision = "a1"\n',
    ],
)
def test_header_matches_passes(header: str) -> None:
    assert "revision-header-mismatch" not in rules_of(revision(body("pass"), header=header))


def test_duplicate_revision_ids_fail() -> None:
    first = RevisionSource("versions/1_first.py", 'revision = "abc"\ndown_revision = None\n')
    second = RevisionSource("versions/2_second.py", '"""x"""\n\nrevision = "abc"\ndown_revision = None\n')
    other = RevisionSource("versions/3_other.py", 'revision = "def"\ndown_revision = "abc"\n')

    found = check_duplicate_revisions([second, other, first])

    assert len(found) == 1
    assert found[0].file == "versions/2_second.py"
    assert found[0].line == 3
    assert "versions/1_first.py" in found[0].message


def test_distinct_revision_ids_pass() -> None:
    files = [RevisionSource("a.py", 'revision = "a"\n'), RevisionSource("b.py", 'revision = "b"\n')]

    assert check_duplicate_revisions(files) == []


# --- General --------------------------------------------------------------------


def test_unparsable_source_gives_nothing() -> None:
    assert check_revision(RevisionSource("bad.py", "def upgrade(:\n")) == []


def test_findings_carry_catalogue_data() -> None:
    source = revision(body("op.add_column('users', sa.Column('locale', sa.Text(), nullable=False))"), "    pass")

    for finding in check_revision(RevisionSource("versions/b2.py", source), (), "b2"):
        rule = RULES[finding.rule]
        assert finding.source == "cofee-hooks"
        assert finding.severity == rule.severity
        assert finding.help == rule.fix
        assert finding.revision == "b2"
        assert finding.file == "versions/b2.py"
        assert finding.line >= 1
        assert finding.column >= 1


def test_header_with_annotations_checked() -> None:
    header = (
        '"""change\n\nRevision ID: b2\nRevises: a0\n"""\n'
        "from typing import Sequence, Union\n\n"
        'revision: str = "b2"\n'
        'down_revision: Union[str, None] = "a1"\n'
    )

    found = findings_of(revision(body("pass"), header=header), "revision-header-mismatch")

    assert [f.line for f in found] == [4]
