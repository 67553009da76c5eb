"""Redact obvious secrets from memory entries before they reach the repository.

The memory folder is committed, so anything an agent quotes from a `.env`
file or a log would be published. These patterns catch the well-known
shapes only: provider key prefixes, credentials in URLs, `password=` style
assignments and PEM private keys. They are a safety net, not a secret scanner.
Standard library only.
"""

from __future__ import annotations

import re
from typing import Callable, NamedTuple

PLACEHOLDER = "[REDACTED]"


class _Pattern(NamedTuple):
    kind: str
    regex: re.Pattern[str]
    # Builds the replacement from the match; keeps labels such as `password=`.
    replace: Callable[[re.Match[str]], str]


def _whole(kind: str) -> Callable[[re.Match[str]], str]:
    return lambda match: f"[REDACTED {kind}]"


def _keep_prefix(match: re.Match[str]) -> str:
    return f"{match.group('prefix')}{PLACEHOLDER}"


def _keep_prefix_unless_placeholder(match: re.Match[str]) -> str:
    value = match.group("value").strip("\"'")
    if _is_placeholder(value):
        return match.group(0)
    return f"{match.group('prefix')}{PLACEHOLDER}"


def _keep_prefix_if_token_like(match: re.Match[str]) -> str:
    # Tokens contain digits; without this, "Basic authentication" would be redacted.
    if not any(char.isdigit() for char in match.group("value")):
        return match.group(0)
    return _keep_prefix_unless_placeholder(match)


def _keep_prefix_if_secret_like(match: re.Match[str]) -> str:
    # Short or numeric values are settings, not secrets: `max_tokens=4096`.
    value = match.group("value").strip("\"'")
    if len(value) < 8 or value.isdigit():
        return match.group(0)
    return _keep_prefix_unless_placeholder(match)


def _keep_prefix_if_long_token(match: re.Match[str]) -> str:
    if len(match.group("value").strip("\"'")) < 12:
        return match.group(0)
    return _keep_prefix_if_token_like(match)


def _is_placeholder(value: str) -> bool:
    # `password=$DB_PASSWORD`, `token=<your token>` and `***` hold no secret.
    if not value or value.startswith(("$", "<", "{", "%", "[REDACTED")):
        return True
    return set(value) <= {"*", "x", "X", "."}


# Order matters: whole blocks first, then specific token shapes, then the
# generic `name=value` assignments, which skip values already redacted.
_PATTERNS = (
    _Pattern(
        "private key",
        re.compile(
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
            re.DOTALL,
        ),
        _whole("private key"),
    ),
    _Pattern(
        "password in URL",
        # The user may be empty, as in redis://:password@host.
        re.compile(r"(?P<prefix>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:)(?P<value>[^\s@/]+)(?=@)"),
        _keep_prefix_unless_placeholder,
    ),
    _Pattern("Anthropic or OpenAI API key", re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), _whole("API key")),
    _Pattern("Stripe secret key", re.compile(r"\b[rs]k_live_[A-Za-z0-9]{16,}"), _whole("API key")),
    _Pattern("AWS access key ID", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), _whole("AWS access key ID")),
    _Pattern(
        "GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
        _whole("GitHub token"),
    ),
    _Pattern("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), _whole("Slack token")),
    _Pattern("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}"), _whole("API key")),
    _Pattern(
        "JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        _whole("JSON Web Token"),
    ),
    _Pattern(
        "bearer token",
        re.compile(r"(?P<prefix>\b(?:Bearer|Basic|Token)\s+)(?P<value>[A-Za-z0-9._~+/=-]{12,})"),
        _keep_prefix_if_token_like,
    ),
    _Pattern(
        "password",
        re.compile(
            r"(?P<prefix>\b[A-Za-z0-9_]*(?:password|passwd|pwd|passphrase)\b[\"']?\s*[:=]\s*)"
            r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s,;]+)",
            re.IGNORECASE,
        ),
        _keep_prefix_unless_placeholder,
    ),
    _Pattern(
        "secret assignment",
        re.compile(
            r"(?P<prefix>\b[A-Za-z0-9_]*(?:secret|token|api_?key|access_?key|private_?key)[A-Za-z0-9_]*"
            r"[\"']?\s*=\s*)(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s,;]+)",
            re.IGNORECASE,
        ),
        _keep_prefix_if_secret_like,
    ),
    _Pattern(
        # `api_key: ...` as in YAML or JSON. After a colon, prose is common
        # ("token: see the vault"), so only token-like values count here.
        "secret assignment",
        re.compile(
            r"(?P<prefix>\b[A-Za-z0-9_]*(?:secret|token|api_?key|access_?key|private_?key)[A-Za-z0-9_]*"
            r"[\"']?\s*:\s*)(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s,;]+)",
            re.IGNORECASE,
        ),
        _keep_prefix_if_long_token,
    ),
)


def redact(text: str) -> tuple[str, list[str]]:
    """Return `text` with secrets replaced and the kind of each redaction, in order.

    The kinds name what was found ("GitHub token", "password in URL"), never
    the value, so they can be logged.
    """
    kinds: list[str] = []
    for pattern in _PATTERNS:
        text = pattern.regex.sub(lambda match, p=pattern: _substitute(p, match, kinds), text)
    return text, kinds


def _substitute(pattern: _Pattern, match: re.Match[str], kinds: list[str]) -> str:
    replacement = pattern.replace(match)
    if replacement != match.group(0):
        kinds.append(pattern.kind)
    return replacement
