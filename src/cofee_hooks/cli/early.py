"""Start the render worker of `lint-migration --no-cache` before click is imported.

The worker spends most of a cold run importing Alembic and SQLAlchemy. The
`lint-migration` command starts it before loading settings, but by then the
parent has already imported click and the command modules. `prestart` runs
first thing in `cofee_hooks.cli.main`, reads the command line itself, and
starts the worker only when the command would start one early anyway.
Anything it does not recognise leaves the start to the command.

The worker is handed over by `take`, which returns it only for the same
project folder; `cancel_unused` stops it when no command took it. Wrong
guesses cost nothing but the worker: the lint engine still checks that the
worker renders with the interpreter the settings ask for, and replaces it
otherwise.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from cofee_hooks.migrations.render import RenderWorker

COMMAND = "lint-migration"
# Options of lint-migration that take a value, and those that are flags.
# `--since`, `--staged`, `--files`, `--use-env` and `--python` are missing
# on purpose: with them the command does not start a worker early.
_VALUE_OPTIONS = frozenset({"--config", "--revision", "--format", "--fail-on", "--pg-version"})
_FLAG_OPTIONS = frozenset({"--all", "--no-cache"})

_started: tuple[str, RenderWorker] | None = None


def prestart(arguments: list[str]) -> None:
    """Start a render worker when `arguments` (without the program name) are a cold lint-migration run."""
    global _started
    project_dir = _project_dir(arguments)
    if project_dir is None:
        return
    from cofee_hooks.migrations.render import start_worker_early

    try:
        worker = start_worker_early(None if project_dir == "" else _as_path(project_dir))
    except Exception:  # noqa: BLE001 - a guess; the command reports the real error itself
        return
    if worker is not None:
        _started = (_resolved(project_dir), worker)


def take(project_dir: Path | None) -> RenderWorker | None:
    """Return the worker that `prestart` started for `project_dir` (None is the working directory), once."""
    global _started
    if _started is None:
        return None
    folder, worker = _started
    if folder != _resolved("" if project_dir is None else str(project_dir)):
        return None
    _started = None
    return worker


def cancel_unused() -> None:
    """Stop the worker that `prestart` started if no command took it."""
    global _started
    if _started is not None:
        _started[1].cancel()
        _started = None


def _project_dir(arguments: list[str]) -> str | None:
    """Return the PROJECT_DIR argument ('' when absent), or None when no early start is wanted."""
    if not arguments or arguments[0] != COMMAND or "--no-cache" not in arguments:
        return None
    positional: list[str] = []
    index = 1
    while index < len(arguments):
        token = arguments[index]
        name = token.split("=", 1)[0]
        if token == "--":
            positional.extend(arguments[index + 1 :])
            break
        if name in _VALUE_OPTIONS:
            index += 1 if "=" in token else 2
            continue
        if token in _FLAG_OPTIONS:
            index += 1
            continue
        if token.startswith("-"):
            # --help, a short option, an option that changes how rendering
            # runs, or a typo: let click deal with it.
            return None
        positional.append(token)
        index += 1
    if len(positional) > 1:
        return None
    return positional[0] if positional else ""


def _resolved(project_dir: str) -> str:
    return os.path.realpath(project_dir or os.getcwd())


def _as_path(project_dir: str) -> Path:
    from pathlib import Path

    return Path(project_dir)
