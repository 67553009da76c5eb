"""Render Alembic revisions to PostgreSQL SQL offline, one revision module at a time.

This script runs as a separate process under the project's own interpreter,
which needs only alembic and SQLAlchemy; it must not import cofee_hooks.
Its arguments are the answer file and the JSON list of folders to put first
on sys.path (alembic.ini's prepend_sys_path). It imports Alembic at once,
then reads a JSON request on stdin; an empty stdin means nothing is to be
rendered. The answer goes to a file, because revision code may print to
stdout.

Request: {"revisions": [{"id": ..., "path": ...}], "timeout": seconds}. The
timeout applies to each revision on its own (where SIGALRM exists), so one
slow revision times out while the others still render.
Answer: {"results": [{"id", "statements": [{"sql", "line"}], "error"}]} or
{"fatal": message}. `line` is the 1-based line in the revision file of the
`op.*` call (or `with` statement) that was running when the SQL was emitted.
env.py is never run and the alembic_version table is never touched.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import signal
import sys
import traceback



# Connection methods that only make sense with a database behind them.
_NEEDS_DATABASE = frozenset(
    {"begin", "begin_nested", "begin_twophase", "connect", "scalar", "scalars", "commit", "rollback", "close"}
)


class NeedsDatabase(Exception):
    """Raised when a revision wants data that only a live database can give."""


class RenderTimeout(BaseException):
    """Raised by the alarm when one revision runs longer than the timeout.

    A BaseException, so that a revision's own `except Exception` cannot swallow it.
    """


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write("usage: _render_worker.py ANSWER_FILE SYS_PATH_JSON < request.json\n")
        return 2
    answer_path = argv[1]

    # The worker's own folder is on sys.path[0]; revisions must not see it.
    if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    sys.path[:0] = json.loads(argv[2])

    # Import Alembic before the request arrives: the parent starts this
    # worker early, so the slow import overlaps the parent's own work.
    missing = _import_alembic()
    raw = sys.stdin.read()
    if not raw.strip():
        return 0
    request = json.loads(raw)

    if missing:
        answer = {"fatal": missing}
    else:
        timeout = request.get("timeout")
        answer = {"results": [_render_with_timeout(item, timeout) for item in request["revisions"]]}
    answer["python"] = sys.executable
    with open(answer_path, "w", encoding="utf-8") as stream:
        json.dump(answer, stream)
    return 0


# alembic.util imports Mako, whose exceptions module loads its Pygments plugin
# when Pygments is installed, only to colour HTML error pages. Rendering never
# shows those pages, and the plugin import costs about 60 ms of the worker's
# 0.4 s start (Mako 1.4.3; pytest installs Pygments). A None entry in
# sys.modules makes that import fail, so Mako installs its documented
# fallback; the entry is removed afterwards, so revisions can import it.
_SKIPPED_DURING_ALEMBIC_IMPORT = "mako.ext.pygmentplugin"


def _import_alembic() -> str | None:
    skipped = _SKIPPED_DURING_ALEMBIC_IMPORT not in sys.modules
    if skipped:
        sys.modules[_SKIPPED_DURING_ALEMBIC_IMPORT] = None
    try:
        import alembic.op  # noqa: F401 - revisions import it first thing
        from alembic.operations import Operations  # noqa: F401
        from alembic.runtime.migration import MigrationContext  # noqa: F401
    except ImportError as error:
        return (
            f"the render interpreter {sys.executable} cannot import Alembic ({_one_line(error)}). "
            "Install alembic and SQLAlchemy into it, or set migrations.python (or --python) "
            "to the interpreter of the project's environment"
        )
    finally:
        if skipped and sys.modules.get(_SKIPPED_DURING_ALEMBIC_IMPORT, 0) is None:
            del sys.modules[_SKIPPED_DURING_ALEMBIC_IMPORT]
    try:
        _register_inspection()
    except Exception:  # noqa: BLE001 - inspection support is a nicety, never a reason to fail
        pass
    return None


def _render_with_timeout(item: dict, timeout: float | None) -> dict:
    if not timeout or not hasattr(signal, "setitimer"):
        return _render(item)

    def expire(signum, frame):
        raise RenderTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return _render(item)
    except RenderTimeout:
        reason = f"rendering timed out after {timeout:g} s (migrations.render_timeout: {timeout:g})"
        return {"id": item["id"], "statements": [], "error": {"reason": reason, "line": None, "kind": "timeout"}}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _render(item: dict) -> dict:
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    path = os.path.abspath(item["path"])
    recorder = _Recorder(path)
    context = MigrationContext.configure(
        dialect_name="postgresql",
        opts={
            "as_sql": True,
            "output_buffer": recorder,
            "transactional_ddl": True,
            "literal_binds": True,
        },
    )
    bind = _OfflineBind(context.connection, path)
    context.connection = context.impl.connection = bind
    _note_get_bind_calls(Operations)

    try:
        module = _load_module(path, item["id"])
        upgrade = getattr(module, "upgrade", None)
        if upgrade is None:
            return _failure(item, recorder, "the revision has no upgrade() function", None)
        with Operations.context(context):
            with context.begin_transaction():
                upgrade()
    except ModuleNotFoundError as error:
        reason = f"importing the revision failed: no module named '{error.name}'"
        return _failure(item, recorder, reason, _line_in(error, path), "missing-module")
    except ImportError as error:
        reason = f"importing the revision failed: {_one_line(error)}"
        return _failure(item, recorder, reason, _line_in(error, path), "missing-module")
    except NeedsDatabase as error:
        return _failure(item, recorder, str(error), _line_in(error, path), "needs-database")
    except (Exception, SystemExit) as error:  # noqa: BLE001 - every failure becomes a finding with its reason
        line = _line_in(error, path)
        where = f" at line {line}" if line else ""
        reason = f"upgrade() raised {type(error).__name__}{where}: {_one_line(error)}"
        if bind.used_at:
            reason += f" (it uses op.get_bind() at line {bind.used_at}, which needs a live database)"
        return _failure(item, recorder, reason, line)
    return {"id": item["id"], "statements": recorder.statements, "error": None}


def _note_get_bind_calls(operations_class) -> None:
    # Remember where the revision asked for the connection, for the reason text.
    original = operations_class.get_bind
    if getattr(original, "_cofee_hooks_wrapped", False):
        return

    def get_bind(self):
        bind = original(self)
        if isinstance(bind, _OfflineBind):
            bind._note_use()
        return bind

    get_bind._cofee_hooks_wrapped = True
    operations_class.get_bind = get_bind


def _failure(item: dict, recorder: "_Recorder", reason: str, line: int | None, kind: str = "error") -> dict:
    return {
        "id": item["id"],
        "statements": recorder.statements,
        "error": {"reason": reason, "line": line, "kind": kind},
    }


def _load_module(path: str, revision_id: str):
    name = "_cofee_hooks_revision_" + "".join(ch if ch.isalnum() else "_" for ch in revision_id)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class _Recorder(io.TextIOBase):
    """The output buffer Alembic writes to: one write() per statement."""

    def __init__(self, revision_path: str) -> None:
        super().__init__()
        self.revision_path = revision_path
        self.statements: list[dict] = []

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        sql = text.strip()
        if sql:
            self.statements.append({"sql": sql, "line": _caller_line(self.revision_path)})
        return len(text)


def _caller_line(revision_path: str) -> int | None:
    # The innermost frame running the revision file's code is the `op.*`
    # call (or the `with` line while an autocommit block opens or closes).
    frame = sys._getframe(1)
    while frame is not None:
        if os.path.abspath(frame.f_code.co_filename) == revision_path:
            return frame.f_lineno
        frame = frame.f_back
    return None


def _line_in(error: BaseException, path: str) -> int | None:
    line = None
    for entry in traceback.extract_tb(error.__traceback__):
        if os.path.abspath(entry.filename) == path:
            line = entry.lineno
    if line is None and isinstance(error, SyntaxError) and error.filename and os.path.abspath(error.filename) == path:
        line = error.lineno
    return line


class _OfflineBind:
    """Stand-in for op.get_bind() offline: SQL is rendered, results cannot be read.

    Alembic's offline connection prints what it executes and returns None,
    so a revision that reads rows would fail with an obscure AttributeError.
    """

    def __init__(self, connection, revision_path: str) -> None:
        self._connection = connection
        self._revision_path = revision_path
        self.used_at: int | None = None
        self.dialect = connection.dialect
        self.engine = self

    def execute(self, statement, *args, **kwargs):
        self._note_use()
        self._connection.execute(statement, *args, **kwargs)
        return _OfflineResult(self._revision_path)

    def exec_driver_sql(self, statement, *args, **kwargs):
        return self.execute(statement, *args, **kwargs)


    def __getattr__(self, name: str):
        # Alembic and SQLAlchemy use the offline connection themselves (an
        # Enum's CREATE TYPE, batch operations); only the revision's own
        # calls that need a database are stopped here.
        self._note_use()
        called_by_revision = os.path.abspath(sys._getframe(1).f_code.co_filename) == self._revision_path
        if called_by_revision and name in _NEEDS_DATABASE:
            raise NeedsDatabase(
                f"upgrade() calls op.get_bind().{name}() at line {self.used_at}, which needs a live database"
            )
        if not name.startswith("__") and hasattr(self._connection, name):
            return getattr(self._connection, name)
        if not called_by_revision:
            # Behave like Alembic's offline connection, which the libraries probe with getattr.
            raise AttributeError(name)
        raise NeedsDatabase(
            f"upgrade() uses op.get_bind().{name} at line {self.used_at}, which needs a live database"
        )

    def _note_use(self) -> None:
        if self.used_at is None:
            self.used_at = _caller_line(self._revision_path)


class _OfflineResult:
    def __init__(self, revision_path: str) -> None:
        self._revision_path = revision_path

    def __getattr__(self, name: str):
        # The line that reads the result, which may differ from the get_bind() line.
        line = _caller_line(self._revision_path)
        member = "iteration" if name == "__iter__" else f".{name}"
        raise NeedsDatabase(
            f"upgrade() reads query results from op.get_bind() ({member} at line {line}), "
            "which needs a live database"
        )

    def __iter__(self):
        return self.__getattr__("__iter__")


def _register_inspection() -> None:
    # sqlalchemy.inspect(op.get_bind()) reads the live schema; say so clearly.
    try:
        from sqlalchemy.inspection import _inspects
    except ImportError:
        return

    @_inspects(_OfflineBind)
    def _inspect_offline(bind: _OfflineBind):
        bind._note_use()
        raise NeedsDatabase(
            f"upgrade() inspects the database through op.get_bind() at line {bind.used_at}, "
            "which needs a live database"
        )


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:500]


def _exit_without_teardown(code: int) -> None:
    """Exit at once once the answer file is written, skipping interpreter teardown.

    Freeing the modules of SQLAlchemy and Alembic at exit takes about 60 ms
    (Python 3.11, SQLAlchemy 2.1), a sixth of the worker's run, and the
    parent waits for it. The atexit handlers still run (logging flushes
    there), and so do the stdout and stderr flushes. A revision that leaves
    a non-daemon thread running gets the normal exit, which waits for it.
    """
    threading = sys.modules.get("threading")
    if threading is not None and any(
        thread is not threading.main_thread() and not thread.daemon and thread.is_alive()
        for thread in threading.enumerate()
    ):
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    # NOTE: a file that a revision opened and never closed is not flushed here.
    os._exit(code)


if __name__ == "__main__":
    _exit_without_teardown(main(sys.argv))
