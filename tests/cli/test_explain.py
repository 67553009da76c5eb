"""The explain command, run as a real process."""

from __future__ import annotations

import pytest

from cofee_hooks.lint.rules import RULES, SQUAWK_RULES
from tests.conftest import run_cli


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_explain_prints_catalogue_entry(rule_id: str) -> None:
    rule = RULES[rule_id]

    result = run_cli("explain", rule_id)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{rule.id} ({rule.severity}, group {rule.group})\n")
    for part in (rule.summary, "Why:", "Fix:", "Bad:", "Good:"):
        assert part in result.stdout
    for example in (rule.bad, rule.good):
        for line in example.splitlines():
            assert line in result.stdout


def test_explain_squawk_rule_links_docs() -> None:
    result = run_cli("explain", "changing-column-type")

    assert result.returncode == 0
    assert SQUAWK_RULES["changing-column-type"].summary in result.stdout
    assert "https://squawkhq.com/docs/changing-column-type" in result.stdout
    assert "group locking" in result.stdout


@pytest.mark.parametrize("arguments", [("--list",), ()])
def test_explain_lists_every_rule(arguments: tuple[str, ...]) -> None:
    result = run_cli("explain", *arguments)

    assert result.returncode == 0
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")}
    assert listed == set(RULES) | set(SQUAWK_RULES)


def test_explain_unknown_rule_suggests() -> None:
    result = run_cli("explain", "foreign-key-without-indx")

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("cofee-hooks: unknown rule 'foreign-key-without-indx'. Did you mean foreign-key-without-index")


def test_explain_unknown_rule_without_matches() -> None:
    result = run_cli("explain", "zzz")

    assert result.returncode == 2
    assert "cofee-hooks explain --list" in result.stderr


def test_squawk_table_matches_binary(tmp_path) -> None:
    """Every squawk rule in the table is one squawk accepts (`--exclude` rejects unknown names)."""
    import subprocess

    from cofee_hooks.squawk import find_squawk

    sql = tmp_path / "empty.sql"
    sql.write_text("SELECT 1;\n")
    names = sorted(set(SQUAWK_RULES) - {"syntax-error"})

    completed = subprocess.run(
        [str(find_squawk()), f"--exclude={','.join(names)}", str(sql)], capture_output=True, text=True
    )

    assert "invalid rule name" not in completed.stderr
    assert completed.returncode == 0, completed.stderr


def test_explain_ignores_case() -> None:
    completed = run_cli("explain", "FOREIGN-KEY-WITHOUT-INDEX")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("foreign-key-without-index (warning")


def test_explain_help_says_squawk_rules_link() -> None:
    completed = run_cli("explain", "--help")
    assert "squawk rule name (shown with its summary and a link" in " ".join(completed.stdout.split())
