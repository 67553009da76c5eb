"""Severity overrides per rule and per rule group, from the configuration.

`migrations.rules: {rule-id: error|warning|info|off}` and
`migrations.groups: {group: error|warning|info|off}` change the severity of
findings; `off` drops them. A rule's own setting wins over its group's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from cofee_hooks.errors import ConfigError
from cofee_hooks.findings import Finding
from cofee_hooks.lint.rules import GROUPS, all_rule_ids, group_of, is_known

OFF = "off"


def apply_overrides(
    findings: Sequence[Finding], rules: Mapping[str, str] | None = None, groups: Mapping[str, str] | None = None
) -> list[Finding]:
    """Return the findings with overridden severities, leaving out those turned off."""
    rules = rules or {}
    groups = groups or {}
    result = []
    for finding in findings:
        level = rules.get(finding.rule)
        if level is None:
            group = group_of(finding.rule)
            level = groups.get(group) if group else None
        if level == OFF:
            continue
        if level is not None and level != finding.severity:
            finding = replace(finding, severity=level)
        result.append(finding)
    return result


def check_override_names(rules: Mapping[str, str], groups: Mapping[str, str], source: str) -> None:
    """Raise `ConfigError` naming the first unknown rule id or group in the overrides."""
    for rule in rules:
        if not is_known(rule):
            import difflib

            matches = difflib.get_close_matches(rule, all_rule_ids(), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(matches)}?" if matches else "; see `cofee-hooks explain --list`"
            raise ConfigError(f"{source}: migrations.rules.{rule}: unknown rule{hint}")
    for group in groups:
        if group not in GROUPS:
            raise ConfigError(f"{source}: migrations.groups.{group}: unknown group; allowed: {', '.join(GROUPS)}")
