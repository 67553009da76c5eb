"""The `cofee-hooks init` command."""

from __future__ import annotations

import click

from cofee_hooks.errors import UserError


@click.command("init")
def init() -> None:
    """Placeholder until the command is built."""
    raise UserError("init is not built yet")
