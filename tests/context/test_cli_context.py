from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

from .conftest import write

AGENT_FILE = """\
---
name: db-architect
description: Designs database schemas.
---
# Database architect

## Context7

| Library | Context7 ID |
|---------|-------------|
| SQLAlchemy 2.1 | `/websites/sqlalchemy_en_21` |
| Alembic | `/sqlalchemy/alembic` |
"""


def test_check_clean_project(project: Path):
    write(project, ".claude/agents/db-architect.md", AGENT_FILE)
    result = run_cli("context", "check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "context configuration OK: 5 libraries, 2 agent(s)" in result.stdout


def test_check_registry_errors(project: Path):
    write(
        project,
        ".claude/cofee-hooks.yaml",
        """\
        context7:
          libraries:
            good:
              id: /vercel/next.js/v14.3.0
              keywords: [nextjs, shared]
            bad_id:
              id: sqlalchemy
              keywords: [Shared]
            websites:
              id: /websites/docs_example
              imports: [example]
          agents:
            frontend: [good, missing]
        """,
    )
    result = run_cli("context", "check", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(
        line.startswith(".claude/cofee-hooks.yaml: context7.libraries.bad_id.id: invalid Context7 ID 'sqlalchemy'")
        for line in lines
    )
    assert any("context7.agents.frontend: unknown library 'missing'" in line for line in lines)
    assert any("keyword or import name 'shared' is used by good, bad_id" in line for line in lines)
    assert not any("context7.libraries.good.id" in line for line in lines)
    assert not any("context7.libraries.websites.id" in line for line in lines)
    assert "3 problem(s) found" in result.stderr


def test_check_agent_table_disagrees(project: Path):
    table = AGENT_FILE.replace("/websites/sqlalchemy_en_21", "/websites/sqlalchemy_en_20").replace(
        "| Alembic | `/sqlalchemy/alembic` |", "| Pydantic | `/pydantic/pydantic` |"
    )
    write(project, ".claude/agents/db-architect.md", table)
    write(project, ".claude/agents/video-editor.md", "# Video editor\n\nNo table here.\n")
    result = run_cli("context", "check", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        ".claude/agents/db-architect.md:11: SQLAlchemy 2.1 has ID /websites/sqlalchemy_en_20 here but "
        "/websites/sqlalchemy_en_21 in the registry (context7.libraries.sqlalchemy)"
    ) in lines
    assert ".claude/agents/db-architect.md:12: ID /pydantic/pydantic (Pydantic) is not in the registry" in lines
    assert (
        ".claude/agents/db-architect.md: the registry lists Alembic (/sqlalchemy/alembic) for agent "
        "'db-architect' but the agent's Context7 table does not"
    ) in lines
    assert len(lines) == 3


def test_check_agent_rule_in_client_folder(project: Path):
    write(project, ".claude/rules/db-only.md", "---\nagents: [db-architect]\n---\n# DB only\n")
    write(project, ".claude/agent-rules/orphan.md", "# Orphan\n\nNo frontmatter.\n")
    result = run_cli("context", "check", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(".claude/rules/db-only.md: has agents: or keywords: but no paths:") for line in lines)
    assert any("move it out of .claude/rules/ (for example to .claude/agent-rules/)" in line for line in lines)
    assert ".claude/agent-rules/orphan.md: has no paths:, agents: or keywords: frontmatter, so it is never injected" in lines
    assert not any("testing.md" in line for line in lines)


def test_check_invalid_config(project: Path):
    write(project, ".claude/cofee-hooks.yaml", "context7:\n  libraries:\n    x:\n      keywords: [x]\n")
    result = run_cli("context", "check", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("cofee-hooks: ")
    assert "context7.libraries.x.id" in result.stderr
    assert "Traceback" not in result.stderr


def test_show_previews_dispatch(project: Path):
    result = run_cli("context", "show", "--agent", "db-architect", "edit alembic/versions/1.py", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "- SQLAlchemy 2.1: `/websites/sqlalchemy_en_21`" in result.stdout
    assert "Every revision needs a downgrade." in result.stdout
    assert "Check every foreign key for an index." in result.stdout


def test_show_nothing_applies(project: Path):
    result = run_cli("context", "show", "fix a typo", cwd=project)
    assert result.returncode == 0
    assert result.stdout.startswith("Nothing applies")
