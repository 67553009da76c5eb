from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from cofee_hooks.findings import Finding
from cofee_hooks.lint.engine import LintResult, RevisionSummary
from cofee_hooks.lint.report import FORMATS, ReportOptions, format_json, format_text, render_report, use_colour
from cofee_hooks.migrations.project import AlembicProject


def _result(tmp_path: Path, findings: list[Finding]) -> LintResult:
    project = AlembicProject(tmp_path, tmp_path / "alembic.ini", tmp_path / "migrations", (tmp_path / "v",))
    summary = RevisionSummary("abc123", tmp_path / "v" / "abc123_add.py", ("abc000",), (), True, True, 3)
    return LintResult(project, [summary], findings)


def _finding(tmp_path: Path, severity: str = "warning", **kwargs) -> Finding:
    values = dict(
        rule="require-concurrent-index-creation",
        source="squawk",
        severity=severity,
        file=str(tmp_path / "v" / "abc123_add.py"),
        line=12,
        column=5,
        message="During normal index creation, table updates are blocked.",
        help="Use `concurrently` to avoid blocking writes.",
        revision="abc123",
    )
    values.update(kwargs)
    return Finding(**values)


def test_text_lines_help_and_summary(tmp_path: Path) -> None:
    result = _result(tmp_path, [_finding(tmp_path), _finding(tmp_path, "error", rule="multiple-heads", help="")])
    text = format_text(result, ReportOptions(base=tmp_path))
    assert text.splitlines() == [
        "v/abc123_add.py:12:5: warning require-concurrent-index-creation: During normal index creation, table updates are blocked.",
        "  help: Use `concurrently` to avoid blocking writes.",
        "v/abc123_add.py:12:5: error multiple-heads: During normal index creation, table updates are blocked.",
        "1 revision checked: 1 error, 1 warning",
    ]


def test_text_without_findings(tmp_path: Path) -> None:
    assert format_text(_result(tmp_path, []), ReportOptions()) == "1 revision checked, no findings\n"


def test_text_colour_only_when_asked(tmp_path: Path) -> None:
    result = _result(tmp_path, [_finding(tmp_path)])
    assert "\033[" not in format_text(result, ReportOptions(colour=False))
    assert "\033[33mwarning\033[0m" in format_text(result, ReportOptions(colour=True))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_use_colour_needs_terminal_and_no_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(_Terminal()) is True
    assert use_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(_Terminal()) is False


def test_json_schema(tmp_path: Path) -> None:
    document = json.loads(format_json(_result(tmp_path, [_finding(tmp_path)]), ReportOptions(base=tmp_path)))
    assert set(document) == {"version", "project", "revisions", "findings"}
    assert document["revisions"] == [
        {
            "revision": "abc123",
            "file": "v/abc123_add.py",
            "down_revisions": ["abc000"],
            "branch_labels": [],
            "is_head": True,
            "rendered": True,
            "statements": 3,
            "from_cache": False,
        }
    ]
    finding = document["findings"][0]
    for key in ("rule", "source", "severity", "file", "line", "column", "message", "help", "revision"):
        assert key in finding
    assert finding["file"] == "v/abc123_add.py"
    assert finding["line"] == 12


def test_dispatch_by_name(tmp_path: Path) -> None:
    assert {"text", "json"} <= set(FORMATS)
    result = _result(tmp_path, [])
    assert render_report(result, "json", ReportOptions()).startswith("{")
