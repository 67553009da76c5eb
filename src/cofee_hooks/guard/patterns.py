"""Gitignore-style path patterns, compiled once into regular expressions.

Supported syntax, matched against repository-relative paths with `/`
separators, case-sensitively:

- `*` matches any run of characters except `/`, `?` one character except `/`,
  `[abc]`, `[a-z]` and `[!abc]` (or `[^abc]`) a character class.
- `**/` at the start matches in any folder, `/**` at the end matches
  everything inside, and `/**/` in the middle matches zero or more folders.
- A pattern with a `/` at the start or in the middle is anchored at the
  repository root (`/build`, `docs/api`). A pattern without one matches at
  any depth (`*.md` matches `README.md` and `docs/guide/intro.md`).
- A trailing `/` matches folders only, which means every path inside them.
- A pattern matches a path when it matches the path itself or any folder
  that contains it, so `docs` covers `docs/a/b.md`.
- A leading `!` negates a pattern and `\\` escapes the next character (`\\!`,
  `\\#`, `\\*`). In a list the last matching pattern decides. Unlike
  `.gitignore`, a negation can carve a file out of a folder matched earlier:
  `[docs/, "!docs/secret.md"]` excludes `docs/secret.md`.
"""

from __future__ import annotations


class PatternError(ValueError):
    """A pattern that cannot be compiled, e.g. an empty one or a lone `!`."""


class Pattern:
    """One compiled pattern: its source text, whether it is negated, and how it matches.

    Most patterns are a literal or `*.ext`, which plain string tests decide;
    only the others are compiled to a regular expression. The git hook skips
    importing `re` that way, which costs more than the whole decision.
    """

    __slots__ = ("text", "negated", "folder_only", "_kind", "_operand")

    def __init__(self, text: str, negated: bool, folder_only: bool, kind: str, operand) -> None:
        self.text = text
        self.negated = negated
        self.folder_only = folder_only
        self._kind = kind
        self._operand = operand

    def __repr__(self) -> str:
        return f"Pattern({self.text!r})"

    def matches(self, path: str, is_folder: bool = False) -> bool:
        """Return True when the pattern covers `path` or a folder above it."""
        kind = self._kind
        if kind == "prefix":
            # An anchored literal: the path itself or a folder at the root.
            if path == self._operand:
                return not self.folder_only or is_folder
            return path.startswith(self._operand + "/")
        if kind in ("segment", "suffix"):
            return self._matches_a_segment(path, is_folder)
        match = self._operand.match(path)
        if match is None:
            return False
        if not self.folder_only:
            return True
        # A folder-only pattern covers the path when it matched a folder
        # above it (something follows), or the path itself is a folder.
        return match.group("rest") is not None or is_folder

    def _matches_a_segment(self, path: str, is_folder: bool) -> bool:
        # An unanchored one-segment pattern: any folder on the way, or the name.
        segments = path.split("/")
        last = len(segments) - 1
        operand = self._operand
        for index, segment in enumerate(segments):
            hit = segment == operand if self._kind == "segment" else segment.endswith(operand)
            if hit and (not self.folder_only or index < last or is_folder):
                return True
        return False


class PatternList:
    """Patterns in order; the last one that matches a path decides."""

    __slots__ = ("patterns",)

    def __init__(self, patterns: tuple[Pattern, ...]) -> None:
        self.patterns = patterns

    def last_match(self, path: str, is_folder: bool = False) -> Pattern | None:
        """Return the last pattern that matches `path` (negated or not), or None."""
        for pattern in reversed(self.patterns):
            if pattern.matches(path, is_folder):
                return pattern
        return None

    def __bool__(self) -> bool:
        return bool(self.patterns)


# Compiled lists by their texts; a plain dict, because functools costs the git
# hook an import of collections and more.
_COMPILED: dict[tuple[str, ...], PatternList] = {}


def compile_patterns(texts: tuple[str, ...]) -> PatternList:
    """Compile a tuple of pattern texts (cached, so each list is compiled once per process)."""
    compiled = _COMPILED.get(texts)
    if compiled is None:
        if len(_COMPILED) >= 64:
            _COMPILED.clear()
        compiled = _COMPILED[texts] = PatternList(tuple(compile_pattern(text) for text in texts))
    return compiled


def compile_pattern(text: str) -> Pattern:
    """Compile one pattern; raises `PatternError` naming the pattern when it is invalid."""
    body = text.strip()
    negated = body.startswith("!")
    if negated:
        body = body[1:]
    folder_only = body.endswith("/") and not body.endswith("\\/")
    body = body.rstrip("/") if folder_only else body
    if not body:
        raise PatternError(f"invalid pattern {text!r}: it matches no path")
    anchored = "/" in body
    body = body.lstrip("/")
    if not body:
        raise PatternError(f"invalid pattern {text!r}: '/' alone would match the whole repository")
    return Pattern(text, negated, folder_only, *_matcher(body, anchored))


def _matcher(body: str, anchored: bool) -> tuple[str, object]:
    wildcard = any(char in body for char in "*?[\\")
    if not wildcard:
        return ("prefix" if anchored else "segment"), body
    suffix = body[1:]
    if not anchored and body.startswith("*") and not any(char in suffix for char in "*?[\\"):
        return "suffix", suffix
    import re

    prefix = "" if anchored else "(?:.*/)?"
    expression = f"{prefix}{_translate(body)}(?P<rest>/.*)?\\Z"
    return "regex", re.compile(expression, re.DOTALL)


def _translate(body: str) -> str:
    import re

    parts: list[str] = []
    index = 0
    length = len(body)
    while index < length:
        char = body[index]
        if char == "\\" and index + 1 < length:
            parts.append(re.escape(body[index + 1]))
            index += 2
        elif char == "*" and body.startswith("**", index) and _is_whole_segment(body, index):
            parts.append(_double_star(body, index))
            index += 3 if index + 2 < length else 2
        elif char == "*":
            while index < length and body[index] == "*":
                index += 1
            parts.append("[^/]*")
            continue
        elif char == "?":
            parts.append("[^/]")
            index += 1
        elif char == "[":
            translated, index = _character_class(body, index)
            parts.append(translated)
        else:
            parts.append(re.escape(char))
            index += 1
    return "".join(parts)


def _is_whole_segment(body: str, index: int) -> bool:
    # `**` is special only as a whole path segment: `a/**/b`, `**/b`, `a/**`.
    before_ok = index == 0 or body[index - 1] == "/"
    after = index + 2
    after_ok = after == len(body) or body[after] == "/"
    return before_ok and after_ok


def _double_star(body: str, index: int) -> str:
    at_end = index + 2 == len(body)
    if at_end:
        # `a/**` matches everything inside `a` (the `/` before it is already emitted).
        return ".*"
    # `**/` at the start or `/**/` in the middle: zero or more whole folders.
    return "(?:.*/)?"


def _character_class(body: str, start: int) -> tuple[str, int]:
    import re

    index = start + 1
    negated = index < len(body) and body[index] in "!^"
    if negated:
        index += 1
    members: list[str] = []
    first = True
    while index < len(body):
        char = body[index]
        if char == "]" and not first:
            inner = "".join(members)
            if negated:
                return f"[^/{inner}]", index + 1
            return f"[{inner}]", index + 1
        if char == "\\" and index + 1 < len(body):
            members.append(re.escape(body[index + 1]))
            index += 2
        elif char == "-" and members and index + 1 < len(body) and body[index + 1] != "]":
            members.append("-")
            index += 1
        else:
            members.append(re.escape(char))
            index += 1
        first = False
    # No closing bracket: the `[` is an ordinary character.
    return re.escape("["), start + 1
