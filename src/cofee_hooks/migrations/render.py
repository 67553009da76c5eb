"""Render revisions to PostgreSQL SQL: the one place that runs Alembic.

Alembic and SQLAlchemy are never imported here. Offline rendering runs
`_render_worker.py` under the project's interpreter, which imports only the
selected revision modules and runs their `upgrade()`; several revisions share
one worker process to pay the import cost once. `render_with_env` instead runs
the project's own Alembic command (`upgrade PARENT:REV --sql`), for projects
whose env.py changes how SQL is rendered.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cofee_hooks.errors import ConfigError, ToolFailure, UserError
from cofee_hooks.migrations.graph import RevisionFile
from cofee_hooks.migrations.project import AlembicProject, find_project_python, read_alembic_ini

WORKER = Path(__file__).with_name("_render_worker.py")
_STDERR_TAIL = 400
# Seconds the worker may spend importing Alembic and the project on top of the per-revision timeouts.
_IMPORT_ALLOWANCE = 30


@dataclass(frozen=True)
class Statement:
    """One emitted SQL statement and the 1-based revision line that emitted it (None if unknown)."""

    sql: str
    line: int | None


@dataclass(frozen=True)
class Rendering:
    """The upgrade SQL of one revision, or why it could not be rendered."""

    revision: str
    statements: tuple[Statement, ...]
    error: str | None = None
    error_line: int | None = None
    # What kind of failure: "missing-module", "needs-database", "timeout", "env-command" or "error".
    error_kind: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class SqlText:
    """SQL as handed to squawk, with the revision line of every SQL line (index 0 is SQL line 1)."""

    text: str
    python_lines: tuple[int | None, ...]

    def python_line(self, sql_line: int) -> int | None:
        """Return the revision line behind a 1-based SQL line, if one is known."""
        if 1 <= sql_line <= len(self.python_lines):
            return self.python_lines[sql_line - 1]
        return None


class RenderWorker:
    """A render worker process, started before the revisions to render are known.

    Starting it early lets its Alembic import run while the caller builds the
    graph and selects revisions. `render` sends the request once;
    `cancel` stops a worker that turned out not to be needed.
    """

    def __init__(self, project: AlembicProject, python: list[str], timeout: int) -> None:
        self.python = python
        self.timeout = timeout
        self.directory = project.directory
        self.sys_path = project.prepend_sys_path
        self._scratch = tempfile.TemporaryDirectory(prefix="cofee-hooks-render-")
        self._answer_path = Path(self._scratch.name) / "answer.json"
        sys_path = json.dumps([str(path) for path in project.prepend_sys_path])
        command = [*python, str(WORKER), str(self._answer_path), sys_path]
        try:
            self._process = subprocess.Popen(
                command,
                cwd=project.directory,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        except FileNotFoundError as error:
            self._scratch.cleanup()
            raise ConfigError(
                f"render interpreter '{python[0]}' not found ({error.strerror}). "
                "Set --python or migrations.python to an interpreter or a command such as 'uv run python'"
            ) from error

    def render(self, revisions: list[RevisionFile]) -> dict[str, Rendering]:
        """Render each revision's upgrade() offline; the worker exits afterwards.

        Failures of a revision (a missing module, op.get_bind() reads, any
        exception) come back as a `Rendering` with `error` set.
        """
        if not revisions:
            self.cancel()
            return {}
        request = {
            "revisions": [{"id": rev.revision, "path": str(rev.path)} for rev in revisions],
            "timeout": self.timeout,
        }
        try:
            # The worker times each revision out on its own; this outer limit
            # only catches code that blocks the alarm (a C call that ignores
            # signals) or a platform without SIGALRM.
            failure = self._communicate(json.dumps(request), self.timeout * len(revisions) + _IMPORT_ALLOWANCE)
            answer = self._read_answer() if failure is None else None
        finally:
            self._scratch.cleanup()
        if answer is not None and "fatal" in answer:
            # Without Alembic nothing can be rendered: the tool could not work at all.
            raise ToolFailure(str(answer["fatal"]))
        if answer is None:
            reason = failure or "the render worker returned nothing"
            return {rev.revision: Rendering(rev.revision, (), reason) for rev in revisions}
        return _renderings(answer["results"], revisions)

    def serves(self, project: AlembicProject, python: list[str]) -> bool:
        """Return whether this worker runs where and how `project` must be rendered."""
        return (
            self._process.poll() is None
            and self.directory == project.directory
            and self.sys_path == project.prepend_sys_path
            and self.python == python
        )

    def cancel(self) -> None:
        """Stop the worker if it still runs; safe to call more than once."""
        if self._process.returncode is None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.communicate()
        self._scratch.cleanup()

    def _communicate(self, request: str, timeout: int) -> str | None:
        try:
            _, stderr = self._process.communicate(request, timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            return (
                f"rendering timed out after {timeout} s, so the worker was stopped "
                f"(migrations.render_timeout: {self.timeout} s per revision)"
            )
        if self._process.returncode != 0 or not self._answer_path.exists():
            return (
                f"the render worker ({shlex.join(self.python)}) failed with exit code "
                f"{self._process.returncode}: {_tail(stderr)}"
            )
        return None

    def _read_answer(self) -> dict | None:
        try:
            return json.loads(self._answer_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def start_worker(project: AlembicProject, python: list[str], timeout: int) -> RenderWorker:
    """Start a render worker under `python` (raises ConfigError when the command does not exist)."""
    return RenderWorker(project, python, timeout)


def start_worker_early(project_dir: Path | None) -> RenderWorker | None:
    """Start a render worker for the project in `project_dir` (or here) before settings load.

    Loading settings and the graph takes a while; a worker started first
    imports Alembic meanwhile. `lint` uses it when the settings lead to the
    same folder and interpreter, and stops it otherwise. Returns None when
    there is no alembic.ini to guess from; errors are left to the real run.
    """
    directory = (project_dir or Path.cwd()).resolve()
    try:
        project = read_alembic_ini(directory / "alembic.ini")
        return start_worker(project, find_project_python(project, None), 120)
    except UserError:
        return None


def render_revisions(
    project: AlembicProject,
    revisions: list[RevisionFile],
    python: list[str],
    timeout: int,
) -> dict[str, Rendering]:
    """Render each revision's upgrade() offline in one worker process."""
    return start_worker(project, python, timeout).render(revisions)


