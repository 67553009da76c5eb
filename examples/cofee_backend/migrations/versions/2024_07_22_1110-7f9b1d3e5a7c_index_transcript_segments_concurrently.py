"""index transcript segments concurrently

Revision ID: 7f9b1d3e5a7c
Revises: 2e4a6c8e0b1d
Create Date: 2024-07-22 11:10:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '7f9b1d3e5a7c'
down_revision: Union[str, Sequence[str], None] = '2e4a6c8e0b1d'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_transcript_segments_transcript_id",
            "transcript_segments",
            ["transcript_id", "start_ms"],
            postgresql_concurrently=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            "ix_transcript_segments_transcript_id",
            table_name="transcript_segments",
            postgresql_concurrently=True,
        )
