"""The `cofee-hooks explain` command."""

from __future__ import annotations

import click

from cofee_hooks.errors import UserError


@click.command("explain")
def explain() -> None:
    """Placeholder until the command is built."""
    raise UserError("explain is not built yet")
