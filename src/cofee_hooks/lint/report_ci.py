"""Findings in the formats CI systems read: SARIF 2.1.0, GitHub workflow commands, GitLab Code Quality.

This module does not depend on the checks: it takes findings and the rule
catalogue. Paths are written relative to `root` (the repository) when the
finding's file lies under it, with `/` separators, as CI systems expect.

Fingerprints identify a finding across commits: a hash of the rule, the file
path and the whitespace-normalised text of the statement's lines, plus a
counter for identical statements. Moving unrelated lines does not change
them; editing the statement itself does.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cofee_hooks import __version__
from cofee_hooks.findings import Finding
from cofee_hooks.lint.rules import RULES, SQUAWK_RULES

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/cofee-hooks/"
_FINGERPRINT_KEY = "cofeeHooksStatement/v1"
_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
# GitLab Code Quality severities are info, minor, major, critical and blocker.
_GITLAB_SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}

SourceReader = Callable[[str], "list[str] | None"]


def render_sarif(findings: Sequence[Finding], root: Path | None = None, read_lines: SourceReader | None = None) -> str:
    """Return a SARIF 2.1.0 log of the findings as JSON text."""
    return json.dumps(to_sarif(findings, root, read_lines), indent=2) + "\n"


def render_github(findings: Sequence[Finding], root: Path | None = None) -> str:
    """Return one GitHub Actions workflow command per finding (`::warning file=...::message`)."""
    lines = []
    for finding in findings:
        properties = {
            "file": _display_path(finding.file, root),
            "line": str(finding.line),
            "col": str(finding.column),
        }
        if finding.end_line is not None:
            properties["endLine"] = str(finding.end_line)
        if finding.end_column is not None and finding.end_line in (None, finding.line):
            properties["endColumn"] = str(finding.end_column)
        properties["title"] = f"{finding.rule} ({finding.source})"
        rendered = ",".join(f"{key}={_escape_property(value)}" for key, value in properties.items())
        message = finding.message if not finding.help else f"{finding.message}\nhelp: {finding.help}"
        lines.append(f"::{_GITHUB_COMMANDS.get(finding.severity, 'warning')} {rendered}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


def render_gitlab(findings: Sequence[Finding], root: Path | None = None, read_lines: SourceReader | None = None) -> str:
    """Return a GitLab Code Quality report (a JSON list) of the findings."""
    fingerprints = fingerprints_of(findings, root, read_lines)
    issues = []
    for finding, fingerprint in zip(findings, fingerprints):
        description = finding.message if not finding.help else f"{finding.message} (help: {finding.help})"
        issues.append(
            {
                "type": "issue",
                "description": description,
                "check_name": finding.rule,
                "categories": ["Bug Risk"],
                "fingerprint": fingerprint,
                "severity": _GITLAB_SEVERITIES.get(finding.severity, "minor"),
                "location": {"path": _display_path(finding.file, root), "lines": {"begin": max(finding.line, 1)}},
            }
        )
    return json.dumps(issues, indent=2) + "\n"


def to_sarif(
    findings: Sequence[Finding], root: Path | None = None, read_lines: SourceReader | None = None
) -> dict[str, Any]:
    """Build the SARIF 2.1.0 log: one run, the rules used plus all of this package's rules."""
    rule_ids = list(RULES) + sorted({finding.rule for finding in findings} - set(RULES))
    rule_index = {rule_id: index for index, rule_id in enumerate(rule_ids)}
    fingerprints = fingerprints_of(findings, root, read_lines)

    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "cofee-hooks",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_sarif_rule(rule_id) for rule_id in rule_ids],
            }
        },
        "results": [
            _sarif_result(finding, rule_index[finding.rule], fingerprint, root)
            for finding, fingerprint in zip(findings, fingerprints)
        ],
        "columnKind": "unicodeCodePoints",
    }
    if root is not None:
        run["originalUriBaseIds"] = {"SRCROOT": {"uri": Path(root).resolve().as_uri() + "/"}}
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def fingerprints_of(
    findings: Sequence[Finding], root: Path | None = None, read_lines: SourceReader | None = None
) -> list[str]:
    """Return a stable fingerprint per finding (see the module docstring)."""
    reader = read_lines or _read_lines_cached()
    seen: dict[str, int] = {}
    result = []
    for finding in findings:
        lines = reader(finding.file)
        statement = _statement_text(lines, finding) if lines is not None else f"line {finding.line}"
        base = "\0".join((finding.rule, _display_path(finding.file, root), statement))
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        result.append(hashlib.sha256(f"{base}\0{occurrence}".encode()).hexdigest())
    return result


