"""A small project with a Context7 registry, scoped rules and agent files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cofee_hooks.config.fast import FastConfig, load_fast

CONFIG = """\
context7:
  libraries:
    sqlalchemy:
      id: /websites/sqlalchemy_en_21
      name: SQLAlchemy 2.1
      keywords: [sqlalchemy]
      imports: [sqlalchemy]
    alembic:
      id: /sqlalchemy/alembic
      name: Alembic
      keywords: [alembic]
      imports: [alembic]
    asyncpg:
      id: /magicstack/asyncpg
      name: asyncpg
      imports: [asyncpg]
    pytest:
      id: /pytest-dev/pytest
      name: pytest
      keywords: [pytest]
    remotion:
      id: /remotion-dev/remotion
      name: Remotion
      keywords: [remotion]
      imports: ["@remotion/player"]
  agents:
    db-architect: [sqlalchemy, alembic]
    video-editor: [remotion]
"""

RULES = {
    # Loaded by Claude Code everywhere: never injected, even with keywords.
    ".claude/rules/testing.md": """\
        # Testing

        Run pytest before you report.
        """,
    ".claude/rules/migrations.md": """\
        ---
        paths:
          - "alembic/versions/**/*.py"
        ---
        # Migration rules

        Every revision needs a downgrade.
        """,
    ".claude/agent-rules/db-review.md": """\
        ---
        agents: [db-architect]
        ---
        # Database review checklist

        Check every foreign key for an index.
        """,
    ".claude/agent-rules/video-style.md": """\
        ---
        keywords: [storyboard, "title card"]
        ---
        # Video style

        Keep title cards under three seconds.
        """,
    ".claude/agent-rules/api.md": """\
        ---
        paths: src/api/**/*.{ts,tsx}
        ---
        # API handlers

        Validate every request body.
        """,
}


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    write(root, ".claude/cofee-hooks.yaml", CONFIG)
    for relative, text in RULES.items():
        write(root, relative, text)
    return root


@pytest.fixture
def config(project: Path) -> FastConfig:
    return load_fast(str(project))


class RecordingLog:
    """Collects log lines so tests can check what a handler reported."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def info(self, message: str) -> None:
        self.lines.append(("info", message))

    def warning(self, message: str) -> None:
        self.lines.append(("warning", message))

    def error(self, message: str) -> None:
        self.lines.append(("error", message))


@pytest.fixture
def log() -> RecordingLog:
    return RecordingLog()
