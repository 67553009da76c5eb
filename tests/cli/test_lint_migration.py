from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT, run_cli
from tests.migrations.helpers import line_of, simple_project, write_revision

EXAMPLE = REPO_ROOT / "examples" / "cofee_backend"


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env.update(extra)
    return env


def test_example_backend_prints_findings_on_python_lines(tmp_path: Path) -> None:
    completed = run_cli("lint-migration", str(EXAMPLE), cwd=tmp_path, env=_env())
    assert completed.returncode == 1, completed.stderr
    head = next((EXAMPLE / "migrations" / "versions").glob("*3a5c7e9b1d2f*"))
    line = line_of(head, "op.create_index")
    assert f"{head}:{line}:5: warning require-concurrent-index-creation:" in completed.stdout
    assert "  help: Use `concurrently` to avoid blocking writes." in completed.stdout
    assert completed.stdout.splitlines()[-1].startswith("2 revisions checked:")
    assert "\033[" not in completed.stdout


def test_json_format(tmp_path: Path) -> None:
    simple_project(tmp_path)
    completed = run_cli("lint-migration", "--format", "json", cwd=tmp_path, env=_env())
    assert completed.returncode == 1
    document = json.loads(completed.stdout)
    assert [rev["revision"] for rev in document["revisions"]] == ["3000cccc"]
    rules = {(f["rule"], f["line"], f["file"]) for f in document["findings"]}
    path = tmp_path / "migrations" / "versions" / "3000cccc_message.py"
    assert ("require-concurrent-index-creation", line_of(path, "op.create_index"), "migrations/versions/3000cccc_message.py") in rules


def test_fail_on_levels(tmp_path: Path) -> None:
    simple_project(tmp_path)
    assert run_cli("lint-migration", "--fail-on", "never", cwd=tmp_path, env=_env()).returncode == 0
    assert run_cli("lint-migration", "--fail-on", "error", cwd=tmp_path, env=_env()).returncode == 0
    assert run_cli("lint-migration", "--fail-on", "warning", cwd=tmp_path, env=_env()).returncode == 1


def test_fail_on_from_config(tmp_path: Path) -> None:
    simple_project(tmp_path)
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "cofee-hooks.yaml").write_text("migrations:\n  fail_on: error\n", encoding="utf-8")
    assert run_cli("lint-migration", cwd=tmp_path, env=_env()).returncode == 0


def test_clean_revision_exit_zero(tmp_path: Path) -> None:
    simple_project(tmp_path)
    completed = run_cli("lint-migration", "--revision", "2000", cwd=tmp_path, env=_env())
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout == "1 revision checked, no findings\n"


def test_project_not_found_exit_3(tmp_path: Path) -> None:
    completed = run_cli("lint-migration", str(tmp_path), cwd=tmp_path, env=_env())
    assert completed.returncode == 3
    assert completed.stderr.startswith("cofee-hooks: no Alembic project found:")


def test_bad_config_exit_2(tmp_path: Path) -> None:
    simple_project(tmp_path)
    config = tmp_path / "lint.yaml"
    config.write_text("migrations:\n  fail_on: sometimes\n", encoding="utf-8")
    completed = run_cli("lint-migration", "--config", str(config), cwd=tmp_path, env=_env())
    assert completed.returncode == 2
    assert "migrations.fail_on" in completed.stderr
    assert str(config.name) in completed.stderr


def test_bad_alembic_ini_exit_2(tmp_path: Path) -> None:
    (tmp_path / "alembic.ini").write_text("[alembic]\npath_separator = tab\nscript_location = m\n", encoding="utf-8")
    completed = run_cli("lint-migration", cwd=tmp_path, env=_env())
    assert completed.returncode == 2
    assert "path_separator = 'tab' is invalid" in completed.stderr


def test_unparseable_revision_exit_3_with_path_and_line(tmp_path: Path) -> None:
    simple_project(tmp_path)
    broken = tmp_path / "migrations" / "versions" / "broken.py"
    broken.write_text("revision = 'x1'\ndown_revision = '3000cccc'\ndef upgrade(\n", encoding="utf-8")
    completed = run_cli("lint-migration", cwd=tmp_path, env=_env())
    assert completed.returncode == 3
    assert "cofee-hooks: migrations/versions/broken.py:3: the revision file does not parse" in completed.stderr


