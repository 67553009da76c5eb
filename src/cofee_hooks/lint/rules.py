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
