"""The revision graph, built from each revision file's header with `ast`.

Nothing is imported: `revision`, `down_revision`, `depends_on` and
`branch_labels` are read as literals from module-level assignments, and the
docstring's `Revises:` line is kept for checks that compare it. Files are
found the way Alembic finds them: every `*.py` in the versions folders except
`__init__.py` and editor backups, recursing only when the project asks for it.

Version folders whose revisions never refer to each other get separate
graphs, so their ids never clash. Whether their heads count as multiple
heads of one another is decided by the caller: the lint engine treats all
folders of one alembic.ini section as one history, as Alembic does.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cofee_hooks.errors import ToolFailure, UserError

_HEADER_NAMES = ("revision", "down_revision", "depends_on", "branch_labels")
_REVISES_LINE = re.compile(r"^\s*Revises:\s*(.*)$", re.MULTILINE)
_FIRST_DEFINITION = re.compile(r"^(?:async\s+def|def|class)\s", re.MULTILINE)
_UPGRADE_DEFINITION = re.compile(r"^(?:async\s+)?def\s+upgrade\s*\(", re.MULTILINE)


@dataclass(frozen=True)
class RevisionFile:
    """One revision file as its header describes it (lines are 1-based)."""

    path: Path
    revision: str
    down_revisions: tuple[str, ...]
    depends_on: tuple[str, ...] = ()
    branch_labels: tuple[str, ...] = ()
    docstring_revises: str | None = None
    versions_dir: Path | None = None
    revision_line: int = 1
    upgrade_line: int | None = None

    @property
    def is_merge(self) -> bool:
        return len(self.down_revisions) > 1


@dataclass
class RevisionGraph:
    """All revisions of a project, with their children and histories."""

    revisions: dict[str, RevisionFile]
    children: dict[str, list[str]] = field(default_factory=dict)
    # Later files that claim an id an earlier file already has; checks report them.
    duplicates: list[RevisionFile] = field(default_factory=list)

    def heads(self) -> list[RevisionFile]:
        """Return revisions that no other revision names as its down_revision, in file order."""
        return [rev for rev_id, rev in self.revisions.items() if not self.children.get(rev_id)]

    def by_path(self, path: Path) -> RevisionFile | None:
        resolved = path.resolve()
        for revision in self.revisions.values():
            if revision.path == resolved:
                return revision
        return None

    def ancestors(self, revision_id: str) -> set[str]:
        """Return the ids reachable through down_revision only (branch membership)."""
        seen: set[str] = set()
        stack = [revision_id]
        while stack:
            current = self.revisions.get(stack.pop())
            if current is None:
                continue
            for parent in current.down_revisions:
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen

    def branch_labels_of(self, revision_id: str) -> set[str]:
        """Return the branch labels that apply to a revision: its own and its ancestors'."""
        labels: set[str] = set()
        for rev_id in (revision_id, *self.ancestors(revision_id)):
            revision = self.revisions.get(rev_id)
            if revision is not None:
                labels.update(revision.branch_labels)
        return labels

    def resolve(self, ident: str) -> RevisionFile:
        """Find a revision by id, unique id prefix or branch label.

        As in Alembic 1.x, a prefix of any length matches, but only ids longer
        than three characters are matched by prefix.

        Raises `UserError` (exit code 2) for an unknown or ambiguous id, with the
        candidates.
        """
        if ident in self.revisions:
            return self.revisions[ident]
        labelled = [rev for rev in self.revisions.values() if ident in rev.branch_labels]
        if labelled:
            return labelled[0]
        matches = sorted(rev_id for rev_id in self.revisions if len(rev_id) > 3 and rev_id.startswith(ident))
        if len(matches) == 1:
            return self.revisions[matches[0]]
        if matches:
            shown = ", ".join(matches[:5])
            raise UserError(f"revision '{ident}' is ambiguous: {len(matches)} revisions start with it ({shown})")
        raise UserError(f"revision '{ident}' not found. Run `alembic history` to list the revision ids")


