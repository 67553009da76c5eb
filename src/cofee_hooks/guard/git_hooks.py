"""Install and remove the git hooks of the commit guard.

`install_git_hooks` writes `pre-commit`, `pre-merge-commit` and `pre-push`
into the folder git runs hooks from (`git rev-parse --git-path hooks`, which
follows `core.hooksPath`, linked worktrees and submodules). A hook of another
tool found there is moved to `<hook>.cofee-hooks-backup` and still runs,
before ours. Our scripts carry a marker line, so installing twice changes
nothing and `uninstall_git_hooks` removes only them and puts back the backup.
"""

from __future__ import annotations

import os
import shlex
import site
import sys
from pathlib import Path

from cofee_hooks import git
from cofee_hooks.errors import UserError
from cofee_hooks.guard.hook import HOOK_NAMES, SELF_CHECK

MARKER = "# cofee-hooks: managed git hook"
BACKUP_SUFFIX = ".cofee-hooks-backup"

# Run by the hook script with `python -I -S -c`. -I keeps the repository being
# committed to (and PYTHONPATH) off sys.path, so a folder named cofee_hooks in
# it cannot stand in for the guard. -S skips site start-up, which costs more
# than the guard's own work, so the launcher lists the folders of the package
# and of PyYAML (needed when the configuration changed) itself. A missing
# package is reported in one line and the hook fails.
_LAUNCHER = (
    "import sys\n"
    "sys.path[:0] = {paths!r}\n"
    "try:\n"
    "    from cofee_hooks.guard.hook import main\n"
    "except ImportError as error:\n"
    '    sys.stderr.write("cofee-hooks: cannot import the cofee_hooks package with " + sys.executable'
    ' + " (" + str(error) + "); reinstall cofee-hooks into the environment of " + sys.executable'
    ' + " and run cofee-hooks install --git, or delete " + {hook_file!r} + " to stop running the commit guard\\n")\n'
    "    sys.exit(1)\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def install_git_hooks(
    directory: Path | str, *, python: str | None = None, import_paths: list[str] | None = None
) -> list[str]:
    """Install the guard's git hooks for the repository at `directory`; return one line per hook.

    `python` is the interpreter the hooks run and `import_paths` the folders
    they import the package from (default: the current interpreter and the
    folders it found the package in). Raises `UserError` when a foreign hook
    and an old backup would collide.
    """
    paths = import_paths if import_paths is not None else _import_paths()
    hooks_dir = _hooks_dir(directory)
    os.makedirs(hooks_dir, exist_ok=True)
    lines = []
    for name in HOOK_NAMES:
        script = hook_script(name, python or sys.executable, paths, os.path.join(hooks_dir, name))
        lines.append(_install_one(hooks_dir, name, script))
    return lines


def uninstall_git_hooks(directory: Path | str) -> list[str]:
    """Remove the guard's git hooks and restore the hooks they replaced; return one line per hook."""
    hooks_dir = _hooks_dir(directory)
    return [_uninstall_one(hooks_dir, name) for name in HOOK_NAMES]


def hook_script(name: str, python: str, import_paths: list[str], hook_file: str | None = None) -> str:
    """Return the shell script installed as hook `name`, pinned to `python` and `import_paths`.

    `hook_file` is the path the script is installed at. The script's error
    message names it as the file to remove once the package is gone.
    """
    launcher = _LAUNCHER.format(paths=list(import_paths), hook_file=hook_file or f".git/hooks/{name}")
    backup = f'"$hook_dir/{name}{BACKUP_SUFFIX}"'
    run_guard = f'"$python" -I -S -c {shlex.quote(launcher)} {name} "$@"'
    lines = [
        "#!/bin/sh",
        f"{MARKER}; `cofee-hooks uninstall --git` removes it, or delete this file.",
        f"# A hook that was here before is kept as {name}{BACKUP_SUFFIX} and runs first.",
        # Parameter expansion rather than $(dirname): no extra process per commit.
        'case "$0" in */*) hook_dir=${0%/*} ;; *) hook_dir=. ;; esac',
        f"python={shlex.quote(python)}",
        'if [ ! -x "$python" ]; then',
        f'    echo "cofee-hooks: interpreter $python not found ({name} refused); reinstall cofee-hooks into the'
        f' environment of $python and run cofee-hooks install --git, or delete $hook_dir/{name}" >&2',
        "    exit 1",
        "fi",
    ]
    if name == "pre-push":
        # git feeds the pushed refs on stdin; both hooks need to read them.
        lines += [
            f"if [ -x {backup} ]; then",
            "    refs=$(cat)",
            f"    printf '%s\\n' \"$refs\" | {backup} \"$@\" || exit $?",
            f"    printf '%s\\n' \"$refs\" | {run_guard}",
            "    exit $?",
            "fi",
        ]
    else:
        lines += [
            f"if [ -x {backup} ]; then",
            f'    {backup} "$@" || exit $?',
            "fi",
        ]
    lines.append(f"exec {run_guard}")
    return "\n".join(lines) + "\n"


