from __future__ import annotations

from pathlib import Path

import pytest

from cofee_hooks.config.schema import defaults
from cofee_hooks.errors import ToolFailure, UserError
from cofee_hooks.lint.engine import LintRequest, lint
from tests.conftest import REPO_ROOT
from tests.migrations.helpers import line_of, simple_project, write_ini, write_revision

EXAMPLE = REPO_ROOT / "examples" / "cofee_backend"
EXAMPLE_VERSIONS = EXAMPLE / "migrations" / "versions"


def _request(root: Path, **kwargs) -> LintRequest:
    settings = defaults()["migrations"]
    settings["cache"] = False
    settings.update(kwargs.pop("settings", {}))
    return LintRequest(settings=settings, config_root=root, project_dir=kwargs.pop("project_dir", root), **kwargs)


def _rules_at(result, path: Path) -> set[tuple[str, int]]:
    return {(f.rule, f.line) for f in result.findings if Path(f.file) == path.resolve()}


def test_example_heads_findings_on_op_lines() -> None:
    result = lint(_request(EXAMPLE))
    head = next(EXAMPLE_VERSIONS.glob("*3a5c7e9b1d2f*"))
    found = _rules_at(result, head)
    assert ("adding-foreign-key-constraint", line_of(head, "op.create_foreign_key")) in found
    assert ("require-concurrent-index-creation", line_of(head, "op.create_index")) in found
    assert sorted(rev.revision for rev in result.revisions) == ["3a5c7e9b1d2f", "an02created"]
    assert not [f for f in result.findings if f.rule == "multiple-heads"]
    assert result.exit_code("warning") == 1


def test_example_all_covers_risky_revisions() -> None:
    result = lint(_request(EXAMPLE, all_revisions=True))
    assert len(result.revisions) == 19

    def path(fragment: str) -> Path:
        return next(EXAMPLE_VERSIONS.glob(f"*{fragment}*"))

    expected = [
        ("a9b8c7d6e5f4", "require-concurrent-index-creation", "op.create_index"),
        ("c5d1e9f3a7b2", "not-null-without-server-default", "op.add_column"),
        ("d3c2b1a0f9e8", "changing-column-type", "op.alter_column"),
        ("2e4a6c8e0b1d", "unrenderable-offline", ".fetchall()"),
    ]
    for fragment, rule, needle in expected:
        revision_path = path(fragment)
        assert (rule, line_of(revision_path, needle)) in _rules_at(result, revision_path), rule
    merge = next(rev for rev in result.revisions if rev.revision == "f0e1d2c3b4a5")
    assert merge.rendered and merge.statements == 2


def test_example_unrenderable_is_a_finding_with_reason() -> None:
    result = lint(_request(EXAMPLE, revision_ids=("2e4a",)))
    finding = next(f for f in result.findings if f.rule == "unrenderable-offline")
    assert finding.severity == "warning"
    assert "op.get_bind()" in finding.message
    assert finding.revision == "2e4a6c8e0b1d"
    assert result.revisions[0].rendered is False


def test_revision_lookup_errors(tmp_path: Path) -> None:
    simple_project(tmp_path)
    with pytest.raises(UserError) as unknown:
        lint(_request(tmp_path, revision_ids=("9999",)))
    assert unknown.value.exit_code == 2
    assert unknown.value.message == "revision '9999' not found. Run `alembic history` to list the revision ids"
    write_revision(tmp_path / "migrations" / "versions", "1000ffff", "3000cccc")
    with pytest.raises(UserError) as ambiguous:
        lint(_request(tmp_path, revision_ids=("1000",)))
    assert "is ambiguous" in ambiguous.value.message


def test_clean_revision_has_no_findings(tmp_path: Path) -> None:
    simple_project(tmp_path)
    result = lint(_request(tmp_path, revision_ids=("2000bbbb",)))
    assert result.findings == []
    assert result.exit_code("warning") == 0


