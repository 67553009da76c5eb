"""add locale to users

Revision ID: c5d1e9f3a7b2
Revises: a9b8c7d6e5f4
Create Date: 2024-04-16 17:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = 'c5d1e9f3a7b2'
down_revision: Union[str, Sequence[str], None] = 'a9b8c7d6e5f4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("users", sa.Column("locale", sa.String(length=8), nullable=False))


def downgrade() -> None:
    op.drop_column("users", "locale")
