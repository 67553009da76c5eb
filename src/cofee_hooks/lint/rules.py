"""The catalogue of this package's own lint rules.

Each rule is data: findings take their severity, message help and group from
here, and `cofee-hooks explain RULE` prints the same entry, so the help can
never drift from the check.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUPS = ("locking", "backward-compat", "style", "alembic")


@dataclass(frozen=True)
class Rule:
    """One lint rule of this package, with its explanation."""

    id: str
    severity: str
    group: str
    summary: str
    why: str
    fix: str
    bad: str
    good: str


RULES: dict[str, Rule] = {}


def _register(rule: Rule) -> Rule:
    if rule.id in RULES:
        raise ValueError(f"duplicate rule id {rule.id}")
    if rule.group not in GROUPS:
        raise ValueError(f"rule {rule.id}: unknown group {rule.group}")
    RULES[rule.id] = rule
    return rule


MULTIPLE_HEADS = _register(
    Rule(
        id="multiple-heads",
        severity="error",
        group="alembic",
        summary="The revision history has more than one head outside labelled branches.",
        why=(
            "With two unlabelled heads, `alembic upgrade head` fails and deployments stop; "
            "it usually means two branches each added a revision on the same parent."
        ),
        fix="Run `alembic merge heads -m 'merge ...'` and commit the merge revision, or rebase one revision onto the other.",
        bad="a1 <- b2 and a1 <- c3, both without branch_labels",
        good="a1 <- b2 <- c3, or a merge revision with down_revision = ('b2', 'c3')",
    )
)

UNRENDERABLE_OFFLINE = _register(
    Rule(
        id="unrenderable-offline",
        severity="warning",
        group="alembic",
        summary="The revision's upgrade() could not be rendered to SQL offline, so its SQL was not linted.",
        why=(
            "Revisions that read data through op.get_bind() or import modules that are missing "
            "cannot produce SQL without a live database; nothing about their locking or "
            "compatibility was checked."
        ),
        fix=(
            "Render inside the project's environment (set migrations.python, e.g. 'uv run python'), "
            "use --use-env, or move data reads into a separate data migration and review it by hand."
        ),
        bad="def upgrade():\n    rows = op.get_bind().execute(sa.text('SELECT id FROM users')).fetchall()",
        good="def upgrade():\n    op.execute(\"UPDATE users SET locale = 'en' WHERE locale IS NULL\")",
    )
)

EMPTY_DOWNGRADE = _register(
    Rule(
        id="empty-downgrade",
        severity="warning",
        group="alembic",
        summary="downgrade() is missing or does nothing, so the revision cannot be reversed.",
        why=(
            "`alembic downgrade` reports success for an empty downgrade() while the schema stays "
            "changed; the next upgrade then fails or, worse, the application runs against a schema "
            "it does not expect. A revision that cannot be reversed should say so loudly."
        ),
        fix=(
            "Write the reverse operations in downgrade(), or raise NotImplementedError with the "
            "reason (for example, data was deleted and cannot be restored)."
        ),
        bad="def downgrade():\n    pass",
        good=(
            "def downgrade():\n"
            "    raise NotImplementedError(\"the dropped 'legacy_token' values cannot be restored\")"
        ),
    )
)

FOREIGN_KEY_WITHOUT_INDEX = _register(
    Rule(
        id="foreign-key-without-index",
        severity="warning",
        group="locking",
        summary="A foreign key's columns are not the leading columns of any index.",
        why=(
            "PostgreSQL indexes the referenced primary key, never the referencing columns. "
            "Without an index, every DELETE or key UPDATE on the parent table scans the whole "
            "child table while holding locks, and joins on the key read the full table."
        ),
        fix=(
            "Create an index whose first columns are the foreign key's columns, in the same "
            "revision or an earlier one (CONCURRENTLY inside an autocommit block on a big table)."
        ),
        bad=(
            "op.add_column('tasks', sa.Column('project_id', sa.BigInteger(),\n"
            "    sa.ForeignKey('projects.id', ondelete='CASCADE')))"
        ),
        good=(
            "op.add_column('tasks', sa.Column('project_id', sa.BigInteger(),\n"
            "    sa.ForeignKey('projects.id', ondelete='CASCADE')))\n"
            "op.create_index('ix_tasks_project_id', 'tasks', ['project_id'])"
        ),
    )
)

FOREIGN_KEY_WITHOUT_ONDELETE = _register(
    Rule(
        id="foreign-key-without-ondelete",
        severity="info",
        group="style",
        summary="A foreign key does not say what happens to its rows when the referenced row is deleted.",
        why=(
            "Without ondelete, PostgreSQL uses NO ACTION: deleting a parent row fails while children "
            "exist. That is sometimes intended, but usually nobody decided, and the choice shows up "
            "later as a failed delete in production."
        ),
        fix="Pass ondelete='CASCADE', 'SET NULL' or 'RESTRICT' explicitly, so the decision is visible in review.",
        bad="sa.ForeignKey('users.id')",
        good="sa.ForeignKey('users.id', ondelete='SET NULL')",
    )
)

NOT_NULL_WITHOUT_SERVER_DEFAULT = _register(
    Rule(
        id="not-null-without-server-default",
        severity="error",
        group="backward-compat",
        summary="add_column(..., nullable=False) without server_default on an existing table.",
        why=(
            "Adding a NOT NULL column without a default fails as soon as the table has a row, and "
            "old application instances that insert rows without the column start failing too."
        ),
        fix=(
            "Add the column as nullable, backfill it in batches, then SET NOT NULL in a later "
            "revision; or give it a server_default that is safe for every existing row."
        ),
        bad="op.add_column('users', sa.Column('locale', sa.Text(), nullable=False))",
        good="op.add_column('users', sa.Column('locale', sa.Text(), nullable=False, server_default='en'))",
    )
)

CONCURRENT_INDEX_IN_TRANSACTION = _register(
    Rule(
        id="concurrent-index-in-transaction",
        severity="error",
        group="locking",
        summary="postgresql_concurrently=True outside op.get_context().autocommit_block().",
        why=(
            "Alembic runs each revision in a transaction, and PostgreSQL refuses "
            "CREATE INDEX CONCURRENTLY (and DROP INDEX CONCURRENTLY) inside one: the migration "
            "fails at deploy time, after earlier statements may already have run elsewhere."
        ),
        fix="Wrap the call in `with op.get_context().autocommit_block():`.",
        bad="op.create_index('ix_jobs_state', 'jobs', ['state'], postgresql_concurrently=True)",
        good=(
            "with op.get_context().autocommit_block():\n"
            "    op.create_index('ix_jobs_state', 'jobs', ['state'], postgresql_concurrently=True)"
        ),
    )
)

# Own rules that find the same problem in one statement as a squawk rule.
# When both report a statement, only the own finding is kept, because its
# help is about Alembic.
SQUAWK_EQUIVALENTS: dict[str, tuple[str, ...]] = {
    "concurrent-index-in-transaction": ("ban-concurrent-index-creation-in-transaction",),
    "not-null-without-server-default": ("adding-required-field",),
}

REVISION_HEADER_MISMATCH = _register(
    Rule(
        id="revision-header-mismatch",
        severity="error",
        group="alembic",
        summary="The docstring's Revises: disagrees with down_revision, or two files claim one revision id.",
        why=(
            "Reviewers and `alembic history` readers trust the docstring; when it was not updated "
            "after a rebase, the revision is reviewed against the wrong parent. Two files with the "
            "same revision id make Alembic pick one of them silently or fail."
        ),
        fix=(
            "Make `Revises:` list exactly the ids in down_revision (comma-separated for a merge), "
            "and give every revision file its own id."
        ),
        bad='"""Add locale\n\nRevision ID: c3\nRevises: a1\n"""\nrevision = "c3"\ndown_revision = "b2"',
        good='"""Add locale\n\nRevision ID: c3\nRevises: b2\n"""\nrevision = "c3"\ndown_revision = "b2"',
    )
)

UNUSED_IGNORE = _register(
    Rule(
        id="unused-ignore",
        severity="warning",
        group="style",
        summary="A `# cofee-hooks: ignore[...]` comment silences nothing or names an unknown rule.",
        why=(
            "A stale ignore hides the next real problem on that statement, and a misspelt rule name "
            "silences nothing while looking as if it did."
        ),
        fix="Delete the ignore, or correct the rule name (see `cofee-hooks explain --list`).",
        bad="op.add_column('users', sa.Column('bio', sa.Text()))  # cofee-hooks: ignore[adding-not-nullable-field]",
        good="op.add_column('users', sa.Column('bio', sa.Text()))",
    )
)


@dataclass(frozen=True)
class SquawkRule:
    """A rule of squawk, the SQL linter, as far as this package needs to know it."""

    id: str
    group: str
    summary: str

    @property
    def url(self) -> str:
        return f"https://squawkhq.com/docs/{self.id}"


# Rule names accepted by squawk 2.70.0 (`squawk --exclude NAME` rejects any other),
# plus `syntax-error`, which squawk reports for SQL it cannot parse. Squawk's own
# `unused-ignore` (for `-- squawk-ignore` comments) is left out: generated SQL
# carries no such comments, and the name belongs to this package's rule here.
_SQUAWK_TABLE: tuple[tuple[str, str, str], ...] = (
    ("adding-field-with-default", "locking", "Adding a column with a volatile default rewrites the table under an ACCESS EXCLUSIVE lock."),
    ("adding-foreign-key-constraint", "locking", "Adding a validated foreign key locks both tables while every row is checked."),
    ("adding-not-nullable-field", "locking", "SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock."),
    ("adding-required-field", "backward-compat", "A NOT NULL column without a default breaks inserts from existing clients."),
    ("adding-serial-primary-key-field", "locking", "Adding a primary key builds its index while blocking reads and writes."),
    ("ban-add-column", "backward-compat", "Adding a column may break clients that select or insert with `*`."),
    ("ban-add-composite-attribute", "backward-compat", "Adding an attribute to a composite type may break existing clients."),
    ("ban-add-enum-value", "backward-compat", "Adding an enum value may break clients that do not expect it."),
    ("ban-alter-database-options", "backward-compat", "Changing database options affects every client of the database."),
    ("ban-alter-domain-with-add-constraint", "locking", "Adding a constraint to a domain checks every column that uses it, and cannot be NOT VALID."),
    ("ban-alter-extension", "backward-compat", "Altering an extension may change behaviour that existing clients rely on."),
    ("ban-alter-function-options", "backward-compat", "Changing a function's options may change results for existing callers."),
    ("ban-alter-generated-expression", "backward-compat", "Changing a generated column's expression rewrites the table and changes its values."),
    ("ban-alter-identity", "backward-compat", "Changing a column's identity may break inserts from existing clients."),
    ("ban-alter-policy-condition", "backward-compat", "Changing a row security policy's condition changes what existing clients can see or write."),
    ("ban-alter-policy-roles", "backward-compat", "Changing the roles of a row security policy changes what existing clients can access."),
    ("ban-alter-role-options", "backward-compat", "Changing role options may lock out existing clients."),
    ("ban-alter-row-level-security", "backward-compat", "Turning row level security on or off changes what existing clients can access."),
    ("ban-alter-sequence-values", "backward-compat", "Changing a sequence's values may make existing clients generate conflicting ids."),
    ("ban-alter-system-options", "backward-compat", "ALTER SYSTEM changes server settings for every client."),
    ("ban-alter-view-options", "backward-compat", "Changing a view's options may change what existing clients read."),
    ("ban-char-field", "style", "char(n) pads values with spaces and has no benefit over text or varchar."),
    ("ban-concurrent-index-creation-in-transaction", "locking", "CREATE INDEX CONCURRENTLY fails inside a transaction."),
    ("ban-create-domain-with-constraint", "locking", "A domain with a constraint cannot be changed later without a full scan of every column using it."),
    ("ban-create-policy", "backward-compat", "A new row security policy may hide rows from existing clients."),
    ("ban-detach-inheritance", "backward-compat", "Detaching a table from its parent changes what queries on the parent return."),
    ("ban-disable-trigger", "backward-compat", "Disabling a trigger skips logic that existing clients rely on."),
    ("ban-drop-column", "backward-compat", "Dropping a column breaks clients that still read or write it."),
    ("ban-drop-constraint", "backward-compat", "Dropping a constraint lets existing clients write data that was rejected before."),
    ("ban-drop-database", "backward-compat", "Dropping a database destroys all of its data."),
    ("ban-drop-default", "backward-compat", "Dropping a column default may break inserts from existing clients."),
    ("ban-drop-domain", "backward-compat", "Dropping a domain breaks the objects that use it."),
    ("ban-drop-extension", "backward-compat", "Dropping an extension removes functions and types that clients may use."),
    ("ban-drop-function", "backward-compat", "Dropping a function breaks clients that call it."),
    ("ban-drop-generated-expression", "backward-compat", "Dropping a generated expression leaves stale values that are no longer maintained."),
    ("ban-drop-index", "backward-compat", "Dropping an index may make existing queries slow enough to fail."),
    ("ban-drop-not-null", "backward-compat", "Dropping NOT NULL lets NULLs reach clients that do not expect them."),
    ("ban-drop-policy", "backward-compat", "Dropping a row security policy changes what existing clients can access."),
    ("ban-drop-schema", "backward-compat", "Dropping a schema destroys every object in it."),
    ("ban-drop-sequence", "backward-compat", "Dropping a sequence breaks columns and clients that draw ids from it."),
    ("ban-drop-table", "backward-compat", "Dropping a table breaks clients that still use it and destroys its data."),
    ("ban-drop-trigger", "backward-compat", "Dropping a trigger removes logic that existing clients rely on."),
    ("ban-drop-type", "backward-compat", "Dropping a type breaks the columns and clients that use it."),
    ("ban-drop-view", "backward-compat", "Dropping a view breaks clients that query it."),
    ("ban-duplicate-column-assignments", "style", "An UPDATE or INSERT assigns the same column more than once."),
    ("ban-new-write-restriction", "backward-compat", "A new restriction on writes may reject writes that existing clients make."),
    ("ban-replace-view-function", "backward-compat", "CREATE OR REPLACE of a view or function may change what existing clients get."),
    ("ban-replica-identity", "backward-compat", "Changing the replica identity affects logical replication consumers."),
    ("ban-revoke", "backward-compat", "Revoking privileges may lock out existing clients."),
    ("ban-set-default", "backward-compat", "Changing a column default changes what existing clients insert."),
    ("ban-set-schema", "backward-compat", "Moving an object to another schema breaks clients that name it."),
    ("ban-truncate-cascade", "backward-compat", "TRUNCATE ... CASCADE also empties every table that references this one."),
    ("ban-uncommitted-transaction", "locking", "A transaction is opened with BEGIN but never committed."),
    ("changing-column-type", "locking", "Changing a column's type usually rewrites the table under an ACCESS EXCLUSIVE lock."),
    ("constraint-missing-not-valid", "locking", "Adding a constraint without NOT VALID checks every row while blocking writes."),
    ("disallowed-unique-constraint", "locking", "Adding a UNIQUE constraint builds its index while blocking reads and writes."),
    ("identifier-too-long", "style", "PostgreSQL truncates identifiers longer than 63 bytes."),
    ("prefer-bigint-over-int", "style", "32-bit integer keys can run out of values."),
    ("prefer-bigint-over-smallint", "style", "16-bit integer columns run out of values quickly."),
    ("prefer-identity", "style", "serial columns make ownership and permissions harder than IDENTITY columns."),
    ("prefer-repack", "locking", "CLUSTER and VACUUM FULL hold an ACCESS EXCLUSIVE lock for the whole rewrite."),
    ("prefer-robust-stmts", "style", "Statements without IF [NOT] EXISTS make a half-applied migration impossible to rerun."),
    ("prefer-text-field", "style", "Changing the size of a varchar column later needs an ACCESS EXCLUSIVE lock."),
    ("prefer-timestamp-tz", "style", "timestamp without time zone loses the offset and mixes time zones silently."),
    ("renaming-column", "backward-compat", "Renaming a column breaks clients that use the old name."),
    ("renaming-object", "backward-compat", "Renaming an object breaks clients that use the old name."),
    ("renaming-table", "backward-compat", "Renaming a table breaks clients that use the old name."),
    ("require-concurrent-index-creation", "locking", "CREATE INDEX without CONCURRENTLY blocks writes for the whole build."),
    ("require-concurrent-index-deletion", "locking", "DROP INDEX without CONCURRENTLY blocks reads and writes."),
    ("require-concurrent-partition-detach", "locking", "DETACH PARTITION without CONCURRENTLY blocks the parent table."),
    ("require-concurrent-reindex", "locking", "REINDEX without CONCURRENTLY blocks writes to the table."),
    ("require-enum-value-ordering", "style", "ADD VALUE without BEFORE or AFTER appends the value at the end of the enum."),
    ("require-lock-timeout", "locking", "A statement that takes a strong lock runs without a lock_timeout."),
    ("require-statement-timeout", "locking", "A potentially slow statement runs without a statement_timeout."),
    ("require-table-schema", "style", "A table is named without its schema (opt-in)."),
    ("require-timeout-settings", "locking", "The migration sets neither lock_timeout nor statement_timeout."),
    ("syntax-error", "style", "squawk could not parse the SQL."),
    ("transaction-nesting", "locking", "BEGIN or COMMIT inside a migration that already runs in a transaction."),
)

SQUAWK_RULES: dict[str, SquawkRule] = {
    rule_id: SquawkRule(rule_id, group, summary) for rule_id, group, summary in _SQUAWK_TABLE
}


def group_of(rule_id: str) -> str | None:
    """Return the group of one of our rules or of a squawk rule, or None for an unknown name."""
    if rule_id in RULES:
        return RULES[rule_id].group
    squawk_rule = SQUAWK_RULES.get(rule_id)
    return squawk_rule.group if squawk_rule else None


def is_known(rule_id: str) -> bool:
    """Return whether `rule_id` names one of our rules or a squawk rule."""
    return rule_id in RULES or rule_id in SQUAWK_RULES


def all_rule_ids() -> list[str]:
    """Return every known rule id, ours first, each list sorted."""
    return sorted(RULES) + sorted(set(SQUAWK_RULES) - set(RULES))