def test_multiple_unlabelled_heads_are_reported(tmp_path: Path) -> None:
    simple_project(tmp_path)
    versions = tmp_path / "migrations" / "versions"
    write_revision(versions, "4000dddd", "2000bbbb")
    result = lint(_request(tmp_path))
    heads = sorted((f.revision, f.line) for f in result.findings if f.rule == "multiple-heads")
    assert [rev for rev, _ in heads] == ["3000cccc", "4000dddd"]
    finding = next(f for f in result.findings if f.rule == "multiple-heads")
    assert finding.severity == "error"
    assert "one of 2 heads" in finding.message
    assert finding.line == line_of(Path(finding.file), "revision = ")


def test_labelled_branch_heads_are_normal(tmp_path: Path) -> None:
    write_ini(tmp_path)
    versions = tmp_path / "migrations" / "versions"
    write_revision(versions, "a0000001", None)
    write_revision(versions, "e0000001", "a0000001", branch_labels=("expand",))
    write_revision(versions, "e0000002", "e0000001")
    write_revision(versions, "c0000001", "a0000001", branch_labels=("contract",))
    result = lint(_request(tmp_path))
    assert sorted(rev.revision for rev in result.revisions) == ["c0000001", "e0000002"]
    assert [f for f in result.findings if f.rule == "multiple-heads"] == []


def test_separate_version_folders_never_mix(tmp_path: Path) -> None:
    for name in ("main", "audit"):
        write_revision(tmp_path / name, "0001", None, f'op.create_table("{name}_t", sa.Column("id", sa.BigInteger()))')
    write_revision(tmp_path / "main", "0002", "0001")
    request = _request(tmp_path, project_dir=None, settings={"project_dir": ".", "versions_dirs": ["main", "audit"]})
    result = lint(request)
    assert sorted((rev.revision, rev.file.parent.name) for rev in result.revisions) == [("0001", "audit"), ("0002", "main")]
    assert [f for f in result.findings if f.rule == "multiple-heads"] == []
    with pytest.raises(UserError) as ambiguous:
        lint(_request(tmp_path, project_dir=None, revision_ids=("0001",), settings={"project_dir": ".", "versions_dirs": ["main", "audit"]}))
    assert "exists in several histories" in ambiguous.value.message


def test_files_request_selects_exact_revisions(tmp_path: Path) -> None:
    simple_project(tmp_path)
    target = tmp_path / "migrations" / "versions" / "1000aaaa_message.py"
    result = lint(_request(tmp_path, project_dir=None, files=(target,)))
    assert [rev.revision for rev in result.revisions] == ["1000aaaa"]
    with pytest.raises(UserError) as caught:
        lint(_request(tmp_path, project_dir=None, files=(tmp_path / "alembic.ini",)))
    assert "is not a revision file" in caught.value.message


def test_squawk_missing_is_tool_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    simple_project(tmp_path)
    monkeypatch.setenv("COFEE_HOOKS_SQUAWK", str(tmp_path / "no-squawk"))
    with pytest.raises(ToolFailure) as caught:
        lint(_request(tmp_path))
    assert caught.value.exit_code == 3
    assert "squawk not found at" in caught.value.message


def test_squawk_crash_is_tool_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    simple_project(tmp_path)
    fake = tmp_path / "squawk"
    fake.write_text("#!/bin/sh\necho 'thread main panicked' >&2\nexit 101\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("COFEE_HOOKS_SQUAWK", str(fake))
    with pytest.raises(ToolFailure) as caught:
        lint(_request(tmp_path))
    assert "squawk failed with exit code 101: thread main panicked" in caught.value.message


def test_squawk_toml_and_exclude_settings(tmp_path: Path) -> None:
    simple_project(tmp_path)
    baseline = {f.rule for f in lint(_request(tmp_path)).findings}
    assert {"require-concurrent-index-creation", "require-lock-timeout"} <= baseline
    (tmp_path / ".squawk.toml").write_text('excluded_rules = ["require-lock-timeout"]\n', encoding="utf-8")
    with_file = {f.rule for f in lint(_request(tmp_path)).findings}
    assert "require-lock-timeout" not in with_file
    both = {
        f.rule
        for f in lint(_request(tmp_path, settings={"squawk_exclude": ["require-concurrent-index-creation"]})).findings
    }
    assert "require-lock-timeout" not in both
    assert "require-concurrent-index-creation" not in both


def test_squawk_include_keeps_only_listed_rules(tmp_path: Path) -> None:
    simple_project(tmp_path)
    result = lint(_request(tmp_path, settings={"squawk_include": ["require-concurrent-index-creation"]}))
    assert {f.rule for f in result.findings if f.source == "squawk"} == {"require-concurrent-index-creation"}


def test_recursive_versions_and_prepend_sys_path(tmp_path: Path) -> None:
    write_ini(tmp_path, "recursive_version_locations = true\nprepend_sys_path = .")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "__init__.py").write_text("TABLE = 'accounts'\n", encoding="utf-8")
    versions = tmp_path / "migrations" / "versions"
    write_revision(versions / "2024", "a0000001", None, 'op.create_table(TABLE, sa.Column("id", sa.BigInteger()))', imports="from shared import TABLE\n")
    path = write_revision(versions / "2025", "b0000002", "a0000001", 'op.create_index("ix_a", TABLE, ["id"])', imports="from shared import TABLE\n")
    result = lint(_request(tmp_path))
    assert [rev.revision for rev in result.revisions] == ["b0000002"]
    assert ("require-concurrent-index-creation", line_of(path, "op.create_index")) in _rules_at(result, path)


