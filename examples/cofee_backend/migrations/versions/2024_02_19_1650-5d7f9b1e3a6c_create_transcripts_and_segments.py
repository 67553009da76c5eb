"""create transcripts and segments

Revision ID: 5d7f9b1e3a6c
Revises: b41e7a9c2d5f
Create Date: 2024-02-19 16:50:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '5d7f9b1e3a6c'
down_revision: Union[str, Sequence[str], None] = 'b41e7a9c2d5f'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "transcripts",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("media_id", sa.BigInteger(), sa.ForeignKey("media_assets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_transcripts_media_id", "transcripts", ["media_id"])
    op.create_table(
        "transcript_segments",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("transcript_id", sa.BigInteger(), sa.ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("transcript_segments")
    op.drop_table("transcripts")
