"""The `cofee-hooks check-commit` command: the commit policy on the staged set or a range."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from cofee_hooks import git
from cofee_hooks.cli.options import config_option
from cofee_hooks.errors import EXIT_FINDINGS, EXIT_TOOL_FAILURE, UserError


@click.command("check-commit")
@click.option(
    "--range",
    "revision_range",
    metavar="A..B",
    default=None,
    help="Check every commit in this range (as git rev-list takes it) instead of the staged set.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@config_option
def check_commit(revision_range: str | None, output_format: str, config_file: Path | None) -> None:
    """Check staged paths, or the commits of a range, against the commit policy.

    Exit code 0 when everything is allowed (or the guard is off), 1 when a
    path is refused, 2 for a usage or configuration error, 3 when git fails.
    """
    from cofee_hooks.guard.hook import commit_subject, range_verdicts, staged_verdict

    toplevel = _toplevel(os.getcwd())
    policy, source = _load_policy(toplevel, config_file)
    if not policy.enabled:
        reason = (
            f"no {os.path.join('.claude', 'cofee-hooks.yaml')} in {toplevel}"
            if source is None
            else f"commit_guard.enabled is false or commit_guard is missing in {source}"
        )
        _report_off(output_format, reason, revision_range)
        return

    if revision_range is None:
        verdict, _changes = staged_verdict(policy, toplevel)
        results = [("", "", verdict)]
    else:
        if not revision_range.strip() or revision_range.startswith("-"):
            raise UserError(f"invalid --range {revision_range!r}; expected a revision range such as origin/main..HEAD")
        revisions = revision_range.split()
        # GitPython lists the commits and their parents here, where start-up
        # time does not matter; the pre-push hook lists them with plumbing.
        results = range_verdicts(policy, revisions, toplevel, commits=git.range_commits(revisions, toplevel))

    allowed = all(verdict.allowed for _, _, verdict in results)
    if output_format == "json":
        click.echo(json.dumps(_as_json(results, revision_range, allowed), ensure_ascii=False, indent=2))
    else:
        _echo_text(results, revision_range, allowed, commit_subject)
    if not allowed:
        raise SystemExit(EXIT_FINDINGS)


def _toplevel(directory: str) -> str:
    completed = git.run(["rev-parse", "--show-toplevel"], directory, check=False)
    if completed.returncode == 0:
        return os.fsdecode(completed.stdout).rstrip("\n")
    if b"not a git repository" in completed.stderr:
        raise UserError(f"{directory} is not inside a git repository", EXIT_TOOL_FAILURE)
    # Any other failure: rerun through show_toplevel for git's own error message.
    return git.show_toplevel(directory)


def _load_policy(toplevel: str, config_file: Path | None):
    from cofee_hooks.config.loader import load_config
    from cofee_hooks.guard.policy import Policy

    if config_file is None:
        # Only the repository's own configuration counts, never one in a folder above it.
        candidate = Path(toplevel, ".claude", "cofee-hooks.yaml")
        if not candidate.is_file():
            return Policy(False, ()), None
        config_file = candidate
    loaded = load_config(config_file)
    return Policy.from_section(loaded.section("commit_guard"), str(loaded.source)), loaded.source


def _report_off(output_format: str, reason: str, revision_range: str | None) -> None:
    if output_format == "json":
        # The same keys as a report with the guard on, so consumers need no special case.
        report = {"enabled": False, "allowed": True, "range": revision_range, "reason": reason, "commits": []}
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(f"cofee-hooks: the commit guard is off for this repository ({reason}).")


def _as_json(results, revision_range: str | None, allowed: bool) -> dict:
    commits = []
    for commit, subject, verdict in results:
        entry = verdict.as_dict()
        if revision_range is not None:
            entry = {"commit": commit, "subject": subject, **entry}
        commits.append(entry)
    return {
        "enabled": True,
        "allowed": allowed,
        "range": revision_range,
        "reason": None,
        "commits": commits,
    }


def _echo_text(results, revision_range: str | None, allowed: bool, commit_subject) -> None:
    checked = 0
    for commit, subject, verdict in results:
        checked += verdict.checked
        if not verdict.allowed:
            name = "commit" if revision_range is None else commit_subject(commit, subject)
            click.echo(verdict.message(name))
    if allowed:
        what = "staged change(s)" if revision_range is None else f"change(s) in {len(results)} commit(s)"
        click.echo(f"cofee-hooks: {checked} {what} checked; all inside the commit policy.")
