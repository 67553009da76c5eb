"""check-commit --format json has the same top-level keys with the guard on or off."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

from .conftest import Repo, make_repo

KEYS = {"enabled", "allowed", "range", "reason", "commits"}


def test_json_keys_guard_on(repo: Repo) -> None:
    repo.write("docs/a.md")
    repo.git("add", "-A")

    data = json.loads(run_cli("check-commit", "--format", "json", cwd=repo.path).stdout)

    assert set(data) == KEYS
    assert data["reason"] is None


def test_json_keys_guard_off(tmp_path: Path, git_env) -> None:
    repo = make_repo(tmp_path / "off", config=None)
    repo.write("README.md")
    repo.commit_all("seed")

    staged = json.loads(run_cli("check-commit", "--format", "json", cwd=repo.path).stdout)
    ranged = json.loads(run_cli("check-commit", "--range", "HEAD", "--format", "json", cwd=repo.path).stdout)

    assert set(staged) == KEYS
    assert staged["enabled"] is False
    assert staged["range"] is None
    assert set(ranged) == KEYS
    assert ranged["range"] == "HEAD"
