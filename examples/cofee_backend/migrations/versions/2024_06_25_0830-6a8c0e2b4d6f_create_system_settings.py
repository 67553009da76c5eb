"""create system settings

Revision ID: 6a8c0e2b4d6f
Revises: 4b6d8f0a2c4e
Create Date: 2024-06-25 08:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '6a8c0e2b4d6f'
down_revision: Union[str, Sequence[str], None] = '4b6d8f0a2c4e'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "system_settings",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("system_settings")
