"""The hook deadline: the configured value replaces the default within each event's bounds."""

from __future__ import annotations

import pytest

from cofee_hooks.claude import runtime
from cofee_hooks.config.fast import FastConfig


def _config(hooks: dict) -> FastConfig:
    return FastConfig({"hooks": hooks}, None, "/nonexistent")


@pytest.mark.parametrize(
    ("event", "configured", "expected"),
    [
        ("PreToolUse", None, 20.0),
        ("PreToolUse", 30, 30.0),
        ("PreToolUse", 100, 50.0),
        ("PreToolUse", 0.1, 0.5),
        ("PreToolUse", "soon", 20.0),
        ("SessionEnd", None, 8.0),
        ("SessionEnd", 30, 8.0),
        ("SessionEnd", 2, 2.0),
    ],
)
def test_deadline_clamped_per_event(event: str, configured: object, expected: float) -> None:
    hooks = {} if configured is None else {"deadline_seconds": configured}
    assert runtime._deadline_for(event, _config(hooks)) == expected


def test_deadline_without_hooks_section() -> None:
    assert runtime._deadline_for("Stop", FastConfig({}, None, "/nonexistent")) == 20.0