def test_use_env_request_renders_through_alembic(tmp_path: Path) -> None:
    import sys

    simple_project(tmp_path)
    (tmp_path / "migrations" / "env.py").write_text(
        "from alembic import context\n"
        "context.configure(url='postgresql://', literal_binds=True)\n"
        "with context.begin_transaction():\n"
        "    context.run_migrations()\n",
        encoding="utf-8",
    )
    request = _request(tmp_path, use_env=True, settings={"alembic_command": f"{sys.executable} -m alembic"})
    result = lint(request)
    path = tmp_path / "migrations" / "versions" / "3000cccc_message.py"
    assert ("require-concurrent-index-creation", line_of(path, "def upgrade")) in _rules_at(result, path)


def test_early_worker_is_used_when_it_fits(tmp_path: Path) -> None:
    from cofee_hooks.migrations.render import start_worker_early

    simple_project(tmp_path)
    worker = start_worker_early(tmp_path)
    assert worker is not None
    result = lint(_request(tmp_path, early_worker=worker))
    assert result.revisions[0].rendered
    assert worker._process.returncode == 0


def test_early_worker_replaced_by_configured_python(tmp_path: Path) -> None:
    import sys

    from cofee_hooks.migrations.render import start_worker_early

    simple_project(tmp_path)
    marker = tmp_path / "configured-python-used"
    python = tmp_path / "python-wrapper"
    python.write_text(f'#!/bin/sh\necho yes > "{marker}"\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    worker = start_worker_early(tmp_path)
    result = lint(_request(tmp_path, early_worker=worker, settings={"python": str(python)}))
    assert result.revisions[0].rendered
    assert worker._process.returncode != 0
    assert marker.read_text().strip() == "yes"


def test_no_early_worker_without_alembic_ini(tmp_path: Path) -> None:
    from cofee_hooks.migrations.render import start_worker_early

    assert start_worker_early(tmp_path) is None


def test_heads_in_two_version_locations_of_one_ini(tmp_path: Path) -> None:
    write_ini(tmp_path, "version_locations = %(here)s/main %(here)s/audit")
    write_revision(tmp_path / "main", "m0000001", None)
    write_revision(tmp_path / "audit", "a0000001", None)
    result = lint(_request(tmp_path))
    flagged = sorted(f.revision for f in result.findings if f.rule == "multiple-heads")
    assert flagged == ["a0000001", "m0000001"]


def test_labelled_roots_in_two_locations_are_normal(tmp_path: Path) -> None:
    write_ini(tmp_path, "version_locations = %(here)s/main %(here)s/audit")
    write_revision(tmp_path / "main", "m0000001", None, branch_labels=("main",))
    write_revision(tmp_path / "audit", "a0000001", None, branch_labels=("audit",))
    result = lint(_request(tmp_path))
    assert [f for f in result.findings if f.rule == "multiple-heads"] == []


def test_revision_head_words_and_labels(tmp_path: Path) -> None:
    simple_project(tmp_path)
    for ident in ("head", "heads"):
        assert [rev.revision for rev in lint(_request(tmp_path, revision_ids=(ident,))).revisions] == ["3000cccc"]
    assert [rev.revision for rev in lint(_request(tmp_path, revision_ids=("3",))).revisions] == ["3000cccc"]
    write_revision(tmp_path / "migrations" / "versions", "4000dddd", "2000bbbb", branch_labels=("core",))
    assert [rev.revision for rev in lint(_request(tmp_path, revision_ids=("core@head",))).revisions] == ["4000dddd"]


@pytest.mark.parametrize("ident", ["-1", "+2", "head-1", "core@-1"])
def test_relative_revision_rejected(tmp_path: Path, ident: str) -> None:
    simple_project(tmp_path)
    with pytest.raises(UserError) as caught:
        lint(_request(tmp_path, revision_ids=(ident,)))
    assert "relative revisions are not supported" in caught.value.message


def test_base_and_unknown_label(tmp_path: Path) -> None:
    simple_project(tmp_path)
    with pytest.raises(UserError) as base:
        lint(_request(tmp_path, revision_ids=("base",)))
    assert "empty database" in base.value.message
    with pytest.raises(UserError) as label:
        lint(_request(tmp_path, revision_ids=("core@head",)))
    assert "no branch is labelled 'core'" in label.value.message


def test_latin1_revision_with_coding_cookie(tmp_path: Path) -> None:
    write_ini(tmp_path)
    path = write_revision(tmp_path / "migrations" / "versions", "1000aaaa", None, 'op.create_index("ix_a", "a", ["id"])')
    text = "# -*- coding: latin-1 -*-\n# Café table\n" + path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("latin-1"))
    result = lint(_request(tmp_path))
    assert ("require-concurrent-index-creation", line_of_bytes(path, b"op.create_index")) in _rules_at(result, path)
    assert [f for f in result.findings if f.rule == "unrenderable-offline"] == []


