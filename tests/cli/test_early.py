from __future__ import annotations

from pathlib import Path

import pytest

from cofee_hooks.cli import early
from tests.migrations.helpers import simple_project


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["lint-migration", "--no-cache"], ""),
        (["lint-migration", "proj", "--no-cache", "--format", "json"], "proj"),
        (["lint-migration", "--format=json", "--no-cache", "proj"], "proj"),
        (["lint-migration", "--config", "c.yaml", "--revision", "head", "--no-cache"], ""),
        (["lint-migration", "--no-cache", "--", "-odd-name"], "-odd-name"),
    ],
)
def test_project_dir_of_cold_run(arguments: list[str], expected: str) -> None:
    assert early._project_dir(arguments) == expected


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["lint-migration"],
        ["explain", "--no-cache"],
        ["lint-migration", "--no-cache", "--staged"],
        ["lint-migration", "--no-cache", "--since", "main"],
        ["lint-migration", "--no-cache", "--files", "a.py"],
        ["lint-migration", "--no-cache", "--use-env"],
        ["lint-migration", "--no-cache", "--python=python3"],
        ["lint-migration", "--no-cache", "--help"],
        ["lint-migration", "--no-cache", "one", "two"],
    ],
)
def test_no_early_start_for(arguments: list[str]) -> None:
    assert early._project_dir(arguments) is None


def test_prestarted_worker_taken_once(tmp_path: Path) -> None:
    simple_project(tmp_path)
    early.prestart(["lint-migration", str(tmp_path), "--no-cache"])
    try:
        assert early.take(tmp_path / "elsewhere") is None
        worker = early.take(tmp_path)
        assert worker is not None
        assert early.take(tmp_path) is None
    finally:
        early.cancel_unused()
    worker.cancel()
    assert worker._process.returncode is not None


def test_unused_worker_is_stopped(tmp_path: Path) -> None:
    simple_project(tmp_path)
    early.prestart(["lint-migration", str(tmp_path), "--no-cache"])
    worker = early._started[1] if early._started else None
    assert worker is not None
    early.cancel_unused()
    assert early._started is None
    assert worker._process.returncode is not None


def test_no_worker_without_alembic_ini(tmp_path: Path) -> None:
    early.prestart(["lint-migration", str(tmp_path), "--no-cache"])
    assert early._started is None
