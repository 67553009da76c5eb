"""The `cofee-hooks lint-migration` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cofee_hooks.cli.options import config_option, load
from cofee_hooks.config.schema import FAIL_ON_LEVELS
from cofee_hooks.lint.report import FORMATS, ReportOptions, render_report, use_colour


@click.command("lint-migration")
@click.argument(
    "project_dir",
    required=False,
    type=click.Path(file_okay=False, path_type=Path),
)
@config_option
@click.option(
    "--revision",
    "revision_ids",
    multiple=True,
    metavar="ID",
    help="Lint this revision (id, unique prefix of four or more characters, or branch label); repeatable.",
)
@click.option("--all", "all_revisions", is_flag=True, help="Lint every revision, not only the heads.")
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
    project_dir: Path | None,
    config_file: Path | None,
    revision_ids: tuple[str, ...],
    all_revisions: bool,
    format_name: str,
    fail_on: str | None,
    pg_version: str | None,
    use_env: bool | None,
    python: str | None,
) -> int:
    """Render Alembic revisions to SQL offline and lint them with squawk.

    PROJECT_DIR is the folder that holds alembic.ini (default:
    migrations.project_dir, else the working directory). Without --revision
    or --all, the head revisions are linted. Findings point at the Python
    line of the op.* call that emitted the SQL.

    Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or
    configuration error, 3 the tool could not work (squawk missing or
    crashed, project not found).
    """
    from cofee_hooks.lint.engine import LintRequest, lint

    if revision_ids and all_revisions:
        raise click.UsageError("--revision and --all cannot be used together")
    config = load(config_file)
    settings = config.section("migrations")
    request = LintRequest(
        settings=settings,
        config_root=config.root,
        project_dir=project_dir,
        revision_ids=revision_ids,
        all_revisions=all_revisions,
        pg_version=pg_version,
        use_env=use_env,
        python=python,
    )
    result = lint(request)

    options = ReportOptions(colour=format_name == "text" and use_colour(sys.stdout))
    click.echo(render_report(result, format_name, options), nl=False)
    return result.exit_code(fail_on or settings.get("fail_on", "warning"))
