"""Options and helpers shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from cofee_hooks.config.loader import LoadedConfig

config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Configuration file to use instead of the .claude/cofee-hooks.yaml found above the working directory.",
)


def load(config_file: Path | None, start: Path | None = None) -> LoadedConfig:
    """Load the configuration for a command (raises ConfigError, exit code 2)."""
    # Imported here so that commands pay for PyYAML only when they load settings.
    from cofee_hooks.config.loader import load_config

    return load_config(config_file, start)
