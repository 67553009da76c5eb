"""Settings read from the environment, as the real service does at start-up."""

from __future__ import annotations

import os

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql+psycopg://cofee:cofee@localhost:5432/cofee")
