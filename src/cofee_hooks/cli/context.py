"""The `cofee-hooks context` commands."""

from __future__ import annotations

import click


@click.group("context")
def context() -> None:
    """Placeholder until the commands are built."""
