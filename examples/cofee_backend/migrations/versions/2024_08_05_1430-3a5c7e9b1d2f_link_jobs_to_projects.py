"""link jobs to projects

Revision ID: 3a5c7e9b1d2f
Revises: 7f9b1d3e5a7c
Create Date: 2024-08-05 14:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '3a5c7e9b1d2f'
down_revision: Union[str, Sequence[str], None] = '7f9b1d3e5a7c'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("project_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        "fk_jobs_project_id_projects", "jobs", "projects", ["project_id"], ["id"], ondelete="SET NULL"
    )
    op.create_index("ix_jobs_project_id", "jobs", ["project_id"])


def downgrade() -> None:
    op.drop_index("ix_jobs_project_id", table_name="jobs")
    op.drop_constraint("fk_jobs_project_id_projects", "jobs", type_="foreignkey")
    op.drop_column("jobs", "project_id")
