"""The `cofee-hooks memory` commands."""

from __future__ import annotations

import click


@click.group("memory")
def memory() -> None:
    """Placeholder until the commands are built."""
