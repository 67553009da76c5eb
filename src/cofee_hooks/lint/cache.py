"""A cache of rendering and squawk results per revision file.

An entry is keyed by the revision file's content, the squawk binary, the
settings that change rendering or squawk's output, and this package's
version, so any of them changing makes a new entry. Entries are JSON files
in the cache folder (`.cofee-hooks-cache/` by default), which carries its
own `.gitignore` so that git never sees it. The folder may be deleted at any
time. A missing, corrupt or unreadable entry is a cache miss, and a cache
that cannot be written is skipped: the cache never makes a run fail.
`HeaderCache` keeps the parsed headers of revision files in the same folder,
so that a warm run does not parse every file to build the revision graph.

Only the standard library is imported, so that a warm run never pays for
Alembic or SQLAlchemy.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cofee_hooks import __version__

CACHE_FORMAT = 1
DEFAULT_FOLDER = ".cofee-hooks-cache"
# Settings of the `migrations` section that change the rendered SQL or squawk's findings.
RELEVANT_SETTINGS = (
    "python",
    "use_env",
    "alembic_command",
    "pg_version",
    "squawk_exclude",
    "squawk_include",
    "render_timeout",
)
_GITIGNORE = "# Created by cofee-hooks: this folder is a cache and may be deleted at any time.\n*\n"


class LintCache:
    """Rendering and squawk results stored by content key; a disabled cache stores nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    @classmethod
    def disabled(cls) -> LintCache:
        return cls(None)

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def get(self, key: str) -> dict[str, Any] | None:
        """Return the stored value for `key`, or None when it is missing or unreadable."""
        if self.folder is None:
            return None
        try:
            document = json.loads(self._entry_path(key).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        if not isinstance(document, dict) or document.get("key") != key or not isinstance(document.get("value"), dict):
            return None
        return document["value"]

    def put(self, key: str, value: Mapping[str, Any]) -> bool:
        """Store `value` (JSON-serialisable) under `key`; return False when the cache could not be written."""
        if self.folder is None:
            return False
        try:
            text = json.dumps({"key": key, "value": dict(value)}, sort_keys=True)
        except (TypeError, ValueError):
            return False
        path = self._entry_path(key)
        try:
            self._prepare_folder()
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, text)
        except OSError:
            return False
        return True

    def write_file(self, name: str, text: str) -> None:
        """Write `text` to `name` in the cache folder atomically (raises OSError)."""
        assert self.folder is not None
        self._prepare_folder()
        _write_atomically(self.folder / name, text)

    def _entry_path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.json"

    def _prepare_folder(self) -> None:
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        gitignore = self.folder / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text(_GITIGNORE, encoding="utf-8")


def open_cache(root: Path, folder: str | None = DEFAULT_FOLDER, enabled: bool = True) -> LintCache:
    """Return the cache for a repository root; `folder` is relative to it unless absolute."""
    if not enabled or not folder:
        return LintCache.disabled()
    return LintCache((Path(root) / folder).resolve())


