"""A risky revision written by the agent comes back to it with the lint findings."""

from __future__ import annotations

import pytest

from tests.e2e.standin import StandIn, sequence, text, tool_use

pytestmark = pytest.mark.e2e

ALEMBIC_INI = """[alembic]
script_location = %(here)s/alembic
prepend_sys_path = .
"""
ENV_PY = """from alembic import context

# Rendering for the lint does not run this file; a real env.py imports the app.
"""
FIRST_REVISION = '''"""Create projects.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "projects",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("workspace_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
    )


def downgrade():
    op.drop_table("projects")
'''
RISKY_REVISION = '''"""Index projects by workspace.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_projects_workspace_id", "projects", ["workspace_id"])


def downgrade():
    op.drop_index("ix_projects_workspace_id", table_name="projects")
'''
VERSIONS = "cofee_backend/alembic/versions"


@pytest.fixture
def backend(workspace):
    workspace.write("cofee_backend/alembic.ini", ALEMBIC_INI)
    workspace.write("cofee_backend/alembic/env.py", ENV_PY)
    workspace.write(f"{VERSIONS}/0001_create_projects.py", FIRST_REVISION)
    return workspace


def test_risky_revision_gets_findings(backend, run_claude):
    target = backend.root / VERSIONS / "0002_index_projects.py"
    script = sequence(
        [tool_use("Write", {"file_path": str(target), "content": RISKY_REVISION})],
        [text("Revision written.")],
    )

    with StandIn(script) as standin:
        run = run_claude(backend, standin, "Add an index on projects.workspace_id.")

    assert run.returncode == 0, run.describe()
    assert target.read_text(encoding="utf-8") == RISKY_REVISION
    requests = standin.message_requests
    assert len(requests) == 2
    assert not requests[1].tool_results()[0].get("is_error")
    feedback = requests[1].text_after_last_tool_use()
    assert "require-concurrent-index-creation" in feedback
    assert "0002_index_projects.py" in feedback


def test_clean_file_outside_versions_gets_none(backend, run_claude):
    target = backend.root / "cofee_backend" / "notes.py"
    script = sequence(
        [tool_use("Write", {"file_path": str(target), "content": RISKY_REVISION})],
        [text("Written.")],
    )

    with StandIn(script) as standin:
        run = run_claude(backend, standin, "Save a scratch copy.")

    assert run.returncode == 0, run.describe()
    feedback = standin.message_requests[1].text_after_last_tool_use()
    assert "require-concurrent-index-creation" not in feedback


def test_edited_revision_gets_findings(backend, run_claude):
    target = backend.write(f"{VERSIONS}/0002_index_projects.py", RISKY_REVISION.replace("op.create_index", "pass  # op.create_index"))
    script = sequence(
        [tool_use("Read", {"file_path": str(target)})],
        [tool_use("Edit", {"file_path": str(target), "old_string": "pass  # op.create_index", "new_string": "op.create_index"})],
        [text("Edited.")],
    )

    with StandIn(script) as standin:
        run = run_claude(backend, standin, "Enable the index.")

    assert run.returncode == 0, run.describe()
    assert target.read_text(encoding="utf-8") == RISKY_REVISION
    requests = standin.message_requests
    assert len(requests) == 3
    assert "require-concurrent-index-creation" not in requests[1].text_after_last_tool_use()
    assert "require-concurrent-index-creation" in requests[2].text_after_last_tool_use()