def _sarif_rule(rule_id: str) -> dict[str, Any]:
    own = RULES.get(rule_id)
    if own is not None:
        help_text = f"{own.fix}\n\nBad:\n{own.bad}\n\nGood:\n{own.good}"
        help_markdown = f"{own.fix}\n\nBad:\n\n```python\n{own.bad}\n```\n\nGood:\n\n```python\n{own.good}\n```"
        return {
            "id": own.id,
            "shortDescription": {"text": own.summary},
            "fullDescription": {"text": own.why},
            "help": {"text": help_text, "markdown": help_markdown},
            "defaultConfiguration": {"level": _SARIF_LEVELS[own.severity]},
            "properties": {"tags": [own.group, "cofee-hooks"]},
        }
    squawk = SQUAWK_RULES.get(rule_id)
    if squawk is not None:
        return {
            "id": squawk.id,
            "shortDescription": {"text": squawk.summary},
            "helpUri": squawk.url,
            "help": {"text": f"See {squawk.url}"},
            "properties": {"tags": [squawk.group, "squawk"]},
        }
    return {"id": rule_id, "shortDescription": {"text": rule_id}}


def _sarif_result(finding: Finding, rule_index: int, fingerprint: str, root: Path | None) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)}
    if finding.end_line is not None and finding.end_line >= region["startLine"]:
        region["endLine"] = finding.end_line
        if finding.end_column is not None and finding.end_column >= 1:
            region["endColumn"] = finding.end_column
    display = _display_path(finding.file, root)
    location: dict[str, Any]
    if Path(display).is_absolute():
        location = {"uri": Path(display).as_uri()}
    else:
        location = {"uri": quote(display)}
        if root is not None:
            location["uriBaseId"] = "SRCROOT"
    properties: dict[str, Any] = {"source": finding.source}
    if finding.help:
        properties["help"] = finding.help
    if finding.revision:
        properties["revision"] = finding.revision
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
        "partialFingerprints": {_FINGERPRINT_KEY: fingerprint},
        "properties": properties,
    }


def _statement_text(lines: list[str], finding: Finding) -> str:
    first = max(finding.line, 1)
    last = max(finding.end_line or first, first)
    chunk = lines[first - 1 : last]
    return " ".join(" ".join(chunk).split())


def _read_lines_cached() -> SourceReader:
    cache: dict[str, list[str] | None] = {}

    def read(path: str) -> list[str] | None:
        if path not in cache:
            try:
                cache[path] = Path(path).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                cache[path] = None
        return cache[path]

    return read


def _display_path(file: str, root: Path | None) -> str:
    path = Path(file)
    if root is not None and path.is_absolute():
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix() if os.sep != "/" else file


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


# Adapters for the format registry in `cofee_hooks.lint.report`: each takes a
# LintResult and ReportOptions. Paths are written relative to `options.base`,
# else to the working directory (in CI, usually the repository root).


def format_sarif(result: Any, options: Any) -> str:
    """Format a lint result as SARIF 2.1.0."""
    return render_sarif(result.findings, _report_root(options))


def format_github(result: Any, options: Any) -> str:
    """Format a lint result as GitHub Actions workflow commands."""
    return render_github(result.findings, _report_root(options))


def format_gitlab(result: Any, options: Any) -> str:
    """Format a lint result as a GitLab Code Quality report."""
    return render_gitlab(result.findings, _report_root(options))


def _report_root(options: Any) -> Path:
    base = getattr(options, "base", None)
    return Path(base) if base is not None else Path.cwd()
