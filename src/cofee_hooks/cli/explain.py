"""The `cofee-hooks explain` command: print a rule's catalogue entry."""

from __future__ import annotations

import difflib

import click

from cofee_hooks.errors import UserError
from cofee_hooks.lint.rules import RULES, SQUAWK_RULES, Rule, SquawkRule, all_rule_ids


@click.command("explain")
@click.argument("rule", required=False)
@click.option("--list", "list_rules", is_flag=True, help="List every rule, ours and squawk's, with its summary.")
def explain(rule: str | None, list_rules: bool) -> None:
    """Explain RULE: what it checks, why and how to fix it.

    RULE is one of this package's rules (shown with a bad and a good example)
    or a squawk rule name (shown with its summary and a link to squawk's page,
    which has the examples). Case does not matter. Without RULE, or with
    --list, every rule is listed.
    """
    if list_rules or rule is None:
        click.echo(format_rule_list(), nl=False)
        return
    click.echo(format_rule(rule), nl=False)


def format_rule(rule_id: str) -> str:
    """Return the text `explain RULE` prints; raise `UserError` (exit code 2) for an unknown rule."""
    wanted = rule_id.strip().lower()
    own = RULES.get(wanted)
    if own is not None:
        return _format_own(own)
    squawk = SQUAWK_RULES.get(wanted)
    if squawk is not None:
        return _format_squawk(squawk)
    matches = difflib.get_close_matches(wanted, all_rule_ids(), n=3, cutoff=0.6)
    hint = f". Did you mean {', '.join(matches)}?" if matches else ". Run `cofee-hooks explain --list` to see every rule"
    raise UserError(f"unknown rule '{rule_id}'{hint}")


def format_rule_list() -> str:
    """Return every rule, ours first, one line each: id, severity or source, group and summary."""
    lines = ["cofee-hooks rules:"]
    width = max(len(rule_id) for rule_id in all_rule_ids())
    for rule in sorted(RULES.values(), key=lambda item: item.id):
        lines.append(f"  {rule.id:<{width}}  {rule.severity:<7}  {rule.group:<15}  {rule.summary}")
    lines.append("")
    lines.append("squawk rules (severity set by squawk; see https://squawkhq.com/docs/):")
    for squawk in sorted(SQUAWK_RULES.values(), key=lambda item: item.id):
        if squawk.id in RULES:
            continue
        lines.append(f"  {squawk.id:<{width}}  {'squawk':<7}  {squawk.group:<15}  {squawk.summary}")
    return "\n".join(lines) + "\n"


def _format_own(rule: Rule) -> str:
    return (
        f"{rule.id} ({rule.severity}, group {rule.group})\n"
        f"\n{rule.summary}\n"
        f"\nWhy:\n{_indent(rule.why)}\n"
        f"\nFix:\n{_indent(rule.fix)}\n"
        f"\nBad:\n{_indent(rule.bad)}\n"
        f"\nGood:\n{_indent(rule.good)}\n"
    )


def _format_squawk(rule: SquawkRule) -> str:
    return (
        f"{rule.id} (squawk rule, group {rule.group})\n"
        f"\n{rule.summary}\n"
        f"\nDocumentation, with a bad and a good example: {rule.url}\n"
    )


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())
