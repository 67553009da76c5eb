"""The `cofee-hooks lint-migration` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cofee_hooks.cli.options import config_option, load
from cofee_hooks.config.schema import FAIL_ON_LEVELS
from cofee_hooks.lint.report import FORMATS, ReportOptions, render_report, use_colour


@click.command("lint-migration")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PROJECT_DIR | --files PATH...]")
@config_option
@click.option(
    "--revision",
    "revision_ids",
    multiple=True,
    metavar="ID",
    help=(
        "Lint this revision: an id, a unique id prefix (as in Alembic, matched against ids longer "
        "than three characters), a branch label, LABEL@head, or head/heads; repeatable."
    ),
)
@click.option("--all", "all_revisions", is_flag=True, help="Lint every revision, not only the heads.")
@click.option(
    "--since",
    "since_ref",
    default=None,
    metavar="REF",
    help="Lint every revision file added or modified since the git commit REF (uncommitted changes included).",
)
@click.option("--staged", is_flag=True, help="Lint the revision files staged in the git index (for pre-commit).")
@click.option("--files", "files_mode", is_flag=True, help="Lint exactly the revision files given as PATH arguments.")
@click.option("--no-cache", is_flag=True, help="Render and run squawk again instead of reading the cache.")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_LEVELS),
    default=None,
    help="Lowest severity that makes the exit code 1 [default: migrations.fail_on, warning].",
)
@click.option("--pg-version", default=None, metavar="VERSION", help="PostgreSQL version for squawk, e.g. 16.")
@click.option(
    "--use-env",
    is_flag=True,
    default=None,
    help="Render through the project's own Alembic command and env.py (migrations.alembic_command).",
)
@click.option(
    "--python",
    default=None,
    metavar="COMMAND",
    help="Interpreter or command that renders revisions, e.g. 'uv run python' [default: the project's venv].",
)
def lint_migration(
    paths: tuple[Path, ...],
    config_file: Path | None,
    revision_ids: tuple[str, ...],
    all_revisions: bool,
    since_ref: str | None,
    staged: bool,
    files_mode: bool,
    no_cache: bool,
    format_name: str,
    fail_on: str | None,
    pg_version: str | None,
    use_env: bool | None,
    python: str | None,
) -> int:
    """Render Alembic revisions to SQL offline and lint them with squawk.

    PROJECT_DIR is the folder that contains alembic.ini (default:
    migrations.project_dir, else the working directory). Without --revision
    or --all, the head revisions are linted. Findings point at the Python
    line of the op.* call that emitted the SQL. --since REF, --staged and
    --files PATH... select changed revision files instead.

    Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or
    configuration error, 3 the tool could not work (squawk missing or
    crashed, project not found).
    """
    from cofee_hooks.cli import early as cli_early
    from cofee_hooks.migrations.render import start_worker_early

    if pg_version is not None:
        _check_pg_version_option(pg_version)
    modes = [name for name, used in _selection_modes(revision_ids, all_revisions, since_ref, staged, files_mode) if used]
    if len(modes) > 1:
        raise click.UsageError(f"{' and '.join(modes)} cannot be used together")
    if files_mode and not paths:
        raise click.UsageError("--files needs at least one revision file PATH")
    missing = [str(path) for path in paths if files_mode and not path.is_file()]
    if missing:
        raise click.UsageError(f"--files: {', '.join(missing)}: file not found")
    if not files_mode and len(paths) > 1:
        raise click.UsageError("give one PROJECT_DIR, or use --files to lint several revision files")
    project_dir = paths[0] if paths and not files_mode else None
    # A cold run (--no-cache) starts rendering before the settings load, so the worker's
    # Alembic import overlaps them. With the cache on, an unchanged run never imports Alembic.
    selects_files = files_mode or staged or since_ref is not None
    early = no_cache and not (selects_files or use_env or python)
    worker = (cli_early.take(project_dir) or start_worker_early(project_dir)) if early else None
    from cofee_hooks.lint.engine import LintRequest, lint

    try:
        config = load(config_file)
        settings = config.section("migrations")
        _check_overrides(settings, str(config.source or "configuration"))
        if config.source is not None:
            root = config.root
        else:
            root = _default_root(paths[0] if paths else None)
        if not settings.get("enabled", True):
            # The command was run directly, so it still lints and tells why the hooks stay quiet.
            click.echo(
                f"cofee-hooks: note: migrations.enabled is false in {config.source}, so the git pre-commit "
                "and Claude Code hooks skip migration lint. This command lints because it was run directly.",
                err=True,
            )
        files = tuple(paths) if files_mode else _changed_files(since_ref, staged, project_dir, settings, root)
        contents = _staged_contents(files, project_dir, settings, root) if staged and files else None
        request = LintRequest(
            settings=settings,
            config_root=root,
            project_dir=project_dir,
            revision_ids=revision_ids,
            all_revisions=all_revisions,
            files=files,
            use_cache=not no_cache,
            pg_version=pg_version,
            use_env=use_env,
            python=python,
            early_worker=worker,
            contents=contents,
        )
        result = lint(request)
    finally:
        if worker is not None:
            worker.cancel()

    options = ReportOptions(colour=format_name == "text" and use_colour(sys.stdout))
    click.echo(render_report(result, format_name, options), nl=False)
    return result.exit_code(fail_on or settings.get("fail_on", "warning"))


def _default_root(path: Path | None) -> Path:
    """Return where the cache goes without a configuration file: the git top level, else the project folder.

    `path` is PROJECT_DIR or the first --files PATH; without it, the working directory.
    """
    from cofee_hooks import git

    folder = (path or Path.cwd()).resolve()
    if not folder.is_dir():
        folder = folder.parent
    completed = git.run(["rev-parse", "--show-toplevel"], folder, check=False)
    top = completed.stdout.decode(errors="replace").strip()
    return Path(top).resolve() if completed.returncode == 0 and top else folder


def _selection_modes(
    revision_ids: tuple[str, ...], all_revisions: bool, since_ref: str | None, staged: bool, files_mode: bool
) -> list[tuple[str, bool]]:
    return [
        ("--revision", bool(revision_ids)),
        ("--all", all_revisions),
        ("--since", since_ref is not None),
        ("--staged", staged),
        ("--files", files_mode),
    ]


def _changed_files(
    since_ref: str | None, staged: bool, project_dir: Path | None, settings: dict, config_root: Path
) -> tuple[Path, ...] | None:
    """Return the revision files --since or --staged select, or None when neither is given."""
    if since_ref is None and not staged:
        return None
    from cofee_hooks.lint import selection
    from cofee_hooks.migrations.project import find_project

    project = find_project(project_dir, settings, config_root)
    if staged:
        return selection.staged_revision_files(project.versions_dirs, project.recursive, project.directory)
    return selection.revision_files_since(since_ref, project.versions_dirs, project.recursive, project.directory)


def _staged_contents(
    files: tuple[Path, ...], project_dir: Path | None, settings: dict, config_root: Path
) -> dict[Path, bytes]:
    """Read the staged content of the selected files, which is what the commit will contain."""
    from cofee_hooks.lint import selection
    from cofee_hooks.migrations.project import find_project

    project = find_project(project_dir, settings, config_root)
    return selection.staged_contents(files, project.directory)


def _check_overrides(settings: dict, source: str) -> None:
    from cofee_hooks.lint.overrides import check_override_names, check_squawk_settings

    check_override_names(settings.get("rules") or {}, settings.get("groups") or {}, source)
    check_squawk_settings(settings, source)


def _check_pg_version_option(value: str) -> None:
    from cofee_hooks.lint.overrides import PG_VERSION_EXPECTED, pg_version_problem

    if pg_version_problem(value):
        raise click.UsageError(f"--pg-version: invalid value {value!r}; {PG_VERSION_EXPECTED}")
