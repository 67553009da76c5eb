"""The `cofee-hooks install` and `uninstall` commands.

`--git` is handled by `cofee_hooks.guard.git_hooks`, `--claude` by
`cofee_hooks.claude.settings`; with neither flag both are done.
"""

from __future__ import annotations

from pathlib import Path

import click


def require_git_work_tree(directory: Path) -> None:
    """Raise UserError in one line when `directory` is not inside a git work tree."""
    from cofee_hooks import git
    from cofee_hooks.errors import UserError

    if not directory.is_dir():
        raise UserError(f"{directory}: folder not found")
    try:
        completed = git.run(["rev-parse", "--is-inside-work-tree"], directory, check=False)
    except git.GitError as error:
        raise UserError(f"cannot run git in {directory}: {error}", 3) from None
    if completed.returncode != 0 or completed.stdout.strip() != b"true":
        raise UserError(
            f"{directory} is not inside a git repository; run git init first, or use --claude only"
        )


def _targets(git: bool, claude: bool) -> tuple[bool, bool]:
    if not git and not claude:
        return True, True
    return git, claude


@click.command("install")
@click.option("--git", "git_hooks", is_flag=True, help="Install the git pre-commit, pre-merge-commit and pre-push hooks.")
@click.option("--claude", "claude_hooks", is_flag=True, help="Merge the Claude Code hooks into .claude/settings.json.")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def install(git_hooks: bool, claude_hooks: bool, directory: Path | None) -> None:
    """Install hooks into the repository or project at DIRECTORY (default: here).

    With neither --git nor --claude, both kinds of hooks are installed.
    """
    directory = (directory or Path.cwd()).resolve()
    do_git, do_claude = _targets(git_hooks, claude_hooks)
    # Check both targets before changing either, so an error leaves nothing half done.
    if do_git:
        require_git_work_tree(directory)
    if do_claude:
        from cofee_hooks.claude.settings import check_claude_settings

        check_claude_settings(directory)
    if do_git:
        from cofee_hooks.guard.git_hooks import install_git_hooks

        for line in install_git_hooks(directory):
            click.echo(line)
    if do_claude:
        from cofee_hooks.claude.settings import install_claude_hooks

        for line in install_claude_hooks(directory):
            click.echo(line)


@click.command("uninstall")
@click.option("--git", "git_hooks", is_flag=True, help="Remove the git hooks that install added.")
@click.option("--claude", "claude_hooks", is_flag=True, help="Remove the tagged entries from .claude/settings.json.")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def uninstall(git_hooks: bool, claude_hooks: bool, directory: Path | None) -> None:
    """Remove what install added at DIRECTORY (default: here), keeping everything else."""
    directory = (directory or Path.cwd()).resolve()
    do_git, do_claude = _targets(git_hooks, claude_hooks)
    if do_git:
        require_git_work_tree(directory)

        from cofee_hooks.guard.git_hooks import uninstall_git_hooks

        for line in uninstall_git_hooks(directory):
            click.echo(line)
    if do_claude:
        from cofee_hooks.claude.settings import uninstall_claude_hooks

        for line in uninstall_claude_hooks(directory):
            click.echo(line)