def self_check_command(path: str) -> tuple[str, list[str]]:
    """Return the interpreter pinned in the installed hook at `path` and the command that checks it.

    The command runs the hook's own launcher (same interpreter, flags and
    import paths) with `--self-check`, which imports the guard and stops
    before reading any repository. Raises ValueError when the script does
    not have the shape `hook_script` writes.
    """
    text = _read(path)
    if text is None:
        raise ValueError(f"cannot read {path}")
    python = launcher = None
    for line in text.splitlines():
        if line.startswith("python="):
            python = shlex.split(line.partition("=")[2])[0]
    # The launcher is a quoted multi-line argument, so the exec command runs to the end of the script.
    _, found, command = text.rpartition("\nexec ")
    if found:
        words = shlex.split(command)
        if "-c" in words[:-1]:
            launcher = words[words.index("-c") + 1]
    if not python or not launcher:
        raise ValueError(f"{path} has no interpreter or launcher line")
    return python, [python, "-I", "-S", "-c", launcher, SELF_CHECK]


def is_managed(path: str) -> bool:
    """Return True when the file at `path` is a hook this package installed."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return MARKER in handle.read(4096)
    except OSError:
        return False


def _hooks_dir(directory: Path | str) -> str:
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise UserError(f"{directory}: folder not found")
    # A relative core.hooksPath is relative to the work tree root, where git runs hooks.
    completed = git.run(["rev-parse", "--show-toplevel"], directory, check=False)
    toplevel = os.fsdecode(completed.stdout).strip() if completed.returncode == 0 else directory
    return git.hooks_path(toplevel)


def _install_one(hooks_dir: str, name: str, script: str) -> str:
    path = os.path.join(hooks_dir, name)
    backup = path + BACKUP_SUFFIX
    if os.path.lexists(path):
        if is_managed(path):
            if _read(path) == script and os.access(path, os.X_OK):
                return f"{name}: already installed in {hooks_dir}"
            _write_executable(path, script)
            return f"{name}: updated in {hooks_dir}"
        if os.path.lexists(backup):
            raise UserError(
                f"{path} belongs to another tool and {backup} already exists; "
                "move one of them away, then run cofee-hooks install --git again"
            )
        os.replace(path, backup)
        _write_executable(path, script)
        return f"{name}: installed in {hooks_dir}; the previous hook was kept as {name}{BACKUP_SUFFIX} and runs first"
    _write_executable(path, script)
    return f"{name}: installed in {hooks_dir}"


def _uninstall_one(hooks_dir: str, name: str) -> str:
    path = os.path.join(hooks_dir, name)
    backup = path + BACKUP_SUFFIX
    if os.path.lexists(path) and not is_managed(path):
        return f"{name}: not installed by cofee-hooks; left in place"
    removed = os.path.lexists(path)
    if removed:
        os.remove(path)
    if os.path.lexists(backup):
        os.replace(backup, path)
        return f"{name}: removed; the previous hook was restored"
    return f"{name}: removed" if removed else f"{name}: not installed"


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def _write_executable(path: str, text: str) -> None:
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.chmod(temporary, 0o755)
    os.replace(temporary, path)


def _import_paths() -> list[str]:
    # The folder holding the cofee_hooks package (an editable install adds it
    # through a .pth file, which -S skips), then the site-packages folders.
    import cofee_hooks

    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(cofee_hooks.__file__)))
    paths = [package_parent]
    folders = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        folders.append(site.getusersitepackages())
    for folder in folders:
        if os.path.isdir(folder) and folder not in paths:
            paths.append(folder)
    return paths
