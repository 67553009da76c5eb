from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, TimestampMixin


class CaptionTrack(TimestampMixin, Base):
    __tablename__ = "caption_tracks"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    transcript_id: Mapped[int] = mapped_column(sa.ForeignKey("transcripts.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(sa.Text)
    burned_in: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
