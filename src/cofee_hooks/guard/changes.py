"""Read what a commit changes, with git plumbing, for the commit policy.

Two sources: the staged set (what `git commit` is about to record, judged on
the index git hands to its hooks through `GIT_INDEX_FILE`) and a range of
existing commits (for pre-push and CI). Nothing in the work tree or the index
is written. Only the standard library is imported: the git hook runs this.
"""

from __future__ import annotations

import os

from cofee_hooks import git
from cofee_hooks.guard.policy import MODE_GITLINK, MODE_SYMLINK, Change


class CommitChanges:
    """The changes one existing commit makes, as judged for the policy."""

    __slots__ = ("commit", "subject", "parents", "changes")

    def __init__(self, commit: str, subject: str, parents: tuple[str, ...], changes: tuple[Change, ...]) -> None:
        self.commit = commit
        self.subject = subject
        self.parents = parents
        self.changes = changes


def parse_raw(data: bytes) -> list[Change]:
    """Parse `git diff-* --raw -z` output into changes (symlink targets not yet read).

    Each record is `:old_mode new_mode old_oid new_oid status NUL path NUL`,
    with a second path for renames and copies (`R100`, `C075`).
    """
    fields = data.split(b"\0")
    changes: list[Change] = []
    index = 0
    while index < len(fields) and fields[index]:
        header = fields[index].decode("ascii").lstrip(":").split(" ")
        old_mode, new_mode, _old_oid, new_oid, status_field = header[:5]
        status = status_field[:1]
        if status in ("R", "C"):
            old_path = os.fsdecode(fields[index + 1])
            path = os.fsdecode(fields[index + 2])
            index += 3
        else:
            old_path = None
            path = os.fsdecode(fields[index + 1])
            index += 2
        mode = old_mode if status == "D" else new_mode
        changes.append(_RawChange(status, path, old_path, mode, new_oid))
    return changes


class _RawChange(Change):
    # The blob id of the new side, kept to read symlink targets afterwards.
    __slots__ = ("oid",)

    def __init__(self, status: str, path: str, old_path: str | None, mode: str, oid: str) -> None:
        super().__init__(status, path, old_path, mode)
        self.oid = oid


def staged_changes(cwd: str | None = None, *, merge_heads_from_env: bool = False) -> list[Change]:
    """Return the changes the next commit would record in the repository at `cwd`.

    Against HEAD, or the empty tree before the first commit. During a merge,
    only paths that differ from every parent count, so what the merged
    branch brings is not judged again. The other parents come from
    MERGE_HEAD (a merge concluded with `git commit`) or, with
    `merge_heads_from_env`, from the `GITHEAD_<oid>` variables `git merge`
    exports to its pre-merge-commit hook (MERGE_HEAD is not written yet then).
    """
    shortcut = _staged_shortcut(cwd, merge_heads_from_env)
    if shortcut is not None:
        return shortcut
    head, merge_head_file = git.head_and_merge_head_path(cwd)
    base = head if head is not None else git.empty_tree(cwd)
    others: list[str] = []
    if head is not None:
        others = _merge_heads(merge_head_file, cwd)
        if merge_heads_from_env:
            others += [oid for oid in _env_merge_heads() if oid not in others]
    if not others:
        changes = parse_raw(git.diff_index_cached(base, cwd))
    else:
        changes = parse_raw(git.diff_index_cached(base, cwd, renames=False))
        for parent in others:
            differing = _paths(parse_raw(git.diff_index_cached(parent, cwd, renames=False)))
            changes = [change for change in changes if change.path in differing]
    return _with_symlink_targets(changes, cwd)


def _staged_shortcut(cwd: str | None, merge_heads_from_env: bool) -> list[Change] | None:
    # One git call instead of two for the usual commit: a plain `.git` folder
    # at `cwd`, no GIT_DIR redirect, no merge in progress and a HEAD to diff
    # against. Anything else (worktree, submodule, first commit, merge) takes
    # the general path, which asks git where MERGE_HEAD lives.
    folder = os.getcwd() if cwd is None else cwd
    git_dir = os.path.join(folder, ".git")
    if "GIT_DIR" in os.environ or not os.path.isdir(git_dir):
        return None
    if os.path.exists(os.path.join(git_dir, "MERGE_HEAD")) or (merge_heads_from_env and _env_merge_heads()):
        return None
    try:
        data = git.diff_index_cached("HEAD", cwd)
    except git.GitError:
        return None  # most likely no HEAD yet, which the general path handles
    return _with_symlink_targets(parse_raw(data), cwd)


def commit_changes(commit: str, parents: list[str], cwd: str | None = None) -> list[Change]:
    """Return the changes an existing commit makes; a merge only counts paths new to every parent."""
    if not parents:
        changes = parse_raw(git.diff_tree(git.empty_tree(cwd), commit, cwd))
    elif len(parents) == 1:
        changes = parse_raw(git.diff_tree(parents[0], commit, cwd))
    else:
        changes = parse_raw(git.diff_tree(parents[0], commit, cwd, renames=False))
        for parent in parents[1:]:
            differing = _paths(parse_raw(git.diff_tree(parent, commit, cwd, renames=False)))
            changes = [change for change in changes if change.path in differing]
    return _with_symlink_targets(changes, cwd)


def range_changes(
    revisions: list[str], cwd: str | None = None, *, commits: list[tuple[str, list[str], str]] | None = None
) -> list[CommitChanges]:
    """Return the changes of every commit `git rev-list REVISIONS` lists, oldest first.

    `commits` is that list of (commit, parents, subject) when the caller has
    already read it, as `check-commit --range` does with GitPython. Without
    it, git plumbing lists the commits.
    """
    if commits is None:
        commits = git.rev_list_with_parents(revisions, cwd)
    results = []
    for commit, parents, subject in commits:
        changes = commit_changes(commit, parents, cwd)
        results.append(CommitChanges(commit, subject, tuple(parents), tuple(changes)))
    return results


def _merge_heads(merge_head_file: str, cwd: str | None) -> list[str]:
    path = merge_head_file if cwd is None else os.path.join(cwd, merge_head_file)
    try:
        with open(path, encoding="ascii") as handle:
            return [line.strip() for line in handle if line.strip()]
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise git.GitError(f"cannot read {path}: {error}") from None


def _env_merge_heads() -> list[str]:
    heads = []
    for name in os.environ:
        oid = name[len("GITHEAD_") :]
        if name.startswith("GITHEAD_") and oid and all(c in "0123456789abcdef" for c in oid):
            heads.append(oid)
    return sorted(heads)


def _paths(changes: list[Change]) -> set[str]:
    return {change.path for change in changes}


def _with_symlink_targets(changes: list[Change], cwd: str | None) -> list[Change]:
    links = [c for c in changes if c.mode == MODE_SYMLINK and c.status != "D"]
    targets = git.read_blobs([c.oid for c in links if isinstance(c, _RawChange)], cwd) if links else {}
    result: list[Change] = []
    for change in changes:
        target = None
        if change.mode == MODE_SYMLINK and change.status != "D" and isinstance(change, _RawChange):
            blob = targets.get(change.oid)
            target = os.fsdecode(blob) if blob is not None else None
        result.append(Change(change.status, change.path, change.old_path, change.mode, target))
    return result


__all__ = ["CommitChanges", "MODE_GITLINK", "commit_changes", "parse_raw", "range_changes", "staged_changes"]
