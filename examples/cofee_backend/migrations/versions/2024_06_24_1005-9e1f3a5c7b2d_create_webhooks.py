"""create webhooks

Revision ID: 9e1f3a5c7b2d
Revises: 4b6d8f0a2c4e
Create Date: 2024-06-24 10:05:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '9e1f3a5c7b2d'
down_revision: Union[str, Sequence[str], None] = '4b6d8f0a2c4e'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "webhooks",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("project_id", sa.BigInteger(), sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
    )
    op.create_index("ix_webhooks_project_id", "webhooks", ["project_id"])


def downgrade() -> None:
    op.drop_table("webhooks")
