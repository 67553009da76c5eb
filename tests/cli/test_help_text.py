"""Help texts name everything a command does."""

from __future__ import annotations

from tests.conftest import run_cli


def test_top_level_summaries_cover_modes():
    result = run_cli("--help")
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("  ") and line.split()}

    assert result.returncode == 0
    assert "range" in lines["check-commit"]
    assert "show" in lines["context"]
    assert "all" in lines["lint-migration"]
    assert "staged" in lines["lint-migration"]
    assert "since" in lines["lint-migration"]
    assert "both" in lines["install"]


def test_install_help_names_default():
    result = run_cli("install", "--help")

    assert "With neither --git nor --claude, both kinds of hooks are installed." in result.stdout


def test_context_show_agent_metavar():
    result = run_cli("context", "show", "--help")

    assert "--agent NAME" in result.stdout
