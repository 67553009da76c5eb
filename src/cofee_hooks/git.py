"""The one place that runs git.

Every git call in the package goes through `run()`. Output that names paths is
read NUL-separated (`-z`) and decoded with `os.fsdecode`, so spaces, newlines,
quotes and non-ASCII names survive exactly. Only the standard library is
imported here: hooks call this module on every commit, and git is started
with `os.posix_spawnp` where the platform has it (see `_spawn`).
"""

from __future__ import annotations

import os

# Annotations only: importing collections.abc at run time would load the
# collections package, which a git hook does not otherwise need.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

from cofee_hooks.errors import ToolFailure

# Settings for every call, so that no user setting changes the output format
# or makes a read-only call write (fsmonitor, optional locks, pagers).
_FIXED_ENV = {
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}


class GitError(ToolFailure):
    """git failed or is missing (exit code 3)."""


def git_env(extra: Mapping[str, str] | None = None, keep_index: bool = True) -> dict[str, str]:
    """Return the environment for a git call.

    git exports `GIT_DIR`, `GIT_INDEX_FILE` and friends into hooks. Inside a
    hook they must be inherited (`GIT_INDEX_FILE` is what `git commit -a` will
    really commit), so they are kept unless `keep_index` is false, which scrubs
    every `GIT_*` variable for calls that address another repository.
    """
    env = dict(os.environ)
    if not keep_index:
        for name in list(env):
            if name.startswith("GIT_") and name not in ("GIT_EXEC_PATH",):
                del env[name]
    env.update(_FIXED_ENV)
    if extra:
        env.update(extra)
    return env


