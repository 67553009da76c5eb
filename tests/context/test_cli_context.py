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


VIDEO_AGENT_FILE = "# Video editor\n\n| Library | ID |\n|---|---|\n| Remotion | /remotion-dev/remotion |\n"


def test_check_clean_project(project: Path):
    write(project, ".claude/agents/db-architect.md", AGENT_FILE)
    write(project, ".claude/agents/video-editor.md", VIDEO_AGENT_FILE)
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
    assert (
        ".claude/agents/video-editor.md: has no Context7 table, but the registry assigns Remotion "
        "(/remotion-dev/remotion) to agent 'video-editor'; add a table with a library name and an ID per row"
    ) in lines
    assert len(lines) == 4


def check_lines(project: Path) -> list[str]:
    write(project, ".claude/agents/db-architect.md", AGENT_FILE)
    write(project, ".claude/agents/video-editor.md", VIDEO_AGENT_FILE)
    result = run_cli("context", "check", cwd=project)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout.splitlines()


def test_check_swapped_ids(project: Path):
    swapped = AGENT_FILE.replace("| SQLAlchemy 2.1 | `/websites/sqlalchemy_en_21` |", "| SQLAlchemy 2.1 | `/sqlalchemy/alembic` |")
    swapped = swapped.replace("| Alembic | `/sqlalchemy/alembic` |", "| Alembic | `/websites/sqlalchemy_en_21` |")
    write(project, ".claude/agents/db-architect.md", swapped)
    write(project, ".claude/agents/video-editor.md", VIDEO_AGENT_FILE)
    lines = run_cli("context", "check", cwd=project).stdout.splitlines()
    assert (
        ".claude/agents/db-architect.md:11: SQLAlchemy 2.1 has ID /sqlalchemy/alembic here, but the registry gives "
        "that ID to Alembic and /websites/sqlalchemy_en_21 to SQLAlchemy 2.1 (context7.libraries.sqlalchemy)"
    ) in lines
    assert len(lines) == 2


def test_check_table_lists_library_not_assigned(project: Path):
    write(project, ".claude/agents/db-architect.md", AGENT_FILE + "| pytest | `/pytest-dev/pytest` |\n")
    write(project, ".claude/agents/video-editor.md", VIDEO_AGENT_FILE)
    lines = run_cli("context", "check", cwd=project).stdout.splitlines()
    assert lines == [
        ".claude/agents/db-architect.md:13: the table lists pytest (/pytest-dev/pytest) but "
        "context7.agents.db-architect does not; add it there or remove the row"
    ]


def test_check_agents_key_without_agent_file(project: Path):
    text = (project / ".claude/cofee-hooks.yaml").read_text().replace("video-editor: [remotion]", "video-edtior: [remotion]")
    write(project, ".claude/cofee-hooks.yaml", text)
    write(project, ".claude/agents/db-architect.md", AGENT_FILE)
    write(project, ".claude/agents/video-editor.md", "# Video editor\n")
    result = run_cli("context", "check", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        ".claude/cofee-hooks.yaml: context7.agents.video-edtior: no agent file .claude/agents/video-edtior.md; "
        "did you mean 'video-editor'?"
    ]


def test_check_agent_not_written_yet_is_a_warning(project: Path):
    text = (project / ".claude/cofee-hooks.yaml").read_text() + "    qa-engineer: [pytest]\n"
    write(project, ".claude/cofee-hooks.yaml", text)
    lines = check_lines(project)
    assert lines[:-1] == [
        ".claude/cofee-hooks.yaml: context7.agents.qa-engineer: warning: no agent file .claude/agents/qa-engineer.md "
        "and no agent file with name: qa-engineer; agents defined there: db-architect, video-editor"
    ]


def test_check_missing_rule_dir_and_unreadable_rules(project: Path):
    text = (project / ".claude/cofee-hooks.yaml").read_text() + "context:\n  rule_dirs: [.claude/rules, .claude/agent-rules, .claude/no-such]\n"
    write(project, ".claude/cofee-hooks.yaml", text)
    (project / ".claude/agent-rules/folder.md").mkdir()
    (project / ".claude/agent-rules/dangling.md").symlink_to(project / "nowhere.md")
    lines = check_lines(project)
    assert ".claude/cofee-hooks.yaml: context.rule_dirs: '.claude/no-such' does not exist" in lines
    assert ".claude/agent-rules/folder.md: is a folder, not a rule file; it is skipped" in lines
    assert any(line.startswith(".claude/agent-rules/dangling.md: cannot read rule file") for line in lines)
    assert len(lines) == 3


def test_check_malformed_frontmatter(project: Path):
    write(project, ".claude/agent-rules/unclosed.md", "---\npaths: [unclosed\n---\n# U\n")
    write(project, ".claude/agent-rules/nested.md", "---\nkeywords:\n  alembic: yes\n---\n# N\n")
    write(project, ".claude/agent-rules/number.md", "---\nagents: 42\n---\n# A\n")
    write(project, ".claude/agent-rules/open.md", "---\nkeywords: [x]\n# never closed\n")
    lines = check_lines(project)
    assert any(line.startswith(".claude/agent-rules/unclosed.md:") and "invalid YAML" in line for line in lines)
    assert ".claude/agent-rules/nested.md: keywords: must be a string or a list of strings, got a mapping; it is ignored" in lines
    assert ".claude/agent-rules/number.md: agents: must be a string or a list of strings, got int 42; it is ignored" in lines
    assert (
        ".claude/agent-rules/open.md: frontmatter starts with --- but never closes; the whole file is read as text"
    ) in lines


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


def test_check_outside_a_workspace_says_so(tmp_path: Path):
    result = run_cli("context", "check", cwd=tmp_path)
    assert result.returncode == 0
    assert f"No .claude/cofee-hooks.yaml found in {tmp_path.resolve()} or above" in result.stderr
    assert "checked 0 agent file(s) and 0 rule file(s)" in result.stdout


def test_check_says_what_it_checked(project: Path):
    lines = check_lines(project)
    assert lines[-1].endswith("checked 2 agent file(s) and 5 rule file(s) in .claude/rules, .claude/agent-rules")
