"""The git hooks: `python -m cofee_hooks.guard.hook pre-commit|pre-merge-commit|pre-push`.

git runs the hook script that `install --git` writes, and that script runs
this module with the interpreter it was installed with. Only the standard
library is imported here (no click, PyYAML or GitPython), because this runs
on every commit. Every failure refuses the commit or push with one line: a
guard fails closed.
"""

from __future__ import annotations

import os
import sys

# Annotations only: importing collections.abc at run time would load the
# collections package, which a git hook does not otherwise need.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

from cofee_hooks import git
from cofee_hooks.config.fast import FastConfig, load_fast
from cofee_hooks.errors import UserError
from cofee_hooks.guard.changes import range_changes, staged_changes
from cofee_hooks.guard.policy import Change, Policy, Verdict, decide, display_path

HOOK_NAMES = ("pre-commit", "pre-merge-commit", "pre-push")
# `cofee-hooks doctor` passes this in place of a hook name: the installed
# script then only proves that its interpreter and import paths load the guard.
SELF_CHECK = "--self-check"
CONFIG_PARTS = (".claude", "cofee-hooks.yaml")
CONFIG_PATH = "/".join(CONFIG_PARTS)

# Exit codes of `cofee-hooks lint-migration` and what each means for the commit.
_LINT_OUTCOMES = {
    1: "migration lint found problems at or above migrations.fail_on in the staged revisions",
    2: "migration lint stopped on a usage or configuration error (exit code 2)",
    3: "migration lint could not run (exit code 3)",
}


def repository_config(toplevel: str) -> FastConfig | None:
    """Load the configuration of the repository at `toplevel`, or None when it has none.

    Only `<toplevel>/.claude/cofee-hooks.yaml` counts: a configuration in a
    folder above belongs to another repository (a superproject, say).
    """
    if not os.path.isfile(os.path.join(toplevel, *CONFIG_PARTS)):
        return None
    return load_fast(toplevel)


def policy_of(config: FastConfig) -> Policy:
    """Return the commit policy of a loaded configuration."""
    return Policy.from_section(config.values["commit_guard"], config.source)


def policy_for_changes(policy: Policy, changes: Sequence[Change], toplevel: str) -> Policy:
    """Return the policy a commit is judged by: the committed one when the commit changes the configuration.

    Judging a policy change by the policy it replaces means a commit cannot
    widen `allow` and add the newly allowed paths at once. A repository whose
    HEAD has no configuration (the first commit, or the file is new) is
    judged by the configuration in the work tree.
    """
    if not any(CONFIG_PATH in (change.path, change.old_path) for change in changes):
        return policy
    committed = committed_policy(toplevel)
    return policy if committed is None else committed


