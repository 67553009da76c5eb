"""Fixtures for the memory tests: a project folder, its configuration and a log."""

from __future__ import annotations

from pathlib import Path

import pytest

from cofee_hooks.config.fast import FastConfig
from tests.memory.helpers import RecordingLog, make_config


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / ".claude").mkdir(parents=True)
    return root


@pytest.fixture
def config(project: Path) -> FastConfig:
    return make_config(project)


@pytest.fixture
def log() -> RecordingLog:
    return RecordingLog()


@pytest.fixture
def memory_dir(project: Path) -> Path:
    return project / ".claude" / "agents-memory"
