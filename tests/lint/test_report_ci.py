"""CI formats: SARIF 2.1.0 (validated against the official schema), GitHub and GitLab."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cofee_hooks.findings import Finding
from cofee_hooks.lint.report_ci import fingerprints_of, render_github, render_gitlab, render_sarif, to_sarif
from cofee_hooks.lint.rules import RULES

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "sarif-schema-2.1.0.json"

REVISION = '''"""Add locale."""
from alembic import op
import sqlalchemy as sa

revision = "b2"
down_revision = "a1"


def upgrade():
    op.add_column("users", sa.Column("locale", sa.Text(), nullable=False))
    op.create_index("ix_users_locale", "users", ["locale"])


def downgrade():
    pass
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    (versions / "b2_add locale.py").write_text(REVISION, encoding="utf-8")
    return tmp_path


def revision_file(root: Path) -> Path:
    return root / "migrations" / "versions" / "b2_add locale.py"


def sample_findings(root: Path) -> list[Finding]:
    path = str(revision_file(root))
    return [
        Finding(
            "not-null-without-server-default", "cofee-hooks", "error", path, 10, 5,
            "'locale' is added as NOT NULL", RULES["not-null-without-server-default"].fix, "b2", 10, 75,
        ),
        Finding(
            "require-concurrent-index-creation", "squawk", "warning", path, 11, 5,
            "During normal index creation, table updates are blocked, but reads are still allowed.",
            "Use `concurrently`, 100% safe: a, b", "b2",
        ),
        Finding("empty-downgrade", "cofee-hooks", "info", path, 14, 1, "downgrade() does nothing", "fix", "b2"),
    ]


def test_sarif_validates_against_schema(project: Path) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    document = json.loads(render_sarif(sample_findings(project), project))

    jsonschema.validate(document, schema)
    assert document["version"] == "2.1.0"


def test_sarif_without_findings_validates(project: Path) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    document = json.loads(render_sarif([], project))

    jsonschema.validate(document, schema)
    assert document["runs"][0]["results"] == []


def test_schema_rejects_broken_sarif(project: Path) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    document = to_sarif(sample_findings(project), project)
    document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_sarif_results_point_at_python(project: Path) -> None:
    run = to_sarif(sample_findings(project), project)["runs"][0]

    first = run["results"][0]
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "migrations/versions/b2_add%20locale.py", "uriBaseId": "SRCROOT"}
    assert location["region"] == {"startLine": 10, "startColumn": 5, "endLine": 10, "endColumn": 75}
    assert first["level"] == "error"
    assert run["results"][2]["level"] == "note"
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == project.resolve().as_uri() + "/"


def test_sarif_rules_carry_catalogue(project: Path) -> None:
    run = to_sarif(sample_findings(project), project)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]

    assert set(RULES) <= set(ids)
    own = rules[ids.index("not-null-without-server-default")]
    assert own["shortDescription"]["text"] == RULES["not-null-without-server-default"].summary
    assert own["fullDescription"]["text"] == RULES["not-null-without-server-default"].why
    assert RULES["not-null-without-server-default"].bad in own["help"]["text"]
    assert "backward-compat" in own["properties"]["tags"]
    squawk = rules[ids.index("require-concurrent-index-creation")]
    assert squawk["helpUri"] == "https://squawkhq.com/docs/require-concurrent-index-creation"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_fingerprints_survive_unrelated_moves(project: Path) -> None:
    before = fingerprints_of(sample_findings(project), project)
    path = revision_file(project)
    path.write_text("# a new comment line\n\n" + REVISION, encoding="utf-8")
    moved = [
        Finding(f.rule, f.source, f.severity, f.file, f.line + 2, f.column, f.message, f.help, f.revision,
                f.end_line + 2 if f.end_line else None, f.end_column)
        for f in sample_findings(project)
    ]

    after = fingerprints_of(moved, project)

    assert after == before


def test_fingerprints_change_with_statement(project: Path) -> None:
    before = fingerprints_of(sample_findings(project), project)
    path = revision_file(project)
    path.write_text(REVISION.replace('["locale"]', '["locale", "id"]'), encoding="utf-8")

    after = fingerprints_of(sample_findings(project), project)

    assert after[0] == before[0]
    assert after[1] != before[1]


def test_fingerprints_distinguish_identical_statements(project: Path) -> None:
    finding = sample_findings(project)[0]

    first, second = fingerprints_of([finding, finding], project)

    assert first != second


def test_github_commands_escape(project: Path) -> None:
    lines = render_github(sample_findings(project), project).splitlines()

    assert lines[0].startswith(
        "::error file=migrations/versions/b2_add locale.py,line=10,col=5,endLine=10,endColumn=75,"
        "title=not-null-without-server-default (cofee-hooks)::"
    )
    assert lines[1].startswith("::warning file=migrations/versions/b2_add locale.py,line=11,col=5,title=")
    assert lines[1].endswith("%0Ahelp: Use `concurrently`, 100%25 safe: a, b")
    assert lines[2].startswith("::notice ")
    assert len(lines) == 3


def test_github_property_escaping() -> None:
    finding = Finding("empty-downgrade", "cofee-hooks", "warning", "dir,x/a:b%.py", 1, 1, "line one\r\nline two", "")

    line = render_github([finding]).rstrip("\n")

    assert line == "::warning file=dir%2Cx/a%3Ab%25.py,line=1,col=1,title=empty-downgrade (cofee-hooks)::line one%0D%0Aline two"


def test_gitlab_code_quality(project: Path) -> None:
    issues = json.loads(render_gitlab(sample_findings(project), project))

    assert [issue["severity"] for issue in issues] == ["major", "minor", "info"]
    first = issues[0]
    assert first["check_name"] == "not-null-without-server-default"
    assert first["location"] == {"path": "migrations/versions/b2_add locale.py", "lines": {"begin": 10}}
    assert first["description"].startswith("'locale' is added as NOT NULL")
    assert len({issue["fingerprint"] for issue in issues}) == 3
    assert issues[0]["fingerprint"] == fingerprints_of(sample_findings(project), project)[0]
