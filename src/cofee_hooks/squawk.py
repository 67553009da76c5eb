"""The one place that runs squawk, the SQL migration linter.

The `squawk-cli` wheel installs the squawk binary next to the Python
interpreter; `COFEE_HOOKS_SQUAWK` names another binary. squawk 2.70.0 reports
0-based lines and columns in its JSON output; they are converted to 1-based
here. A missing binary, a crash or output that is not JSON raises
`ToolFailure` (exit code 3): no lint result is better than a wrong one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cofee_hooks.errors import ToolFailure

SQUAWK_ENV = "COFEE_HOOKS_SQUAWK"
CONFIG_NAME = ".squawk.toml"
_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Violation:
    """One squawk finding in one SQL text; `line` and `column` are 1-based SQL positions."""

    rule: str
    severity: str
    message: str
    help: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None


@dataclass(frozen=True)
class SquawkOptions:
    """squawk settings: PostgreSQL version, rule selection and the config file."""

    pg_version: str | None = None
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    config_file: Path | None = None


def find_squawk() -> Path:
    """Return the squawk binary: $COFEE_HOOKS_SQUAWK, next to this Python, or on PATH."""
    override = os.environ.get(SQUAWK_ENV)
    if override:
        path = Path(override)
        if not path.is_file():
            raise ToolFailure(f"squawk not found at {override} (from {SQUAWK_ENV})")
        return path
    name = "squawk.exe" if os.name == "nt" else "squawk"
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return beside
    found = shutil.which("squawk")
    if found:
        return Path(found)
    raise ToolFailure(
        "squawk not found next to the Python interpreter or on PATH. "
        "Install the squawk-cli package (pip install squawk-cli==2.70.0)"
    )


def squawk_version() -> str:
    """Return the installed squawk's version, e.g. `2.70.0`."""
    output = _run([str(find_squawk()), "--version"], None).stdout.strip()
    return output.split()[-1] if output else "unknown"


def find_config_file(start: Path, stop: Path | None = None) -> Path | None:
    """Return the nearest .squawk.toml from `start` upwards, not above `stop` or a git root."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if folder == stop or (folder / ".git").exists():
            return None
    return None


def lint_sql(texts: list[str], options: SquawkOptions, cwd: Path) -> list[list[Violation]]:
    """Run squawk once over several SQL texts and return the violations of each."""
    if not texts:
        return []
    with tempfile.TemporaryDirectory(prefix="cofee-hooks-squawk-") as scratch:
        paths = []
        for index, text in enumerate(texts):
            path = Path(scratch) / f"revision-{index}.sql"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        command = [str(find_squawk()), *_arguments(options), *map(str, paths)]
        completed = _run(command, cwd)
        reports = _parse_report(completed)

    by_file: dict[str, list[Violation]] = {str(path): [] for path in paths}
    for item in reports:
        by_file.setdefault(_report_path(item, cwd), []).append(_violation(item))
    return [by_file[str(path)] for path in paths]


def _arguments(options: SquawkOptions) -> list[str]:
    # Alembic's SQL contains its own BEGIN/COMMIT, so squawk must not assume
    # an outer transaction even when .squawk.toml sets assume_in_transaction.
    arguments = ["--reporter", "json", "--no-assume-in-transaction"]
    if options.config_file is not None:
        arguments += ["--config", str(options.config_file)]
    if options.pg_version:
        arguments += ["--pg-version", options.pg_version]
    excluded = (*_config_excludes(options.config_file), *options.exclude) if options.exclude else ()
    for rule in dict.fromkeys(excluded):
        arguments += ["--exclude", rule]
    for rule in options.include:
        arguments += ["--include", rule]
    return arguments


def _config_excludes(config_file: Path | None) -> tuple[str, ...]:
    # squawk lets --exclude replace the file's excluded_rules; keep both.
    if config_file is None:
        return ()
    try:
        import tomllib
    except ImportError:  # Python 3.10
        # NOTE: on Python 3.10 the file's excluded_rules are dropped when --exclude is given.
        return ()
    try:
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    rules = data.get("excluded_rules", [])
    return tuple(rule for rule in rules if isinstance(rule, str))


def _run(command: list[str], cwd: Path | None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=_TIMEOUT_SECONDS, check=False)
    except OSError as error:
        raise ToolFailure(f"squawk failed to start ({command[0]}): {error.strerror or error}") from error
    except subprocess.TimeoutExpired as error:
        raise ToolFailure(f"squawk timed out after {_TIMEOUT_SECONDS} s") from error


def _parse_report(completed: subprocess.CompletedProcess[str]) -> list[dict]:
    # squawk exits 1 when it reports violations, so the exit code alone
    # cannot tell a crash from a finding; the JSON on stdout can.
    stdout = completed.stdout.strip()
    if completed.returncode not in (0, 1) or not stdout:
        if completed.returncode == 0:
            return []
        detail = " ".join(completed.stderr.split())[-400:] or "no error output"
        raise ToolFailure(f"squawk failed with exit code {completed.returncode}: {detail}")
    try:
        report = json.loads(stdout)
    except ValueError as error:
        raise ToolFailure(f"squawk printed output that is not JSON: {stdout[:200]}") from error
    if not isinstance(report, list):
        raise ToolFailure("squawk printed JSON that is not a list of violations")
    return report


def _report_path(item: dict, cwd: Path | None) -> str:
    path = Path(str(item.get("file", "")))
    if not path.is_absolute() and cwd is not None:
        path = cwd / path
    return str(path)


def _violation(item: dict) -> Violation:
    level = str(item.get("level", "Warning")).lower()
    return Violation(
        rule=str(item.get("rule_name") or "squawk"),
        severity="error" if level == "error" else "warning",
        message=str(item.get("message") or ""),
        help=str(item.get("help") or ""),
        line=int(item.get("line") or 0) + 1,
        column=int(item.get("column") or 0) + 1,
        end_line=int(item["line_end"]) + 1 if item.get("line_end") is not None else None,
        end_column=int(item["column_end"]) + 1 if item.get("column_end") is not None else None,
    )
