"""Selection modes of lint-migration (--since, --staged, --files) in real git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.migrations.helpers import simple_project, write_revision


def git(repo: Path, *args: str, env: dict[str, str]) -> str:
    completed = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return completed.stdout


@pytest.fixture
def repo(tmp_path: Path, git_env: dict[str, str]) -> Path:
    """A committed three-revision project (1000aaaa <- 2000bbbb <- 3000cccc) plus an app module."""
    root = tmp_path / "repo"
    simple_project(root)
    (root / "app.py").write_text("VALUE = 1\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main", env=git_env)
    git(root, "add", "-A", env=git_env)
    git(root, "commit", "-q", "-m", "Start", env=git_env)
    return root


def versions(repo: Path) -> Path:
    return repo / "migrations" / "versions"


def linted(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode in (0, 1), result.stderr
    return sorted(item["revision"] for item in json.loads(result.stdout)["revisions"])


def touch_revision(path: Path) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write("# reviewed\n")


def test_since_selects_changed_revisions(repo: Path, git_env: dict[str, str]) -> None:
    base = git(repo, "rev-parse", "HEAD", env=git_env).strip()
    touch_revision(versions(repo) / "2000bbbb_message.py")
    git(repo, "commit", "-q", "-am", "Touch a revision", env=git_env)
    write_revision(versions(repo), "4000dddd", "3000cccc", 'op.add_column("users", sa.Column("bio", sa.Text()))')
    (repo / "app.py").write_text("VALUE = 2\n", encoding="utf-8")

    result = run_cli("lint-migration", "--since", base, "--format", "json", cwd=repo, env=git_env)

    assert linted(result) == ["2000bbbb", "4000dddd"]


def test_since_head_with_nothing_changed(repo: Path, git_env: dict[str, str]) -> None:
    result = run_cli("lint-migration", "--since", "HEAD", cwd=repo, env=git_env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 revisions checked, no findings"


def test_since_ignores_deleted_revisions(repo: Path, git_env: dict[str, str]) -> None:
    git(repo, "rm", "-q", "migrations/versions/3000cccc_message.py", env=git_env)
    touch_revision(versions(repo) / "1000aaaa_message.py")

    result = run_cli("lint-migration", "--since", "HEAD", "--format", "json", cwd=repo, env=git_env)

    assert linted(result) == ["1000aaaa"]


def test_since_unknown_ref_is_usage_error(repo: Path, git_env: dict[str, str]) -> None:
    result = run_cli("lint-migration", "--since", "no-such-branch", cwd=repo, env=git_env)

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "cofee-hooks: --since: 'no-such-branch' is not a commit in this repository. "
        "Pass a branch, tag or commit id"
    )


def test_staged_selects_index_only(repo: Path, git_env: dict[str, str]) -> None:
    write_revision(versions(repo), "4000dddd", "3000cccc", 'op.add_column("users", sa.Column("bio", sa.Text()))')
    touch_revision(versions(repo) / "1000aaaa_message.py")
    touch_revision(versions(repo) / "2000bbbb_message.py")
    git(repo, "add", "migrations/versions/4000dddd_message.py", "migrations/versions/1000aaaa_message.py", env=git_env)

    result = run_cli("lint-migration", "--staged", "--format", "json", cwd=repo, env=git_env)

    assert linted(result) == ["1000aaaa", "4000dddd"]


def test_staged_ignores_staged_deletions(repo: Path, git_env: dict[str, str]) -> None:
    git(repo, "rm", "-q", "migrations/versions/3000cccc_message.py", env=git_env)

    result = run_cli("lint-migration", "--staged", "--format", "json", cwd=repo, env=git_env)

    assert linted(result) == []


def test_staged_honours_git_index_file(repo: Path, git_env: dict[str, str], tmp_path: Path) -> None:
    write_revision(versions(repo), "4000dddd", "3000cccc", 'op.add_column("users", sa.Column("bio", sa.Text()))')
    other_index = tmp_path / "other-index"
    shutil.copy(repo / ".git" / "index", other_index)
    env = {**git_env, "GIT_INDEX_FILE": str(other_index)}
    git(repo, "add", "migrations/versions/4000dddd_message.py", env=env)

    with_index = run_cli("lint-migration", "--staged", "--format", "json", cwd=repo, env=env)
    without = run_cli("lint-migration", "--staged", "--format", "json", cwd=repo, env=git_env)

    assert linted(with_index) == ["4000dddd"]
    assert linted(without) == []


def test_staged_before_first_commit(tmp_path: Path, git_env: dict[str, str]) -> None:
    root = tmp_path / "fresh"
    simple_project(root)
    git(root, "init", "-q", env=git_env)
    git(root, "add", "migrations/versions/1000aaaa_message.py", env=git_env)

    result = run_cli("lint-migration", "--staged", "--format", "json", cwd=root, env=git_env)

    assert linted(result) == ["1000aaaa"]


def test_files_selects_exactly_those(repo: Path, git_env: dict[str, str]) -> None:
    first = versions(repo) / "1000aaaa_message.py"
    third = versions(repo) / "3000cccc_message.py"

    result = run_cli("lint-migration", "--files", str(first), str(third), "--format", "json", cwd=repo, env=git_env)

    assert linted(result) == ["1000aaaa", "3000cccc"]


def test_files_relative_paths_from_subfolder(repo: Path, git_env: dict[str, str]) -> None:
    result = run_cli(
        "lint-migration", "--files", "2000bbbb_message.py", "--format", "json", cwd=versions(repo), env=git_env
    )

    assert linted(result) == ["2000bbbb"]


def test_files_rejects_non_revision(repo: Path, git_env: dict[str, str]) -> None:
    result = run_cli("lint-migration", "--files", str(repo / "app.py"), cwd=repo, env=git_env)

    assert result.returncode == 2
    assert "app.py" in result.stderr
    assert "Traceback" not in result.stderr


def test_files_needs_paths(repo: Path, git_env: dict[str, str]) -> None:
    result = run_cli("lint-migration", "--files", cwd=repo, env=git_env)

    assert result.returncode == 2
    assert "--files needs at least one revision file PATH" in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [("--staged", "--since", "HEAD"), ("--all", "--staged"), ("--revision", "3000", "--files", "x.py")],
)
def test_selection_modes_exclusive(repo: Path, git_env: dict[str, str], arguments: tuple[str, ...]) -> None:
    result = run_cli("lint-migration", *arguments, cwd=repo, env=git_env)

    assert result.returncode == 2
    assert "cannot be used together" in result.stderr


def test_several_project_dirs_rejected(repo: Path, git_env: dict[str, str]) -> None:
    result = run_cli("lint-migration", str(repo), str(repo), cwd=repo, env=git_env)

    assert result.returncode == 2
    assert "use --files" in result.stderr


def test_warm_run_starts_no_render_worker(repo: Path, git_env: dict[str, str]) -> None:
    cold = run_cli("lint-migration", "--all", "--format", "json", cwd=repo, env=git_env)
    marker = repo / "worker-started"
    stub = repo / ".venv" / "bin" / "python"
    stub.parent.mkdir(parents=True)
    stub.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n", encoding="utf-8")
    stub.chmod(0o755)

    warm = run_cli("lint-migration", "--all", "--format", "json", cwd=repo, env=git_env)

    assert warm.returncode == cold.returncode
    assert not marker.exists()
    cold_document, warm_document = json.loads(cold.stdout), json.loads(warm.stdout)
    assert warm_document["findings"] == cold_document["findings"]
    assert all(item["from_cache"] for item in warm_document["revisions"])
    assert not any(item["from_cache"] for item in cold_document["revisions"])


def test_no_cache_renders_again(repo: Path, git_env: dict[str, str]) -> None:
    run_cli("lint-migration", "--all", cwd=repo, env=git_env)
    marker = repo / "worker-started"
    stub = repo / ".venv" / "bin" / "python"
    stub.parent.mkdir(parents=True)
    stub.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n", encoding="utf-8")
    stub.chmod(0o755)

    run_cli("lint-migration", "--all", "--no-cache", cwd=repo, env=git_env)

    assert marker.exists()


def test_corrupt_cache_is_rebuilt(repo: Path, git_env: dict[str, str]) -> None:
    cold = run_cli("lint-migration", "--all", "--format", "json", cwd=repo, env=git_env)
    for entry in (repo / ".cofee-hooks-cache").glob("*/*.json"):
        entry.write_bytes(b"\x00garbage{")

    again = run_cli("lint-migration", "--all", "--format", "json", cwd=repo, env=git_env)

    assert again.returncode == cold.returncode, again.stderr
    assert json.loads(again.stdout)["findings"] == json.loads(cold.stdout)["findings"]
    assert not any(item["from_cache"] for item in json.loads(again.stdout)["revisions"])
    assert git(repo, "status", "--porcelain", env=git_env) == ""


def test_unused_ignore_through_command(repo: Path, git_env: dict[str, str]) -> None:
    path = write_revision(
        versions(repo),
        "4000dddd",
        "3000cccc",
        'op.create_index("ix_users_name", "users", ["name"])  '
        "# cofee-hooks: ignore[require-concurrent-index-creation,ban-drop-table] small table",
    )

    result = run_cli("lint-migration", "--files", str(path), "--format", "json", cwd=repo, env=git_env)

    rules = [finding["rule"] for finding in json.loads(result.stdout)["findings"]]
    assert "require-concurrent-index-creation" not in rules
    assert rules.count("unused-ignore") == 1


def test_rule_override_through_config(repo: Path, git_env: dict[str, str]) -> None:
    (repo / ".claude").mkdir()
    (repo / ".claude" / "cofee-hooks.yaml").write_text(
        "migrations:\n  groups:\n    locking: 'off'\n  rules:\n    require-concurrent-index-creation: error\n",
        encoding="utf-8",
    )

    result = run_cli("lint-migration", "--format", "json", cwd=repo, env=git_env)

    severities = {finding["rule"]: finding["severity"] for finding in json.loads(result.stdout)["findings"]}
    assert severities == {"require-concurrent-index-creation": "error"}
    assert result.returncode == 1


def test_unknown_override_is_config_error(repo: Path, git_env: dict[str, str]) -> None:
    (repo / ".claude").mkdir()
    (repo / ".claude" / "cofee-hooks.yaml").write_text(
        "migrations:\n  rules:\n    require-concurrent-index-creaton: error\n", encoding="utf-8"
    )

    result = run_cli("lint-migration", cwd=repo, env=git_env)

    assert result.returncode == 2
    assert "migrations.rules.require-concurrent-index-creaton: unknown rule" in result.stderr
    assert "require-concurrent-index-creation" in result.stderr


def test_sarif_format_through_command(repo: Path, git_env: dict[str, str]) -> None:
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parent.parent / "fixtures" / "sarif-schema-2.1.0.json").read_text())

    result = run_cli("lint-migration", "--all", "--format", "sarif", cwd=repo, env=git_env)

    document = json.loads(result.stdout)
    jsonschema.validate(document, schema)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert "migrations/versions/3000cccc_message.py" in uris


def test_duplicate_revision_id_through_command(repo: Path, git_env: dict[str, str]) -> None:
    write_revision(versions(repo), "3000cccc", "2000bbbb", "pass", filename="9999_copy_of_3000cccc.py")

    result = run_cli("lint-migration", "--all", "--format", "json", cwd=repo, env=git_env)

    mismatches = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "revision-header-mismatch"]
    assert len(mismatches) == 1
    assert mismatches[0]["file"].endswith("9999_copy_of_3000cccc.py")
    assert "3000cccc_message.py" in mismatches[0]["message"]
