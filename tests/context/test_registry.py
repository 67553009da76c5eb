from __future__ import annotations

import pytest

from cofee_hooks.config.fast import FastConfig
from cofee_hooks.context.registry import Registry, find_terms


def keys(registry: Registry, text: str) -> list[str]:
    return [library.key for library in registry.mentioned(text)]


@pytest.fixture
def registry(config: FastConfig) -> Registry:
    return Registry.from_config(config.values)


def test_keyword_ignores_case(registry):
    assert keys(registry, "Write a Pytest fixture") == ["pytest"]


def test_keyword_needs_word_boundary(registry):
    assert keys(registry, "the pytestish helper and mysqlalchemy") == []


def test_from_import_counts(registry):
    assert keys(registry, "from sqlalchemy.orm import Session") == ["sqlalchemy"]


def test_plain_import_counts(registry):
    assert keys(registry, "import asyncpg\nasync def main(): ...") == ["asyncpg"]


def test_scoped_import_name_counts(registry):
    assert keys(registry, "import {Player} from '@remotion/player';") == ["remotion"]


def test_mentions_keep_registry_order(registry):
    text = "pytest for the asyncpg pool, then alembic and SQLAlchemy"
    assert keys(registry, text) == ["sqlalchemy", "alembic", "asyncpg", "pytest"]


def test_no_mention_gives_nothing(registry):
    assert keys(registry, "rename the orders table") == []


def test_agent_libraries(registry):
    assert [library.key for library in registry.for_agent("db-architect")] == ["sqlalchemy", "alembic"]
    assert registry.for_agent("unknown-agent") == []


def test_agent_with_unknown_library_skips_it():
    registry = Registry.from_config(
        {"context7": {"libraries": {"a": {"id": "/o/a", "keywords": ["a"]}}, "agents": {"x": ["a", "missing"]}}}
    )
    assert [library.key for library in registry.for_agent("x")] == ["a"]


def test_library_name_defaults_to_key():
    registry = Registry.from_config({"context7": {"libraries": {"httpx": {"id": "/encode/httpx"}}}})
    assert registry.libraries["httpx"].name == "httpx"


def test_by_id(registry):
    assert registry.by_id("/magicstack/asyncpg").key == "asyncpg"
    assert registry.by_id("/nope/nope") is None


@pytest.mark.parametrize(
    ("text", "term", "found"),
    [
        ("Use Next.js routing", "next.js", True),
        ("use nextajs", "next.js", False),
        ("sqlalchemy.orm", "sqlalchemy.orm", True),
        ("xsqlalchemy.orm", "sqlalchemy.orm", False),
        ("a title card here", "title card", True),
        ("a subtitle cards", "title card", False),
        ("", "pytest", False),
        ("three title cards", "title card", True),
        ("write the migrations", "migration", True),
        ("one migration", "migrations", True),
        ("the cofee_remotion service", "remotion", True),
        ("status", "statu", False),
    ],
)
def test_find_terms(text, term, found):
    assert (term in find_terms(text, [term])) is found
