from __future__ import annotations

import pytest

from cofee_hooks.context.check import LIBRARY_ID, agent_table, check_agent_files, check_registry
from cofee_hooks.context.registry import Registry

from .conftest import write


@pytest.mark.parametrize(
    ("library_id", "valid"),
    [
        ("/websites/sqlalchemy_en_21", True),
        ("/sqlalchemy/alembic", True),
        ("/vercel/next.js/v14.3.0", True),
        ("/magicstack/asyncpg", True),
        ("sqlalchemy", False),
        ("/sqlalchemy", False),
        ("/a/b/c/d", False),
        ("/a//b", False),
        ("https://context7.com/a/b", False),
        ("/a/b ", False),
    ],
)
def test_library_id_format(library_id, valid):
    assert (LIBRARY_ID.fullmatch(library_id) is not None) is valid


def test_agent_table_any_column_order():
    text = "| ID | Library |\n|---|---|\n| /websites/sqlalchemy_en_21 | **SQLAlchemy** |\n| `/a/b` | B |\n"
    assert agent_table(text) == [(3, "SQLAlchemy", "/websites/sqlalchemy_en_21"), (4, "B", "/a/b")]


def test_agent_table_ignores_other_tables():
    assert agent_table("| Name | Role |\n|---|---|\n| x | y |\n\nSee /a/b in prose.\n") == []


def test_clean_registry_has_no_problems(config):
    assert check_registry(Registry.from_config(config.values), "cfg.yaml") == []


def test_same_term_twice_in_one_library_is_fine():
    registry = Registry.from_config(
        {"context7": {"libraries": {"a": {"id": "/o/a", "keywords": ["a", "A"], "imports": ["a"]}}}}
    )
    assert check_registry(registry, "cfg.yaml") == []


def test_agent_name_from_frontmatter(project, config):
    write(project, ".claude/agents/db.md", "---\nname: db-architect\n---\n| Library | ID |\n|--|--|\n| SQLAlchemy 2.1 | /websites/sqlalchemy_en_21 |\n")
    problems = [str(problem) for problem in check_agent_files(Registry.from_config(config.values), str(project))]
    assert problems[0] == (
        ".claude/agents/db.md: the registry lists Alembic (/sqlalchemy/alembic) for agent 'db-architect' "
        "but the agent's Context7 table does not"
    )
    # db-architect is defined through name:, only video-editor has no file.
    assert problems[1:] == [
        "configuration: context7.agents.video-editor: warning: no agent file .claude/agents/video-editor.md "
        "and no agent file with name: video-editor; agents defined there: db-architect"
    ]


def test_no_agents_folder(tmp_path, config):
    assert check_agent_files(Registry.from_config(config.values), str(tmp_path)) == []
