"""The `cofee-hooks context` commands: check the registry and rules, preview the block."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cofee_hooks.cli.options import config_option, load
from cofee_hooks.errors import EXIT_FINDINGS, EXIT_OK


@click.group("context")
def context() -> None:
    """Check the Context7 registry and rule files, or preview what a task gets."""


@context.command("check")
@config_option
def check(config_file: Path | None) -> None:
    """Validate the registry, agent Context7 tables and rule file frontmatter.

    Exit status: 0 when everything agrees, 1 when problems were found,
    2 for an invalid configuration.
    """
    from cofee_hooks.context.check import check_agent_files, check_registry, check_rule_files
    from cofee_hooks.context.registry import Registry

    loaded = load(config_file)
    root = str(loaded.root)
    source = _display_path(loaded.source, loaded.root)
    registry = Registry.from_config(loaded.values)
    rule_dirs = loaded.values["context"]["rule_dirs"]
    if loaded.source is None:
        click.echo(f"No .claude/cofee-hooks.yaml found in {root} or above; checking the default settings there.", err=True)

    problems = [
        *check_registry(registry, source),
        *check_agent_files(registry, root, source),
        *check_rule_files(root, rule_dirs, source),
    ]
    for problem in problems:
        click.echo(str(problem))
    errors = [problem for problem in problems if not problem.warning]
    if errors:
        warnings = len(problems) - len(errors)
        click.echo(f"{len(errors)} problem(s) found" + (f", {warnings} warning(s)" if warnings else ""), err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo(
        f"context configuration OK: {len(registry.libraries)} librar{'y' if len(registry.libraries) == 1 else 'ies'}, "
        f"{len(registry.agents)} agent(s) in the registry; "
        f"checked {_count_files(root, ['.claude/agents'])} agent file(s) and "
        f"{_count_files(root, rule_dirs)} rule file(s) in {', '.join(rule_dirs) or 'no rule folder'}"
    )
    sys.exit(EXIT_OK)


def _count_files(root: str, folders: list[str]) -> int:
    import os

    count = 0
    for folder in folders:
        for _, _, files in os.walk(os.path.join(root, folder)):
            count += sum(1 for name in files if name.endswith(".md"))
    return count


@context.command("show")
@config_option
@click.option("--agent", default="", metavar="NAME", help="Subagent type to preview, as in the Agent tool's subagent_type.")
@click.argument("task", nargs=-1, required=True)
def show(config_file: Path | None, agent: str, task: tuple[str, ...]) -> None:
    """Print the block a subagent dispatch with TASK as its prompt would get.

    Session state is neither read nor written, so the output is what a
    fresh subagent receives (without memory recall).
    """
    from cofee_hooks.config.fast import FastConfig
    from cofee_hooks.context.hooks import dispatch_injection

    loaded = load(config_file)
    config = FastConfig(loaded.values, str(loaded.source) if loaded.source else None, str(loaded.root))
    injection = dispatch_injection(config, agent, " ".join(task))
    if not injection.text:
        click.echo("Nothing applies: no library is mentioned or assigned, and no scoped rule matches.")
        return
    click.echo(injection.text, nl=False)
    click.echo(f"({len(injection.text)} characters)", err=True)


def _display_path(source: Path | None, root: Path) -> str:
    if source is None:
        return "<defaults>"
    try:
        return str(source.relative_to(root))
    except ValueError:
        return str(source)
