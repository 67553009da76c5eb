"""merge webhooks and system settings

Revision ID: f0e1d2c3b4a5
Revises: 9e1f3a5c7b2d, 6a8c0e2b4d6f
Create Date: 2024-06-27 09:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = 'f0e1d2c3b4a5'
down_revision: Union[str, Sequence[str], None] = ('9e1f3a5c7b2d', '6a8c0e2b4d6f')
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
