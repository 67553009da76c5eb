"""The `cofee-hooks check-commit` command."""

from __future__ import annotations

import click

from cofee_hooks.errors import UserError


@click.command("check-commit")
def check_commit() -> None:
    """Placeholder until the command is built."""
    raise UserError("check-commit is not built yet")
