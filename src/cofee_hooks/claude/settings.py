"""Install and remove this package's hooks in a project's Claude Code settings.

`install_claude_hooks(directory)`:

- copies the entry script to `.claude/hooks/cofee_hooks_entry.py` (meant to
  be committed: it contains no machine-specific path);
- merges one matcher group per event into `.claude/settings.json`, each
  running `"${COFEE_HOOKS_PYTHON:-python3}" -S
  "$CLAUDE_PROJECT_DIR/.claude/hooks/cofee_hooks_entry.py"`. The script
  name `cofee_hooks_entry.py` in a command (the tag) marks an entry as this
  package's. Everything else in the file is kept in place and in order;
- writes this machine's interpreter (`COFEE_HOOKS_PYTHON`) and the folders
  that hold the package (`COFEE_HOOKS_PATH`) under `env` in
  `.claude/settings.local.json`, which is not committed (added to
  `.git/info/exclude` when git does not ignore it already).

Files are written atomically (temporary file, then rename). No backup copy
is written: `settings.local.json` may contain tokens, and a copy next to it
would sit in the work tree where git does not ignore it. Only the tagged
entries and the two `env` keys change, and git history keeps the committed
`settings.json`. Installing twice changes nothing.
`uninstall_claude_hooks(directory)` removes exactly the tagged entries and
the two `env` keys. An existing settings file that is not valid JSON is left
untouched and reported in one line.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from cofee_hooks.errors import UserError

ENTRY_SCRIPT = "cofee_hooks_entry.py"
TAG = ENTRY_SCRIPT
SCRIPT_RELATIVE = f".claude/hooks/{ENTRY_SCRIPT}"
PYTHON_VARIABLE = "COFEE_HOOKS_PYTHON"
PATH_VARIABLE = "COFEE_HOOKS_PATH"
SCRIPT_ARGUMENT = f'"$CLAUDE_PROJECT_DIR/{SCRIPT_RELATIVE}"'
COMMAND = f'"${{{PYTHON_VARIABLE}:-python3}}" -S {SCRIPT_ARGUMENT}'
# The commit guard must fail closed even when the recorded interpreter is
# gone (a moved or deleted virtualenv): the shell then exits 126 or 127,
# which Claude Code treats as success. The guard's entry therefore retries
# with `python3` from PATH; the shell has not read stdin when the first
# interpreter could not start, so the payload reaches the retry intact. The
# entry script blocks git-mentioning calls with exit 2 when it cannot import
# the package. When no interpreter starts at all, the call is blocked.
GUARD_FALLBACK = (
    "; rc=$?; if [ $rc -eq 126 ] || [ $rc -eq 127 ]; then"
    f" python3 -S {SCRIPT_ARGUMENT} bash; rc=$?;"
    " if [ $rc -eq 126 ] || [ $rc -eq 127 ]; then"
    " echo 'cofee-hooks: no Python interpreter could start the commit guard, so the Bash call was blocked;"
    " run cofee-hooks install --claude' >&2; rc=2; fi; fi; exit $rc"
)

# (event, matcher or None, argument for the entry script, timeout in seconds).
# Narrow matchers keep the client from starting a process for other tools.
# SessionEnd gets 1.5 s from Claude Code unless its entry sets a longer timeout.
HOOK_ENTRIES: tuple[tuple[str, str | None, str, int], ...] = (
    ("PreToolUse", "Bash", "bash", 30),
    ("PreToolUse", "Agent|Task", "", 30),
    ("PostToolUse", "Write|Edit|MultiEdit", "", 60),
    ("PostToolUse", "Bash", "post-bash", 60),
    ("UserPromptSubmit", None, "", 30),
    ("SessionStart", None, "", 30),
    ("SubagentStop", None, "", 30),
    ("Stop", None, "", 30),
    ("SessionEnd", None, "", 10),
)


def install_claude_hooks(directory: Path) -> list[str]:
    """Install the hooks into the project at `directory`; return one line per file touched."""
    directory = Path(directory)
    claude = directory / ".claude"
    settings_path = claude / "settings.json"
    local_path = claude / "settings.local.json"
    # Every check runs before the first write, so invalid settings leave
    # the project exactly as it was.
    settings, updated, local, updated_local = _planned_settings(directory)

    lines = [_install_script(claude)]
    lines.append(_write_if_changed(settings_path, settings, updated, "hook entries"))
    lines.append(_write_if_changed(local_path, local, updated_local, f"interpreter {sys.executable}"))
    # The default hook log folder is machine-specific too.
    for path, folder in ((local_path, False), (claude / "logs", True)):
        excluded = _exclude_from_git(directory, path, folder)
        if excluded:
            lines.append(excluded)
    lines.extend(_stale_backup_notes(claude))
    return lines


def check_claude_settings(directory: Path) -> None:
    """Raise UserError when install could not merge into the project's settings files; change nothing."""
    _planned_settings(Path(directory))


