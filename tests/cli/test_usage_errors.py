"""click usage errors read like every other error: one line, exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

CASES = [
    (["install", "--bogus"], "No such option '--bogus'", "cofee-hooks install --help"),
    (["no-such-command"], "No such command 'no-such-command'", "cofee-hooks --help"),
    (["check-commit", "--format", "xml"], "Invalid value for '--format'", "cofee-hooks check-commit --help"),
]


@pytest.mark.parametrize(("args", "message", "help_command"), CASES)
def test_usage_error_one_line(tmp_path: Path, args: list[str], message: str, help_command: str) -> None:
    completed = run_cli(*args, cwd=tmp_path)
    lines = completed.stderr.splitlines()

    assert completed.returncode == 2
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith(f"cofee-hooks: {message}")
    assert lines[0].endswith(f"(see '{help_command}')")
    assert "Usage:" not in completed.stderr


def test_group_without_command_shows_help(tmp_path: Path) -> None:
    completed = run_cli(cwd=tmp_path)

    assert "Usage: cofee-hooks" in completed.stdout + completed.stderr
    assert "cofee-hooks: Usage" not in completed.stderr
