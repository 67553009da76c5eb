"""The commit guard for agents: judge a Bash command before Claude Code runs it.

For every `git commit` the command would run, this module finds the
repository it targets and works out what the commit would record. That is the
staged set plus what `-a`, commit paths, or `git add`/`rm`/`mv` earlier in the
same command would add. The result is judged with the same policy function as
the git hooks use. Attempts to get past the git hooks (`--no-verify`,
`-c core.hooksPath=...`, `HUSKY=0`, `git commit-tree`, ...) are denied in any
repository that has a cofee-hooks configuration.

Shell parsing is never complete (see `cofee_hooks.guard.shell`), so the git
hooks and the range check are the backstop.
"""

from __future__ import annotations

import os

from cofee_hooks.claude.protocol import deny

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from cofee_hooks.claude.protocol import HookEvent
from cofee_hooks.claude.runtime import mentions_git

_MAX_LISTED_PATHS = 40
_UNKNOWN = "\0unknown"


class _Repository:
    """The work tree a git call uses, and the GIT_* variables the command sets for it."""

    __slots__ = ("toplevel", "env")

    def __init__(self, toplevel: str, env: dict[str, str]) -> None:
        self.toplevel = toplevel
        self.env = env


def handle_bash(event: HookEvent, config: Any, log: Any) -> dict[str, Any] | None:
    """Return a deny decision when the command would commit outside the policy or skip the hooks."""
    command = event.tool_input.get("command")
    if not isinstance(command, str) or not mentions_git(command):
        return None

    from cofee_hooks.guard.shell import analyse

    analysis = analyse(command)
    if not analysis.commits and not analysis.skips and not analysis.aliases:
        return None
    start = _start_folder(event, config)
    _expand_aliases(analysis, start, log)
    if not analysis.commits and not analysis.skips:
        return None
    problems: list[str] = []

    for skip in analysis.skips:
        repository = _find_repository(start, skip.location) or _find_repository(start, None)
        if repository is not None and _has_configuration(repository.toplevel):
            problems.append(
                f"cofee-hooks: this command tries to get past the git hooks: {skip.reason}.\n"
                f"  in: {skip.text}\n"
                "Run it without that part. The hooks keep this repository's commit policy; "
                "if a hook is wrong, change .claude/cofee-hooks.yaml instead."
            )
            log.warning(f"denied hook skip in {repository.toplevel}: {skip.reason}")

    for commit in analysis.commits:
        if commit.dry_run:
            continue
        message = _judge_commit(start, commit, log)
        if message:
            problems.append(message)

    if not problems:
        return None
    log.warning(f"denied the Bash call ({len(_unique(problems))} problem(s)): {command[:200]}")
    return deny("\n\n".join(_unique(problems)))


def _expand_aliases(analysis: Any, start: str, log: Any, depth: int = 0) -> None:
    """Add what git aliases in the command expand to (`git ci` with `alias.ci = commit -n`)."""
    from cofee_hooks import git
    from cofee_hooks.guard.shell import analyse

    aliases, analysis.aliases = analysis.aliases, []
    for alias in aliases:
        folder = _folder_of(start, alias.location)
        if depth > 3 or not os.path.isdir(folder):
            continue
        repository = _find_repository(start, alias.location)
        env = git.git_env(repository.env if repository is not None else {})
        completed = git.run(["config", "--get", f"alias.{alias.name}"], folder, env=env, check=False, timeout=10)
        value = os.fsdecode(completed.stdout).strip()
        if completed.returncode != 0 or not value:
            continue
        top = repository.toplevel if repository is not None else folder
        expanded = _alias_command(value, alias, top if value.startswith("!") else folder)
        log.info(f"git alias {alias.name!r} expands to: {expanded}")
        inner = analyse(expanded)
        _expand_aliases(inner, start, log, depth + 1)
        analysis.commits.extend(inner.commits)
        analysis.skips.extend(inner.skips)