def cache_key(content: bytes, squawk_identity: str, settings: Mapping[str, Any]) -> str:
    """Return the key of one revision file's results (a SHA-256 hex digest).

    NOTE: application modules that the revision imports are not part of the
    key; after changing them, delete the cache folder or run with --no-cache.
    """
    material = {
        "format": CACHE_FORMAT,
        "package": __version__,
        "squawk": squawk_identity,
        "settings": settings,
        "content": hashlib.sha256(content).hexdigest(),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


def relevant_settings(migrations: Mapping[str, Any], extra_files: Iterable[Path] = ()) -> dict[str, Any]:
    """Pick the settings that change results, plus the content hash of files such as `.squawk.toml`."""
    settings: dict[str, Any] = {name: migrations.get(name) for name in RELEVANT_SETTINGS}
    files = {}
    for path in extra_files:
        try:
            files[str(path)] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            files[str(path)] = None
    settings["files"] = files
    return settings


def squawk_identity(binary: str | os.PathLike[str], version: str | None = None) -> str:
    """Return a string that changes whenever the squawk binary is replaced.

    Uses the resolved path, size and modification time, so no process is
    started; pass `version` too when it is already known.
    """
    try:
        resolved = os.path.realpath(binary)
        status = os.stat(resolved)
    except OSError:
        return f"{binary}:missing:{version or ''}"
    return f"{resolved}:{status.st_size}:{status.st_mtime_ns}:{version or ''}"


def _write_atomically(path: Path, text: str) -> None:
    # Write to a temporary file and rename, so that a reader never sees half a file.
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        _remove_quietly(temporary)
        raise


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class HeaderCache:
    """Parsed revision headers, kept between runs so that a warm run need not parse every file.

    `parse(path, folder)` returns the header record of a revision file (a
    dataclass such as the graph's `RevisionFile`) or None. Entries are keyed
    by the file's path, size, modification time and inode. They are stored
    together in one JSON file in the cache folder, which `save()` rewrites
    when something changed.
    Errors raised by `parse` pass through and are never cached.
    """

    _FILE_NAME = "revision-headers.json"

    def __init__(self, cache: LintCache, parse: Any, record_type: Any) -> None:
        self._cache = cache
        self._parse = parse
        self._record_type = record_type
        self._fields = [(item.name, _field_kind(str(item.type))) for item in dataclasses.fields(record_type)]
        self._entries = self._load()
        self._changed = False

    def parse(self, path: Path, folder: Path) -> Any:
        """Return the header record of `path`, from the cache when the file is unchanged."""
        stamp = _file_stamp(path)
        key = f"{path}\0{folder}"
        entry = self._entries.get(key)
        if stamp is not None and isinstance(entry, dict) and entry.get("stamp") == stamp:
            record = self._from_dict(entry.get("value"))
            if record is not _INVALID:
                return record
        record = self._parse(path, folder)
        if stamp is not None:
            self._entries[key] = {"stamp": stamp, "value": None if record is None else _to_json(record)}
            self._changed = True
        return record

    def save(self) -> None:
        """Write the entries back when a run parsed any file again; failures are ignored."""
        if not self._changed or self._cache.folder is None:
            return
        document = {"format": CACHE_FORMAT, "package": __version__, "entries": self._entries}
        try:
            self._cache.write_file(self._FILE_NAME, json.dumps(document))
        except (OSError, TypeError, ValueError):
            return

    def _load(self) -> dict[str, Any]:
        if self._cache.folder is None:
            return {}
        try:
            document = json.loads((self._cache.folder / self._FILE_NAME).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return {}
        if not isinstance(document, dict) or document.get("format") != CACHE_FORMAT:
            return {}
        if document.get("package") != __version__ or not isinstance(document.get("entries"), dict):
            return {}
        return document["entries"]

    def _from_dict(self, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, dict):
            return _INVALID
        try:
            arguments = {name: _from_json(value[name], kind) for name, kind in self._fields if name in value}
            return self._record_type(**arguments)
        except (TypeError, ValueError):
            return _INVALID


_INVALID = object()


def _file_stamp(path: Path) -> list[int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns, status.st_ino]


def _to_json(record: Any) -> dict[str, Any]:
    return {item.name: _plain(getattr(record, item.name)) for item in dataclasses.fields(record)}


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def _field_kind(annotation: str) -> tuple[str, bool]:
    """Return (kind, nullable) of a field from its annotation text.

    Annotations are strings here (`from __future__ import annotations` in the
    record's module), so the kind is read from their text.
    """
    nullable = "None" in annotation
    for kind in ("tuple", "Path", "str", "int", "bool"):
        if annotation.startswith(kind) or (kind == "Path" and "Path" in annotation):
            return kind, nullable
    return "any", nullable


def _from_json(value: Any, field_kind: tuple[str, bool]) -> Any:
    """Convert a stored value back to its field's type; raise ValueError when it does not fit."""
    kind, nullable = field_kind
    if value is None:
        if nullable:
            return None
    elif kind == "tuple":
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
    elif kind == "Path":
        if isinstance(value, str):
            return Path(value)
    elif kind == "str":
        if isinstance(value, str):
            return value
    elif kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind == "bool":
        if isinstance(value, bool):
            return value
    raise ValueError(f"stored value {value!r} does not fit a {kind} field")