def test_undecodable_revision_names_line(tmp_path: Path) -> None:
    write_ini(tmp_path)
    path = write_revision(tmp_path / "migrations" / "versions", "1000aaaa", None)
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2] + b" caf\xe9"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ToolFailure) as caught:
        lint(_request(tmp_path))
    assert f"{path}:3: cannot read the revision file: the bytes are not valid utf-8" in caught.value.message


def line_of_bytes(path: Path, needle: bytes) -> int:
    return next(number for number, line in enumerate(path.read_bytes().split(b"\n"), start=1) if needle in line)


def test_squawk_twin_of_own_finding_is_dropped(tmp_path: Path) -> None:
    write_ini(tmp_path)
    versions = tmp_path / "migrations" / "versions"
    write_revision(versions, "1000aaaa", None, 'op.create_table("users", sa.Column("id", sa.BigInteger(), primary_key=True))')
    path = write_revision(
        versions,
        "2000bbbb",
        "1000aaaa",
        """
        op.create_index("ix_users_id", "users", ["id"], postgresql_concurrently=True)
        op.add_column("users", sa.Column("age", sa.Integer(), nullable=False))
        """,
    )
    found = _rules_at(lint(_request(tmp_path)), path)
    index_line = line_of(path, "op.create_index")
    column_line = line_of(path, "op.add_column")
    assert ("concurrent-index-in-transaction", index_line) in found
    assert ("ban-concurrent-index-creation-in-transaction", index_line) not in found
    assert ("not-null-without-server-default", column_line) in found
    assert ("adding-required-field", column_line) not in found


def test_ignoring_own_rule_silences_squawk_twin(tmp_path: Path) -> None:
    write_ini(tmp_path)
    versions = tmp_path / "migrations" / "versions"
    path = write_revision(
        versions,
        "1000aaaa",
        None,
        'op.create_index("ix_users_id", "users", ["id"], postgresql_concurrently=True)'
        "  # cofee-hooks: ignore[concurrent-index-in-transaction] run by hand",
    )
    rules = {rule for rule, _ in _rules_at(lint(_request(tmp_path)), path)}
    assert "concurrent-index-in-transaction" not in rules
    assert "ban-concurrent-index-creation-in-transaction" not in rules
    assert "unused-ignore" not in rules
