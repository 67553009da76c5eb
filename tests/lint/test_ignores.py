"""Ignore comments: statement and file ignores, and unused-ignore findings."""

from __future__ import annotations

import textwrap

from cofee_hooks.findings import Finding
from cofee_hooks.lint.ignores import apply_ignores, parse_ignores

PATH = "versions/b2.py"

SOURCE = textwrap.dedent(
    '''\
    """Add columns."""
    # cofee-hooks: ignore-file[prefer-robust-stmts] generated names are fixed
    from alembic import op
    import sqlalchemy as sa

    revision = "b2"
    down_revision = "a1"


    def upgrade():
        op.add_column("users", sa.Column("bio", sa.Text()))  # cofee-hooks: ignore[adding-field-with-default] tiny table
        # cofee-hooks: ignore[changing-column-type, ban-drop-column] reviewed with the DBA
        op.alter_column(
            "users",
            "name",
            type_=sa.Text(),
        )
        op.execute("SELECT '# cofee-hooks: ignore[changing-column-type]'")
        with op.get_context().autocommit_block():  # cofee-hooks: ignore[transaction-nesting]
            op.create_index("ix", "users", ["name"], postgresql_concurrently=True)


    def downgrade():
        pass
    '''
)


def finding(rule: str, line: int, file: str = PATH, source: str = "squawk") -> Finding:
    return Finding(rule, source, "warning", file, line, 5, f"{rule} message", "help")


def line_of(text: str) -> int:
    return next(number for number, line in enumerate(SOURCE.splitlines(), 1) if text in line)


def test_trailing_ignore_silences_statement() -> None:
    line = line_of('op.add_column("users"')

    result = apply_ignores([finding("adding-field-with-default", line)], SOURCE, PATH)

    assert [f.rule for f in result if f.rule != "unused-ignore"] == []


def test_ignore_above_covers_whole_statement() -> None:
    start = line_of("op.alter_column(")
    end = line_of("type_=sa.Text()")

    result = apply_ignores(
        [finding("changing-column-type", start), finding("changing-column-type", end)], SOURCE, PATH
    )

    assert [f for f in result if f.rule == "changing-column-type"] == []


def test_ignore_silences_only_named_rules() -> None:
    line = line_of('op.add_column("users"')

    result = apply_ignores([finding("adding-not-nullable-field", line)], SOURCE, PATH)

    assert "adding-not-nullable-field" in [f.rule for f in result]


def test_ignore_does_not_reach_next_statement() -> None:
    line = line_of("op.execute(")

    result = apply_ignores([finding("changing-column-type", line)], SOURCE, PATH)

    assert "changing-column-type" in [f.rule for f in result]


def test_hash_inside_string_is_no_comment() -> None:
    comments = parse_ignores(SOURCE)

    assert line_of("op.execute(") not in [comment.line for comment in comments]


def test_with_ignore_covers_only_with_line() -> None:
    with_line = line_of("autocommit_block()")
    inner_line = line_of("postgresql_concurrently=True")

    result = apply_ignores(
        [finding("transaction-nesting", with_line), finding("transaction-nesting", inner_line)], SOURCE, PATH
    )

    kept = [(f.rule, f.line) for f in result if f.rule == "transaction-nesting"]
    assert kept == [("transaction-nesting", inner_line)]


def test_file_ignore_silences_everywhere() -> None:
    findings = [finding("prefer-robust-stmts", line) for line in (line_of("op.add_column"), line_of("op.execute("))]

    result = apply_ignores(findings, SOURCE, PATH)

    assert [f for f in result if f.rule == "prefer-robust-stmts"] == []


def test_unused_ignores_are_reported() -> None:
    result = apply_ignores([], SOURCE, PATH, "b2")

    unused = sorted((f.line, f.message) for f in result if f.rule == "unused-ignore")
    assert len(unused) == 5
    assert unused[0][0] == 2
    assert "prefer-robust-stmts" in unused[0][1]
    assert all(f.revision == "b2" and f.source == "cofee-hooks" for f in result)


def test_used_ignore_is_not_reported() -> None:
    line = line_of('op.add_column("users"')

    result = apply_ignores([finding("adding-field-with-default", line)], SOURCE, PATH)

    assert line not in [f.line for f in result if f.rule == "unused-ignore"]


def test_partly_used_ignore_reports_rest() -> None:
    line = line_of("op.alter_column(")
    comment_line = line - 1

    result = apply_ignores([finding("changing-column-type", line)], SOURCE, PATH)

    messages = [f.message for f in result if f.rule == "unused-ignore" and f.line == comment_line]
    assert messages == ["ignore[ban-drop-column] silences nothing on this statement"]


def test_unknown_rule_suggests_close_match() -> None:
    source = 'def upgrade():\n    op.drop_column("a", "b")  # cofee-hooks: ignore[ban-drop-colum]\n'

    result = apply_ignores([], source, PATH)

    assert len(result) == 1
    assert result[0].message.startswith("unknown rule 'ban-drop-colum'; did you mean ban-drop-column,")
    assert result[0].line == 2
    assert result[0].column == source.splitlines()[1].index("#") + 1


def test_ignore_without_rules_is_reported() -> None:
    source = 'def upgrade():\n    op.drop_column("a", "b")  # cofee-hooks: ignore\n'

    result = apply_ignores([finding("ban-drop-column", 2)], source, PATH)

    assert [f.rule for f in result] == ["ban-drop-column", "unused-ignore"]
    assert "names no rule" in result[1].message


def test_unknown_directive_is_reported() -> None:
    source = 'def upgrade():\n    op.drop_column("a", "b")  # cofee-hooks: ignroe[ban-drop-column]\n'

    result = apply_ignores([finding("ban-drop-column", 2)], source, PATH)

    assert [f.rule for f in result] == ["ban-drop-column", "unused-ignore"]
    assert "unknown directive 'ignroe'" in result[1].message


def test_own_rules_can_be_ignored() -> None:
    source = (
        "def upgrade():\n"
        "    # cofee-hooks: ignore[not-null-without-server-default] table is empty in every environment\n"
        "    op.add_column('t', sa.Column('c', sa.Text(), nullable=False))\n"
    )

    result = apply_ignores([finding("not-null-without-server-default", 3, source="cofee-hooks")], source, PATH)

    assert result == []


def test_file_ignore_of_unused_ignore_silences_reports() -> None:
    source = "# cofee-hooks: ignore-file[unused-ignore]\ndef upgrade():\n    pass  # cofee-hooks: ignore[ban-drop-table]\n"

    assert apply_ignores([], source, PATH) == []


def test_other_files_pass_through() -> None:
    other = finding("adding-field-with-default", line_of('op.add_column("users"'), file="versions/other.py")

    result = apply_ignores([other], SOURCE, PATH)

    assert other in result


def test_unparsable_source_changes_nothing() -> None:
    findings = [finding("ban-drop-column", 1)]

    assert apply_ignores(findings, "def upgrade(:\n  # cofee-hooks: ignore[ban-drop-column]\n", PATH) == findings


def test_trailing_ignore_on_last_line_of_statement() -> None:
    source = (
        "def upgrade():\n"
        "    op.create_index(\n"
        "        'ix', 'users', ['name'],\n"
        "    )  # cofee-hooks: ignore[require-concurrent-index-creation]\n"
        "    op.create_index('ix2', 'users', ['email'])\n"
    )

    result = apply_ignores(
        [finding("require-concurrent-index-creation", 2), finding("require-concurrent-index-creation", 5)],
        source,
        PATH,
    )

    assert [(f.rule, f.line) for f in result] == [("require-concurrent-index-creation", 5)]