def committed_policy(toplevel: str) -> Policy | None:
    """Return the policy in HEAD's `.claude/cofee-hooks.yaml`, or None when HEAD has no such file.

    Raises ConfigError when that file is not valid, so the guard fails closed.
    """
    completed = git.run(["cat-file", "blob", f"HEAD:{CONFIG_PATH}"], toplevel, check=False)
    if completed.returncode != 0:
        return None
    # PyYAML only on this rare path: commits that change the configuration.
    import yaml

    from cofee_hooks.config.loader import values_from_document
    from cofee_hooks.errors import ConfigError

    source = f"HEAD:{CONFIG_PATH}"
    try:
        document = yaml.safe_load(completed.stdout.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ConfigError(f"{source}: invalid YAML: {_first_line(error)}") from None
    values = values_from_document(document, source)
    return Policy.from_section(values["commit_guard"], source)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def config_staged(toplevel: str) -> bool:
    """Return True when the index changes `.claude/cofee-hooks.yaml` against HEAD."""
    completed = git.run(["diff-index", "--cached", "--quiet", "HEAD", "--", CONFIG_PATH], toplevel, check=False)
    return completed.returncode == 1


def staged_verdict(policy: Policy, cwd: str) -> tuple[Verdict, list[Change]]:
    """Judge the staged set at `cwd`; also return the changes for the migration lint.

    Run from a pre-merge-commit hook of another tool (the pre-commit
    framework, lefthook), the merged heads come from `git merge`'s
    environment, as in the guard's own hook.
    """
    changes = staged_changes(cwd, merge_heads_from_env=True)
    return decide(policy, changes), changes


def range_verdicts(
    policy: Policy, revisions: list[str], cwd: str, *, commits: list[tuple[str, list[str], str]] | None = None
) -> list[tuple[str, str, Verdict]]:
    """Judge every commit of `git rev-list REVISIONS`: (commit, subject, verdict) each.

    `commits` is passed on to `range_changes`: the commits already listed.
    """
    results = []
    for item in range_changes(revisions, cwd, commits=commits):
        results.append((item.commit, item.subject, decide(policy, item.changes)))
    return results


def commit_subject(commit: str, subject: str) -> str:
    """Name an existing commit in a refusal message."""
    return f"commit {commit[:12]} ({subject})" if subject else f"commit {commit[:12]}"


def versions_prefixes(config: FastConfig) -> list[str]:
    """Return the Alembic versions folders as repository-relative prefixes ending in '/'.

    `migrations.versions_dirs` wins; otherwise alembic.ini is read with
    configparser (no Alembic import). Returns [] when neither names a folder.
    """
    section = config.values["migrations"]
    root = config.root
    if section["versions_dirs"]:
        folders = [os.path.join(root, folder) for folder in section["versions_dirs"]]
    else:
        project = os.path.join(root, section["project_dir"] or "")
        folders = _versions_from_ini(os.path.join(project, section["alembic_ini"]))
    prefixes = []
    for folder in folders:
        relative = os.path.relpath(os.path.normpath(folder), root).replace(os.sep, "/")
        if relative == ".":
            prefixes.append("")
        elif not relative.startswith("../"):
            prefixes.append(relative + "/")
    return prefixes


def staged_revision_files(changes: Sequence[Change], prefixes: Sequence[str]) -> list[str]:
    """Return the staged Python files (not deleted) inside the versions folders."""
    if not prefixes:
        return []
    found = []
    for change in changes:
        if change.status == "D" or not change.path.endswith(".py"):
            continue
        if any(change.path.startswith(prefix) for prefix in prefixes):
            found.append(change.path)
    return found


def main(argv: Sequence[str]) -> int:
    """Run one git hook and return its exit code (non-zero refuses the commit or push)."""
    if argv and argv[0] == SELF_CHECK:
        return _self_check()
    if not argv or argv[0] not in HOOK_NAMES:
        print(f"cofee-hooks: unknown git hook {argv[0] if argv else ''!r}; expected one of {', '.join(HOOK_NAMES)}", file=sys.stderr)
        return 2
    try:
        if argv[0] == "pre-push":
            return _pre_push(list(argv[1:]), sys.stdin.read())
        return _pre_commit(argv[0])
    except UserError as error:
        print(f"cofee-hooks: {error.message} ({argv[0]} hook refused)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - a guard fails closed, with one line
        print(f"cofee-hooks: internal error in the {argv[0]} hook: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


def _self_check() -> int:
    # Importing this module already loaded the guard's own modules. PyYAML is
    # needed only for commits that change the configuration, so try it too.
    try:
        import yaml  # noqa: F401
    except ImportError as error:
        print(f"cofee-hooks: {sys.executable} cannot import PyYAML ({error})", file=sys.stderr)
        return 1
    return 0


def _pre_commit(hook: str) -> int:
    # git runs hooks from the root of the work tree.
    toplevel = os.getcwd()
    config = repository_config(toplevel)
    if config is None:
        return 0
    policy = policy_of(config)
    lint = config.values["migrations"]["enabled"] and config.values["commit_guard"]["lint_migrations"]
    # A commit that turns the guard off is still judged by the policy it changes.
    if not policy.enabled and not lint and not config_staged(toplevel):
        return 0

    changes = staged_changes(toplevel, merge_heads_from_env=hook == "pre-merge-commit")
    verdict = decide(policy_for_changes(policy, changes, toplevel), changes)
    if not verdict.allowed:
        print(verdict.message("commit"), file=sys.stderr)
        return 1
    if lint:
        return _lint_staged_revisions(config, changes, toplevel)
    return 0


def _lint_staged_revisions(config: FastConfig, changes: Sequence[Change], toplevel: str) -> int:
    # Most commits stage no Python file at all: then not even alembic.ini is read.
    if not any(change.path.endswith(".py") and change.status != "D" for change in changes):
        return 0
    revisions = staged_revision_files(changes, versions_prefixes(config))
    if not revisions:
        return 0
    import subprocess

    command = [sys.executable, "-m", "cofee_hooks", "lint-migration", "--staged"]
    try:
        completed = subprocess.run(command, cwd=toplevel, check=False)
    except OSError as error:
        print(f"cofee-hooks: commit refused: cannot run {' '.join(command)}: {error}", file=sys.stderr)
        return 1
    if completed.returncode == 0:
        return 0
    outcome = _LINT_OUTCOMES.get(completed.returncode, f"migration lint failed with exit code {completed.returncode}")
    listed = "".join(f"  {display_path(path)}\n" for path in revisions)
    print(
        f"cofee-hooks: commit refused: {outcome}:\n{listed}"
        "Fix the revisions (cofee-hooks explain RULE describes each rule) or change migrations in "
        ".claude/cofee-hooks.yaml.",
        file=sys.stderr,
    )
    return 1


def _pre_push(arguments: list[str], stdin_text: str) -> int:
    toplevel = os.getcwd()
    config = repository_config(toplevel)
    if config is None:
        return 0
    policy = policy_of(config)
    if not policy.enabled:
        return 0
    remote = arguments[0] if arguments else ""
    refused = 0
    for revisions in _push_ranges(stdin_text, remote, toplevel):
        for commit, subject, verdict in range_verdicts(policy, revisions, toplevel):
            if not verdict.allowed:
                refused += 1
                print(verdict.message(commit_subject(commit, subject)), file=sys.stderr)
    if refused:
        print(f"cofee-hooks: push refused: {refused} commit(s) change paths outside the commit policy.", file=sys.stderr)
        return 1
    return 0


def _push_ranges(stdin_text: str, remote: str, cwd: str) -> list[list[str]]:
    # Each line: <local ref> <local oid> <remote ref> <remote oid>.
    ranges = []
    for line in stdin_text.splitlines():
        fields = line.split()
        if len(fields) != 4:
            continue
        _local_ref, local_oid, _remote_ref, remote_oid = fields
        if _is_zero_oid(local_oid):
            continue  # deleting a remote branch adds no commits
        if not _is_zero_oid(remote_oid) and git.commit_exists(remote_oid, cwd):
            ranges.append([f"{remote_oid}..{local_oid}"])
        else:
            # A new branch, or a remote tip this clone has not fetched: every
            # commit that no remote-tracking branch of this remote has yet.
            known = f"--remotes={remote}" if remote and "/" not in remote and ":" not in remote else "--remotes"
            ranges.append([local_oid, "--not", known])
    return ranges


def _is_zero_oid(oid: str) -> bool:
    # git writes an all-zero object id for a ref that does not exist on one side.
    return not oid.strip("0")


def _versions_from_ini(ini_path: str) -> list[str]:
    if not os.path.isfile(ini_path):
        return []
    import configparser

    parser = configparser.ConfigParser(defaults={"here": os.path.dirname(os.path.abspath(ini_path))})
    try:
        if not parser.read(ini_path, encoding="utf-8"):
            return []
        if not parser.has_section("alembic"):
            return []
        script_location = _ini_value(parser, "script_location")
        locations = _ini_value(parser, "version_locations")
        separator = _ini_value(parser, "version_path_separator") or _ini_value(parser, "path_separator")
    except (configparser.Error, UnicodeDecodeError):
        return []
    base = os.path.dirname(os.path.abspath(ini_path))
    if locations:
        return [os.path.join(base, item) for item in _split_locations(locations, separator)]
    if script_location and not _is_package_resource(script_location):
        return [os.path.join(base, script_location, "versions")]
    # NOTE: a `package:folder` script_location, or Alembic settings kept in
    # pyproject.toml, are not resolved here; set migrations.versions_dirs.
    return []


def _ini_value(parser, option: str) -> str | None:
    import configparser

    try:
        value = parser.get("alembic", option, fallback=None)
    except configparser.InterpolationError:
        value = parser.get("alembic", option, raw=True, fallback=None)
    return value.strip() if value else None


def _split_locations(value: str, separator: str | None) -> list[str]:
    if separator == "os":
        parts = value.split(os.pathsep)
    elif separator == "space":
        parts = value.split()
    elif separator == "newline":
        parts = value.splitlines()
    elif separator in (":", ";", ","):
        parts = value.split(separator)
    else:
        parts = value.replace(",", " ").split()
    return [part.strip() for part in parts if part.strip()]


def _is_package_resource(location: str) -> bool:
    head, _, tail = location.partition(":")
    return bool(tail) and len(head) > 1 and not os.path.isdir(location)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
