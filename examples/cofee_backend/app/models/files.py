from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, TimestampMixin


class StoredFile(TimestampMixin, Base):
    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    media_id: Mapped[int] = mapped_column(sa.ForeignKey("media_assets.id", ondelete="CASCADE"), index=True)
    bucket: Mapped[str] = mapped_column(sa.Text)
    object_key: Mapped[str] = mapped_column(sa.Text)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
