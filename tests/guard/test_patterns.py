"""Gitignore-style pattern matching."""

from __future__ import annotations

import pytest

from cofee_hooks.guard.patterns import PatternError, compile_pattern, compile_patterns

CASES = [
    # pattern, path, is_folder, expected
    ("*.md", "README.md", False, True),
    ("*.md", "docs/guide/intro.md", False, True),
    ("*.md", "README.mdx", False, False),
    ("*.md", "notes.md/inside.py", False, True),
    ("docs/", "docs/a.md", False, True),
    ("docs/", "docs/deep/er/a.py", False, True),
    ("docs/", "docs", False, False),
    ("docs/", "docs", True, True),
    ("docs/", "sub/docs/a.py", False, True),
    ("docs", "docs", False, True),
    ("docs", "docsx/a.py", False, False),
    ("/docs", "sub/docs/a.py", False, False),
    ("/docs", "docs/a.py", False, True),
    ("docs/api", "docs/api/x.md", False, True),
    ("docs/api", "sub/docs/api/x.md", False, False),
    ("CLAUDE.md", "CLAUDE.md", False, True),
    ("CLAUDE.md", "team/CLAUDE.md", False, True),
    ("/CLAUDE.md", "team/CLAUDE.md", False, False),
    (".claude/", ".claude/settings.json", False, True),
    (".claude/", "x/.claude/agents/a.md", False, True),
    ("a?c", "abc", False, True),
    ("a?c", "a/c", False, False),
    ("*", "anything/at/all", False, True),
    ("src/*.py", "src/app.py", False, True),
    ("src/*.py", "src/pkg/app.py", False, False),
    ("**/build", "build", False, True),
    ("**/build", "a/b/build/x.o", False, True),
    ("docs/**", "docs/a/b.md", False, True),
    ("docs/**", "docs", False, False),
    ("a/**/b", "a/b", False, True),
    ("a/**/b", "a/x/y/b", False, True),
    ("a/**/b", "a/x/y/c", False, False),
    ("[abc].txt", "b.txt", False, True),
    ("[abc].txt", "d.txt", False, False),
    ("[!abc].txt", "d.txt", False, True),
    ("[!abc].txt", "a.txt", False, False),
    ("[a-c]x", "bx", False, True),
    ("[a-c]x", "dx", False, False),
    ("[^a]", "/", False, False),
    ("file[", "file[", False, True),
    ("\\!important.md", "!important.md", False, True),
    ("\\*.md", "*.md", False, True),
    ("\\*.md", "a.md", False, False),
    ("name with space.md", "dir/name with space.md", False, True),
    ("*.md", "line\nbreak.md", False, True),
    ("é*", "docs/été.txt", False, True),
    ("Docs/", "docs/a.md", False, False),
]


@pytest.mark.parametrize(("text", "path", "is_folder", "expected"), CASES)
def test_pattern_table(text: str, path: str, is_folder: bool, expected: bool) -> None:
    assert compile_pattern(text).matches(path, is_folder) is expected


def test_negation_last_match_wins() -> None:
    patterns = compile_patterns(("docs/", "!docs/secret.md"))
    assert patterns.last_match("docs/secret.md").negated
    assert not patterns.last_match("docs/other.md").negated
    assert patterns.last_match("src/x.py") is None


def test_negation_then_reinclude() -> None:
    patterns = compile_patterns(("docs/", "!docs/private/", "docs/private/ok.md"))
    assert patterns.last_match("docs/private/ok.md").text == "docs/private/ok.md"
    assert patterns.last_match("docs/private/no.md").negated


@pytest.mark.parametrize("text", ["", "   ", "!", "/", "//", "!/"])
def test_invalid_pattern(text: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(text)


def test_compile_is_cached() -> None:
    assert compile_patterns(("*.md", "docs/")) is compile_patterns(("*.md", "docs/"))


PATHS = [
    "README.md", "docs", "docs/a.md", "docs/api/x.py", "sub/docs/a.py", "a.md/b.py", "x/CLAUDE.md",
    "CLAUDE.md", ".claude/settings.json", "src/.claude", "docsx/a", "md", "x.md", "deep/er/y.md",
]


@pytest.mark.parametrize("text", ["*.md", "docs/", "/docs", "docs", "CLAUDE.md", ".claude/", "docs/api", "/CLAUDE.md", "*.md/"])
def test_string_matcher_agrees_with_regex(text: str) -> None:
    import re

    from cofee_hooks.guard import patterns

    fast = compile_pattern(text)
    body = text.rstrip("/")
    anchored = "/" in body
    prefix = "" if anchored else "(?:.*/)?"
    expression = re.compile(f"{prefix}{patterns._translate(body.lstrip('/'))}(?P<rest>/.*)?\\Z", re.DOTALL)
    slow = patterns.Pattern(text, False, fast.folder_only, "regex", expression)
    assert fast._kind != "regex"
    for path in PATHS:
        for is_folder in (False, True):
            assert fast.matches(path, is_folder) == slow.matches(path, is_folder), (path, is_folder)
