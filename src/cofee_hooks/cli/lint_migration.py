"""The `cofee-hooks lint-migration` command."""

from __future__ import annotations

import click

from cofee_hooks.errors import UserError


@click.command("lint-migration")
def lint_migration() -> None:
    """Placeholder until the command is built."""
    raise UserError("lint-migration is not built yet")
