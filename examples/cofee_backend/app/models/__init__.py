"""Every model, imported so that Base.metadata contains all tables."""

from app.db import Base
from app.models import (
    captions,
    files,
    jobs,
    media,
    notifications,
    projects,
    system,
    tasks,
    transcription,
    users,
    webhooks,
)

__all__ = [
    "Base",
    "captions",
    "files",
    "jobs",
    "media",
    "notifications",
    "projects",
    "system",
    "tasks",
    "transcription",
    "users",
    "webhooks",
]