def _planned_settings(directory: Path) -> tuple[dict[str, Any] | None, dict[str, Any], dict[str, Any] | None, dict[str, Any]]:
    """Return (settings, merged settings, local settings, merged local settings) without writing."""
    claude = directory / ".claude"
    settings = _read_settings(claude / "settings.json")
    local = _read_settings(claude / "settings.local.json")
    return settings, merge_entries(settings), local, _with_local_env(local)


def uninstall_claude_hooks(directory: Path) -> list[str]:
    """Remove the tagged entries, the local `env` keys and the entry script; return what changed."""
    directory = Path(directory)
    claude = directory / ".claude"
    settings_path = claude / "settings.json"
    local_path = claude / "settings.local.json"
    settings = _read_settings(settings_path)
    local = _read_settings(local_path)

    lines = []
    if settings is not None:
        lines.append(_write_or_remove(settings_path, settings, remove_entries(settings), "hook entries removed"))
    if local is not None:
        lines.append(_write_or_remove(local_path, local, _without_local_env(local), "local settings removed"))
    script = claude / "hooks" / ENTRY_SCRIPT
    if script.exists():
        script.unlink()
        lines.append(f"removed {_display(script)}")
        try:
            script.parent.rmdir()
        except OSError:
            pass  # the folder contains other hooks
    lines.extend(_stale_backup_notes(claude))
    if not lines:
        lines.append(f"nothing to remove in {_display(claude)}")
    return lines


def _stale_backup_notes(claude: Path) -> list[str]:
    """Name the `.bak` copies that earlier cofee-hooks builds wrote, so the user can delete them.

    They are not deleted here, because a file of that name may be the user's own.
    """
    notes = []
    for name in ("settings.json.bak", "settings.local.json.bak"):
        path = claude / name
        if path.is_file():
            notes.append(
                f"note: {_display(path)} is a backup that an earlier cofee-hooks build wrote"
                " (it may contain tokens from your settings); delete it"
            )
    return notes


def hook_command(argument: str) -> str:
    """Return the command line of one entry (the same on every machine).

    Only the commit guard's entry (`bash`) gets the fallback interpreter,
    because the other hooks are advisory and fail open anyway.
    """
    if argument == "bash":
        return f"{COMMAND} bash{GUARD_FALLBACK}"
    return f"{COMMAND} {argument}" if argument else COMMAND


def is_tagged(hook: Any) -> bool:
    """Return True for a hook item this package installed."""
    return isinstance(hook, dict) and isinstance(hook.get("command"), str) and TAG in hook["command"]


def installed_entries(settings: Any) -> list[tuple[str, str | None]]:
    """Return (event, matcher) for every tagged entry in a parsed settings object."""
    found = []
    hooks = settings.get("hooks") if isinstance(settings, dict) else None
    if not isinstance(hooks, dict):
        return found
    for event, groups in hooks.items():
        for group in groups if isinstance(groups, list) else []:
            if isinstance(group, dict) and any(is_tagged(hook) for hook in _hooks_of(group)):
                matcher = group.get("matcher")
                found.append((event, matcher if isinstance(matcher, str) else None))
    return found