def test_unknown_and_ambiguous_revision_exit_2(tmp_path: Path) -> None:
    simple_project(tmp_path)
    unknown = run_cli("lint-migration", "--revision", "nope1", cwd=tmp_path, env=_env())
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "cofee-hooks: revision 'nope1' not found. Run `alembic history` to list the revision ids"
    write_revision(tmp_path / "migrations" / "versions", "3000cfff", "3000cccc")
    ambiguous = run_cli("lint-migration", "--revision", "3000c", cwd=tmp_path, env=_env())
    assert ambiguous.returncode == 2
    assert "revision '3000c' is ambiguous" in ambiguous.stderr


def test_revision_and_all_together_exit_2(tmp_path: Path) -> None:
    simple_project(tmp_path)
    completed = run_cli("lint-migration", "--all", "--revision", "1000", cwd=tmp_path, env=_env())
    assert completed.returncode == 2
    assert "--revision and --all cannot be used together" in completed.stderr


def test_squawk_missing_exit_3(tmp_path: Path) -> None:
    simple_project(tmp_path)
    completed = run_cli("lint-migration", cwd=tmp_path, env=_env(COFEE_HOOKS_SQUAWK=str(tmp_path / "gone")))
    assert completed.returncode == 3
    assert completed.stderr.strip() == f"cofee-hooks: squawk not found at {tmp_path / 'gone'} (from COFEE_HOOKS_SQUAWK)"


def test_unrenderable_revision_is_reported_not_passed(tmp_path: Path) -> None:
    simple_project(tmp_path)
    path = write_revision(tmp_path / "migrations" / "versions", "4000dddd", "3000cccc", imports="import billing.models\n")
    completed = run_cli("lint-migration", cwd=tmp_path, env=_env())
    assert completed.returncode == 1
    assert f"migrations/versions/4000dddd_message.py:{line_of(path, 'import billing')}:1: warning unrenderable-offline:" in completed.stdout
    assert "no module named 'billing'" in completed.stdout


def test_python_option_is_used(tmp_path: Path) -> None:
    simple_project(tmp_path)
    completed = run_cli("lint-migration", "--python", str(tmp_path / "no-python"), cwd=tmp_path, env=_env())
    assert completed.returncode == 2
    assert "migrations.python" in completed.stderr
    assert "not found" in completed.stderr


def test_pg_version_reaches_squawk(tmp_path: Path) -> None:
    simple_project(tmp_path)
    path = write_revision(
        tmp_path / "migrations" / "versions",
        "4000dddd",
        "3000cccc",
        'op.add_column("users", sa.Column("locale", sa.Text(), server_default="en"))',
    )
    line = line_of(path, "op.add_column")
    current = run_cli("lint-migration", "--format", "json", cwd=tmp_path, env=_env())
    old = run_cli("lint-migration", "--format", "json", "--pg-version", "10", cwd=tmp_path, env=_env())
    current_rules = {(f["rule"], f["line"]) for f in json.loads(current.stdout)["findings"]}
    old_rules = {(f["rule"], f["line"]) for f in json.loads(old.stdout)["findings"]}
    # Before PostgreSQL 11 a column default rewrote the whole table.
    assert ("adding-field-with-default", line) not in current_rules
    assert ("adding-field-with-default", line) in old_rules


def test_interpreter_without_alembic_exit_3(tmp_path: Path) -> None:
    simple_project(tmp_path)
    python = f"{sys.executable} -I -S"
    completed = run_cli("lint-migration", "--python", python, "--fail-on", "error", cwd=tmp_path, env=_env())
    assert completed.returncode == 3, completed.stdout + completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"the render interpreter {sys.executable} cannot import Alembic" in lines[0]
    assert "migrations.python" in lines[0]


def test_invalid_pg_version_option_exit_2(tmp_path: Path) -> None:
    simple_project(tmp_path)
    for value in ("abc", "", "16.x"):
        completed = run_cli("lint-migration", "--pg-version", value, cwd=tmp_path, env=_env())
        assert completed.returncode == 2, completed.stderr
        assert f"--pg-version: invalid value {value!r}; expected a version like 16 or 15.4" in completed.stderr
        assert len(completed.stderr.strip().splitlines()) == 1


