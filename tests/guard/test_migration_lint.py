"""The pre-commit hook's migration lint: finding revisions cheaply and refusing on findings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cofee_hooks.config.fast import FastConfig
from cofee_hooks.config.schema import defaults
from cofee_hooks.guard import hook
from cofee_hooks.guard.git_hooks import install_git_hooks
from cofee_hooks.guard.policy import Change
from tests.conftest import run_cli

from .conftest import Repo, make_repo

LINT_CONFIG = "migrations:\n  versions_dirs: [db/migrations/versions]\ncommit_guard:\n  enabled: false\n"


def _config(root: Path, **migrations) -> FastConfig:
    values = defaults()
    values["migrations"].update(migrations)
    return FastConfig(values, str(root / ".claude/cofee-hooks.yaml"), str(root))


@pytest.mark.parametrize(
    ("ini", "expected"),
    [
        ("[alembic]\nscript_location = migrations\n", ["migrations/versions/"]),
        ("[alembic]\nscript_location = %(here)s/alembic\n", ["alembic/versions/"]),
        (
            "[alembic]\nscript_location = migrations\nversion_locations = %(here)s/a/versions %(here)s/b\n",
            ["a/versions/", "b/"],
        ),
        (
            "[alembic]\nscript_location = migrations\nversion_path_separator = ;\nversion_locations = x;y\n",
            ["x/", "y/"],
        ),
        ("[alembic]\nscript_location = myapp:migrations\n", []),
        ("[other]\nscript_location = migrations\n", []),
        ("not an ini file at all [", []),
    ],
)
def test_versions_from_alembic_ini(tmp_path: Path, ini: str, expected: list[str]) -> None:
    (tmp_path / "alembic.ini").write_text(ini, encoding="utf-8")
    assert hook.versions_prefixes(_config(tmp_path)) == expected


def test_versions_with_project_dir(tmp_path: Path) -> None:
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend/alembic.ini").write_text("[alembic]\nscript_location = migrations\n", encoding="utf-8")
    assert hook.versions_prefixes(_config(tmp_path, project_dir="backend")) == ["backend/migrations/versions/"]


def test_versions_dirs_setting_wins(tmp_path: Path) -> None:
    (tmp_path / "alembic.ini").write_text("[alembic]\nscript_location = migrations\n", encoding="utf-8")
    config = _config(tmp_path, versions_dirs=["db/versions", "../elsewhere"])
    assert hook.versions_prefixes(config) == ["db/versions/"]


def test_no_alembic_ini_no_prefixes(tmp_path: Path) -> None:
    assert hook.versions_prefixes(_config(tmp_path)) == []


def test_staged_revision_files() -> None:
    changes = [
        Change("A", "db/versions/001_init.py"),
        Change("D", "db/versions/000_old.py"),
        Change("M", "db/versions/README.md"),
        Change("M", "db/versionsx/002.py"),
        Change("R", "db/versions/003.py", "tmp/003.py"),
    ]
    assert hook.staged_revision_files(changes, ["db/versions/"]) == ["db/versions/001_init.py", "db/versions/003.py"]
    assert hook.staged_revision_files(changes, []) == []


class _Recorder:
    def __init__(self, returncode: int) -> None:
        self.returncode = returncode
        self.calls: list[list[str]] = []

    def __call__(self, command, **kwargs):
        self.calls.append(command)
        return subprocess.CompletedProcess(command, self.returncode)


@pytest.mark.parametrize(
    ("returncode", "hook_code", "phrase"),
    [
        (0, 0, None),
        (1, 1, "at or above migrations.fail_on"),
        (2, 1, "usage or configuration error"),
        (3, 1, "could not run"),
        (9, 1, "failed with exit code 9"),
    ],
)
def test_lint_exit_codes(tmp_path: Path, monkeypatch, capsys, returncode: int, hook_code: int, phrase: str | None) -> None:
    recorder = _Recorder(returncode)
    monkeypatch.setattr("subprocess.run", recorder)
    config = _config(tmp_path, versions_dirs=["db/versions"])
    changes = [Change("A", "db/versions/001_init.py")]
    assert hook._lint_staged_revisions(config, changes, str(tmp_path)) == hook_code
    assert recorder.calls == [[sys.executable, "-m", "cofee_hooks", "lint-migration", "--staged"]]
    error = capsys.readouterr().err
    if phrase is None:
        assert error == ""
    else:
        assert phrase in error
        assert "db/versions/001_init.py" in error


def test_lint_not_run_without_revisions(tmp_path: Path, monkeypatch) -> None:
    recorder = _Recorder(1)
    monkeypatch.setattr("subprocess.run", recorder)
    config = _config(tmp_path, versions_dirs=["db/versions"])
    assert hook._lint_staged_revisions(config, [Change("A", "docs/a.md")], str(tmp_path)) == 0
    assert recorder.calls == []


def _probe(paths: list[str]) -> str:
    # Start like the installed hook (-I -S, package folders listed) and report
    # which costly modules the pre-commit check loaded.
    return (
        "import sys\n"
        f"sys.path[:0] = {paths!r}\n"
        "from cofee_hooks.guard.hook import main\n"
        "code = main(['pre-commit'])\n"
        "costly = ('alembic', 'sqlalchemy', 'yaml', 'git', 'click', 'json', 're', 'subprocess', 'collections',"
        " 'configparser', 'dataclasses', 'typing', 'pathlib')\n"
        "print(code, sorted(name for name in costly if name in sys.modules))\n"
    )


def test_hook_without_revision_imports_nothing_costly(tmp_path: Path, git_env: dict) -> None:
    from cofee_hooks.guard.git_hooks import _import_paths

    repo = make_repo(tmp_path / "backend", config=LINT_CONFIG)
    repo.write("README.md")
    repo.write("app/models.py")
    repo.git("add", "-A")
    probe = _probe(_import_paths())
    # The first run builds the configuration copy with PyYAML; the second must not need it.
    subprocess.run([sys.executable, "-I", "-S", "-c", probe], cwd=repo.path, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-I", "-S", "-c", probe], cwd=repo.path, capture_output=True, text=True)
    assert second.stdout.strip() == "0 []", second.stderr


def test_hook_lints_staged_revision_with_guard_off(tmp_path: Path, git_env: dict) -> None:
    repo = make_repo(tmp_path / "backend", config=LINT_CONFIG)
    repo.write("README.md")
    repo.commit_all("seed")
    install_git_hooks(repo.path)

    repo.write("app/models.py")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "code is fine here: the guard is off")

    repo.write("db/migrations/versions/0001_init.py", "revision = '0001'\ndown_revision = None\n")
    repo.git("add", "-A")
    direct = run_cli("lint-migration", "--staged", cwd=repo.path)
    head = repo.head()
    committed = repo.git("commit", "-q", "-m", "revision", check=False)
    assert (committed.returncode == 0) == (direct.returncode == 0), committed.stderr
    if committed.returncode != 0:
        assert "db/migrations/versions/0001_init.py" in committed.stderr
        assert repo.head() == head


def test_hook_refuses_revision_with_findings(tmp_path: Path, git_env: dict) -> None:
    from tests.migrations.helpers import simple_project

    repo = make_repo(tmp_path / "backend", config="migrations:\n  enabled: true\n")
    simple_project(repo.path)
    versions = repo.path / "migrations" / "versions"
    (flagged,) = versions.glob("3000cccc*.py")
    held_back = flagged.read_text(encoding="utf-8")
    flagged.unlink()
    repo.commit_all("clean history")
    install_git_hooks(repo.path)

    flagged.write_text(held_back, encoding="utf-8")
    relative = flagged.relative_to(repo.path).as_posix()
    repo.git("add", relative)
    head = repo.head()
    refused = repo.git("commit", "-q", "-m", "add index", check=False)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "require-concurrent-index-creation" in refused.stdout + refused.stderr
    assert "commit refused: migration lint found problems at or above migrations.fail_on" in refused.stderr
    assert f"fail_on in the staged revisions:\n  {relative}\n" in refused.stderr
    assert repo.head() == head

    repo.git("restore", "--staged", relative)
    repo.write("docs/notes.md")
    repo.git("add", "docs/notes.md")
    repo.git("commit", "-q", "-m", "docs")
