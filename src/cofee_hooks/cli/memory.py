"""The `cofee-hooks memory` commands: list, show and prune saved agent memory."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import click

from cofee_hooks.cli.options import config_option, load
from cofee_hooks.config.loader import LoadedConfig
from cofee_hooks.errors import UserError
from cofee_hooks.memory.store import (
    UnsafeName,
    agent_folder,
    list_agents,
    load_summaries,
    memory_root,
    prune as prune_entries,
)


@click.group("memory")
def memory() -> None:
    """List, show and prune the memory agents saved.

    Entries live in <memory.folder>/<agent>/<date>-<topic>.md; memory.folder
    defaults to .claude/agents-memory in the project.
    """


@memory.command("list")
@click.argument("agent", required=False)
@config_option
def list_command(agent: str | None, config_file: Path | None) -> None:
    """List agents with their entry counts, or the entries of AGENT."""
    config = load(config_file)
    root = _root(config)
    if agent is None:
        agents = list_agents(root)
        if not agents and config.source is None:
            click.echo(f"No .claude/cofee-hooks.yaml found in {config.root} or above, so there is no memory to list.")
            return
        if not agents:
            click.echo(f"No memory saved yet in {_shown(config, root)}.")
            return
        for name in agents:
            count = len(load_summaries(os.path.join(root, name)))
            click.echo(f"{name}: {count} {'entry' if count == 1 else 'entries'}")
        return

    folder = _agent_folder(root, agent)
    summaries = load_summaries(folder) if os.path.isdir(folder) else []
    if not summaries:
        raise UserError(f"no memory saved for agent {agent!r} in {_shown(config, root)}")
    for summary in summaries:
        click.echo(_shown(config, os.path.join(folder, summary.file)))
        click.echo(f"    Insight: {summary.insight}")
        click.echo(f"    Applies when: {summary.applies_when}")


@memory.command("show")
@click.argument("file")
@config_option
def show_command(file: str, config_file: Path | None) -> None:
    """Print one entry. FILE is a path inside the memory folder, AGENT/NAME.md, or NAME.md when one agent has it."""
    config = load(config_file)
    root = _root(config)
    real_root = os.path.realpath(root)
    candidates = [Path(file), Path(root) / file]
    if "/" not in file and os.sep not in file:
        candidates.extend(Path(root) / name / file for name in list_agents(root))
    found = []
    for candidate in candidates:
        if not candidate.is_file():
            continue
        real = os.path.realpath(candidate)
        if not real.startswith(real_root.rstrip(os.sep) + os.sep):
            raise UserError(f"{file}: not inside the memory folder {_shown(config, root)}; give a file of that folder")
        if real not in found:
            found.append(real)
    if len(found) > 1:
        names = ", ".join(_shown(config, path) for path in found)
        raise UserError(f"{file} is in several agent folders: {names}; give AGENT/{file}")
    if not found:
        raise UserError(f"memory file not found: {file} (also looked in {_shown(config, root)})")
    try:
        click.echo(Path(found[0]).read_text(encoding="utf-8", errors="replace"), nl=False)
    except OSError as error:
        raise UserError(f"{found[0]}: cannot read memory file: {error.strerror}") from None


@memory.command("prune")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=0),
    required=True,
    help="Required: delete entries whose file name date is more than this many days before today "
    "(there is no default, so nothing is deleted by accident).",
)
@click.option("--dry-run", is_flag=True, help="Print what would be deleted and delete nothing.")
@click.argument("agent", required=False)
@config_option
def prune_command(days: int, dry_run: bool, agent: str | None, config_file: Path | None) -> None:
    """Delete old entries of every agent, or of AGENT, and update the indexes.

    An entry's age is the date that starts its file name; files without one
    are kept.
    """
    config = load(config_file)
    root = _root(config)
    cutoff = (datetime.date.today() - datetime.timedelta(days=days)).isoformat()
    agents = [agent] if agent else list_agents(root)
    verb = "would delete" if dry_run else "deleted"
    total = 0
    for name in agents:
        _agent_folder(root, name)
        try:
            removed = prune_entries(root, name, cutoff, dry_run=dry_run)
        except OSError as error:
            raise UserError(f"{_shown(config, root)}/{name}: cannot prune: {error.strerror}") from None
        for path in removed:
            click.echo(f"{verb} {_shown(config, path)}")
        total += len(removed)
    click.echo(f"{verb} {total} {'entry' if total == 1 else 'entries'} dated before {cutoff}")


def _root(config: LoadedConfig) -> str:
    try:
        return memory_root(config)
    except UnsafeName as error:
        raise UserError(f"{config.source or 'configuration'}: {error}") from None


def _agent_folder(root: str, agent: str) -> str:
    try:
        return agent_folder(root, agent)
    except UnsafeName as error:
        raise UserError(f"invalid agent name: {error}") from None


def _shown(config: LoadedConfig, path: str) -> str:
    relative = os.path.relpath(path, str(config.root))
    return path if relative.startswith("..") else relative
