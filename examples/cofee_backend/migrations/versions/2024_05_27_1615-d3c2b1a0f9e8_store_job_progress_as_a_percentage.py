"""store job progress as a percentage

Revision ID: d3c2b1a0f9e8
Revises: 0f8e7d6c5b4a
Create Date: 2024-05-27 16:15:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = 'd3c2b1a0f9e8'
down_revision: Union[str, Sequence[str], None] = '0f8e7d6c5b4a'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.alter_column(
        "jobs",
        "progress",
        existing_type=sa.Integer(),
        type_=sa.Numeric(precision=5, scale=2),
        existing_nullable=False,
    )


def downgrade() -> None:
    op.alter_column("jobs", "progress", existing_type=sa.Numeric(precision=5, scale=2), type_=sa.Integer())
