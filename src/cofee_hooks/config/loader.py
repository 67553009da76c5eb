"""Find and load `.claude/cofee-hooks.yaml` with PyYAML (for commands a person runs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cofee_hooks.config.schema import CONFIG_RELATIVE_PATH, validate
from cofee_hooks.errors import ConfigError


@dataclass(frozen=True)
class LoadedConfig:
    """Validated settings, the file they came from (None for defaults) and the project root.

    `root` is the folder that contains `.claude/` (or the config file's own folder
    when the file is not in a `.claude/` folder), and relative paths in the
    settings are resolved against it.
    """

    values: dict[str, Any]
    source: Path | None
    root: Path

    def section(self, name: str) -> dict[str, Any]:
        return self.values[name]

    def resolve(self, relative: str) -> Path:
        return (self.root / relative).resolve()


def find_config_file(start: Path) -> Path | None:
    """Walk up from `start` to the filesystem root and return the first config file."""
    current = start.resolve()
    for folder in (current, *current.parents):
        candidate = folder / CONFIG_RELATIVE_PATH
        if candidate.is_file():
            return candidate
    return None


def root_of(config_file: Path) -> Path:
    """Return the project folder of a config file: the parent of its `.claude/` folder."""
    config_file = config_file.resolve()
    if config_file.parent.name == ".claude":
        return config_file.parent.parent
    return config_file.parent


def load_config(config_file: Path | None = None, start: Path | None = None) -> LoadedConfig:
    """Load the given file, or the one found above `start`, or the defaults.

    Raises `ConfigError` (exit code 2) for an unreadable file, invalid YAML or
    a value the schema does not allow.
    """
    start = Path.cwd() if start is None else start
    if config_file is None:
        config_file = find_config_file(start)
        if config_file is None:
            return LoadedConfig(_values_without_file(), None, start.resolve())
    document = read_yaml(config_file)
    values = values_from_document(document, str(config_file))
    return LoadedConfig(values, config_file.resolve(), root_of(config_file))


def values_from_document(document: Any, source: str) -> dict[str, Any]:
    """Validate a parsed document; a missing `commit_guard:` section keeps the guard off."""
    values = validate(document, source)
    if not isinstance(document, dict) or "commit_guard" not in document:
        values["commit_guard"]["enabled"] = False
    return values


def _values_without_file() -> dict[str, Any]:
    return values_from_document({}, "<defaults>")


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning every failure into a one-line `ConfigError`."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration file: {error}") from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        fix = "fix the YAML syntax at that line" if mark else "fix the YAML syntax"
        raise ConfigError(f"{where}: invalid YAML: {error.problem}; {fix}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: invalid YAML: {_one_line(error)}; fix the YAML syntax") from None


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
