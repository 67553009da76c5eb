"""Options and helpers shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click

from cofee_hooks.config.loader import LoadedConfig, load_config

config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Configuration file to use instead of the .claude/cofee-hooks.yaml found above the working directory.",
)


def load(config_file: Path | None, start: Path | None = None) -> LoadedConfig:
    """Load the configuration for a command (raises ConfigError, exit code 2)."""
    return load_config(config_file, start)
