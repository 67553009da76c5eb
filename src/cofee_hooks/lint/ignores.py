"""Ignore comments: silence chosen rules where a person decided so.

`# cofee-hooks: ignore[rule-a,rule-b] reason` at the end of any line of a
statement, or alone on a line above it or inside it (between the brackets
of a multi-line call), silences those rules, ours or squawk's, for that
statement. For a `with` block only the `with` line itself is covered,
so an ignore above `with op.get_context().autocommit_block():` does not
silence the statements inside it. `# cofee-hooks: ignore-file[rule]`
silences a rule for the whole revision; by convention it sits near the top.

Comments are read with `tokenize`, so a `#` inside a string is never taken
for a comment. An ignore that silences nothing, names an unknown rule, or
cannot be read becomes an `unused-ignore` finding.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from cofee_hooks.findings import SOURCE_OWN, Finding
from cofee_hooks.lint.rules import UNUSED_IGNORE, all_rule_ids, is_known

_DIRECTIVE = re.compile(r"#\s*cofee-hooks\s*:\s*(?P<directive>[\w-]*)\s*(?:\[(?P<rules>[^\]]*)\])?\s*(?P<reason>.*)$")
STATEMENT_DIRECTIVE = "ignore"
FILE_DIRECTIVE = "ignore-file"

_NON_CODE_TOKENS = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
}


@dataclass(frozen=True)
class IgnoreComment:
    """One `# cofee-hooks:` comment and the lines it covers (1-based, inclusive)."""

    directive: str
    rules: tuple[str, ...]
    reason: str
    line: int
    column: int
    first_line: int | None = None
    last_line: int | None = None


def parse_ignores(source: str) -> list[IgnoreComment]:
    """Find every `# cofee-hooks:` comment and the statement lines each one covers.

    A source that does not tokenize or parse has no ignores: the revision
    graph already reports such files.
    """
    if "cofee-hooks" not in source:
        return []  # the common case, without the cost of tokenizing
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        tree = ast.parse(source)
    except (tokenize.TokenError, SyntaxError, ValueError):
        return []
    spans = _statement_spans(tree)
    code_lines = sorted({token.start[0] for token in tokens if token.type not in _NON_CODE_TOKENS})

    comments = []
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        match = _DIRECTIVE.match(token.string)
        if match is None:
            continue
        line, column = token.start
        rules = tuple(name.strip() for name in (match.group("rules") or "").split(",") if name.strip())
        first_line, last_line = _covered_lines(line, token.line, column, spans, code_lines)
        comments.append(
            IgnoreComment(
                directive=match.group("directive"),
                rules=rules,
                reason=match.group("reason").strip(),
                line=line,
                column=column + 1,
                first_line=first_line,
                last_line=last_line,
            )
        )
    return comments


def apply_ignores(
    findings: Sequence[Finding], source: str, path: str, revision: str | None = None
) -> list[Finding]:
    """Drop the findings of `path` that its ignore comments silence, and add `unused-ignore` findings.

    Findings of other files pass through unchanged. `unused-ignore` findings
    can themselves be silenced only with `ignore-file[unused-ignore]`.
    """
    comments = parse_ignores(source)
    used: set[tuple[int, str]] = set()
    kept: list[Finding] = []
    for finding in findings:
        silencer = _silencer(finding, path, comments) if finding.file == path else None
        if silencer is None:
            kept.append(finding)
        else:
            used.add((silencer.line, finding.rule))

    problems = _unused(comments, used, path, revision)
    file_wide = {rule for comment in comments if comment.directive == FILE_DIRECTIVE for rule in comment.rules}
    if UNUSED_IGNORE.id in file_wide:
        problems = []
    return kept + problems


def _silencer(finding: Finding, path: str, comments: list[IgnoreComment]) -> IgnoreComment | None:
    for comment in comments:
        if finding.rule not in comment.rules:
            continue
        if comment.directive == FILE_DIRECTIVE:
            return comment
        if comment.directive != STATEMENT_DIRECTIVE or comment.first_line is None:
            continue
        if comment.first_line <= finding.line <= (comment.last_line or comment.first_line):
            return comment
    return None


def _unused(
    comments: list[IgnoreComment], used: set[tuple[int, str]], path: str, revision: str | None
) -> list[Finding]:
    problems = []
    for comment in comments:
        if comment.directive not in (STATEMENT_DIRECTIVE, FILE_DIRECTIVE):
            problems.append(
                _problem(comment, path, revision, f"unknown directive '{comment.directive}'; use ignore[...] or ignore-file[...]")
            )
            continue
        if not comment.rules:
            problems.append(_problem(comment, path, revision, f"{comment.directive} names no rule; write {comment.directive}[rule-id]"))
            continue
        if comment.directive == STATEMENT_DIRECTIVE and comment.first_line is None:
            problems.append(_problem(comment, path, revision, "ignore is not on or above a statement"))
            continue
        for rule in comment.rules:
            if not is_known(rule):
                problems.append(_problem(comment, path, revision, f"unknown rule '{rule}'{_close_matches(rule)}"))
            elif (comment.line, rule) not in used and not (
                comment.directive == FILE_DIRECTIVE and rule == UNUSED_IGNORE.id
            ):
                where = "this revision" if comment.directive == FILE_DIRECTIVE else "this statement"
                problems.append(_problem(comment, path, revision, f"ignore[{rule}] silences nothing on {where}"))
    return problems


def _problem(comment: IgnoreComment, path: str, revision: str | None, message: str) -> Finding:
    return Finding(
        rule=UNUSED_IGNORE.id,
        source=SOURCE_OWN,
        severity=UNUSED_IGNORE.severity,
        file=path,
        line=comment.line,
        column=comment.column,
        message=message,
        help=UNUSED_IGNORE.fix,
        revision=revision,
    )


def _close_matches(rule: str) -> str:
    import difflib

    matches = difflib.get_close_matches(rule, all_rule_ids(), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(matches)}?" if matches else ""


def _statement_spans(tree: ast.Module) -> list[tuple[int, int]]:
    """Return (first line, last line) of every statement; compound statements cover only their header."""
    spans = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            last = max(node.lineno, body[0].lineno - 1)
            decorators = getattr(node, "decorator_list", [])
            first = min([node.lineno, *(decorator.lineno for decorator in decorators)])
            spans.append((first, last))
        else:
            spans.append((node.lineno, node.end_lineno or node.lineno))
    return spans


def _covered_lines(
    line: int, physical_line: str, column: int, spans: list[tuple[int, int]], code_lines: list[int]
) -> tuple[int | None, int | None]:
    trailing = physical_line[:column].strip() != ""
    if trailing:
        containing = [span for span in spans if span[0] <= line <= span[1]]
        if not containing:
            return None, None
        return max(containing, key=lambda span: span[0])
    following = next((code_line for code_line in code_lines if code_line > line), None)
    if following is None:
        return None, None
    starting = [span for span in spans if span[0] == following]
    if starting:
        return min(starting, key=lambda span: span[1] - span[0])
    # A comment line inside a multi-line statement covers that statement.
    containing = [span for span in spans if span[0] < line <= span[1]]
    if containing:
        return max(containing, key=lambda span: span[0])
    return None, None

