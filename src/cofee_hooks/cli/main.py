"""Entry point of the `cofee-hooks` command.

Commands load lazily, so `cofee-hooks explain` does not pay for Alembic.
Every `UserError` becomes one line on stderr and its exit code; an
unexpected exception becomes one line too, with the traceback kept for
`COFEE_HOOKS_DEBUG=1`.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

from cofee_hooks.cli import early

# Before importing click: a cold lint-migration run starts its render worker
# here, so that the worker's Alembic import also overlaps the import of click
# and of the command modules.
early.prestart(sys.argv[1:])

import click  # noqa: E402 - imported after the early start on purpose

from cofee_hooks import __version__
from cofee_hooks.errors import EXIT_TOOL_FAILURE, UserError

# command name -> (module, attribute, one-line help shown in `--help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "lint-migration": ("cofee_hooks.cli.lint_migration", "lint_migration", "Lint Alembic revisions: heads, all, staged or since REF."),
    "explain": ("cofee_hooks.cli.explain", "explain", "Explain a lint rule, with examples."),
    "check-commit": ("cofee_hooks.cli.check_commit", "check_commit", "Check staged paths or a commit range against the policy."),
    "install": ("cofee_hooks.cli.install", "install", "Install the git hooks, Claude Code hooks, or both (default)."),
    "uninstall": ("cofee_hooks.cli.install", "uninstall", "Remove the hooks that install added."),
    "doctor": ("cofee_hooks.cli.doctor", "doctor", "Report what is installed and whether it works."),
    "context": ("cofee_hooks.cli.context", "context", "Check the Context7 registry; show what a dispatch gets."),
    "memory": ("cofee_hooks.cli.memory", "memory", "List, show and prune agent memory."),
    "init": ("cofee_hooks.cli.init", "init", "Lay down the team workspace configuration."),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        entry = COMMANDS.get(name)
        if entry is None:
            return None
        module_name, attribute, _ = entry
        module = importlib.import_module(module_name)
        return getattr(module, attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cofee-hooks")
def cli() -> None:
    """Hooks that make a team's Claude Code workflow enforce itself.

    Configuration is read from .claude/cofee-hooks.yaml, found by walking up
    from the working directory, or from --config FILE where a command offers it.
    """

# click 8.2 raises this UsageError when a group is run without a command.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def main(argv: list[str] | None = None) -> None:
    """Run the command line and exit with its code."""
    try:
        _run(argv)
    finally:
        early.cancel_unused()


def _run(argv: list[str] | None) -> None:
    try:
        code = cli.main(args=argv, prog_name="cofee-hooks", standalone_mode=False)
    except UserError as error:
        click.echo(f"cofee-hooks: {error.message}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("cofee-hooks: aborted", err=True)
        sys.exit(130)
    except _NO_ARGS_IS_HELP as error:
        # A group run without a command shows its help, which lists the subcommands.
        error.show()
        sys.exit(error.exit_code)
    except click.UsageError as error:
        message = _one_line(error).rstrip(".")
        click.echo(f"cofee-hooks: {message} (see '{_help_command(error)}')", err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        click.echo(f"cofee-hooks: {_one_line(error)}", err=True)
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        if os.environ.get("COFEE_HOOKS_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"cofee-hooks: internal error: {type(error).__name__}: {error} "
            "(set COFEE_HOOKS_DEBUG=1 to see the traceback)",
            err=True,
        )
        sys.exit(EXIT_TOOL_FAILURE)
    sys.exit(code if isinstance(code, int) else 0)


def _one_line(error: click.ClickException) -> str:
    # click may add a second line ("Did you mean ...?"); errors stay one line.
    return " ".join(part.strip() for part in error.format_message().splitlines() if part.strip())


def _help_command(error: click.UsageError) -> str:
    """Return the help command for the (sub)command the usage error belongs to."""
    path = error.ctx.command_path if error.ctx is not None else ""
    if not path:
        path = "cofee-hooks"
    return f"{path} --help"


if __name__ == "__main__":
    main()
