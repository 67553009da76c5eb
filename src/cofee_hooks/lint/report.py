"""Print lint results: the text and JSON formats, and the format registry.

`FORMATS` maps a format name to `module:function`; the function takes a
`LintResult` and a `ReportOptions` and returns the whole output as a string.
Formats are imported only when used, so adding one is one line here and one
function in its own module.
"""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cofee_hooks.findings import Finding
    from cofee_hooks.lint.engine import LintResult

JSON_SCHEMA_VERSION = 1

FORMATS: dict[str, str] = {
    "text": "cofee_hooks.lint.report:format_text",
    "json": "cofee_hooks.lint.report:format_json",
    "sarif": "cofee_hooks.lint.report_ci:format_sarif",
    "github": "cofee_hooks.lint.report_ci:format_github",
    "gitlab": "cofee_hooks.lint.report_ci:format_gitlab",
}

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_RESET = "\033[0m"


@dataclass(frozen=True)
class ReportOptions:
    """Output settings: whether to colour, and the folder that paths are shown relative to."""

    colour: bool = False
    base: Path | None = None


def use_colour(stream: Any) -> bool:
    """Return whether to colour output: only on a terminal, and never with NO_COLOR set."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def render_report(result: LintResult, format_name: str, options: ReportOptions) -> str:
    """Format a result in one of `FORMATS` (raises KeyError for an unknown name)."""
    module_name, _, function = FORMATS[format_name].partition(":")
    formatter = getattr(importlib.import_module(module_name), function)
    return formatter(result, options)


def display_path(path: str | Path, base: Path | None = None) -> str:
    """Return a path relative to `base` (the working directory by default) when it is below it."""
    path = Path(path)
    base = (base or Path.cwd()).resolve()
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path)


def format_text(result: LintResult, options: ReportOptions) -> str:
    """Format findings as `path:line:col: severity rule: message`, the help indented below."""
    lines = []
    for finding in result.findings:
        lines.append(_text_finding(finding, options))
        if finding.help:
            lines.append(_paint(f"  help: {finding.help}", _DIM, options))
    lines.append(_summary(result, options))
    return "\n".join(lines) + "\n"


def format_json(result: LintResult, options: ReportOptions) -> str:
    """Format the result as one JSON object with `revisions` and `findings` (see docs)."""
    document = {
        "version": JSON_SCHEMA_VERSION,
        "project": display_path(result.project.directory, options.base),
        "revisions": [
            {
                "revision": summary.revision,
                "file": display_path(summary.file, options.base),
                "down_revisions": list(summary.down_revisions),
                "branch_labels": list(summary.branch_labels),
                "is_head": summary.is_head,
                "rendered": summary.rendered,
                "statements": summary.statements,
                "from_cache": summary.from_cache,
            }
            for summary in result.revisions
        ],
        "findings": [_json_finding(finding, options) for finding in result.findings],
    }
    return json.dumps(document, indent=2) + "\n"


def _json_finding(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    data = finding.to_dict()
    data["file"] = display_path(finding.file, options.base)
    return data


def _text_finding(finding: Finding, options: ReportOptions) -> str:
    location = f"{display_path(finding.file, options.base)}:{finding.line}:{finding.column}:"
    severity = _paint(finding.severity, _COLOURS.get(finding.severity, ""), options)
    rule = _paint(finding.rule, _BOLD, options)
    return f"{location} {severity} {rule}: {finding.message}"


def _summary(result: LintResult, options: ReportOptions) -> str:
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in result.findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    revisions = len(result.revisions)
    noun = "revision" if revisions == 1 else "revisions"
    if not result.findings:
        return f"{revisions} {noun} checked, no findings"
    parts = [f"{count} {name}{'s' if count != 1 else ''}" for name, count in counts.items() if count]
    return f"{revisions} {noun} checked: {', '.join(parts)}"


def _paint(text: str, code: str, options: ReportOptions) -> str:
    if not options.colour or not code:
        return text
    return f"{code}{text}{_RESET}"
