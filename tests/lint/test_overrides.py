"""Severity overrides per rule and per group."""

from __future__ import annotations

import pytest

from cofee_hooks.errors import ConfigError
from cofee_hooks.findings import Finding
from cofee_hooks.lint.overrides import apply_overrides, check_override_names


def finding(rule: str, severity: str = "warning", source: str = "squawk") -> Finding:
    return Finding(rule, source, severity, "versions/b2.py", 3, 5, "message", "help")


FINDINGS = [
    finding("require-concurrent-index-creation"),  # squawk, locking
    finding("prefer-text-field"),  # squawk, style
    finding("foreign-key-without-index", source="cofee-hooks"),  # ours, locking
    finding("empty-downgrade", source="cofee-hooks"),  # ours, alembic
    finding("not-a-known-rule"),
]


def severities(findings: list[Finding]) -> dict[str, str]:
    return {f.rule: f.severity for f in findings}


def test_no_overrides_change_nothing() -> None:
    assert apply_overrides(FINDINGS, {}, {}) == FINDINGS


def test_rule_override_sets_severity() -> None:
    result = severities(apply_overrides(FINDINGS, {"prefer-text-field": "error", "empty-downgrade": "info"}, {}))

    assert result["prefer-text-field"] == "error"
    assert result["empty-downgrade"] == "info"
    assert result["require-concurrent-index-creation"] == "warning"


def test_rule_off_drops_findings() -> None:
    result = apply_overrides(FINDINGS, {"prefer-text-field": "off"}, {})

    assert "prefer-text-field" not in severities(result)
    assert len(result) == len(FINDINGS) - 1


def test_group_override_covers_ours_and_squawks() -> None:
    result = severities(apply_overrides(FINDINGS, {}, {"locking": "error"}))

    assert result["require-concurrent-index-creation"] == "error"
    assert result["foreign-key-without-index"] == "error"
    assert result["prefer-text-field"] == "warning"
    assert result["not-a-known-rule"] == "warning"


def test_group_off_drops_group() -> None:
    result = severities(apply_overrides(FINDINGS, {}, {"style": "off"}))

    assert "prefer-text-field" not in result
    assert "require-concurrent-index-creation" in result


def test_rule_override_beats_group() -> None:
    result = severities(
        apply_overrides(FINDINGS, {"foreign-key-without-index": "info"}, {"locking": "off"})
    )

    assert result == {
        "foreign-key-without-index": "info",
        "prefer-text-field": "warning",
        "empty-downgrade": "warning",
        "not-a-known-rule": "warning",
    }


def test_override_names_accept_known() -> None:
    check_override_names({"foreign-key-without-index": "off", "changing-column-type": "error"}, {"style": "off"}, "cfg.yaml")


def test_unknown_rule_override_is_config_error() -> None:
    with pytest.raises(ConfigError) as raised:
        check_override_names({"foreign-key-without-indx": "off"}, {}, "cfg.yaml")

    assert raised.value.exit_code == 2
    assert "cfg.yaml: migrations.rules.foreign-key-without-indx: unknown rule" in raised.value.message
    assert "foreign-key-without-index" in raised.value.message


def test_unknown_group_override_is_config_error() -> None:
    with pytest.raises(ConfigError) as raised:
        check_override_names({}, {"speed": "off"}, "cfg.yaml")

    assert "migrations.groups.speed: unknown group; allowed: locking, backward-compat, style, alembic" in raised.value.message