def _alias_command(value: str, alias: Any, folder: str) -> str:
    import shlex

    arguments = " ".join(shlex.quote(argument) if argument is not None else '"$UNKNOWN"' for argument in alias.arguments)
    # `folder` is the top of the work tree for a shell alias (`!...`), which
    # git runs there with the arguments appended.
    prefix = f"cd {shlex.quote(folder)} && "
    if value.startswith("!"):
        return f"{prefix}{value[1:]} {arguments}"
    return f"{prefix}git {value} {arguments}"


def _start_folder(event: HookEvent, config: Any) -> str:
    for candidate in (event.cwd, os.environ.get("CLAUDE_PROJECT_DIR"), getattr(config, "root", None)):
        if candidate and os.path.isabs(candidate) and os.path.isdir(candidate):
            return candidate
    return os.getcwd()


def _folder_of(start: str, location: Any) -> str:
    directory = start if location is None or location.directory is None else location.directory
    return os.path.normpath(os.path.join(start, directory)) if directory else start


def _find_repository(start: str, location: Any) -> _Repository | None:
    """Find the work tree a git call at `location` would use, or None (not a repository)."""
    from cofee_hooks import git

    folder = _folder_of(start, location)
    if not os.path.isdir(folder):
        return None
    env = _location_env(folder, location)
    if not env and "GIT_DIR" not in os.environ and "GIT_WORK_TREE" not in os.environ:
        toplevel = _work_tree_above(folder)
        if toplevel is not None:
            return _Repository(toplevel, env)
    completed = git.run(["rev-parse", "--show-toplevel"], folder, env=git.git_env(env), check=False, timeout=10)
    if completed.returncode != 0:
        return None
    toplevel = os.fsdecode(completed.stdout).rstrip("\n")
    return _Repository(toplevel, env) if toplevel else None


def _work_tree_above(folder: str) -> str | None:
    """Find the work tree root by looking for `.git` upwards, as git does, without starting git.

    Returns None when no `.git` is found, and the caller then asks git itself.
    """
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _location_env(folder: str, location: Any) -> dict[str, str]:
    env: dict[str, str] = {}
    if location is None:
        return env
    for name, value in (
        ("GIT_DIR", location.git_dir),
        ("GIT_WORK_TREE", location.work_tree),
        ("GIT_INDEX_FILE", location.index_file),
    ):
        if value and not value.startswith("\0"):
            env[name] = os.path.normpath(os.path.join(folder, value))
    return env


def _has_configuration(toplevel: str) -> bool:
    from cofee_hooks.config.fast import find_config_file

    return find_config_file(toplevel) is not None


def _judge_commit(start: str, commit: Any, log: Any) -> str:
    from cofee_hooks.config.fast import load_fast
    from cofee_hooks.errors import ConfigError
    from cofee_hooks.guard.hook import policy_for_changes
    from cofee_hooks.guard.policy import Policy, decide

    repository = _find_repository(start, commit.location)
    if repository is None:
        log.info(f"no repository for: {commit.text}")
        return ""
    try:
        config = load_fast(repository.toplevel)
        policy = Policy.from_section(config.section("commit_guard"), config.source)
    except ConfigError as error:
        log.error(f"invalid configuration in {repository.toplevel}: {error.message}")
        return (
            f"cofee-hooks: the commit guard cannot judge this commit because the configuration is invalid:\n"
            f"  {error.message}\nFix the configuration, then commit again."
        )
    changes = _changes_of(commit, repository, start)
    try:
        # A commit that changes the configuration is judged by the committed one.
        policy = policy_for_changes(policy, changes, repository.toplevel)
    except ConfigError as error:
        log.error(f"invalid committed configuration in {repository.toplevel}: {error.message}")
        return (
            "cofee-hooks: the commit guard cannot judge this commit because the committed configuration is invalid:\n"
            f"  {error.message}\nFix it in a commit of its own, then commit again."
        )
    if not policy.enabled:
        return ""
    verdict = decide(policy, changes)
    # The whole call may still be denied for another reason (a hook skip), so
    # this line speaks of the changes only.
    outcome = "all within the policy" if verdict.allowed else f"{len(verdict.offenses)} path(s) outside the policy"
    log.info(f"judged {len(changes)} change(s) in {repository.toplevel}: {outcome}")
    if verdict.allowed:
        return ""
    lines = [verdict.message("commit", max_paths=_MAX_LISTED_PATHS, how=_how_paths_are_taken(commit))]
    lines.append(f"Repository: {repository.toplevel}")
    lines.append(
        "This command was not run. Commit only paths the policy allows: stage them by name "
        "(git add -- PATH) and leave out -a, git add -A and paths outside the policy."
    )
    return "\n".join(lines)


