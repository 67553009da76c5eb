"""Configuration for hooks, served from a cached copy so the hot path skips PyYAML.

The copy lives in the cache folder next to the configuration and records the
YAML file's size and modification time. Whenever those change, the copy is
rebuilt once with PyYAML. A missing or corrupt copy is rebuilt, never an error.

The copy is written with `marshal`, which is built into the interpreter:
importing `json` pulls in `re` and `enum`, which cost a git hook more than
its whole check. marshal's format depends on the Python version, so the copy
records it and another interpreter rebuilds the copy.
"""

from __future__ import annotations

import marshal
import os
import sys

# Hooks import this module on every call: `typing` and `pathlib` would add
# milliseconds for names that only annotations use.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CONFIG_RELATIVE_PATH = os.path.join(".claude", "cofee-hooks.yaml")
CACHE_FOLDER = ".cofee-hooks-cache"
CACHE_NAME = "config.marshal"
_FORMAT = 2
_PYTHON = f"{sys.implementation.cache_tag}-{marshal.version}"


class FastConfig:
    """Validated settings as a plain dict, the file they came from, and the project root."""

    __slots__ = ("values", "source", "root")

    def __init__(self, values: dict[str, Any], source: str | None, root: str) -> None:
        self.values = values
        self.source = source
        self.root = root

    def section(self, name: str) -> dict[str, Any]:
        return self.values[name]

    def resolve(self, relative: str) -> str:
        return os.path.normpath(os.path.join(self.root, relative))


def find_config_file(start: str) -> str | None:
    """Walk up from `start` and return the first `.claude/cofee-hooks.yaml`, or None."""
    current = os.path.abspath(start)
    while True:
        candidate = os.path.join(current, CONFIG_RELATIVE_PATH)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def load_fast(start: str) -> FastConfig:
    """Load the configuration that applies at `start` (raises ConfigError when invalid)."""
    config_file = find_config_file(start)
    if config_file is None:
        from cofee_hooks.config.loader import _values_without_file

        return FastConfig(_values_without_file(), None, os.path.abspath(start))
    root = os.path.dirname(os.path.dirname(config_file))
    stat = os.stat(config_file)
    stamp = [stat.st_size, stat.st_mtime_ns]
    cache_file = os.path.join(root, CACHE_FOLDER, CACHE_NAME)
    cached = _read_cache(cache_file, config_file, stamp)
    if cached is not None:
        return FastConfig(cached, config_file, root)
    values = _rebuild(config_file, cache_file, stamp)
    return FastConfig(values, config_file, root)


def _read_cache(cache_file: str, config_file: str, stamp: list[int]) -> dict[str, Any] | None:
    # NOTE: marshal is not hardened against crafted input. The copy is only
    # written by this module, into a folder that git ignores.
    try:
        with open(cache_file, "rb") as handle:
            data = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    if data.get("format") != _FORMAT or data.get("python") != _PYTHON:
        return None
    if data.get("source") != config_file or data.get("stamp") != stamp:
        return None
    values = data.get("values")
    return values if isinstance(values, dict) else None


def _rebuild(config_file: str, cache_file: str, stamp: list[int]) -> dict[str, Any]:
    from pathlib import Path

    from cofee_hooks.config.loader import read_yaml, values_from_document

    values = values_from_document(read_yaml(Path(config_file)), config_file)
    payload = {"format": _FORMAT, "python": _PYTHON, "source": config_file, "stamp": stamp, "values": values}
    _write_atomically(cache_file, marshal.dumps(payload))
    return values


def _write_atomically(path: str, data: bytes) -> None:
    # The cache is an optimisation: a read-only project just goes without it.
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _ensure_gitignore(os.path.dirname(path))
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        pass


def _ensure_gitignore(folder: str) -> None:
    marker = os.path.join(folder, ".gitignore")
    if not os.path.exists(marker):
        with open(marker, "w", encoding="utf-8") as handle:
            handle.write("# Cache of cofee-hooks; safe to delete at any time.\n*\n")
