from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cofee_hooks.context.rules import (
    REASON_AGENT,
    REASON_KEYWORD,
    REASON_PATH,
    applicable_rules,
    glob_to_regex,
    load_rules,
    parse_rule_text,
    path_tokens,
)

from .conftest import write

RULE_DIRS = [".claude/rules", ".claude/agent-rules"]


def rules_for(project: Path, text: str, agent: str = "") -> list[tuple[str, str]]:
    rules = load_rules(str(project), RULE_DIRS)
    return [(match.rule.relative, match.reason) for match in applicable_rules(rules, text, agent, str(project))]


# Frontmatter ---------------------------------------------------------------


def test_frontmatter_block_list():
    meta, offset = parse_rule_text('---\npaths:\n  - "a/**/*.py"\n  - b/*.sql\n---\n# T\n')
    assert meta == {"paths": ["a/**/*.py", "b/*.sql"]}
    assert offset == len('---\npaths:\n  - "a/**/*.py"\n  - b/*.sql\n---\n')


def test_frontmatter_flow_list_keeps_braces():
    meta, _ = parse_rule_text("---\nkeywords: [alembic, 'title card', \"x\"]\npaths: [src/**/*.{ts,tsx}]\n---\n")
    assert meta["keywords"] == ["alembic", "title card", "x"]
    assert meta["paths"] == ["src/**/*.{ts,tsx}"]


def test_frontmatter_scalars_and_comments():
    text = "---\n# a comment\ndescription: >\n  folded\n  text\nagents: db-architect # trailing\nname: 'it''s'\n---\n"
    meta, _ = parse_rule_text(text)
    assert meta["description"] == "folded text"
    assert meta["agents"] == "db-architect"
    assert meta["name"] == "it's"


def test_frontmatter_missing_or_unclosed():
    assert parse_rule_text("# Title\n") == ({}, 0)
    assert parse_rule_text("---\npaths: [a]\n# never closed\n") == ({}, 0)


def test_frontmatter_crlf():
    meta, offset = parse_rule_text("---\r\npaths:\r\n  - a/*.py\r\n---\r\n# T\r\n")
    assert meta == {"paths": ["a/*.py"]}
    assert "---\r\npaths:\r\n  - a/*.py\r\n---\r\n# T\r\n"[offset:] == "# T\r\n"


def test_single_string_paths_split_on_top_level_commas(project):
    write(project, ".claude/agent-rules/two.md", "---\npaths: docs/*.md, src/**/*.{ts,tsx}\n---\n# Two\n")
    rules = {rule.relative: rule for rule in load_rules(str(project), RULE_DIRS)}
    assert rules[".claude/agent-rules/two.md"].paths == ["docs/*.md", "src/**/*.{ts,tsx}"]


def test_title_falls_back_to_file_name(project):
    write(project, ".claude/agent-rules/no-heading.md", "---\nkeywords: [x]\n---\nplain text\n")
    rules = {rule.relative: rule for rule in load_rules(str(project), RULE_DIRS)}
    assert rules[".claude/agent-rules/no-heading.md"].title == "no-heading"
    assert rules[".claude/rules/migrations.md"].title == "Migration rules"


def test_body_excludes_frontmatter(project):
    rules = {rule.relative: rule for rule in load_rules(str(project), RULE_DIRS)}
    body = rules[".claude/rules/migrations.md"].body()
    assert body.startswith("# Migration rules")
    assert "paths:" not in body


# Globs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("alembic/versions/**/*.py", "alembic/versions/0001_init.py", True),
        ("alembic/versions/**/*.py", "alembic/versions/2024/0001_init.py", True),
        ("alembic/versions/**/*.py", "alembic/env.py", False),
        ("**/*.ts", "index.ts", True),
        ("**/*.ts", "src/a/b.ts", True),
        ("*.py", "setup.py", True),
        ("*.py", "src/setup.py", False),
        ("src/*.py", "src/a/b.py", False),
        ("src/**/*.{ts,tsx}", "src/api/x.tsx", True),
        ("src/**/*.{ts,tsx}", "src/api/x.js", False),
        ("src/**", "src/anything/below", True),
        ("test_?.py", "test_a.py", True),
        ("test_[!a].py", "test_a.py", False),
        ("test_[!a].py", "test_b.py", True),
        ("docs/", "docs/guide/intro.md", True),
        ("a+b/(x).md", "a+b/(x).md", True),
    ],
)
def test_glob_to_regex(glob, path, matches):
    assert (re.fullmatch(glob_to_regex(glob), path) is not None) is matches


def test_path_tokens():
    text = "Fix ./alembic/versions/0001_init.py, see src/api/ and setup.py; https://example.com/x is a link."
    assert path_tokens(text) == ["alembic/versions/0001_init.py", "src/api/", "setup.py"]


def test_path_tokens_make_absolute_paths_relative():
    assert path_tokens("edit /home/dev/workspace/src/api/orders.ts now", "/home/dev/workspace") == [
        "src/api/orders.ts"
    ]


# Which rules apply -------------------------------------------------------------


def test_path_glob_trigger(project):
    assert rules_for(project, "add a column in alembic/versions/0002_orders.py") == [
        (".claude/rules/migrations.md", REASON_PATH)
    ]


def test_brace_glob_trigger(project):
    assert rules_for(project, "handler in src/api/orders/create.tsx") == [(".claude/agent-rules/api.md", REASON_PATH)]


def test_folder_mention_triggers_glob_inside_it(project):
    assert rules_for(project, "look at alembic/versions for the last revision") == [
        (".claude/rules/migrations.md", REASON_PATH)
    ]


