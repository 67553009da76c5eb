"""The shipped workspace templates: configuration, agents, rules and `.mcp.json`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cofee_hooks.config.loader import load_config
from cofee_hooks.workspace import lay_down, template_files
from cofee_hooks.workspace_checks import check_agent_files, check_mcp_json, read_frontmatter

KNOWN_CONTEXT7_IDS = {"/websites/sqlalchemy_en_21", "/websites/sqlalchemy_en_20_orm"}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    lay_down(tmp_path)
    return tmp_path


def test_template_config_validates(workspace: Path):
    config = load_config(workspace / ".claude" / "cofee-hooks.yaml")

    assert config.root == workspace.resolve()
    assert config.values["commit_guard"]["enabled"] is True
    assert config.values["memory"]["enabled"] is True
    assert config.values["migrations"]["project_dir"] == "cofee_backend"
    assert "db-architect" in config.values["context7"]["agents"]


def test_template_config_uses_only_checked_ids(workspace: Path):
    libraries = load_config(workspace / ".claude" / "cofee-hooks.yaml").values["context7"]["libraries"]

    assert {library["id"] for library in libraries.values()} == KNOWN_CONTEXT7_IDS


def test_template_config_agents_name_known_libraries(workspace: Path):
    context7 = load_config(workspace / ".claude" / "cofee-hooks.yaml").values["context7"]

    for agent, names in context7["agents"].items():
        for name in names:
            assert name in context7["libraries"], f"{agent} names unknown library {name}"


def test_template_commit_guard_allows_only_docs(workspace: Path):
    guard = load_config(workspace / ".claude" / "cofee-hooks.yaml").values["commit_guard"]

    assert set(guard["allow"]) == {"*.md", "docs/", ".claude/", ".mcp.json", "CLAUDE.md", ".gitignore"}
    assert ".claude/settings.local.json" in guard["deny"]
    assert ".claude/*.bak" in guard["deny"]


def test_agent_files_pass_checks(workspace: Path):
    assert check_agent_files(workspace) == []


def test_db_architect_frontmatter(workspace: Path):
    text = (workspace / ".claude" / "agents" / "db-architect.md").read_text(encoding="utf-8")
    frontmatter = read_frontmatter(text)

    assert frontmatter["name"] == "db-architect"
    assert frontmatter["description"]
    tools = [tool.strip() for tool in frontmatter["tools"].split(",")]
    assert "mcp__context7__query-docs" in tools
    assert "mcp__context7__resolve-library-id" in tools
    assert frontmatter["model"]
    assert "cofee-hooks lint-migration" in text
    assert ".claude/agents-shared/team-protocol.md" in text
    assert ".claude/agents-memory/db-architect/" in text


def test_agent_context7_tables_match_registry(workspace: Path):
    context7 = load_config(workspace / ".claude" / "cofee-hooks.yaml").values["context7"]
    for path in sorted((workspace / ".claude" / "agents").glob("*.md")):
        listed = set(re.findall(r"`(/[\w.-]+/[\w.-]+)`", path.read_text(encoding="utf-8")))
        expected = {context7["libraries"][name]["id"] for name in context7["agents"].get(path.stem, [])}
        assert listed == expected, path.name


def test_rule_frontmatter_is_valid(workspace: Path):
    for path in sorted((workspace / ".claude").glob("*rules/*.md")):
        frontmatter = read_frontmatter(path.read_text(encoding="utf-8")) or {}
        for key in ("paths", "agents", "keywords"):
            value = frontmatter.get(key, [])
            assert isinstance(value, list) and all(isinstance(item, str) for item in value), (path.name, key)


def test_migration_rule_is_scoped(workspace: Path):
    frontmatter = read_frontmatter((workspace / ".claude" / "rules" / "migrations.md").read_text(encoding="utf-8"))

    assert "cofee_backend/alembic/**" in frontmatter["paths"]
    assert "db-architect" in frontmatter["agents"]
    assert "alembic" in frontmatter["keywords"]


def test_remotion_rule_is_scoped(workspace: Path):
    frontmatter = read_frontmatter((workspace / ".claude" / "rules" / "remotion-service.md").read_text(encoding="utf-8"))

    assert frontmatter["paths"] == ["cofee_remotion/**"]


def test_team_protocol_memory_example_shape():
    text = template_files()[".claude/agents-shared/team-protocol.md"].decode()
    section = text.split("<!-- memory -->\n", 1)[1].split("<!-- /memory -->", 1)[0]
    lines = section.strip().splitlines()

    assert re.fullmatch(r"# \d{4}-\d{2}-\d{2}-[a-z0-9-]+\.md", lines[0])
    assert lines[1].startswith("## Insight: ")
    assert lines[2].startswith("## Domain: ")
    body = lines[3:-2]
    assert 2 <= len(body) <= 5
    assert lines[-2].startswith("## Source: ")
    assert lines[-1].startswith("## Applies when: ")


def test_team_protocol_lists_roster():
    text = template_files()[".claude/agents-shared/team-protocol.md"].decode()
    roster = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]

    assert len([line for line in roster if line.count("|") == 7]) >= 15
    for agent in ("db-architect", "backend-architect", "qa-engineer", "remotion-engineer"):
        assert f"| {agent} |" in text
    for module in ("users", "projects", "media", "files", "transcription", "captions", "jobs"):
        assert f"`{module}`" in text


def test_mcp_json_passes_checks(workspace: Path):
    assert check_mcp_json(workspace) == []


def test_mcp_json_has_team_servers_without_secrets(workspace: Path):
    document = json.loads((workspace / ".mcp.json").read_text(encoding="utf-8"))
    servers = document["mcpServers"]

    assert {"postgres-pro", "redis", "lighthouse", "docker"} <= set(servers)
    assert servers["postgres-pro"]["env"]["DATABASE_URI"] == "${COFEE_DATABASE_URI}"
    assert "://" not in json.dumps(servers["postgres-pro"])
    for server in servers.values():
        for value in server.get("env", {}).values():
            assert value.startswith("${"), value


def test_gitignore_covers_cache_and_local_settings():
    lines = template_files()[".gitignore"].decode().splitlines()

    assert ".cofee-hooks-cache/" in lines
    assert ".claude/settings.local.json" in lines
    assert ".claude/*.bak" in lines
    assert ".claude/logs/" in lines


def test_team_protocol_prose_is_wrapped():
    text = template_files()[".claude/agents-shared/team-protocol.md"].decode()
    in_code = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("```"):
            in_code = not in_code
        if not in_code and not line.startswith("|"):
            assert len(line) <= 100, f"line {number} has {len(line)} characters"


def test_templates_name_the_main_session_memory_folder():
    for name in ("CLAUDE.md", ".claude/agents-shared/team-protocol.md"):
        assert ".claude/agents-memory/main/" in template_files()[name].decode(), name


def test_template_registry_says_alembic_needs_its_own_id():
    text = template_files()[".claude/cofee-hooks.yaml"].decode()
    assert "Alembic has its own documentation" in text
    assert "resolve-library-id" in text


def test_templates_place_repositories_inside():
    for name, content in template_files().items():
        text = content.decode("utf-8", errors="replace")
        assert "cloned next to" not in text, name