def _amended_commit_changes(repository: _Repository) -> list[Any]:
    """Return what HEAD changes against its parents, since `--amend` keeps it in the new commit.

    NOTE: together with the staged changes this may also list a path that the
    amend reverts to its parent's version. Such a commit is refused although
    the result would not touch the path.
    """
    from cofee_hooks import git
    from cofee_hooks.guard.changes import commit_changes

    if not git.commit_exists("HEAD", repository.toplevel):
        return []
    listed = git.rev_list_with_parents(["-1", "HEAD"], repository.toplevel)
    if not listed:
        return []
    head, parents, _subject = listed[0]
    return list(commit_changes(head, parents, repository.toplevel))


def _how_paths_are_taken(commit: Any) -> str | None:
    """Return how the commit picks its paths, for the fix text: "all" (-a), "paths" or None (staged set)."""
    if commit.all:
        return "all"
    if any(path for path in commit.paths) or commit.pathspec_file:
        return "paths"
    return None


def _changes_of(commit: Any, repository: _Repository, start: str) -> list[Any]:
    """Return the changes the commit would record: the staged set plus what the command adds."""
    from cofee_hooks.guard.changes import staged_changes
    from cofee_hooks.guard.policy import Change

    folder = _folder_of(start, commit.location)
    saved = _apply_environment(repository.env)
    try:
        paths_given = [path for path in commit.paths if path]
        if commit.pathspec_file:
            paths_given.extend(_read_pathspec_file(folder, commit.pathspec_file))
        unknown_paths = any(path.startswith("\0") for path in paths_given)

        if commit.only and paths_given and not unknown_paths:
            changes = _worktree_changes(repository, folder, paths_given)
        else:
            changes = list(staged_changes(repository.toplevel))
            if commit.all or unknown_paths:
                changes.extend(_worktree_changes(repository, folder, [":/"]))
            elif paths_given:
                changes.extend(_worktree_changes(repository, folder, paths_given))

        if commit.amend:
            changes.extend(_amended_commit_changes(repository))

        for step in commit.staged_before:
            # Only steps in the same repository change what this commit records.
            step_repository = _find_repository(start, step.location)
            if step_repository is None or os.path.realpath(step_repository.toplevel) != os.path.realpath(repository.toplevel):
                continue
            step_folder = _folder_of(start, step.location)
            if step.mode == "unstage":
                changes = _without_paths(changes, step.pathspecs, repository, step_folder)
            else:
                changes.extend(_staging_changes(step, repository, step_folder))
    finally:
        _restore_environment(saved)
    return _with_link_targets(_deduplicate(changes), repository.toplevel, Change)


def _without_paths(changes: list[Any], paths: list[str], repository: _Repository, folder: str) -> list[Any]:
    """Drop changes at or under literal `paths` (given relative to `folder`) from the list."""
    toplevel = os.path.realpath(repository.toplevel)
    prefixes = []
    for path in paths:
        relative = os.path.relpath(os.path.realpath(os.path.join(folder, path)), toplevel).replace(os.sep, "/")
        if relative == ".":
            return []
        if not relative.startswith("../"):
            prefixes.append(relative)

    def _covered(path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)

    # A rename stays whole unless both of its sides were unstaged.
    return [
        change
        for change in changes
        if not (_covered(change.path) and (change.old_path is None or _covered(change.old_path)))
    ]


