"""Lay the team workspace templates down in a folder.

The templates live in the package under `templates/workspace/`, so an
installed wheel alone is enough. A file that already exists with other
content is kept unless `force` is given; running twice changes nothing.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from cofee_hooks.errors import UserError

if TYPE_CHECKING:
    from importlib.abc import Traversable

# Folders of the template tree that are build leftovers, never content.
_IGNORED_NAMES = frozenset({"__pycache__", ".DS_Store"})


@dataclass
class InitReport:
    """Outcome of `lay_down`: the template files, by relative POSIX path, grouped by what was done."""

    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def template_root() -> Traversable:
    """Return the folder of workspace templates inside the installed package."""
    return resources.files("cofee_hooks").joinpath("templates", "workspace")


def template_files() -> dict[str, bytes]:
    """Return every template file as {relative POSIX path: content}, sorted by path."""
    files: dict[str, bytes] = {}
    _collect(template_root(), "", files)
    if not files:
        raise UserError("the workspace templates are missing from the installed package; reinstall cofee-hooks", 3)
    return dict(sorted(files.items()))


def lay_down(target: Path, *, force: bool = False) -> InitReport:
    """Write the templates into `target`, creating it if needed.

    An existing file with the same content is left alone; one with other
    content is overwritten only with `force`, and listed as skipped otherwise.
    A path blocked by a folder or a non-regular file is always skipped.
    """
    report = InitReport()
    target.mkdir(parents=True, exist_ok=True)
    for relative, content in template_files().items():
        destination = target.joinpath(*relative.split("/"))
        outcome = _place(destination, content, force)
        getattr(report, outcome).append(relative)
    return report


def _collect(folder: Traversable, prefix: str, files: dict[str, bytes]) -> None:
    for entry in folder.iterdir():
        if entry.name in _IGNORED_NAMES or entry.name.endswith(".pyc"):
            continue
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            _collect(entry, relative + "/", files)
        else:
            files[relative] = entry.read_bytes()


def _place(destination: Path, content: bytes, force: bool) -> str:
    """Write one file and return the InitReport field it belongs to."""
    if destination.is_symlink() or (destination.exists() and not destination.is_file()):
        return "skipped"
    if destination.is_file():
        if destination.read_bytes() == content:
            return "unchanged"
        if not force:
            return "skipped"
        _write_atomically(destination, content)
        return "overwritten"
    _write_atomically(destination, content)
    return "created"


def _write_atomically(destination: Path, content: bytes) -> None:
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
    except OSError as error:
        raise UserError(f"failed to write {destination}: {error.strerror}", 3) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, destination)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UserError(f"failed to write {destination}: {error.strerror}", 3) from None
