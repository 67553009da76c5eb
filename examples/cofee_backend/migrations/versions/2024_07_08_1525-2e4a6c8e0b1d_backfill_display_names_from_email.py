"""backfill display names from email

Revision ID: 2e4a6c8e0b1d
Revises: f0e1d2c3b4a5
Create Date: 2024-07-08 15:25:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '2e4a6c8e0b1d'
down_revision: Union[str, Sequence[str], None] = 'f0e1d2c3b4a5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    bind = op.get_bind()
    users = sa.table("users", sa.column("id", sa.BigInteger()), sa.column("email", sa.Text()))
    rows = bind.execute(sa.select(users.c.id, users.c.email).where(sa.text("display_name IS NULL"))).fetchall()
    for user_id, email in rows:
        op.execute(
            sa.text("UPDATE users SET display_name = :name WHERE id = :id").bindparams(
                name=email.split("@")[0], id=user_id
            )
        )


def downgrade() -> None:
    pass
