"""Declarative base and the column types shared by every module."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp with time zone that always stores UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True


class Base(DeclarativeBase):
    pass


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=sa.func.now())