def render_with_env(
    project: AlembicProject,
    revision: RevisionFile,
    alembic_command: str,
    timeout: int,
) -> Rendering:
    """Render one revision through the project's own `alembic upgrade PARENT:REV --sql`.

    env.py runs, so whatever it configures applies. The alembic_version
    statements are removed; every statement maps to the `def upgrade` line
    because the revision's frames are not visible from outside.
    """
    command = [*shlex.split(alembic_command)]
    if project.ini_path is not None:
        command += ["-c", str(project.ini_path)]
    command += ["upgrade", upgrade_range(revision), "--sql"]
    try:
        completed = subprocess.run(
            command, cwd=project.directory, capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError as error:
        raise ConfigError(f"migrations.alembic_command: '{command[0]}' not found ({error.strerror})") from error
    except subprocess.TimeoutExpired:
        return Rendering(revision.revision, (), f"'{shlex.join(command)}' timed out after {timeout} s")
    if completed.returncode != 0:
        reason = (
            f"'{shlex.join(command)}' failed with exit code {completed.returncode}: {_last_line(completed.stderr)} "
            f"(run the command in {project.directory} to see the whole output)"
        )
        return Rendering(revision.revision, (), reason, error_kind="env-command")
    line = revision.upgrade_line
    statements = tuple(Statement(sql, line) for sql in revision_statements(completed.stdout, revision.revision))
    return Rendering(revision.revision, statements)


def upgrade_range(revision: RevisionFile) -> str:
    """Return the `START:END` argument for `alembic upgrade --sql` that reaches one revision.

    Alembic's command line takes one start revision, so a merge starts from its
    first parent and the other parents' revisions are cut out of the output by
    `revision_statements`; a first revision starts from `base`.
    """
    start = revision.down_revisions[0] if revision.down_revisions else "base"
    return f"{start}:{revision.revision}"


def revision_statements(output: str, revision_id: str) -> list[str]:
    """Cut one revision's statements out of `alembic upgrade --sql` output.

    Alembic marks each revision with a `-- Running upgrade PARENTS -> REV`
    comment. The revision's BEGIN/COMMIT are kept (added when the whole run
    shares one transaction) and the alembic_version bookkeeping is dropped.
    """
    segments: list[tuple[str | None, list[str]]] = [(None, [])]
    for chunk in output.split("\n\n"):
        chunk = chunk.strip()
        if chunk.startswith("-- Running upgrade"):
            target = chunk.rsplit("->", 1)[-1].strip()
            carried = [segments[-1][1].pop()] if segments[-1][1][-1:] == ["BEGIN;"] else []
            segments.append((target, carried))
            continue
        sql = "\n".join(line for line in chunk.splitlines() if not line.startswith("-- ")).strip()
        if sql and "alembic_version" not in sql:
            segments[-1][1].append(sql)

    statements = next((found for target, found in segments if target == revision_id), [])
    if statements[:1] != ["BEGIN;"]:
        statements = ["BEGIN;", *statements]
    if statements[-1:] != ["COMMIT;"]:
        statements = [*statements, "COMMIT;"]
    return statements


def sql_text(rendering: Rendering, fallback_line: int | None) -> SqlText:
    """Join a rendering's statements into one SQL text with a revision line per SQL line."""
    parts: list[str] = []
    lines: list[int | None] = []
    for statement in rendering.statements:
        statement_lines = statement.sql.splitlines() or [""]
        parts.extend(statement_lines)
        lines.extend([statement.line or fallback_line] * len(statement_lines))
    return SqlText("\n".join(parts) + "\n", tuple(lines))


def _renderings(results: list[dict], revisions: list[RevisionFile]) -> dict[str, Rendering]:
    renderings: dict[str, Rendering] = {}
    for result in results:
        statements = tuple(Statement(item["sql"], item.get("line")) for item in result.get("statements", []))
        error = result.get("error") or {}
        if error:
            statements = _close_transaction(statements)
        renderings[result["id"]] = Rendering(
            revision=result["id"],
            statements=statements,
            error=error.get("reason"),
            error_line=error.get("line"),
            error_kind=error.get("kind") if error else None,
        )
    for revision in revisions:
        renderings.setdefault(revision.revision, Rendering(revision.revision, (), "the render worker skipped it"))
    return renderings


def _close_transaction(statements: tuple[Statement, ...]) -> tuple[Statement, ...]:
    # A revision that failed half-way left its transaction open; close it so
    # squawk judges the statements that did render, not the missing COMMIT.
    markers = [statement.sql for statement in statements if statement.sql in ("BEGIN;", "COMMIT;")]
    if markers and markers[-1] == "BEGIN;":
        return (*statements, Statement("COMMIT;", None))
    return statements


def _last_line(text: str) -> str:
    # A Python traceback ends with the exception, which is the line that explains the failure.
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:_STDERR_TAIL] if lines else "no error output"


def _tail(text: str) -> str:
    text = " ".join(text.split())
    return text[-_STDERR_TAIL:] if text else "no error output"
