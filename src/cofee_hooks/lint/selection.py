"""Choose the revision files that changed: `--since REF`, `--staged` and `--files`.

git lists the files that changed; this module keeps those that are revision
files of the project (Python files in its versions folders), so that an
edited model or README never reaches the linter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from cofee_hooks import git
from cofee_hooks.errors import UserError


def revision_files_since(ref: str, versions_dirs: Sequence[Path], recursive: bool, cwd: Path) -> tuple[Path, ...]:
    """Return the project's revision files added or modified since `ref` (including uncommitted ones).

    Raises `UserError` (exit code 2) when `ref` is not a commit of the repository.
    """
    _require_repository("--since", cwd)
    if not git.commit_exists(ref, cwd):
        raise UserError(f"--since: '{ref}' is not a commit in this repository. Pass a branch, tag or commit id")
    return filter_revision_files(git.changed_paths_since(ref, cwd), versions_dirs, recursive)


def staged_revision_files(versions_dirs: Sequence[Path], recursive: bool, cwd: Path) -> tuple[Path, ...]:
    """Return the project's revision files that are added or modified in the git index."""
    _require_repository("--staged", cwd)
    return filter_revision_files(git.staged_paths(cwd), versions_dirs, recursive)


def _require_repository(option: str, cwd: Path) -> None:
    completed = git.run(["rev-parse", "--is-inside-work-tree"], cwd, check=False)
    if completed.returncode != 0 or completed.stdout.strip() != b"true":
        raise UserError(f"{option}: {cwd} is not inside a git repository (a git work tree)")


def staged_contents(paths: Iterable[Path], cwd: Path) -> dict[Path, bytes]:
    """Return the content each path has in the git index, keyed by the resolved path.

    The blobs are read from the index (honouring GIT_INDEX_FILE), so a
    revision fixed only in the work tree is still linted as it will be
    committed. Paths without an index entry are left out.
    """
    top = Path(git.show_toplevel(cwd)).resolve()
    wanted = {str(Path(path).resolve().relative_to(top)): Path(path).resolve() for path in paths}
    if not wanted:
        return {}
    listing = git.run(["ls-files", "--stage", "-z", "--", *wanted], top).stdout
    entries: list[tuple[Path, str]] = []
    for entry in git.split_nul(listing):
        meta, _, name = entry.partition("\t")
        fields = meta.split()
        if len(fields) == 3 and fields[2] == "0" and name in wanted:
            entries.append((wanted[name], fields[1]))
    blobs = git.read_blobs([oid for _, oid in entries], top)
    return {path: blobs[oid] for path, oid in entries if oid in blobs}


def filter_revision_files(paths: Iterable[str | Path], versions_dirs: Sequence[Path], recursive: bool) -> tuple[Path, ...]:
    """Keep the paths that Alembic would load as revisions from `versions_dirs`, resolved and sorted."""
    folders = [Path(folder).resolve() for folder in versions_dirs]
    selected = set()
    for path in paths:
        resolved = Path(path).resolve()
        if resolved.suffix != ".py" or resolved.name == "__init__.py" or resolved.name.startswith(".#"):
            continue
        if "__pycache__" in resolved.parts:
            continue
        for folder in folders:
            if resolved.parent == folder or (recursive and folder in resolved.parents):
                selected.add(resolved)
                break
    return tuple(sorted(selected))
