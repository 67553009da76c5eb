"""The `cofee-hooks doctor` command."""

from __future__ import annotations

import click

from cofee_hooks.errors import UserError


@click.command("doctor")
def doctor() -> None:
    """Placeholder until the command is built."""
    raise UserError("doctor is not built yet")
