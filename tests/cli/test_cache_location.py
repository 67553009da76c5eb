"""Where lint-migration puts its cache folder, whatever the working directory."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import run_cli
from tests.migrations.helpers import simple_project

CACHE = ".cofee-hooks-cache"


def test_cache_at_git_top_level(tmp_path: Path, git_env: dict) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    simple_project(repo / "backend")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    completed = run_cli("lint-migration", str(repo / "backend"), cwd=elsewhere, env=git_env)
    assert completed.returncode == 1, completed.stderr
    assert (repo / CACHE).is_dir()
    assert not (elsewhere / CACHE).exists()
    assert not (repo / "backend" / CACHE).exists()


def test_cache_in_project_outside_git(tmp_path: Path) -> None:
    project = tmp_path / "project"
    simple_project(project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(tmp_path))
    completed = run_cli("lint-migration", str(project), cwd=elsewhere, env=env)
    assert completed.returncode == 1, completed.stderr
    assert (project / CACHE).is_dir()
    assert not (elsewhere / CACHE).exists()


def test_cache_at_config_root(tmp_path: Path) -> None:
    simple_project(tmp_path / "backend")
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "cofee-hooks.yaml").write_text("migrations:\n  fail_on: error\n", encoding="utf-8")
    completed = run_cli("lint-migration", cwd=tmp_path / "backend")
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / CACHE).is_dir()
    assert not (tmp_path / "backend" / CACHE).exists()
