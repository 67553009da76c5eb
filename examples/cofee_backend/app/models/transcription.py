from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, TimestampMixin


class Transcript(TimestampMixin, Base):
    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    media_id: Mapped[int] = mapped_column(sa.ForeignKey("media_assets.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.Text)


class TranscriptSegment(Base):
    __tablename__ = "transcript_segments"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    transcript_id: Mapped[int] = mapped_column(sa.ForeignKey("transcripts.id", ondelete="CASCADE"))
    start_ms: Mapped[int] = mapped_column(sa.BigInteger)
    end_ms: Mapped[int] = mapped_column(sa.BigInteger)
    text: Mapped[str] = mapped_column(sa.Text)
