"""The `cofee-hooks init` command."""

from __future__ import annotations

from pathlib import Path

import click

from cofee_hooks.errors import UserError
from cofee_hooks.workspace import InitReport, lay_down


@click.command("init")
@click.option("--force", is_flag=True, help="Overwrite files whose content differs from the templates.")
@click.option(
    "--install",
    "then_install",
    is_flag=True,
    help="Also install the git and Claude Code hooks, as `cofee-hooks install` does.",
)
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def init(force: bool, then_install: bool, directory: Path | None) -> None:
    """Lay down the team workspace configuration in DIRECTORY (default: here).

    Writes .claude/ (agents, rules, team protocol, cofee-hooks.yaml),
    .mcp.json, CLAUDE.md and .gitignore. A file that exists with other
    content is kept and listed, unless --force is given.
    """
    target = (directory or Path.cwd()).resolve()
    report = lay_down(target, force=force)
    _print_report(report)

    if then_install:
        from cofee_hooks.cli.install import install

        if not _is_git_work_tree(target):
            raise UserError(
                f"{target} is not inside a git repository, so no hooks were installed; "
                f"run `git init {target}`, then `cofee-hooks install {target}`"
            )

        click.get_current_context().invoke(install, directory=target)

    _print_next_steps(target, report, then_install)


def _print_report(report: InitReport) -> None:
    for path in report.created:
        click.echo(f"created {path}")
    for path in report.overwritten:
        click.echo(f"overwrote {path}")
    if report.unchanged:
        click.echo(f"{len(report.unchanged)} file(s) already up to date")
    if report.skipped:
        click.echo(f"skipped {len(report.skipped)} file(s) that differ from the templates (use --force to overwrite):")
        for path in report.skipped:
            click.echo(f"  {path}")


def _print_next_steps(target: Path, report: InitReport, installed: bool) -> None:
    argument = "" if target == Path.cwd().resolve() else f" {target}"
    steps = []
    if not _is_git_work_tree(target):
        steps.append(f"git init{argument}   (the workspace must be a git repository)")
    git_done, claude_done = _installed_hooks(target)
    if installed or (git_done and claude_done):
        click.echo("The git hooks and the Claude Code hooks are installed.")
    elif git_done:
        steps.append(f"cofee-hooks install --claude{argument}   (the git hooks are installed already)")
    elif claude_done:
        steps.append(f"cofee-hooks install --git{argument}   (the Claude Code hooks are installed already)")
    else:
        steps.append(f"cofee-hooks install{argument}   (git hooks and Claude Code hooks)")
    steps.append(f"cofee-hooks doctor{argument}   (checks that every hook is in place and works)")
    if report.skipped:
        steps.append("compare the skipped files with the templates, or run init again with --force")

    click.echo("")
    click.echo("Next steps:")
    for number, step in enumerate(steps, start=1):
        click.echo(f"  {number}. {step}")


def _installed_hooks(target: Path) -> tuple[bool, bool]:
    """Return whether the guard's pre-commit hook and the Claude Code entries are installed at `target`."""
    import json

    from cofee_hooks import git
    from cofee_hooks.claude.settings import installed_entries
    from cofee_hooks.guard.git_hooks import is_managed

    git_done = False
    if _is_git_work_tree(target):
        try:
            git_done = is_managed(str(Path(git.hooks_path(target)) / "pre-commit"))
        except git.GitError:
            git_done = False
    try:
        settings = json.loads((target / ".claude" / "settings.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        settings = None
    return git_done, bool(installed_entries(settings))


def _is_git_work_tree(folder: Path) -> bool:
    from cofee_hooks import git

    try:
        completed = git.run(["rev-parse", "--is-inside-work-tree"], folder, check=False)
    except git.GitError:
        return False
    return completed.returncode == 0 and completed.stdout.strip() == b"true"