def test_keyword_trigger(project):
    assert rules_for(project, "Draft the STORYBOARD for the intro") == [
        (".claude/agent-rules/video-style.md", REASON_KEYWORD)
    ]


def test_agent_trigger(project):
    assert rules_for(project, "design the orders table", agent="db-architect") == [
        (".claude/agent-rules/db-review.md", REASON_AGENT)
    ]


def test_nothing_applies(project):
    assert rules_for(project, "rename a variable") == []
    assert rules_for(project, "rename a variable", agent="unknown") == []


def test_always_loaded_rule_never_applies(project):
    write(project, ".claude/rules/always.md", "---\nkeywords: [pytest]\nagents: [db-architect]\n---\n# Always\n")
    found = rules_for(project, "pytest in alembic/versions/1.py", agent="db-architect")
    assert (".claude/rules/testing.md", REASON_KEYWORD) not in found
    assert all(path != ".claude/rules/always.md" for path, _ in found)


def test_most_specific_first(project):
    write(project, ".claude/agent-rules/python.md", "---\npaths: ['**/*.py']\n---\n# Python\n")
    text = "edit alembic/versions/0003.py, storyboard later"
    found = rules_for(project, text, agent="db-architect")
    assert found == [
        (".claude/rules/migrations.md", REASON_PATH),
        (".claude/agent-rules/python.md", REASON_PATH),
        (".claude/agent-rules/db-review.md", REASON_AGENT),
        (".claude/agent-rules/video-style.md", REASON_KEYWORD),
    ]


# Cache --------------------------------------------------------------------------


def test_cache_written_and_reused(project):
    first = load_rules(str(project), RULE_DIRS)
    cache = project / ".cofee-hooks-cache" / "rules.json"
    assert cache.is_file()
    assert (project / ".cofee-hooks-cache" / ".gitignore").is_file()
    stamp = cache.stat().st_mtime_ns
    second = load_rules(str(project), RULE_DIRS)
    assert [rule.relative for rule in second] == [rule.relative for rule in first]
    assert cache.stat().st_mtime_ns == stamp


def test_cache_follows_edited_file(project):
    load_rules(str(project), RULE_DIRS)
    path = project / ".claude/agent-rules/video-style.md"
    path.write_text("---\nkeywords: [montage]\n---\n# Video style, edited\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000_000))
    rules = {rule.relative: rule for rule in load_rules(str(project), RULE_DIRS)}
    assert rules[".claude/agent-rules/video-style.md"].keywords == ["montage"]
    assert rules[".claude/agent-rules/video-style.md"].title == "Video style, edited"


def test_cache_drops_deleted_file(project):
    load_rules(str(project), RULE_DIRS)
    (project / ".claude/agent-rules/api.md").unlink()
    assert ".claude/agent-rules/api.md" not in [rule.relative for rule in load_rules(str(project), RULE_DIRS)]


def test_corrupt_cache_is_rebuilt(project):
    load_rules(str(project), RULE_DIRS)
    (project / ".cofee-hooks-cache" / "rules.json").write_text("{not json", encoding="utf-8")
    assert len(load_rules(str(project), RULE_DIRS)) == len(load_rules(str(project), RULE_DIRS, use_cache=False))


def test_missing_rule_folder_is_empty(tmp_path):
    assert load_rules(str(tmp_path), RULE_DIRS) == []


def test_keyword_matches_plural_either_way(project):
    write(project, ".claude/agent-rules/plural.md", "---\nkeywords: [migration, indexes]\n---\n# Plural\n")
    assert (".claude/agent-rules/plural.md", REASON_KEYWORD) in rules_for(project, "squash the old migrations")
    assert (".claude/agent-rules/plural.md", REASON_KEYWORD) in rules_for(project, "add one index")


def test_keyword_matches_part_of_underscore_identifier(project):
    write(project, ".claude/agent-rules/video.md", "---\nkeywords: [remotion]\n---\n# Video\n")
    assert (".claude/agent-rules/video.md", REASON_KEYWORD) in rules_for(project, "look at cofee_remotion first")


@pytest.mark.parametrize("mention", ["cofee_remotion/", "the cofee_remotion/ folder", "cofee_remotion/src"])
def test_folder_mention_matches_glob_of_that_folder(project, mention):
    write(project, ".claude/agent-rules/service.md", '---\npaths: ["cofee_remotion/**"]\n---\n# Service\n')
    assert (".claude/agent-rules/service.md", REASON_PATH) in rules_for(project, f"review {mention}")


@pytest.mark.parametrize("mention", ["docs/", "docs/guide", "docs/guide/"])
def test_folder_mention_inside_glob_folder(project, mention):
    write(project, ".claude/agent-rules/docs.md", '---\npaths: ["docs/**/*.md"]\n---\n# Docs\n')
    assert (".claude/agent-rules/docs.md", REASON_PATH) in rules_for(project, f"tidy {mention} please")


def test_file_outside_glob_still_does_not_match(project):
    write(project, ".claude/agent-rules/docs.md", '---\npaths: ["docs/**/*.md"]\n---\n# Docs\n')
    assert rules_for(project, "tidy docs/logo.png and src/docs/") == []


def test_template_migration_rule_ignores_revision_history(tmp_path):
    from cofee_hooks.workspace import lay_down

    lay_down(tmp_path)
    rules = load_rules(str(tmp_path), RULE_DIRS)
    names = [match.rule.relative for match in applicable_rules(rules, "Update the revision history section of README.md")]
    assert ".claude/rules/migrations.md" not in names
    names = [match.rule.relative for match in applicable_rules(rules, "write the Alembic migrations for orders")]
    assert ".claude/rules/migrations.md" in names
