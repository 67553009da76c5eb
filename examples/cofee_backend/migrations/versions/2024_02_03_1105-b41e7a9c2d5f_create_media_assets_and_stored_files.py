"""create media assets and stored files

Revision ID: b41e7a9c2d5f
Revises: 8c2d4e6f1a3b
Create Date: 2024-02-03 11:05:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = 'b41e7a9c2d5f'
down_revision: Union[str, Sequence[str], None] = '8c2d4e6f1a3b'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "media_assets",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("project_id", sa.BigInteger(), sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_media_assets_project_id", "media_assets", ["project_id"])
    op.create_table(
        "stored_files",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("media_id", sa.BigInteger(), sa.ForeignKey("media_assets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("bucket", sa.Text(), nullable=False),
        sa.Column("object_key", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_stored_files_media_id", "stored_files", ["media_id"])


def downgrade() -> None:
    op.drop_table("stored_files")
    op.drop_table("media_assets")