def build_histories(
    versions_dirs: tuple[Path, ...] | list[Path],
    recursive: bool = False,
    parse: Callable[[Path, Path], RevisionFile | None] | None = None,
) -> list[RevisionGraph]:
    """Parse every revision file in the folders and link them into one graph per history.

    Folders whose revisions refer to each other (by down_revision, depends_on
    or branch label) form one history; the others stay apart, so two
    databases may even reuse revision ids. Raises `ToolFailure` (exit code 3)
    when a file does not parse or a header value is not a literal. When two
    files of one history claim one id, the first (in path order) is used and
    the others are kept in `duplicates` for the checks to report. `parse`
    replaces `parse_revision_file`, for a caller that caches headers.
    """
    folders = [_parse_folder(folder, recursive, parse) for folder in versions_dirs]
    return [_link(*_merge(group)) for group in _group_folders(folders)]


def build_graph(versions_dirs: tuple[Path, ...] | list[Path], recursive: bool = False) -> RevisionGraph:
    """Parse the folders as one history (the way one Alembic environment sees them)."""
    folders = [_parse_folder(folder, recursive) for folder in versions_dirs]
    return _link(*_merge(folders))


def _parse_folder(
    folder: Path, recursive: bool, parse: Callable[[Path, Path], RevisionFile | None] | None = None
) -> list[RevisionFile]:
    parse = parse or parse_revision_file
    resolved = folder.resolve()
    revisions = []
    for path in revision_paths(resolved, recursive):
        revision = parse(path, resolved)
        if revision is not None:
            revisions.append(revision)
    return revisions


def _merge(folders: list[list[RevisionFile]]) -> tuple[dict[str, RevisionFile], list[RevisionFile]]:
    merged: dict[str, RevisionFile] = {}
    duplicates: list[RevisionFile] = []
    for folder in folders:
        for revision in folder:
            if revision.revision in merged:
                duplicates.append(revision)
            else:
                merged[revision.revision] = revision
    return merged, duplicates


def _group_folders(folders: list[list[RevisionFile]]) -> list[list[list[RevisionFile]]]:
    names = [{rev.revision for rev in folder} | {label for rev in folder for label in rev.branch_labels} for folder in folders]
    group_of = list(range(len(folders)))

    def root(index: int) -> int:
        while group_of[index] != index:
            index = group_of[index]
        return index

    for index, folder in enumerate(folders):
        references = {ref for rev in folder for ref in (*rev.down_revisions, *rev.depends_on)}
        for other, other_names in enumerate(names):
            if other != index and (references - names[index]) & other_names:
                group_of[root(index)] = root(other)

    groups: dict[int, list[list[RevisionFile]]] = {}
    for index, folder in enumerate(folders):
        groups.setdefault(root(index), []).append(folder)
    return list(groups.values())


def revision_paths(folder: Path, recursive: bool) -> list[Path]:
    """List a versions folder's revision files in a stable order (absolute when `folder` is)."""
    pattern = "**/*.py" if recursive else "*.py"
    paths = []
    # Resolve the folder once: resolving each of hundreds of files costs more than parsing them.
    for path in sorted(folder.glob(pattern)):
        if path.name == "__init__.py" or path.name.startswith(".#"):
            continue
        if "__pycache__" in path.parts:
            continue
        paths.append(path)
    return paths


def parse_revision_file(path: Path, versions_dir: Path | None = None) -> RevisionFile | None:
    """Read one revision's header; return None for a module without `revision`.

    Only the code before the first top-level `def` or `class` is parsed,
    which is where Alembic writes the header and a fraction of the file;
    `check_parses` parses a whole file when it is about to be linted.
    """
    source = read_source(path)
    tree = _parse_header(source, path)
    values, lines = _header_values(tree, path)
    if "revision" not in values:
        return None
    revision = values["revision"]
    if not isinstance(revision, str) or not revision:
        raise ToolFailure(f"{path}:{lines['revision']}: revision must be a non-empty string")

    return RevisionFile(
        path=path if path.is_absolute() else path.resolve(),
        revision=revision,
        down_revisions=_as_ids(values.get("down_revision"), path, lines.get("down_revision")),
        depends_on=_as_ids(values.get("depends_on"), path, lines.get("depends_on")),
        branch_labels=_as_ids(values.get("branch_labels"), path, lines.get("branch_labels")),
        docstring_revises=_docstring_revises(tree),
        versions_dir=versions_dir,
        revision_line=lines["revision"],
        upgrade_line=_upgrade_line(source),
    )


