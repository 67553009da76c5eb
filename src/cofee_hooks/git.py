"""The one place that runs git.

Every git call in the package goes through `run()`. Output that names paths is
read NUL-separated (`-z`) and decoded with `os.fsdecode`, so spaces, newlines,
quotes and non-ASCII names survive exactly. Only the standard library is
imported here: hooks call this module on every commit.
"""

from __future__ import annotations

import os
import subprocess
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


def run(
    args: Sequence[str],
    cwd: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    input_bytes: bytes | None = None,
    timeout: float | None = 60,
) -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS` and return the completed process with bytes output.

    Raises `GitError` when git is missing, times out, or (with `check`) exits
    non-zero; the message carries git's own first line of stderr.
    """
    command = ["git", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false", *args]
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            env=dict(env) if env is not None else git_env(),
            input=input_bytes,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git not found on PATH; install git and try again") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args[:2])} timed out after {timeout} s") from None
    if check and completed.returncode != 0:
        detail = completed.stderr.decode(errors="replace").strip().splitlines()
        first = detail[0] if detail else f"exit code {completed.returncode}"
        raise GitError(f"git {' '.join(args[:2])} failed: {first}")
    return completed


def output(args: Sequence[str], cwd: str | os.PathLike[str] | None = None, **kwargs) -> str:
    """Run git and return its stdout as text without the final newline."""
    return os.fsdecode(run(args, cwd, **kwargs).stdout).rstrip("\n")


def split_nul(data: bytes) -> list[str]:
    """Split `-z` output into exactly decoded strings, dropping the empty tail."""
    parts = data.split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    return [os.fsdecode(part) for part in parts]
