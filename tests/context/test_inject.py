from __future__ import annotations

from pathlib import Path

from cofee_hooks.context.inject import HEADING, build_injection
from cofee_hooks.context.registry import Library
from cofee_hooks.context.rules import REASON_PATH, Match, load_rules

from .conftest import write

SQLALCHEMY = Library("sqlalchemy", "/websites/sqlalchemy_en_21", "SQLAlchemy 2.1", ["sqlalchemy"], [])


def big_rules(project: Path, count: int, size: int) -> list[Match]:
    for index in range(count):
        body = f"# Rule number {index}\n\n" + ("Keep it short. " * (size // 15)) + "\n"
        write(project, f".claude/agent-rules/big-{index:02}.md", "---\nkeywords: [big]\n---\n" + body)
    rules = [rule for rule in load_rules(str(project), [".claude/agent-rules"]) if rule.relative.startswith(".claude/agent-rules/big-")]
    return [Match(rule, REASON_PATH, 0) for rule in rules]


def test_library_block_tells_to_use_query_docs():
    text = build_injection([SQLALCHEMY], [], 9500).text
    assert text.startswith(HEADING)
    assert "- SQLAlchemy 2.1: `/websites/sqlalchemy_en_21`" in text
    assert "`query-docs`" in text
    assert "do not call `resolve-library-id`" in text


def test_nothing_gives_empty_text():
    injection = build_injection([], [], 9500)
    assert injection.text == ""
    assert injection.library_ids == []


def test_block_is_stable():
    assert build_injection([SQLALCHEMY], [], 9500).text == build_injection([SQLALCHEMY], [], 9500).text


def test_rules_in_full_when_they_fit(project):
    matches = big_rules(project, 3, 500)
    injection = build_injection([SQLALCHEMY], matches, 9500)
    assert injection.rules == [match.rule.relative for match in matches]
    assert injection.listed == []
    for match in matches:
        assert match.rule.body() in injection.text


def test_budget_lists_rules_that_do_not_fit(project):
    matches = big_rules(project, 6, 3000)
    injection = build_injection([SQLALCHEMY], matches, 9500)
    assert len(injection.text) <= 9500
    assert injection.rules == [match.rule.relative for match in matches[:2]]
    assert injection.listed == [match.rule.relative for match in matches[2:]]
    assert "4 more rule file(s) apply but did not fit in this block" in injection.text
    for match in matches[2:]:
        assert f"- `{match.rule.relative}`: {match.rule.title}" in injection.text
        assert match.rule.body() not in injection.text


def test_budget_counts_the_whole_text(project):
    matches = big_rules(project, 5, 1000)
    for budget in (600, 1500, 2500, 4000, 6000):
        injection = build_injection([SQLALCHEMY], matches, budget)
        assert len(injection.text) <= budget, budget


def test_long_listing_ends_with_count(project):
    matches = big_rules(project, 40, 400)
    injection = build_injection([], matches, 1200)
    assert len(injection.text) <= 1200
    assert len(injection.rules) + len(injection.listed) == 40
    assert injection.text.rstrip().endswith("more under the rule folders")
    assert injection.text.count("\n- `") < len(injection.listed)


def test_memory_gets_what_is_left(project):
    calls = []

    def recall(budget_left: int) -> str:
        calls.append(budget_left)
        return "### Memory\n\n- orders table uses soft deletes"

    injection = build_injection([SQLALCHEMY], [], 9500, recall=recall)
    assert len(calls) == 2
    assert 9000 < calls[-1] < 9500
    assert injection.text.rstrip().endswith("- orders table uses soft deletes")


def test_memory_too_long_is_dropped():
    injection = build_injection([SQLALCHEMY], [], 1000, recall=lambda left: "x" * (left + 50))
    assert len(injection.text) <= 1000
    assert "xxxx" not in injection.text


def test_memory_alone_is_injected():
    injection = build_injection([], [], 9500, recall=lambda left: "### Memory\n\n- a fact")
    assert "- a fact" in injection.text


def test_memory_keeps_a_share_when_rules_fill_the_budget(project):
    matches = big_rules(project, 10, 1500)
    memory = "### Memory\n\n- orders table uses soft deletes"
    injection = build_injection([], matches, 9500, recall=lambda left: memory if left >= len(memory) else "")
    assert len(injection.text) <= 9500
    assert injection.text.rstrip().endswith("- orders table uses soft deletes")
    assert injection.memory_chars == len(memory)


def test_no_share_kept_without_memory(project):
    matches = big_rules(project, 10, 1500)
    with_recall = build_injection([], matches, 9500, recall=lambda left: "")
    without = build_injection([], matches, 9500)
    assert with_recall.text == without.text


def test_listing_falls_back_to_paths_alone(project):
    matches = big_rules(project, 40, 2000)
    for match in matches:
        match.rule.title = "A rather long title that explains the rule in many words " * 2
    injection = build_injection([], matches, 2500)
    assert len(injection.text) <= 2500
    lines = injection.text.splitlines()
    with_title = [line for line in lines if line.startswith("- `") and "`: A rather" in line]
    path_only = [line for line in lines if line.startswith("- `") and line.endswith("`")]
    assert with_title, injection.text
    assert path_only, injection.text
    assert lines[-1].startswith("- and ") or len(with_title) + len(path_only) == 40
