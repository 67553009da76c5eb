"""Doctor checks of `.mcp.json` and agent frontmatter on broken input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cofee_hooks.workspace_checks import check_agent_files, check_mcp_json


def write_mcp(root: Path, document) -> None:
    text = document if isinstance(document, str) else json.dumps(document)
    (root / ".mcp.json").write_text(text, encoding="utf-8")


def write_agent(root: Path, file_name: str, text: str) -> None:
    folder = root / ".claude" / "agents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / file_name).write_text(text, encoding="utf-8")


def test_mcp_missing_file_is_fine(tmp_path: Path):
    assert check_mcp_json(tmp_path) == []


def test_mcp_invalid_json_names_line(tmp_path: Path):
    write_mcp(tmp_path, '{\n  "mcpServers": {,}\n}')

    problems = check_mcp_json(tmp_path)

    assert len(problems) == 1
    assert problems[0].startswith(".mcp.json:2:")
    assert "invalid JSON" in problems[0]


def test_mcp_without_servers_object(tmp_path: Path):
    write_mcp(tmp_path, {"servers": {}})

    assert check_mcp_json(tmp_path) == [".mcp.json: mcpServers: missing or not an object"]


def test_mcp_server_needs_command_or_url(tmp_path: Path):
    write_mcp(tmp_path, {"mcpServers": {"db": {"args": ["x"]}}})

    assert check_mcp_json(tmp_path) == [".mcp.json: mcpServers.db: needs either command (with args) or url"]


def test_mcp_url_server_is_fine(tmp_path: Path):
    write_mcp(tmp_path, {"mcpServers": {"docs": {"type": "http", "url": "https://mcp.example.invalid/mcp"}}})

    assert check_mcp_json(tmp_path) == []


def test_mcp_args_must_be_strings(tmp_path: Path):
    write_mcp(tmp_path, {"mcpServers": {"db": {"command": "uvx", "args": ["a", 3]}}})

    assert check_mcp_json(tmp_path) == [".mcp.json: mcpServers.db.args: expected a list of strings"]


@pytest.mark.parametrize(
    ("server", "fragment"),
    [
        ({"command": "uvx", "env": {"DATABASE_URI": "postgresql://app@db/cofee"}}, "env.DATABASE_URI: literal value"),
        ({"command": "npx", "env": {"GITHUB_TOKEN": "plain-token-value"}}, "env.GITHUB_TOKEN: literal value"),
        ({"url": "https://x.invalid", "headers": {"Authorization": "Bearer abcdefghijklmnop1234"}}, "literal credential"),
        ({"command": "uvx", "args": ["--url", "redis://user:hunter2@cache:6379/0"]}, "literal password"),
        ({"command": "npx", "args": ["--api-key", "sk-ant-0123456789abcdefghij"]}, "literal credential"),
    ],
)
def test_mcp_literal_secret_reported(tmp_path: Path, server, fragment):
    write_mcp(tmp_path, {"mcpServers": {"s": server}})

    problems = check_mcp_json(tmp_path)

    assert any(fragment in problem for problem in problems), problems


@pytest.mark.parametrize(
    "server",
    [
        {"command": "uvx", "env": {"DATABASE_URI": "${COFEE_DATABASE_URI}"}},
        {"command": "uvx", "args": ["--url", "${REDIS_URL:-redis://127.0.0.1:6379/0}"]},
        {"url": "https://x.invalid", "headers": {"Authorization": "Bearer ${API_TOKEN}"}},
        {"command": "uvx", "args": ["--url", "redis://user:${REDIS_PASSWORD}@cache:6379/0"]},
    ],
)
def test_mcp_environment_references_accepted(tmp_path: Path, server):
    write_mcp(tmp_path, {"mcpServers": {"s": server}})

    assert check_mcp_json(tmp_path) == []


def test_agent_without_frontmatter(tmp_path: Path):
    write_agent(tmp_path, "helper.md", "# Helper\n")

    assert check_agent_files(tmp_path) == [
        ".claude/agents/helper.md: missing frontmatter (name, description, tools between '---' lines)"
    ]


def test_agent_missing_fields_listed(tmp_path: Path):
    write_agent(tmp_path, "helper.md", "---\nname: helper\n---\nBody\n")

    assert check_agent_files(tmp_path) == [
        ".claude/agents/helper.md: frontmatter: missing description",
        ".claude/agents/helper.md: frontmatter: missing tools",
    ]


def test_agent_name_must_match_file(tmp_path: Path):
    write_agent(tmp_path, "helper.md", "---\nname: other\ndescription: d\ntools: Read\n---\n")

    assert check_agent_files(tmp_path) == [
        ".claude/agents/helper.md: frontmatter: name 'other' does not match the file name 'helper'"
    ]


def test_agent_unclosed_frontmatter(tmp_path: Path):
    write_agent(tmp_path, "helper.md", "---\nname: helper\n")

    assert check_agent_files(tmp_path) == [".claude/agents/helper.md: frontmatter is not closed with a '---' line"]


def test_agent_invalid_yaml(tmp_path: Path):
    write_agent(tmp_path, "helper.md", "---\nname: [helper\n---\n")

    problems = check_agent_files(tmp_path)

    assert len(problems) == 1
    assert problems[0].startswith(".claude/agents/helper.md: invalid YAML in frontmatter")


def test_agent_tools_list_accepted(tmp_path: Path):
    write_agent(tmp_path, "helper.md", "---\nname: helper\ndescription: d\ntools: [Read, Grep]\n---\n")

    assert check_agent_files(tmp_path) == []
