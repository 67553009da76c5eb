from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cofee_hooks.config.schema import defaults
from cofee_hooks.errors import ConfigError, ToolFailure
from cofee_hooks.migrations.project import find_project, find_project_python, read_alembic_ini
from tests.migrations.helpers import write_ini


def _settings(**overrides):
    settings = defaults()["migrations"]
    settings.update(overrides)
    return settings


def test_script_location_here_and_default_versions(tmp_path: Path) -> None:
    write_ini(tmp_path)
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    project = find_project(tmp_path, _settings(), tmp_path)
    assert project.script_location == (tmp_path / "migrations").resolve()
    assert project.versions_dirs == ((tmp_path / "migrations" / "versions").resolve(),)
    assert project.recursive is False


def test_relative_script_location_is_below_ini(tmp_path: Path) -> None:
    (tmp_path / "alembic.ini").write_text("[alembic]\nscript_location = db\n", encoding="utf-8")
    project = read_alembic_ini(tmp_path / "alembic.ini")
    assert project.script_location == (tmp_path / "db").resolve()


@pytest.mark.parametrize(
    ("separator_line", "value", "expected"),
    [
        ("path_separator = os", f"%(here)s/a{os.pathsep}%(here)s/b", ["a", "b"]),
        ("path_separator = ;", "%(here)s/a;%(here)s/b", ["a", "b"]),
        ("version_path_separator = space", "%(here)s/a %(here)s/b", ["a", "b"]),
        ("path_separator = newline", "\n    %(here)s/a\n    %(here)s/b", ["a", "b"]),
        ("", "%(here)s/a, %(here)s/b", ["a", "b"]),
        ("", "%(here)s/a %(here)s/b", ["a", "b"]),
    ],
)
def test_version_locations_split(tmp_path: Path, separator_line: str, value: str, expected: list[str]) -> None:
    write_ini(tmp_path, f"{separator_line}\nversion_locations = {value}")
    project = read_alembic_ini(tmp_path / "alembic.ini")
    assert project.versions_dirs == tuple((tmp_path / name).resolve() for name in expected)


def test_invalid_separator_is_config_error(tmp_path: Path) -> None:
    write_ini(tmp_path, "path_separator = comma\nversion_locations = a")
    with pytest.raises(ConfigError) as caught:
        read_alembic_ini(tmp_path / "alembic.ini")
    assert "path_separator = 'comma' is invalid" in caught.value.message
    assert str(tmp_path / "alembic.ini") in caught.value.message


def test_recursive_and_prepend_sys_path(tmp_path: Path) -> None:
    write_ini(tmp_path, "recursive_version_locations = true\nprepend_sys_path = . src")
    project = read_alembic_ini(tmp_path / "alembic.ini")
    assert project.recursive is True
    assert project.prepend_sys_path == (tmp_path.resolve(), (tmp_path / "src").resolve())


def test_prepend_sys_path_legacy_colon_split(tmp_path: Path) -> None:
    write_ini(tmp_path, "prepend_sys_path = .:lib")
    project = read_alembic_ini(tmp_path / "alembic.ini")
    assert project.prepend_sys_path == (tmp_path.resolve(), (tmp_path / "lib").resolve())


def test_missing_script_location_is_config_error(tmp_path: Path) -> None:
    (tmp_path / "alembic.ini").write_text("[alembic]\nsqlalchemy.url = x\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_alembic_ini(tmp_path / "alembic.ini")
    assert "has no script_location" in caught.value.message


def test_missing_section_is_config_error(tmp_path: Path) -> None:
    (tmp_path / "alembic.ini").write_text("[other]\nx = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_alembic_ini(tmp_path / "alembic.ini")
    assert "missing section [alembic]" in caught.value.message


def test_project_not_found(tmp_path: Path) -> None:
    with pytest.raises(ToolFailure) as caught:
        find_project(tmp_path, _settings(), tmp_path)
    assert caught.value.exit_code == 3
    assert "no Alembic project found" in caught.value.message
    assert "alembic.ini does not exist" in caught.value.message


def test_missing_versions_folder(tmp_path: Path) -> None:
    write_ini(tmp_path)
    with pytest.raises(ToolFailure) as caught:
        find_project(tmp_path, _settings(), tmp_path)
    assert "versions folder not found" in caught.value.message


def test_configured_versions_dirs_without_ini(tmp_path: Path) -> None:
    for name in ("db_main", "db_audit"):
        (tmp_path / name).mkdir()
    settings = _settings(project_dir=".", versions_dirs=["db_main", "db_audit"])
    project = find_project(None, settings, tmp_path)
    assert project.ini_path is None
    assert project.versions_dirs == ((tmp_path / "db_main").resolve(), (tmp_path / "db_audit").resolve())


def test_project_python_prefers_configured_command(tmp_path: Path) -> None:
    write_ini(tmp_path)
    project = read_alembic_ini(tmp_path / "alembic.ini")
    assert find_project_python(project, "uv run python") == ["uv", "run", "python"]


def test_project_python_finds_venv_next_to_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n", encoding="utf-8")
    write_ini(tmp_path / "backend")
    project = read_alembic_ini(tmp_path / "backend" / "alembic.ini")
    assert find_project_python(project, None) == [str(python)]


def test_project_python_falls_back_to_this_interpreter(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    write_ini(tmp_path)
    project = read_alembic_ini(tmp_path / "alembic.ini")
    assert find_project_python(project, None) == [sys.executable]


def test_pyproject_template_of_alembic_init(tmp_path: Path) -> None:
    alembic = Path(sys.executable).with_name("alembic")
    subprocess.run([str(alembic), "init", "--template", "pyproject", "migrations"], cwd=tmp_path, check=True, capture_output=True)
    project = find_project(tmp_path, {}, tmp_path)
    assert project.script_location == (tmp_path / "migrations").resolve()
    assert project.versions_dirs == ((tmp_path / "migrations" / "versions").resolve(),)
    assert project.prepend_sys_path == (tmp_path.resolve(),)


def test_pyproject_tool_alembic_lists(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        "[tool.alembic]\n"
        'script_location = "%(here)s/migrations"\n'
        'version_locations = ["%(here)s/a", "b"]\n'
        'prepend_sys_path = [".", "src"]\n'
        "recursive_version_locations = true\n",
        encoding="utf-8",
    )
    project = find_project(tmp_path, {}, tmp_path)
    assert project.versions_dirs == ((tmp_path / "a").resolve(), (tmp_path / "b").resolve())
    assert project.prepend_sys_path == (tmp_path.resolve(), (tmp_path / "src").resolve())
    assert project.recursive is True
    assert project.ini_path == (tmp_path / "alembic.ini").resolve()


def test_ini_option_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.alembic]\nscript_location = "toml_side"\n', encoding="utf-8")
    (tmp_path / "alembic.ini").write_text("[alembic]\nscript_location = ini_side\n", encoding="utf-8")
    (tmp_path / "ini_side" / "versions").mkdir(parents=True)
    project = find_project(tmp_path, {}, tmp_path)
    assert project.script_location == (tmp_path / "ini_side").resolve()
