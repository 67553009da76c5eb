"""create caption tracks

Revision ID: e2a4c6b8d0f1
Revises: 5d7f9b1e3a6c
Create Date: 2024-03-04 09:15:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = 'e2a4c6b8d0f1'
down_revision: Union[str, Sequence[str], None] = '5d7f9b1e3a6c'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "caption_tracks",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("transcript_id", sa.BigInteger(), sa.ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("burned_in", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index("ix_caption_tracks_transcript_id", "caption_tracks", ["transcript_id"])


def downgrade() -> None:
    op.drop_table("caption_tracks")