def _with_link_targets(changes: list[Any], toplevel: str, change_type: Any) -> list[Any]:
    # Work-tree changes carry no blob to read a symlink target from, so the
    # link on disk is read instead (that is what `git add` would record).
    from cofee_hooks.guard.policy import MODE_SYMLINK

    result = []
    for change in changes:
        if change.mode == MODE_SYMLINK and change.status != "D" and change.symlink_target is None:
            try:
                target = os.readlink(os.path.join(toplevel, change.path))
            except OSError:
                target = None
            change = change_type(change.status, change.path, change.old_path, change.mode, target)
        result.append(change)
    return result


def _read_pathspec_file(folder: str, name: str | None) -> list[str]:
    if not name or name.startswith("\0") or name == "-":
        return [_UNKNOWN]
    try:
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip()]
    except (OSError, UnicodeDecodeError):
        return [_UNKNOWN]


def _worktree_changes(repository: _Repository, folder: str, pathspecs: list[str]) -> list[Any]:
    """Return tracked paths whose work tree or index differs from HEAD, within `pathspecs`."""
    from cofee_hooks import git
    from cofee_hooks.guard.changes import parse_raw

    head, _ = git.head_and_merge_head_path(repository.toplevel)
    base = head if head is not None else git.empty_tree(repository.toplevel)
    args = ["diff-index", "--raw", "-z", "--no-renames", "--ignore-submodules=none", base, "--", *pathspecs]
    completed = git.run(args, folder, env=git.git_env(repository.env), timeout=20)
    return parse_raw(completed.stdout)


def _staging_changes(step: Any, repository: _Repository, folder: str) -> list[Any]:
    """Return what `git add`, `git rm` or `git mv` would put into the index."""
    from cofee_hooks.guard.policy import Change

    pathspecs = list(step.pathspecs)
    mode = step.mode
    if any(spec.startswith("\0") for spec in pathspecs):
        mode, pathspecs = "all", []
    if mode in ("all", "update") and not pathspecs:
        pathspecs = [":/"]
    if mode == "mv":
        return _move_changes(pathspecs, repository, folder, Change)
    options = {"add": ["-m", "-o", "-d"], "all": ["-m", "-o", "-d"], "update": ["-m", "-d"], "rm": ["-c"]}[mode]
    if mode in ("add", "all") and not step.force:
        options.append("--exclude-standard")
    changes = []
    for tag, path in _ls_files(repository, folder, options, pathspecs):
        if mode == "rm" or tag == "R":
            status = "D"
        elif tag == "?":
            status = "A"
        else:
            status = "M"
        changes.append(Change(status, path))
    return changes


def _move_changes(pathspecs: list[str], repository: _Repository, folder: str, change_type: Any) -> list[Any]:
    if len(pathspecs) < 2:
        return []
    sources, destination = pathspecs[:-1], pathspecs[-1]
    toplevel = os.path.realpath(repository.toplevel)
    destination_path = os.path.realpath(os.path.join(folder, destination))
    changes = []
    for source in sources:
        source_path = os.path.realpath(os.path.join(folder, source))
        target = os.path.join(destination_path, os.path.basename(source_path)) if os.path.isdir(destination_path) else destination_path
        for path in (source_path, target):
            relative = os.path.relpath(path, toplevel)
            if not relative.startswith(".."):
                changes.append(change_type("A" if path == target else "D", relative.replace(os.sep, "/")))
    return changes


def _ls_files(repository: _Repository, folder: str, options: list[str], pathspecs: list[str]) -> list[tuple[str, str]]:
    from cofee_hooks import git

    args = ["ls-files", "-z", "-t", "--full-name", *options, "--", *pathspecs]
    completed = git.run(args, folder, env=git.git_env(repository.env), check=False, timeout=20)
    entries = []
    for item in git.split_nul(completed.stdout):
        tag, _, path = item.partition(" ")
        entries.append((tag, path))
    return entries


def _deduplicate(changes: list[Any]) -> list[Any]:
    seen: dict[tuple[str, str | None], Any] = {}
    for change in changes:
        key = (change.path, change.old_path)
        if key not in seen:
            seen[key] = change
    return list(seen.values())


def _apply_environment(overrides: dict[str, str]) -> dict[str, str | None]:
    """Apply GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE of the command to the git calls made here."""
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    return saved


def _restore_environment(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