def merge_entries(settings: dict[str, Any] | None) -> dict[str, Any]:
    """Return a copy of `settings` with this package's groups present exactly once.

    A group that already carries the tag is replaced where it stands, so the
    order of the user's entries never changes; a new group is appended.
    """
    result = json.loads(json.dumps(settings)) if settings else {}
    hooks = result.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise UserError(".claude/settings.json: 'hooks' must be an object; nothing was changed, fix it and run install again")
    for event, matcher, argument, timeout in HOOK_ENTRIES:
        groups = hooks.setdefault(event, [])
        if not isinstance(groups, list):
            raise UserError(f".claude/settings.json: hooks.{event} must be a list; nothing was changed, fix it and run install again")
        expected = _group(matcher, argument, timeout)
        positions = [index for index, group in enumerate(groups) if _is_our_group(group, matcher)]
        if positions:
            groups[positions[0]] = expected
            for index in reversed(positions[1:]):
                del groups[index]
        else:
            groups.append(expected)
    return result


def remove_entries(settings: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of `settings` without tagged hook items; groups and events left empty go too."""
    result = json.loads(json.dumps(settings))
    hooks = result.get("hooks")
    if not isinstance(hooks, dict):
        return result
    for event in list(hooks):
        groups = hooks[event]
        if not isinstance(groups, list):
            continue
        kept = []
        changed = False
        for group in groups:
            if isinstance(group, dict) and isinstance(group.get("hooks"), list):
                items = [hook for hook in group["hooks"] if not is_tagged(hook)]
                if len(items) != len(group["hooks"]):
                    changed = True
                    if not items:
                        continue
                    group = {**group, "hooks": items}
            kept.append(group)
        if changed:
            if kept:
                hooks[event] = kept
            else:
                del hooks[event]
    if not hooks:
        del result["hooks"]
    return result


def _group(matcher: str | None, argument: str, timeout: int) -> dict[str, Any]:
    group: dict[str, Any] = {}
    if matcher is not None:
        group["matcher"] = matcher
    group["hooks"] = [{"type": "command", "command": hook_command(argument), "timeout": timeout}]
    return group


def _is_our_group(group: Any, matcher: str | None) -> bool:
    if not isinstance(group, dict):
        return False
    own = group.get("matcher")
    own = own if own not in ("", "*") else None
    return own == matcher and any(is_tagged(hook) for hook in _hooks_of(group))


def _hooks_of(group: dict[str, Any]) -> list[Any]:
    hooks = group.get("hooks")
    return hooks if isinstance(hooks, list) else []


def _with_local_env(local: dict[str, Any] | None) -> dict[str, Any]:
    result = json.loads(json.dumps(local)) if local else {}
    env = result.setdefault("env", {})
    if not isinstance(env, dict):
        raise UserError(".claude/settings.local.json: 'env' must be an object; nothing was changed, fix it and run install again")
    env[PYTHON_VARIABLE] = sys.executable
    env[PATH_VARIABLE] = os.pathsep.join(package_paths())
    return result


def _without_local_env(local: dict[str, Any]) -> dict[str, Any]:
    result = json.loads(json.dumps(local))
    env = result.get("env")
    if isinstance(env, dict):
        env.pop(PYTHON_VARIABLE, None)
        env.pop(PATH_VARIABLE, None)
        if not env:
            del result["env"]
    return result


def package_paths() -> list[str]:
    """Return the folders the entry script adds to `sys.path` under `python -S`.

    First the folder that contains the `cofee_hooks` package, then this
    interpreter's site-packages (PyYAML is needed when the configuration cache
    is rebuilt).
    """
    import site

    import cofee_hooks

    paths = [str(Path(cofee_hooks.__file__).resolve().parent.parent)]
    for folder in [*site.getsitepackages(), site.getusersitepackages()]:
        if folder not in paths and os.path.isdir(folder):
            paths.append(folder)
    return paths


def entry_script_source() -> Path:
    """Return the entry script shipped with the package (wheel) or in the source tree."""
    import cofee_hooks

    package = Path(cofee_hooks.__file__).resolve().parent
    for candidate in (package / "_hooks" / ENTRY_SCRIPT, package.parent.parent / "hooks" / ENTRY_SCRIPT):
        if candidate.is_file():
            return candidate
    raise UserError(f"the entry script {ENTRY_SCRIPT} is missing from the installed package; reinstall cofee-hooks")


def _install_script(claude: Path) -> str:
    source = entry_script_source()
    target = claude / "hooks" / ENTRY_SCRIPT
    content = source.read_bytes()
    if target.is_file() and target.read_bytes() == content:
        return f"unchanged {_display(target)}"
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{ENTRY_SCRIPT}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, target)
    return f"wrote {_display(target)}"


def _read_settings(path: Path) -> dict[str, Any] | None:
    """Parse a settings file; None when it does not exist. Raises UserError when it is invalid."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{_project_relative(path)}: cannot read the file ({error}); nothing was changed") from None
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(
            f"{_project_relative(path)}:{error.lineno}:{error.colno}: invalid JSON ({error.msg}); "
            "nothing was changed, fix the file and run again"
        ) from None
    if not isinstance(value, dict):
        raise UserError(f"{_project_relative(path)}: expected a JSON object at the top level; nothing was changed")
    return value


