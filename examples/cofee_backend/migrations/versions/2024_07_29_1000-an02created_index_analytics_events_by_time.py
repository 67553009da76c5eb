"""index analytics events by time

Revision ID: an02created
Revises: an01events
Create Date: 2024-07-29 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = 'an02created'
down_revision: Union[str, Sequence[str], None] = 'an01events'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index(
        "ix_analytics_events_created_at",
        "analytics_events",
        ["created_at"],
        postgresql_concurrently=True,
    )


def downgrade() -> None:
    op.drop_index("ix_analytics_events_created_at", table_name="analytics_events")
