"""Find an Alembic project and its versions folders without importing Alembic.

alembic.ini is read with `configparser` the way Alembic reads it: `%(here)s`
is the folder of the file, `version_locations` and `prepend_sys_path` are
split by `path_separator` (or the older `version_path_separator`), and
without either key by Alembic's legacy rule (spaces and commas, plus colons
for `prepend_sys_path`). Relative paths are taken relative to the folder of
alembic.ini, where Alembic is normally run.

Alembic 1.16 and later also read `[tool.alembic]` of the pyproject.toml in
that folder (the `pyproject` template keeps only logging in alembic.ini).
As in Alembic, an option in alembic.ini wins over the same option there.
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cofee_hooks.errors import ConfigError, ToolFailure

_SEPARATORS = {"space": " ", "newline": "\n", "os": os.pathsep, ":": ":", ";": ";"}
_LEGACY_VERSION_SPLIT = re.compile(r", *|(?: +)")
_LEGACY_SYS_PATH_SPLIT = re.compile(r", *|(?: +)|:")
_TRUE_WORDS = {"true", "yes", "on", "1"}
_VENV_NAMES = (".venv", "venv")


@dataclass(frozen=True)
class AlembicProject:
    """Where an Alembic project keeps its configuration and revisions.

    `directory` is the folder Alembic runs from (that of alembic.ini, or the
    configured project folder when there is no alembic.ini).
    """

    directory: Path
    ini_path: Path | None
    script_location: Path | None
    versions_dirs: tuple[Path, ...]
    recursive: bool = False
    prepend_sys_path: tuple[Path, ...] = ()
    ini_section: str = "alembic"


def find_project(
    project_dir: Path | None,
    settings: dict[str, Any],
    config_root: Path,
) -> AlembicProject:
    """Locate the Alembic project for a run and read its folders.

    `project_dir` (the command-line argument) wins over `migrations.project_dir`,
    which is relative to `config_root`; without either, the working directory
    is used. Raises `ToolFailure` (exit code 3) when no project is there and
    `ConfigError` (exit code 2) when alembic.ini is invalid.
    """
    directory = _project_directory(project_dir, settings, config_root)
    ini_path = directory / settings.get("alembic_ini", "alembic.ini")
    configured = [(config_root / entry).resolve() for entry in settings.get("versions_dirs") or []]

    if ini_path.is_file() or _tool_alembic(directory / "pyproject.toml"):
        project = read_alembic_ini(ini_path)
        if configured:
            project = _with_versions_dirs(project, configured)
    elif configured:
        project = AlembicProject(directory, None, None, tuple(configured))
    else:
        raise ToolFailure(
            f"no Alembic project found: {ini_path} does not exist. "
            "Pass the folder holding alembic.ini as PROJECT_DIR or set migrations.project_dir"
        )

    _check_versions_dirs(project)
    return project


def find_project_for_file(path: Path, settings: dict[str, Any], config_root: Path) -> AlembicProject:
    """Locate the project of one revision file by walking up to the nearest alembic.ini.

    A configured `migrations.project_dir` or `migrations.versions_dirs` wins.
    """
    if settings.get("project_dir") or settings.get("versions_dirs"):
        return find_project(None, settings, config_root)
    ini_name = settings.get("alembic_ini", "alembic.ini")
    for folder in path.resolve().parents:
        if (folder / ini_name).is_file():
            return find_project(folder, settings, config_root)
    raise ToolFailure(f"no Alembic project found above {path}: no {ini_name} in any parent folder")


def read_alembic_ini(ini_path: Path, section: str = "alembic") -> AlembicProject:
    """Read the folders of an Alembic project from alembic.ini and pyproject.toml (raises ConfigError).

    alembic.ini may be missing when pyproject.toml next to it has `[tool.alembic]`.
    """
    ini_path = ini_path.resolve()
    here = ini_path.parent
    parser = configparser.ConfigParser(defaults={"here": str(here)})
    if ini_path.is_file():
        try:
            with ini_path.open(encoding="utf-8") as stream:
                parser.read_file(stream)
        except (OSError, UnicodeDecodeError, configparser.Error) as error:
            raise ConfigError(f"{ini_path}: cannot read the file: {_one_line(error)}") from error
    pyproject = here / "pyproject.toml"
    toml = _tool_alembic(pyproject)
    if not parser.has_section(section) and toml is None:
        raise ConfigError(f"{ini_path}: missing section [{section}], and {pyproject} has no [tool.alembic]")

    def option(name: str) -> str | list[str] | None:
        if parser.has_section(section):
            try:
                value = parser.get(section, name, fallback=None)
            except configparser.Error as error:
                raise ConfigError(f"{ini_path}: [{section}] {name}: {_one_line(error)}") from error
            if value is not None:
                return value.strip()
        return _toml_option(toml or {}, name, pyproject)

    script_location_value = option("script_location")
    if not script_location_value or not isinstance(script_location_value, str):
        if toml is None:
            raise ConfigError(f"{ini_path}: [{section}] has no script_location")
        raise ConfigError(f"{ini_path}: neither [{section}] nor [tool.alembic] of {pyproject} has a script_location")

    separator = _separator(ini_path, option, "path_separator", "version_path_separator")
    sys_path_separator = _separator(ini_path, option, "path_separator")
    prepend = _split_paths(option("prepend_sys_path"), sys_path_separator, _LEGACY_SYS_PATH_SPLIT)
    prepend_paths = tuple(_resolve(here, entry) for entry in prepend)

    script_location = _resolve_script_location(script_location_value, here, prepend_paths)
    locations = _split_paths(option("version_locations"), separator, _LEGACY_VERSION_SPLIT)
    versions_dirs = tuple(_resolve(here, entry) for entry in locations) or (script_location / "versions",)
    recursive_value = option("recursive_version_locations")
    recursive = recursive_value is True or str(recursive_value or "").lower() in _TRUE_WORDS

    return AlembicProject(
        directory=here,
        ini_path=ini_path,
        script_location=script_location,
        versions_dirs=versions_dirs,
        recursive=recursive,
        prepend_sys_path=prepend_paths,
        ini_section=section,
    )


def find_project_python(project: AlembicProject, configured: str | None) -> list[str]:
    """Return the command that runs Python in the project's own environment.

    A configured command (`--python` or `migrations.python`, e.g.
    `uv run python`) wins; then a `.venv` or `venv` next to alembic.ini or
    next to the nearest pyproject.toml above it; then this interpreter.
    """
    if configured:
        return shlex.split(configured)
    for folder in _environment_folders(project.directory):
        for name in _VENV_NAMES:
            candidate = _venv_python(folder / name)
            if candidate is not None:
                return [str(candidate)]
    return [sys.executable]


def _environment_folders(directory: Path) -> list[Path]:
    folders = [directory]
    for parent in (directory, *directory.parents):
        if (parent / "pyproject.toml").is_file():
            if parent != directory:
                folders.append(parent)
            break
    return folders


def _venv_python(venv: Path) -> Path | None:
    for relative in ("bin/python", "Scripts/python.exe"):
        candidate = venv / relative
        if candidate.is_file():
            # Keep the venv's own path: resolving the symlink would leave the venv.
            return candidate.absolute()
    return None


def _project_directory(project_dir: Path | None, settings: dict[str, Any], config_root: Path) -> Path:
    if project_dir is not None:
        directory = project_dir.resolve()
    elif settings.get("project_dir"):
        directory = (config_root / settings["project_dir"]).resolve()
    else:
        directory = Path.cwd().resolve()
    if not directory.is_dir():
        raise ToolFailure(f"no Alembic project found: {directory} is not a folder")
    return directory


def _with_versions_dirs(project: AlembicProject, versions_dirs: list[Path]) -> AlembicProject:
    return AlembicProject(
        directory=project.directory,
        ini_path=project.ini_path,
        script_location=project.script_location,
        versions_dirs=tuple(versions_dirs),
        recursive=project.recursive,
        prepend_sys_path=project.prepend_sys_path,
        ini_section=project.ini_section,
    )


def _check_versions_dirs(project: AlembicProject) -> None:
    missing = [str(folder) for folder in project.versions_dirs if not folder.is_dir()]
    if missing:
        where = project.ini_path or "migrations.versions_dirs"
        raise ToolFailure(f"versions folder not found: {', '.join(missing)} (from {where})")


def _tool_alembic(pyproject: Path) -> dict[str, Any] | None:
    """Return the `[tool.alembic]` table of a pyproject.toml, or None when there is none."""
    try:
        data = pyproject.read_bytes()
    except OSError:
        return None
    if b"tool.alembic" not in data:
        return None
    try:
        import tomllib
    except ModuleNotFoundError:
        raise ConfigError(
            f"{pyproject}: reading [tool.alembic] needs Python 3.11 or later. "
            "List the versions folders in migrations.versions_dirs instead"
        ) from None
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{pyproject}: cannot read the file: {_one_line(error)}") from error
    table = document.get("tool", {}).get("alembic")
    return table if isinstance(table, dict) else None


def _toml_option(table: dict[str, Any], name: str, pyproject: Path) -> str | list[str] | None:
    # Alembic substitutes %(here)s (the folder of pyproject.toml) in strings and lists of strings.
    value = table.get(name)
    here = {"here": str(pyproject.parent)}
    try:
        if isinstance(value, str):
            return (value % here).strip()
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [item % here for item in value]
    except (KeyError, ValueError, TypeError) as error:
        raise ConfigError(f"{pyproject}: [tool.alembic] {name}: invalid substitution: {_one_line(error)}") from error
    if value is None or isinstance(value, bool):
        return value
    raise ConfigError(f"{pyproject}: [tool.alembic] {name}: expected a string or a list of strings")


def _separator(ini_path: Path, option, *names: str) -> str | None:
    for name in names:
        value = option(name)
        if value is None:
            continue
        if not isinstance(value, str) or value not in _SEPARATORS:
            raise ConfigError(
                f"{ini_path}: {name} = {value!r} is invalid; expected one of space, newline, os, ':', ';'"
            )
        return _SEPARATORS[value]
    return None


def _split_paths(value: str | list[str] | None, separator: str | None, legacy: re.Pattern[str]) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [part.strip() for part in value if part.strip()]
    if separator is None:
        parts = legacy.split(value.strip())
    else:
        parts = value.split(separator)
    return [part.strip() for part in parts if part.strip()]


def _resolve(here: Path, entry: str) -> Path:
    path = Path(os.path.expanduser(entry))
    return (path if path.is_absolute() else here / path).resolve()


def _resolve_script_location(value: str, here: Path, sys_path: tuple[Path, ...]) -> Path:
    # `package:folder` names a folder inside an importable package; find the
    # package on the paths Alembic would add, without importing it.
    if ":" in value and not re.match(r"^[A-Za-z]:[\\/]", value):
        package, _, folder = value.partition(":")
        package_path = Path(*package.split("."))
        for base in (*sys_path, here):
            candidate = base / package_path / folder
            if candidate.is_dir():
                return candidate.resolve()
        return (here / package_path / folder).resolve()
    return _resolve(here, value)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())
