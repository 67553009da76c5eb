"""The `cofee-hooks doctor` command: what is installed here, and does it work?

Doctor runs a list of checks (`CHECKS`) over one `DoctorContext` and prints
one line per result. Each check is a function `check(context) ->
list[CheckResult]`; adding a check means adding it to `CHECKS`. The exit code
is 1 when any check reports an error, else 0.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

OK = "ok"
INFO = "info"
WARNING = "warning"
ERROR = "error"
_GIT_HOOKS = ("pre-commit", "pre-merge-commit", "pre-push")


@dataclass
class CheckResult:
    """One line of the report: the check, its status (ok, info, warning, error) and the detail."""

    check: str
    status: str
    detail: str


@dataclass
class DoctorContext:
    """Inputs of every check: the folder doctor runs in, its repository and its configuration."""

    directory: Path
    toplevel: Path | None = None
    config: Any = None
    config_error: str | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def project(self) -> Path:
        if self.config is not None and self.config.source is not None:
            return Path(self.config.root)
        return self.toplevel or self.directory


def check_configuration(context: DoctorContext) -> list[CheckResult]:
    if context.config_error:
        return [CheckResult("configuration", ERROR, context.config_error)]
    config = context.config
    if config.source is None:
        return [CheckResult("configuration", INFO, "no .claude/cofee-hooks.yaml found; defaults apply and the commit guard is off")]
    results = [CheckResult("configuration", OK, f"{config.source} is valid")]
    guard = config.section("commit_guard")
    state = "on" if guard.get("enabled") else "off"
    results.append(CheckResult("commit guard", INFO, f"{state} for this repository; allowed: {', '.join(guard.get('allow', []))}"))
    return results


def check_repository(context: DoctorContext) -> list[CheckResult]:
    """Report the repository's HEAD, an unfinished merge or rebase, and the worktrees that share its hooks."""
    from cofee_hooks import git

    if context.toplevel is None:
        return []
    try:
        state = git.repository_state(context.toplevel)
    except git.GitError as error:
        return [CheckResult("repository", WARNING, error.message)]
    if state.head is None:
        where = f"branch {state.branch} has no commits yet"
    elif state.branch is None:
        where = f"HEAD is detached at {state.head[:12]}"
    else:
        where = f"on branch {state.branch} at {state.head[:12]}"
    results = [CheckResult("repository", INFO, f"{state.toplevel}: {where}")]
    if state.operation:
        results.append(CheckResult("repository", INFO, f"{state.operation} is in progress"))
    if state.worktrees:
        others = ", ".join(state.worktrees)
        results.append(CheckResult("repository", INFO, f"{len(state.worktrees)} other worktree(s) use the same git hooks folder: {others}"))
    return results


def check_git_hooks(context: DoctorContext) -> list[CheckResult]:
    from cofee_hooks import git

    if context.toplevel is None:
        config = context.config
        if config is not None and config.source is not None and config.section("commit_guard").get("enabled"):
            return [
                CheckResult(
                    "git hooks",
                    ERROR,
                    f"{context.directory} is not inside a git repository, so the commit guard guards nothing; run git init",
                )
            ]
        return [CheckResult("git hooks", INFO, "not inside a git repository")]
    try:
        hooks_dir = Path(git.hooks_path(context.toplevel))
        configured = git.run(["config", "--get", "core.hooksPath"], context.toplevel, check=False)
        common_dir = git.output(["rev-parse", "--git-common-dir"], context.toplevel)
        git_dir = git.output(["rev-parse", "--git-dir"], context.toplevel)
    except git.GitError as error:
        return [CheckResult("git hooks", ERROR, error.message)]
    results = []
    hooks_path_value = os.fsdecode(configured.stdout).strip()
    if hooks_path_value:
        results.append(CheckResult("git hooks", INFO, f"core.hooksPath is set to {hooks_path_value}; git runs hooks from {hooks_dir}"))
        if _inside(hooks_dir, context.toplevel) and not _inside(hooks_dir, Path(context.toplevel, git_dir)):
            results.append(
                CheckResult(
                    "git hooks",
                    WARNING,
                    f"{hooks_dir} is inside the work tree, and the hooks install writes there contain this machine's "
                    "interpreter and package paths; keep that folder out of git (.gitignore) or set core.hooksPath "
                    "to a folder outside the work tree",
                )
            )
    if os.path.realpath(os.path.join(context.toplevel, common_dir)) != os.path.realpath(os.path.join(context.toplevel, git_dir)):
        results.append(CheckResult("git hooks", INFO, f"linked worktree; hooks come from {hooks_dir}"))
    from cofee_hooks.guard.git_hooks import is_managed

    for name in _GIT_HOOKS:
        path = hooks_dir / name
        if not path.exists():
            results.append(CheckResult("git hooks", WARNING, f"{name}: not installed (run cofee-hooks install --git)"))
        elif not is_managed(str(path)):
            results.append(_foreign_hook_result(name, path, context.toplevel))
        elif not os.access(path, os.X_OK):
            results.append(CheckResult("git hooks", ERROR, f"{name}: {path} is not executable, so git skips it; run cofee-hooks install --git"))
        else:
            results.append(_started_hook_result(name, path, context.toplevel))
    return results