class Completed:
    """The result of one git call: the command, its exit code and its raw output.

    It has the attributes of `subprocess.CompletedProcess` that callers use.
    """

    __slots__ = ("args", "returncode", "stdout", "stderr")

    def __init__(self, args: list[str], returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def run(
    args: Sequence[str],
    cwd: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    input_bytes: bytes | None = None,
    timeout: float | None = 60,
) -> Completed:
    """Run `git ARGS` and return the completed process with bytes output.

    Raises `GitError` when git is missing, times out, or (with `check`) exits
    non-zero; the message carries git's own first line of stderr.
    """
    command = ["git", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false", *args]
    environment = dict(env) if env is not None else git_env()
    if hasattr(os, "posix_spawnp"):
        completed = _spawn(command, cwd, environment, input_bytes, timeout, args)
    else:
        completed = _subprocess_run(command, cwd, environment, input_bytes, timeout, args)
    if check and completed.returncode != 0:
        detail = completed.stderr.decode(errors="replace").strip().splitlines()
        first = detail[0] if detail else f"exit code {completed.returncode}"
        raise GitError(f"git {' '.join(args[:2])} failed: {first}")
    return completed


def _spawn(
    command: list[str],
    cwd: str | os.PathLike[str] | None,
    env: dict[str, str],
    input_bytes: bytes | None,
    timeout: float | None,
    args: Sequence[str],
) -> Completed:
    # posix_spawn and a poll loop instead of `subprocess`: importing the
    # subprocess module (threading, selectors, signal, locale) costs more
    # than a git call, and hooks pay it on every commit and tool call.
    import select
    import time

    if cwd is not None:
        # posix_spawn cannot change folder before exec; git's -C does the same.
        command = [command[0], "-C", os.fspath(cwd), *command[1:]]
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    in_read, in_write = os.pipe() if input_bytes is not None else (None, None)
    actions = [
        (os.POSIX_SPAWN_DUP2, out_write, 1),
        (os.POSIX_SPAWN_DUP2, err_write, 2),
        (os.POSIX_SPAWN_DUP2, in_read, 0)
        if in_read is not None
        else (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
    ]
    try:
        pid = os.posix_spawnp(command[0], command, env, file_actions=actions)
    except FileNotFoundError:
        raise GitError("git not found on PATH; install git and try again") from None
    finally:
        for descriptor in (out_write, err_write, in_read):
            if descriptor is not None:
                os.close(descriptor)

    chunks: dict[int, list[bytes]] = {out_read: [], err_read: []}
    poller = select.poll()
    poller.register(out_read, select.POLLIN)
    poller.register(err_read, select.POLLIN)
    pending = memoryview(input_bytes) if input_bytes else memoryview(b"")
    if in_write is not None:
        if pending:
            # Non-blocking, so a large input cannot stall while git waits for
            # us to read its output.
            os.set_blocking(in_write, False)
            poller.register(in_write, select.POLLOUT)
        else:
            os.close(in_write)
            in_write = None
    open_reads = 2
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while open_reads or in_write is not None:
            wait_ms = None if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
            events = poller.poll(wait_ms)
            if not events and deadline is not None and time.monotonic() >= deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                raise GitError(f"git {' '.join(args[:2])} timed out after {timeout} s")
            for descriptor, _event in events:
                if descriptor == in_write:
                    pending = _write_some(descriptor, pending)
                    if not pending:
                        poller.unregister(descriptor)
                        os.close(descriptor)
                        in_write = None
                    continue
                data = os.read(descriptor, 65536)
                if data:
                    chunks[descriptor].append(data)
                else:
                    poller.unregister(descriptor)
                    open_reads -= 1
    finally:
        for descriptor in (out_read, err_read, in_write):
            if descriptor is not None:
                os.close(descriptor)
    _, status = os.waitpid(pid, 0)
    return Completed(command, os.waitstatus_to_exitcode(status), b"".join(chunks[out_read]), b"".join(chunks[err_read]))


def _write_some(descriptor: int, pending: memoryview) -> memoryview:
    try:
        written = os.write(descriptor, pending[:65536])
    except BlockingIOError:
        return pending
    except BrokenPipeError:
        # git exited without reading all its input; its exit code reports why.
        return memoryview(b"")
    return pending[written:]


def _subprocess_run(
    command: list[str],
    cwd: str | os.PathLike[str] | None,
    env: dict[str, str],
    input_bytes: bytes | None,
    timeout: float | None,
    args: Sequence[str],
) -> Completed:
    import subprocess

    try:
        completed = subprocess.run(
            command, cwd=cwd, env=env, input=input_bytes, capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise GitError("git not found on PATH; install git and try again") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args[:2])} timed out after {timeout} s") from None
    return Completed(command, completed.returncode, completed.stdout, completed.stderr)


def output(args: Sequence[str], cwd: str | os.PathLike[str] | None = None, **kwargs) -> str:
    """Run git and return its stdout as text without the final newline."""
    return os.fsdecode(run(args, cwd, **kwargs).stdout).rstrip("\n")


def split_nul(data: bytes) -> list[str]:
    """Split `-z` output into exactly decoded strings, dropping the empty tail."""
    parts = data.split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    return [os.fsdecode(part) for part in parts]


# --- Plumbing for the commit guard -------------------------------------------
# Only plumbing commands are used below: their output does not follow porcelain
# settings (diff.renames, status.*, color, external diff), and `-z` output is
# not quoted. `GIT_INDEX_FILE` is inherited, so `git commit -a`, `--only` and
# `git commit PATH` are judged on the temporary index git builds for them.

_RAW_DIFF_OPTIONS = ("--raw", "-z", "--no-abbrev", "--no-color", "--no-ext-diff")


def head_and_merge_head_path(cwd: str | os.PathLike[str] | None = None) -> tuple[str | None, str]:
    """Return (HEAD commit or None before the first commit, path of MERGE_HEAD) in one call."""
    completed = run(["rev-parse", "--git-path", "MERGE_HEAD", "--verify", "-q", "HEAD^{commit}"], cwd, check=False)
    lines = os.fsdecode(completed.stdout).splitlines()
    if not lines:
        detail = completed.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(f"git rev-parse failed: {detail[0] if detail else 'not a git repository'}")
    head = lines[1] if completed.returncode == 0 and len(lines) > 1 else None
    return head, lines[0]


def empty_tree(cwd: str | os.PathLike[str] | None = None) -> str:
    """Return the id of the empty tree in this repository's object format (SHA-1 or SHA-256)."""
    return output(["hash-object", "-t", "tree", "--stdin"], cwd, input_bytes=b"")


def diff_index_cached(
    base: str, cwd: str | os.PathLike[str] | None = None, *, renames: bool = True
) -> bytes:
    """Return raw `-z` output of the index against `base`; intent-to-add entries are left out."""
    detect = ["-M", "-C"] if renames else ["--no-renames"]
    args = [
        "diff-index",
        "--cached",
        *_RAW_DIFF_OPTIONS,
        *detect,
        "--ita-invisible-in-index",
        "--ignore-submodules=none",
        base,
        "--",
    ]
    return run(args, cwd).stdout


def diff_tree(
    old: str, new: str, cwd: str | os.PathLike[str] | None = None, *, renames: bool = True
) -> bytes:
    """Return raw `-z` output of the recursive difference between two trees or commits."""
    detect = ["-M", "-C"] if renames else ["--no-renames"]
    return run(["diff-tree", "-r", *_RAW_DIFF_OPTIONS, *detect, old, new, "--"], cwd).stdout


def read_blobs(oids: Sequence[str], cwd: str | os.PathLike[str] | None = None) -> dict[str, bytes]:
    """Return the contents of the given blobs, read with one `cat-file --batch` process."""
    unique = list(dict.fromkeys(oids))
    if not unique:
        return {}
    data = run(["cat-file", "--batch"], cwd, input_bytes="".join(f"{oid}\n" for oid in unique).encode()).stdout
    contents: dict[str, bytes] = {}
    position = 0
    for oid in unique:
        end = data.index(b"\n", position)
        header = data[position:end].split()
        position = end + 1
        if len(header) != 3:
            continue  # "<oid> missing": the caller treats the blob as unreadable
        size = int(header[2])
        contents[oid] = data[position : position + size]
        position += size + 1
    return contents


def rev_list_with_parents(
    revisions: Sequence[str], cwd: str | os.PathLike[str] | None = None
) -> list[tuple[str, list[str], str]]:
    """Return (commit, parents, subject) for each commit of `revisions`, oldest first."""
    data = run(["rev-list", "--reverse", "--topo-order", "--format=%P%n%s", *revisions, "--"], cwd).stdout
    lines = os.fsdecode(data).split("\n")
    commits: list[tuple[str, list[str], str]] = []
    index = 0
    while index + 2 < len(lines) and lines[index].startswith("commit "):
        commit = lines[index].split()[1]
        parents = lines[index + 1].split()
        subject = lines[index + 2]
        commits.append((commit, parents, subject))
        index += 3
    return commits


def show_toplevel(cwd: str | os.PathLike[str] | None = None) -> str:
    """Return the root of the work tree that contains `cwd`."""
    return output(["rev-parse", "--show-toplevel"], cwd)


def hooks_path(cwd: str | os.PathLike[str] | None = None) -> str:
    """Return the absolute hooks folder git uses here (core.hooksPath, worktrees, submodules)."""
    folder = output(["rev-parse", "--git-path", "hooks"], cwd)
    return os.path.abspath(os.path.join(os.fspath(cwd) if cwd else os.getcwd(), folder))


def commit_exists(revision: str, cwd: str | os.PathLike[str] | None = None) -> bool:
    """Return True when `revision` names a commit this repository has."""
    return run(["cat-file", "-e", f"{revision}^{{commit}}"], cwd, check=False).returncode == 0


# --- Selection of changed revision files for lint-migration -------------------


def _existing_paths(data: bytes, top: str) -> list[str]:
    paths = [os.path.join(top, name) for name in split_nul(data)]
    return [path for path in paths if os.path.isfile(path)]


def changed_paths_since(ref: str, cwd: str | os.PathLike[str] | None = None) -> list[str]:
    """Return absolute paths of files added or modified since commit `ref`, plus untracked files.

    The work tree is compared with `ref`, so committed, staged and unstaged
    changes all count; deleted files are left out.
    """
    top = show_toplevel(cwd)
    changed = run(
        ["diff-index", "--name-only", "-z", "--no-renames", "--diff-filter=ACMR", "--no-ext-diff", ref, "--"], top
    ).stdout
    untracked = run(["ls-files", "-z", "--others", "--exclude-standard", "--"], top).stdout
    return sorted(set(_existing_paths(changed, top)) | set(_existing_paths(untracked, top)))


def staged_paths(cwd: str | os.PathLike[str] | None = None) -> list[str]:
    """Return absolute paths of files added or modified in the index (GIT_INDEX_FILE is honoured).

    Files staged for deletion are left out, and so are staged files that no
    longer exist in the work tree.
    """
    head, _ = head_and_merge_head_path(cwd)
    base = head or empty_tree(cwd)
    top = show_toplevel(cwd)
    staged = run(
        ["diff-index", "--cached", "--name-only", "-z", "--no-renames", "--diff-filter=ACMR", base, "--"], top
    ).stdout
    return _existing_paths(staged, top)


# --- GitPython, for commands a person runs ------------------------------------
# GitPython's object model is convenient where time does not matter: range
# checks over history and doctor. Importing it takes about 0.1 s (3.2.1 on a
# 2-core EPYC), four times a whole guarded `git commit`. So it is imported
# inside these functions only, and no hook path calls them.


def open_repository(path: str | os.PathLike[str]):
    """Open the repository that contains `path` with GitPython and return its `git.Repo`.

    Raises `GitError` when GitPython cannot be imported (it is missing, or it
    found no git executable) or when `path` is not inside a repository.
    """
    try:
        import git as gitpython
    except ImportError as error:
        raise GitError(f"GitPython cannot be imported ({error}); reinstall cofee-hooks") from None
    try:
        return gitpython.Repo(os.fspath(path), search_parent_directories=True)
    except gitpython.exc.NoSuchPathError:
        raise GitError(f"{os.fspath(path)}: no such folder") from None
    except gitpython.exc.InvalidGitRepositoryError:
        raise GitError(f"{os.fspath(path)}: not a git repository") from None


def range_commits(
    revisions: Sequence[str], cwd: str | os.PathLike[str] | None = None
) -> list[tuple[str, list[str], str]]:
    """Return (commit, parents, subject) for each commit of `revisions`, oldest first, read with GitPython.

    The same commits, order and subjects as `rev_list_with_parents`, which the
    git hooks use instead.
    """
    import git as gitpython

    repository = open_repository(os.getcwd() if cwd is None else cwd)
    try:
        commits = list(repository.iter_commits(list(revisions), topo_order=True, reverse=True))
        return [(commit.hexsha, [parent.hexsha for parent in commit.parents], _subject(commit.message)) for commit in commits]
    except gitpython.exc.GitCommandError as error:
        raise GitError(f"git rev-list failed: {_command_error_detail(error)}") from None
    finally:
        repository.close()


def _subject(message: str | bytes) -> str:
    # git's %s: the first paragraph of the message, its lines joined by spaces.
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    paragraph = message.lstrip("\n").split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines() if line.strip())


def _command_error_detail(error) -> str:
    # GitPython stores stderr as "\n  stderr: '<text>'", so the quoting is
    # removed to keep git's own first line.
    text = error.stderr.strip()
    if text.startswith("stderr: '") and text.endswith("'"):
        text = text[len("stderr: '") : -1]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else f"exit code {error.status}"


# Files and folders git keeps in the git dir while an operation waits to be finished.
_OPERATIONS = (
    ("MERGE_HEAD", "a merge"),
    ("rebase-merge", "a rebase"),
    ("rebase-apply", "a rebase or git am"),
    ("CHERRY_PICK_HEAD", "a cherry-pick"),
    ("REVERT_HEAD", "a revert"),
    ("BISECT_LOG", "a bisect"),
)


class RepositoryState:
    """The state of a repository that doctor reports: its HEAD, an unfinished operation and its worktrees."""

    __slots__ = ("toplevel", "branch", "head", "operation", "worktrees")

    def __init__(
        self, toplevel: str, branch: str | None, head: str | None, operation: str | None, worktrees: list[str]
    ) -> None:
        self.toplevel = toplevel
        self.branch = branch  # None when HEAD is detached
        self.head = head  # None before the first commit
        self.operation = operation  # e.g. "a merge", None when nothing is in progress
        self.worktrees = worktrees  # the other work trees of this repository, which share its hooks folder


def repository_state(path: str | os.PathLike[str]) -> RepositoryState:
    """Read the state of the repository that contains `path` with GitPython."""
    import git as gitpython

    repository = open_repository(path)
    try:
        toplevel = repository.working_tree_dir or repository.git_dir
        head = repository.head.commit.hexsha if repository.head.is_valid() else None
        branch = None if repository.head.is_detached else repository.head.ref.name
        operation = next(
            (name for marker, name in _OPERATIONS if os.path.exists(os.path.join(repository.git_dir, marker))), None
        )
        listing = repository.git.worktree("list", "--porcelain")
        paths = [line[len("worktree ") :] for line in listing.splitlines() if line.startswith("worktree ")]
        current = os.path.realpath(toplevel)
        worktrees = [item for item in paths if os.path.realpath(item) != current]
        return RepositoryState(os.fspath(toplevel), branch, head, operation, worktrees)
    except gitpython.exc.GitCommandError as error:
        raise GitError(f"git worktree list failed: {_command_error_detail(error)}") from None
    finally:
        repository.close()