def test_invalid_squawk_settings_exit_2(tmp_path: Path) -> None:
    simple_project(tmp_path)
    config = tmp_path / ".claude" / "cofee-hooks.yaml"
    config.parent.mkdir()
    config.write_text("migrations:\n  pg_version: abc\n", encoding="utf-8")
    completed = run_cli("lint-migration", cwd=tmp_path, env=_env())
    assert completed.returncode == 2
    assert f"{config}: migrations.pg_version: invalid value 'abc'" in completed.stderr

    config.write_text("migrations:\n  squawk_exclude: [require-lok-timeout]\n", encoding="utf-8")
    completed = run_cli("lint-migration", cwd=tmp_path, env=_env())
    assert completed.returncode == 2
    assert "migrations.squawk_exclude[0]: unknown squawk rule 'require-lok-timeout'" in completed.stderr
    assert "Did you mean require-lock-timeout" in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1


def test_disabled_setting_still_lints_with_note(tmp_path: Path) -> None:
    simple_project(tmp_path)
    config = tmp_path / ".claude" / "cofee-hooks.yaml"
    config.parent.mkdir()
    config.write_text("migrations:\n  enabled: false\n", encoding="utf-8")
    completed = run_cli("lint-migration", cwd=tmp_path, env=_env())
    assert completed.returncode == 1
    assert "require-concurrent-index-creation" in completed.stdout
    assert f"migrations.enabled is false in {config}" in completed.stderr
    assert "hooks skip migration lint" in completed.stderr


def test_git_modes_outside_repository(tmp_path: Path) -> None:
    simple_project(tmp_path)
    env = _env(GIT_CEILING_DIRECTORIES=str(tmp_path.parent))
    for option in (["--since", "HEAD"], ["--staged"]):
        completed = run_cli("lint-migration", *option, cwd=tmp_path, env=env)
        assert completed.returncode == 2, completed.stderr
        assert f"{option[0]}: {tmp_path.resolve()} is not inside a git repository" in completed.stderr
        assert "fatal:" not in completed.stderr


def test_files_missing_path_not_found(tmp_path: Path) -> None:
    simple_project(tmp_path)
    completed = run_cli("lint-migration", "--files", "nope.py", cwd=tmp_path, env=_env())
    assert completed.returncode == 2
    assert "--files: nope.py: file not found" in completed.stderr


def test_syntax_error_message_uses_relative_path(tmp_path: Path) -> None:
    simple_project(tmp_path)
    write_revision(tmp_path / "migrations" / "versions", "4000dddd", "3000cccc", "op.execute(")
    completed = run_cli("lint-migration", cwd=tmp_path, env=_env())
    assert completed.returncode == 3
    assert completed.stderr.startswith("cofee-hooks: migrations/versions/4000dddd_message.py:"), completed.stderr


def test_use_env_failure_is_one_clean_line(tmp_path: Path) -> None:
    simple_project(tmp_path)
    alembic = Path(sys.executable).with_name("alembic")
    config = tmp_path / ".claude" / "cofee-hooks.yaml"
    config.parent.mkdir()
    config.write_text(f"migrations:\n  alembic_command: {alembic}\n", encoding="utf-8")
    completed = run_cli("lint-migration", "--use-env", "--format", "json", cwd=tmp_path, env=_env())
    (finding,) = [f for f in json.loads(completed.stdout)["findings"] if f["rule"] == "unrenderable-offline"]
    assert "failed with exit code 1: " in finding["message"]
    assert "Traceback" not in finding["message"]
    assert "to see the whole output" in finding["message"]
    assert "--use-env" in finding["help"]


def test_duplicate_id_message_uses_relative_path(tmp_path: Path) -> None:
    simple_project(tmp_path)
    versions = tmp_path / "migrations" / "versions"
    write_revision(versions, "3000cccc", "2000bbbb", filename="zz_copy.py")
    completed = run_cli("lint-migration", "--all", "--format", "json", cwd=tmp_path, env=_env())
    messages = [f["message"] for f in json.loads(completed.stdout)["findings"] if "also claimed by" in f["message"]]
    assert messages == ["revision id '3000cccc' is also claimed by migrations/versions/3000cccc_message.py"]
