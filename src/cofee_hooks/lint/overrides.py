"""Severity overrides per rule and per rule group, from the configuration.

`migrations.rules: {rule-id: error|warning|info|off}` and
`migrations.groups: {group: error|warning|info|off}` change the severity of
findings; `off` drops them. A rule's own setting wins over its group's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from cofee_hooks.errors import ConfigError
from cofee_hooks.findings import Finding
from cofee_hooks.lint.rules import GROUPS, SQUAWK_RULES, all_rule_ids, group_of, is_known

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


# squawk 2.70.0 accepts MAJOR, MAJOR.MINOR or MAJOR.MINOR.PATCH, all digits.
_PG_VERSION = re.compile(r"\d+(?:\.\d+){0,2}")
PG_VERSION_EXPECTED = "expected a version like 16 or 15.4"


def pg_version_problem(value: object) -> str | None:
    """Return why `value` is not a PostgreSQL version squawk accepts, or None when it is one."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return f"invalid value {value!r}; {PG_VERSION_EXPECTED}"
    text = str(value).strip()
    if not _PG_VERSION.fullmatch(text):
        return f"invalid value {text!r}; {PG_VERSION_EXPECTED}"
    return None


def check_squawk_settings(settings: Mapping[str, object], source: str) -> None:
    """Raise `ConfigError` for a pg_version squawk would reject or an unknown squawk rule name.

    Checked here so that the user gets one line naming the setting instead of
    squawk's own multi-line usage error.
    """
    value = settings.get("pg_version")
    if value is not None:
        problem = pg_version_problem(value)
        if problem:
            raise ConfigError(f"{source}: migrations.pg_version: {problem}")
    for name in ("squawk_exclude", "squawk_include"):
        for index, rule in enumerate(settings.get(name) or ()):
            if rule not in SQUAWK_RULES:
                import difflib

                matches = difflib.get_close_matches(str(rule), list(SQUAWK_RULES), n=3, cutoff=0.6)
                hint = f". Did you mean {', '.join(matches)}?" if matches else ". See `cofee-hooks explain --list`"
                raise ConfigError(f"{source}: migrations.{name}[{index}]: unknown squawk rule {rule!r}{hint}")


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
