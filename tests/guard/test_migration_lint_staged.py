"""The migration lint judges the staged content of a revision, not the work-tree copy."""

from __future__ import annotations

from pathlib import Path

from cofee_hooks.guard.git_hooks import install_git_hooks
from tests.conftest import run_cli
from tests.migrations.helpers import simple_project

from .conftest import make_repo

CONCURRENT = (
    "    with op.get_context().autocommit_block():\n"
    '        op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True, if_not_exists=True)\n'
)


def _stage_risky_fix_work_tree(tmp_path: Path):
    repo = make_repo(tmp_path / "backend", config="migrations:\n  enabled: true\n")
    simple_project(repo.path)
    (flagged,) = (repo.path / "migrations" / "versions").glob("3000cccc*.py")
    risky = flagged.read_text(encoding="utf-8")
    flagged.unlink()
    repo.commit_all("clean history")

    flagged.write_text(risky, encoding="utf-8")
    relative = flagged.relative_to(repo.path).as_posix()
    repo.git("add", relative)
    index_line = next(line for line in risky.splitlines(keepends=True) if "op.create_index" in line)
    fixed = risky.replace(index_line, CONCURRENT)
    flagged.write_text(fixed, encoding="utf-8")
    return repo, flagged, relative, fixed


def test_staged_lints_index_content(tmp_path: Path, git_env: dict) -> None:
    repo, flagged, relative, fixed = _stage_risky_fix_work_tree(tmp_path)
    work_tree = run_cli("lint-migration", "--files", str(flagged), cwd=repo.path)
    assert "require-concurrent-index-creation" not in work_tree.stdout, work_tree.stdout

    staged = run_cli("lint-migration", "--staged", cwd=repo.path)
    assert staged.returncode == 1, staged.stdout + staged.stderr
    assert f"{relative}:" in staged.stdout
    assert "require-concurrent-index-creation" in staged.stdout
    assert "cofee-hooks-staged" not in staged.stdout
    assert flagged.read_text(encoding="utf-8") == fixed
    assert repo.git("diff", "--name-only").stdout.strip() == relative


def test_hook_refuses_bad_staged_content(tmp_path: Path, git_env: dict) -> None:
    repo, flagged, relative, fixed = _stage_risky_fix_work_tree(tmp_path)
    install_git_hooks(repo.path)
    head = repo.head()
    refused = repo.git("commit", "-q", "-m", "add index", check=False)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "require-concurrent-index-creation" in refused.stdout + refused.stderr
    assert repo.head() == head
    assert flagged.read_text(encoding="utf-8") == fixed
