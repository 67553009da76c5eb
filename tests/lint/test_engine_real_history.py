"""lint-migration on a real public Alembic history: the one optuna ships in its wheel.

The wheel is downloaded once with pip into pytest's cache folder
(`.pytest_cache/d/optuna-wheel`, git-ignored) and reused by later runs.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cofee_hooks.config.schema import defaults
from cofee_hooks.lint.engine import LintRequest, lint
from tests.migrations.helpers import line_of

OPTUNA_VERSION = "4.5.0"
RDB = "optuna/storages/_rdb/"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def optuna_project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheel_folder = Path(request.config.cache.mkdir("optuna-wheel"))
    wheels = sorted(wheel_folder.glob(f"optuna-{OPTUNA_VERSION}-*.whl"))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", f"optuna=={OPTUNA_VERSION}", "-d", str(wheel_folder)],
            check=True,
            timeout=300,
        )
        wheels = sorted(wheel_folder.glob(f"optuna-{OPTUNA_VERSION}-*.whl"))
    target = tmp_path_factory.mktemp("optuna")
    with zipfile.ZipFile(wheels[0]) as wheel:
        for name in wheel.namelist():
            if name.startswith(RDB):
                wheel.extract(name, target)
    return target / RDB


def _lint(project: Path, *revision_ids: str):
    settings = defaults()["migrations"]
    settings["cache"] = False
    return lint(LintRequest(settings=settings, config_root=project, project_dir=project, revision_ids=revision_ids))


def _versions(project: Path, name: str) -> Path:
    return project / "alembic" / "versions" / name


def _found(result, path: Path) -> set[tuple[str, int]]:
    return {(f.rule, f.line) for f in result.findings if Path(f.file) == path.resolve()}


def test_newest_head_index_without_concurrently(optuna_project: Path) -> None:
    result = _lint(optuna_project)
    assert [rev.revision for rev in result.revisions] == ["v3.2.0.a"]
    path = _versions(optuna_project, "v3.2.0.a_.py")
    line = line_of(path, "op.create_index(")
    found = _found(result, path)
    assert ("require-concurrent-index-creation", line) in found
    assert ("require-lock-timeout", line) in found
    assert not [f for f in result.findings if f.rule == "multiple-heads"]


def test_enum_column_type_change_on_batch_line(optuna_project: Path) -> None:
    result = _lint(optuna_project, "v1.2.0.a")
    path = _versions(optuna_project, "v1.2.0.a.py")
    assert result.revisions[0].rendered
    # Batch operations emit their SQL when the `with` block closes.
    assert ("changing-column-type", line_of(path, 'with op.batch_alter_table("trials")')) in _found(result, path)


def test_text_column_changes_each_on_their_block(optuna_project: Path) -> None:
    result = _lint(optuna_project, "v2.6")
    path = _versions(optuna_project, "v2.6.0.a_.py")
    changes = sorted(line for rule, line in _found(result, path) if rule == "changing-column-type")
    downgrade = line_of(path, "def downgrade")
    expected = [
        number
        for number, text in enumerate(path.read_text().splitlines(), start=1)
        if "with op.batch_alter_table(" in text and number < downgrade
    ]
    assert changes == expected
    assert len(expected) == 5


def test_initial_schema_renders_enum_types(optuna_project: Path) -> None:
    result = _lint(optuna_project, "v0.9.0.a")
    path = _versions(optuna_project, "v0.9.0.a.py")
    assert result.revisions[0].rendered
    studies = line_of(path, 'op.create_table(')
    found = _found(result, path)
    assert ("prefer-text-field", studies) in found
    assert ("prefer-identity", studies) in found
    assert not [f for f in result.findings if f.rule == "unrenderable-offline"]


def test_session_data_migration_is_unrenderable(optuna_project: Path) -> None:
    result = _lint(optuna_project, "v3.0.0.b")
    finding = next(f for f in result.findings if f.rule == "unrenderable-offline")
    path = _versions(optuna_project, "v3.0.0.b.py")
    assert finding.file == str(path.resolve())
    assert f"uses op.get_bind() at line {line_of(path, 'bind = op.get_bind()')}" in finding.message
    assert result.revisions[0].rendered is False


def test_missing_dependency_is_named(optuna_project: Path) -> None:
    result = _lint(optuna_project, "v3.0.0.c")
    finding = next(f for f in result.findings if f.rule == "unrenderable-offline")
    path = _versions(optuna_project, "v3.0.0.c.py")
    assert finding.line == line_of(path, "import numpy as np")
    assert "no module named 'numpy'" in finding.message
    assert "migrations.python" in finding.help