def check_parses(path: Path) -> None:
    """Parse a whole revision file; raise `ToolFailure` naming path and line when it does not parse."""
    _parse(read_source(path), path)


def _parse_header(source: str, path: Path) -> ast.Module:
    header_end = _FIRST_DEFINITION.search(source)
    if header_end is not None:
        try:
            tree = ast.parse(source[: header_end.start()], filename=str(path))
        except SyntaxError:
            tree = None  # the cut fell inside a string: parse the whole file
        if tree is not None and any(_assignment(node)[0] == "revision" for node in tree.body):
            return tree
    return _parse(source, path)


def read_source(path: Path) -> str:
    """Read a Python file the way Python does: UTF-8 unless a PEP 263 coding cookie says otherwise.

    Raises `ToolFailure` naming the path and, for undecodable bytes, the line.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ToolFailure(f"{path}: cannot read the revision file: {error.strerror or error}") from error
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise ToolFailure(f"{path}: cannot read the revision file: {error}") from error
    try:
        # Universal newlines, as text-mode reading and the import system use.
        return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ToolFailure(
            f"{path}:{line}: cannot read the revision file: the bytes are not valid {encoding}. "
            "Save it as UTF-8 or declare its encoding in a '# -*- coding: NAME -*-' line"
        ) from error


def _parse(source: str, path: Path) -> ast.Module:
    try:
        return ast.parse(source, filename=str(path))
    except SyntaxError as error:
        line = error.lineno or 1
        raise ToolFailure(f"{path}:{line}: the revision file does not parse: {error.msg}") from error


def _upgrade_line(source: str) -> int | None:
    match = _UPGRADE_DEFINITION.search(source)
    return source.count("\n", 0, match.start()) + 1 if match else None


def _header_values(tree: ast.Module, path: Path) -> tuple[dict[str, object], dict[str, int]]:
    values: dict[str, object] = {}
    lines: dict[str, int] = {}
    for node in tree.body:
        target, value = _assignment(node)
        if target not in _HEADER_NAMES or value is None:
            continue
        try:
            values[target] = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError) as error:
            raise ToolFailure(
                f"{path}:{node.lineno}: {target} must be a literal (a string, None or a tuple of strings)"
            ) from error
        lines[target] = node.lineno
    return values, lines


def _assignment(node: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    return None, None


def _as_ids(value: object, path: Path, line: int | None) -> tuple[str, ...]:
    if value is None or value == ():
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (tuple, list, set, frozenset)) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ToolFailure(f"{path}:{line}: expected a string, None or a tuple of strings, got {value!r}")


def _docstring_revises(tree: ast.Module) -> str | None:
    docstring = ast.get_docstring(tree, clean=False)
    if not docstring:
        return None
    match = _REVISES_LINE.search(docstring)
    return match.group(1).strip() if match else None


def _link(revisions: dict[str, RevisionFile], duplicates: list[RevisionFile]) -> RevisionGraph:
    children: dict[str, list[str]] = {rev_id: [] for rev_id in revisions}
    for rev_id, revision in revisions.items():
        for parent in revision.down_revisions:
            if parent not in revisions:
                raise ToolFailure(
                    f"{revision.path}:{revision.revision_line}: down_revision '{parent}' of "
                    f"'{rev_id}' is not in any versions folder"
                )
            children[parent].append(rev_id)
    return RevisionGraph(revisions=revisions, children=children, duplicates=duplicates)
