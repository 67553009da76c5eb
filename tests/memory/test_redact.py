from __future__ import annotations

from pathlib import Path

import pytest

from cofee_hooks.claude.protocol import HookEvent
from cofee_hooks.config.fast import FastConfig
from cofee_hooks.memory.hooks import handle_subagent_stop
from cofee_hooks.memory.redact import redact
from tests.memory.helpers import RecordingLog, entry_text, section

PRIVATE_KEY = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACBtZXRhbWV0YW1ldGFtZXRhbWV0YW1ldGFtZXRhbWV0YQAAAJiU0m8glNJv\n"
    "-----END OPENSSH PRIVATE KEY-----"
)


@pytest.mark.parametrize(
    ("text", "secret", "kind", "kept"),
    [
        ("key sk-ant-api03-abcdefghijklmnop1234 works", "sk-ant-api03-abcdefghijklmnop1234", "Anthropic or OpenAI API key", "key [REDACTED API key] works"),
        ("AWS AKIAIOSFODNN7EXAMPLE id", "AKIAIOSFODNN7EXAMPLE", "AWS access key ID", "AWS [REDACTED AWS access key ID] id"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnop", "GitHub token", "[REDACTED GitHub token]"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijkl", "github_pat_11ABCDEFG", "GitHub token", "[REDACTED GitHub token]"),
        ("slack xoxb-1234567890-abcdefghij", "xoxb-1234567890", "Slack token", "slack [REDACTED Slack token]"),
        ("Authorization: Bearer abc123def456ghi789", "abc123def456ghi789", "bearer token", "Authorization: Bearer [REDACTED]"),
        ("set password=hunter2 in .env", "hunter2", "password", "set password=[REDACTED] in .env"),
        ('"password": "s3cret!"', "s3cret!", "password", '"password": [REDACTED]'),
        ("DB_PASSWORD: swordfish", "swordfish", "password", "DB_PASSWORD: [REDACTED]"),
        ("postgresql://app:hunter2@db:5432/app", "hunter2", "password in URL", "postgresql://app:[REDACTED]@db:5432/app"),
        ("https://user:p%40ss@example.com/x", "p%40ss", "password in URL", "https://user:[REDACTED]@example.com/x"),
        ("redis://:redispass@127.0.0.1:6379/0", "redispass", "password in URL", "redis://:[REDACTED]@127.0.0.1:6379/0"),
        ("api_key: abcdef1234567890abcdef", "abcdef1234567890abcdef", "secret assignment", "api_key: [REDACTED]"),
        ('"access_token": "a1b2c3d4e5f6g7h8i9"', "a1b2c3d4e5f6g7h8i9", "secret assignment", '"access_token": [REDACTED]'),
        ("STRIPE_SECRET_KEY=abcdef0123456789", "abcdef0123456789", "secret assignment", "STRIPE_SECRET_KEY=[REDACTED]"),
        (f"key:\n{PRIVATE_KEY}\nafter", "b3BlbnNzaC1rZXktdjEA", "private key", "key:\n[REDACTED private key]\nafter"),
    ],
)
def test_secret_redacted(text: str, secret: str, kind: str, kept: str) -> None:
    cleaned, kinds = redact(text)

    assert secret not in cleaned
    assert cleaned == kept
    assert kinds == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "max_tokens=4096 is the ceiling",
        "password=$DB_PASSWORD from the environment",
        "token=<your token here>",
        "password: ***",
        "postgresql://app@db:5432/app has no password",
        "postgresql://app:${PGPASSWORD}@db/app",
        "Basic authentication is turned off",
        "Bearer tokens expire after one hour",
        "the sk- prefix marks secret keys",
        "use_token=True",
        "token: see the team vault",
        "secret: rotate it every quarter",
        "api_key: $API_KEY",
    ],
)
def test_harmless_text_kept(text: str) -> None:
    cleaned, kinds = redact(text)

    assert cleaned == text
    assert kinds == []


def test_unterminated_private_key_redacted_to_end() -> None:
    cleaned, kinds = redact("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nmore")

    assert cleaned == "[REDACTED private key]"
    assert kinds == ["private key"]


def test_hook_logs_kind_not_value(config: FastConfig, log: RecordingLog, memory_dir: Path) -> None:
    knowledge = (
        "Staging runs at postgresql://app:hunter2@db.internal/app.",
        "Deploys use token ghp_abcdefghijklmnopqrstuvwxyz0123456789.",
    )
    payload = {
        "hook_event_name": "SubagentStop",
        "agent_type": "db-architect",
        "last_assistant_message": section(entry_text("staging", knowledge=knowledge)),
    }

    handle_subagent_stop(HookEvent(payload), config, log)

    files = list((memory_dir / "db-architect").glob("*-staging.md"))
    assert len(files) == 1
    text = files[0].read_text(encoding="utf-8")
    assert "hunter2" not in text
    assert "ghp_abcdefghijklmnopqrstuvwxyz0123456789" not in text
    logged = log.text()
    assert "password in URL" in logged
    assert "GitHub token" in logged
    assert "hunter2" not in logged
    assert "ghp_abcdef" not in logged