def _write_if_changed(path: Path, before: dict[str, Any] | None, after: dict[str, Any], what: str) -> str:
    if before is not None and before == after:
        return f"unchanged {_display(path)}"
    if before is None and not after:
        return f"unchanged {_display(path)}"
    text = _format_like(path, after)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return f"updated {_display(path)} ({what})"


def _write_or_remove(path: Path, before: dict[str, Any], after: dict[str, Any], what: str) -> str:
    # A file left empty by uninstall held only this package's entries.
    if after or not before:
        return _write_if_changed(path, before, after, what)
    path.unlink()
    return f"removed {_display(path)} (it held only cofee-hooks entries)"


def _format_like(path: Path, value: dict[str, Any]) -> str:
    """Serialise with the existing file's indentation and final newline (2 spaces by default)."""
    indent: int | str = 2
    final_newline = True
    try:
        old = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        old = ""
    if old:
        final_newline = old.endswith("\n")
        for line in old.splitlines()[1:]:
            stripped = line.lstrip(" \t")
            if stripped and len(stripped) != len(line):
                prefix = line[: len(line) - len(stripped)]
                indent = prefix if "\t" in prefix else len(prefix)
                break
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return text + "\n" if final_newline else text


def _exclude_from_git(directory: Path, path: Path, folder: bool = False) -> str | None:
    """Keep a machine-specific file or folder out of git via `.git/info/exclude`, touching no committed file.

    Returns the line to report, or None when git already ignores `path` or
    `directory` is not in a git repository.
    """
    from cofee_hooks import git

    probe = path / "probe" if folder else path
    try:
        ignored = git.run(["check-ignore", "-q", "--no-index", "--", str(probe)], directory, check=False, timeout=10)
        if ignored.returncode != 1:
            return None  # 0: already ignored; 128: not a git repository
        exclude = Path(git.output(["rev-parse", "--git-path", "info/exclude"], directory, timeout=10))
        toplevel = Path(git.output(["rev-parse", "--show-toplevel"], directory, timeout=10))
    except git.GitError:
        return None
    exclude = exclude if exclude.is_absolute() else directory / exclude
    relative = path.resolve().relative_to(toplevel.resolve()).as_posix() + ("/" if folder else "")
    exclude.parent.mkdir(parents=True, exist_ok=True)
    existing = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
    separator = "" if not existing or existing.endswith("\n") else "\n"
    with open(exclude, "a", encoding="utf-8") as handle:
        handle.write(f"{separator}/{relative}\n")
    return f"added /{relative} to {_display(exclude)}"


def _project_relative(path: Path) -> str:
    """Return `.claude/NAME` for a settings file, the form every message of this module uses."""
    return f"{path.parent.name}/{path.name}" if path.parent.name == ".claude" else str(path)


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