def _started_hook_result(name: str, path: Path, toplevel: Path) -> CheckResult:
    """Start the installed hook's interpreter with its import paths and import the guard, as git would."""
    from cofee_hooks.guard.git_hooks import self_check_command

    fix = "run cofee-hooks install --git from the environment the hook should use"
    try:
        python, command = self_check_command(str(path))
    except ValueError as error:
        return CheckResult("git hooks", ERROR, f"{name}: {error}; {fix}")
    if not os.access(python, os.X_OK):
        return CheckResult("git hooks", ERROR, f"{name}: the hook cannot start: interpreter {python} not found; {fix}")
    try:
        completed = subprocess.run(command, capture_output=True, text=True, cwd=toplevel, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return CheckResult("git hooks", ERROR, f"{name}: the hook cannot start: {error}; {fix}")
    if completed.returncode != 0:
        detail = (completed.stderr.strip().splitlines() or [f"exit code {completed.returncode}"])[-1]
        return CheckResult("git hooks", ERROR, f"{name}: the hook cannot start with {python}: {detail}; {fix}")
    return CheckResult("git hooks", OK, f"{name}: installed at {path}; {python} loads the guard")


# Configuration files of hook managers that can run `cofee-hooks check-commit` themselves.
_HOOK_MANAGER_FILES = (".pre-commit-config.yaml", "lefthook.yml", "lefthook.yaml", ".lefthook.yml", "lefthook-local.yml")


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
    except ValueError:
        return False
    return True


def _foreign_hook_result(name: str, path: Path, toplevel: Path) -> CheckResult:
    """Judge a hook another tool installed: fine when that tool's configuration runs cofee-hooks."""
    for manager_file in _HOOK_MANAGER_FILES:
        try:
            text = (toplevel / manager_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "cofee-hooks" in text:
            return CheckResult("git hooks", INFO, f"{name}: a hook of another tool is installed at {path}; {manager_file} runs cofee-hooks")
    return CheckResult(
        "git hooks",
        WARNING,
        f"{name}: a hook of another tool is installed at {path} and the commit guard is not in it; "
        "run cofee-hooks install --git (that hook is kept and still runs first)",
    )


def check_claude_hooks(context: DoctorContext) -> list[CheckResult]:
    from cofee_hooks.claude.settings import HOOK_ENTRIES, SCRIPT_RELATIVE, installed_entries

    project = context.project
    settings_path = project / ".claude" / "settings.json"
    try:
        settings = json.loads(settings_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [CheckResult("claude hooks", WARNING, f"{settings_path} not found (run cofee-hooks install --claude)")]
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return [CheckResult("claude hooks", ERROR, f"{settings_path}: cannot read: {error}")]
    found = set(installed_entries(settings))
    if not found:
        return [CheckResult("claude hooks", WARNING, f"not installed in {settings_path} (run cofee-hooks install --claude)")]
    results = []
    for event, matcher, _, _ in HOOK_ENTRIES:
        label = f"{event} {matcher}" if matcher else event
        if (event, matcher) in found:
            results.append(CheckResult("claude hooks", OK, f"{label}: installed"))
        else:
            results.append(CheckResult("claude hooks", WARNING, f"{label}: missing (run cofee-hooks install --claude)"))
    script = project / SCRIPT_RELATIVE
    if not script.is_file():
        results.append(CheckResult("claude hooks", ERROR, f"{script} not found, so every hook fails; run cofee-hooks install --claude"))
    return results


def check_entry_point(context: DoctorContext) -> list[CheckResult]:
    """Send one PreToolUse Bash payload, shaped like a recorded one, through the installed entry script."""
    from cofee_hooks.claude.settings import PYTHON_VARIABLE, SCRIPT_RELATIVE, hook_command

    project = context.project
    if not (project / SCRIPT_RELATIVE).is_file():
        return []
    # The interpreter Claude Code would use: COFEE_HOOKS_PYTHON from `env` in
    # settings.local.json (written by install on each machine), else from
    # the environment, else python3 from PATH - never doctor's own.
    env = dict(os.environ)
    env["CLAUDE_PROJECT_DIR"] = str(project)
    local = _local_python(project)
    if local:
        env[PYTHON_VARIABLE] = local
    command = _installed_bash_command(project) or hook_command("bash")
    interpreter = env.get(PYTHON_VARIABLE) or "python3"
    unpinned = (
        ""
        if local
        else f"; .claude/settings.local.json sets no {PYTHON_VARIABLE}, so Claude Code runs {interpreter} "
        f"({shutil.which(interpreter) or 'not found'}); run cofee-hooks install --claude on this machine"
    )
    if not shutil.which(interpreter):
        # Claude Code would then run the command without this interpreter.
        if command != hook_command("bash"):
            outcome = "commits would NOT be blocked"
        elif shutil.which("python3"):
            outcome = "the commit guard falls back to python3 from PATH"
        else:
            outcome = "no python3 on PATH either, so every Bash call would be blocked"
        return [
            CheckResult(
                "entry point",
                ERROR,
                f"the entry point could not start: interpreter {interpreter} not found; {outcome}; "
                "run cofee-hooks install --claude",
            )
        ]
    payload = {
        "session_id": "doctor",
        "cwd": str(project),
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        # A dry run reaches the commit guard (imports, configuration, shell
        # analysis) but is never judged, so it must pass with no output.
        "tool_input": {"command": "git commit --dry-run -m doctor", "description": "Check what would be committed"},
        "tool_use_id": "toolu_doctor",
    }
    try:
        completed = subprocess.run(
            ["/bin/sh", "-c", command],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            cwd=project,
            env=env,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return [CheckResult("entry point", ERROR, f"running the entry script failed: {error}")]
    stdout = completed.stdout.strip()
    if completed.returncode in (126, 127):
        detail = (completed.stderr.strip().splitlines() or [f"exit code {completed.returncode}"])[-1]
        return [
            CheckResult(
                "entry point",
                ERROR,
                f"the entry point could not start: {detail}; commits would NOT be blocked; "
                "run cofee-hooks install --claude",
            )
        ]
    if completed.returncode != 0:
        detail = (completed.stderr.strip().splitlines() or [f"exit code {completed.returncode}"])[-1]
        return [CheckResult("entry point", ERROR, f"a 'git commit --dry-run' Bash call was blocked: {detail}{unpinned}")]
    if stdout:
        return [CheckResult("entry point", ERROR, f"a 'git commit --dry-run' Bash call got unexpected output: {stdout[:200]}")]
    passed = CheckResult("entry point", OK, f"a PreToolUse Bash payload (git commit --dry-run) passed through {SCRIPT_RELATIVE}")
    if unpinned:
        # It works today through PATH; another shell or PATH order may not.
        return [passed, CheckResult("entry point", WARNING, unpinned.removeprefix("; "))]
    return [passed]


def check_squawk(context: DoctorContext) -> list[CheckResult]:
    try:
        from cofee_hooks.squawk import squawk_version

        version = squawk_version()
    except Exception as error:  # noqa: BLE001 - any failure is the finding here
        message = getattr(error, "message", None) or str(error)
        return [CheckResult("squawk", ERROR, f"not usable: {message}")]
    return [CheckResult("squawk", OK, f"version {version}")]


def check_workspace_files(context: DoctorContext) -> list[CheckResult]:
    """Check `.mcp.json` and agent frontmatter of the project, when those files exist."""
    try:
        from cofee_hooks.workspace_checks import check_agent_files, check_mcp_json
    except ImportError:
        return []
    results = []
    checks = (("mcp.json", check_mcp_json, ".mcp.json"), ("agent files", check_agent_files, ".claude/agents"))
    for name, check, relative in checks:
        if not (context.project / relative).exists():
            results.append(CheckResult(name, INFO, f"{relative} not present"))
            continue
        problems = check(context.project)
        if problems:
            results.extend(CheckResult(name, ERROR, problem) for problem in problems)
        else:
            results.append(CheckResult(name, OK, "no problems found"))
    return results


CHECKS: list[Callable[[DoctorContext], list[CheckResult]]] = [
    check_configuration,
    check_repository,
    check_git_hooks,
    check_claude_hooks,
    check_entry_point,
    check_squawk,
    check_workspace_files,
]


def build_context(directory: Path) -> DoctorContext:
    """Find the repository and configuration for `directory`; errors are kept for the report."""
    from cofee_hooks import git
    from cofee_hooks.config.loader import load_config
    from cofee_hooks.errors import UserError

    context = DoctorContext(directory.resolve())
    completed = git.run(["rev-parse", "--show-toplevel"], directory, check=False)
    if completed.returncode == 0:
        context.toplevel = Path(os.fsdecode(completed.stdout).strip())
    try:
        context.config = load_config(start=context.toplevel or context.directory)
    except UserError as error:
        context.config_error = error.message
    return context


def run_checks(context: DoctorContext, checks: list[Callable[[DoctorContext], list[CheckResult]]] | None = None) -> list[CheckResult]:
    """Run every check; a check that crashes becomes one error line, never a traceback."""
    results: list[CheckResult] = []
    for check in CHECKS if checks is None else checks:
        try:
            results.extend(check(context))
        except Exception as error:  # noqa: BLE001 - report and keep going
            results.append(CheckResult(check.__name__.removeprefix("check_").replace("_", " "), ERROR, f"check failed: {type(error).__name__}: {error}"))
    return results


def _installed_bash_command(project: Path) -> str | None:
    """Return the command of the installed PreToolUse Bash entry, as Claude Code would run it."""
    from cofee_hooks.claude.settings import is_tagged

    try:
        settings = json.loads((project / ".claude" / "settings.json").read_text(encoding="utf-8"))
        groups = settings["hooks"]["PreToolUse"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for group in groups if isinstance(groups, list) else []:
        if not isinstance(group, dict) or group.get("matcher") != "Bash":
            continue
        for hook in group.get("hooks") or []:
            if is_tagged(hook):
                return hook["command"]
    return None


def _local_python(project: Path) -> str | None:
    try:
        settings = json.loads((project / ".claude" / "settings.local.json").read_text(encoding="utf-8"))
        value = settings["env"]["COFEE_HOOKS_PYTHON"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


@click.command("doctor")
@click.argument("directory", required=False, type=click.Path(file_okay=False, exists=True, path_type=Path))
def doctor(directory: Path | None) -> int:
    """Report which hooks are installed in DIRECTORY (default: here) and whether they work."""
    context = build_context(directory or Path.cwd())
    results = run_checks(context)
    width = max((len(result.check) for result in results), default=0)
    for result in results:
        click.echo(f"{result.status.upper():7} {result.check:{width}}  {result.detail}")
    errors = sum(1 for result in results if result.status == ERROR)
    warnings = sum(1 for result in results if result.status == WARNING)
    click.echo(f"{errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0
