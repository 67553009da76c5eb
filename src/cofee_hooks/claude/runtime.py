"""The Claude Code hook runtime: one payload in, one hook output (or nothing) out.

Claude Code starts the entry script for every hook event this package
handles; the script passes stdin to `run()`, which routes on
`hook_event_name` (and `tool_name` for tool events) to one handler, imported
only for its own event. stdout receives exactly one JSON object or nothing;
logs go to a file (see `cofee_hooks.claude.log`), never to stdout.

Failure policy (the client only blocks on exit code 2, and treats any other
non-zero exit as success, so a crash must be turned into a decision here):

| Event                     | Handler                     | On failure (crash, deadline, bad config)       |
|---------------------------|-----------------------------|------------------------------------------------|
| PreToolUse Bash           | guard.agent_hook            | fail closed: exit 2 and one line on stderr,    |
|                           |                             | but only when the command mentions git         |
| PreToolUse Agent / Task   | context.hooks               | fail open: exit 0, no output, logged           |
| UserPromptSubmit          | context.hooks               | fail open                                      |
| SessionStart              | context.hooks               | fail open                                      |
| PostToolUse               | lint.feedback               | fail open                                      |
| SubagentStop/Stop/SessEnd | memory.hooks                | fail open                                      |
| any other event           | none                        | exit 0, no output                              |
| unreadable payload        | none                        | exit 2 only when it is clearly a Bash          |
|                           |                             | PreToolUse call that mentions git, else exit 0 |

A handler module that does not exist (an optional part not installed) is a
no-op for its advisory event. Tracebacks go to the log file, never to
stdout, and to stderr only when `COFEE_HOOKS_DEBUG=1` sends the log there.
"""

from __future__ import annotations

import os
import sys

# Annotations stay unevaluated (see the __future__ import), so the typing
# module, about 3 ms to import, is kept off the fast path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO, TextIO

MAX_PAYLOAD_BYTES = 5 * 1024 * 1024

# Seconds the whole hook may run before it gives up. Claude Code's default
# hook timeout is 60 s and SessionEnd entries are installed with 10 s, so the caps stay below those.
# The configured `hooks.deadline_seconds` replaces the default, clamped to 0.5 s..the event's cap.
_DEFAULT_DEADLINE = 20.0
_DEADLINE_CAPS = {"SessionEnd": 8.0}
_MAX_DEADLINE = 50.0

GUARD_EVENT = ("PreToolUse", "Bash")
_EDIT_TOOLS = ("Write", "Edit", "MultiEdit")

# (event, tool name or None) -> (module, function). Tool events fall back to
# the entry without a tool name when the tool has no entry of its own.
ROUTES: dict[tuple[str, str | None], tuple[str, str]] = {
    ("PreToolUse", "Bash"): ("cofee_hooks.guard.agent_hook", "handle_bash"),
    ("PreToolUse", "Agent"): ("cofee_hooks.context.hooks", "handle_agent_dispatch"),
    ("PreToolUse", "Task"): ("cofee_hooks.context.hooks", "handle_agent_dispatch"),
    ("UserPromptSubmit", None): ("cofee_hooks.context.hooks", "handle_user_prompt"),
    ("SessionStart", None): ("cofee_hooks.context.hooks", "handle_session_start"),
    ("PostToolUse", "Write"): ("cofee_hooks.lint.feedback", "handle_post_tool_use"),
    ("PostToolUse", "Edit"): ("cofee_hooks.lint.feedback", "handle_post_tool_use"),
    ("PostToolUse", "MultiEdit"): ("cofee_hooks.lint.feedback", "handle_post_tool_use"),
    ("PostToolUse", "Bash"): ("cofee_hooks.lint.feedback", "handle_post_tool_use"),
    ("SubagentStop", None): ("cofee_hooks.memory.hooks", "handle_subagent_stop"),
    ("Stop", None): ("cofee_hooks.memory.hooks", "handle_stop"),
    ("SessionEnd", None): ("cofee_hooks.memory.hooks", "handle_session_end"),
}


_NO_DEADLINE = object()


class DeadlineExceeded(Exception):
    """Raised by the alarm signal when a hook runs past its deadline."""


def mentions_git(command: str) -> bool:
    """Return True when a command line could run git once the shell removes quoting.

    Quotes and backslashes are dropped first, because `g\\it` and `"g"it` run
    git too. Upper case counts, so `GIT_CONFIG_*` and `core.hooksPath` stay
    on the slow path.
    """
    squeezed = command.replace("\\", "").replace("'", "").replace('"', "")
    return "git" in squeezed.lower()


def run(
    data: bytes,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: dict[str, str] | None = None,
) -> int:
    """Handle one payload: write the hook output to `stdout` and return the exit code.

    Never raises; every failure is decided by the policy in the module docstring.
    """
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    environ = os.environ if environ is None else environ
    try:
        return _run(data, stdout, stderr, environ)
    except BaseException as error:  # noqa: BLE001 - the last line of defence, no traceback may escape
        return _fail_unreadable(data, stderr, f"internal error: {type(error).__name__}")


def main(stdin: BinaryIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Read the payload from `stdin` (capped in size) and run it."""
    stdin = sys.stdin.buffer if stdin is None else stdin
    try:
        data = stdin.read(MAX_PAYLOAD_BYTES + 1)
    except (OSError, ValueError):
        data = b""
    return run(data, stdout, stderr)


def _run(data: bytes, stdout: TextIO, stderr: TextIO, environ: Any) -> int:
    if len(data) > MAX_PAYLOAD_BYTES:
        return _fail_unreadable(data, stderr, f"payload larger than {MAX_PAYLOAD_BYTES} bytes")

    try:
        payload = loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _fail_unreadable(data, stderr, "payload is not valid JSON")
    if not isinstance(payload, dict):
        return _fail_unreadable(data, stderr, "payload is not a JSON object")

    event_name = payload.get("hook_event_name")
    tool_name = payload.get("tool_name")
    if not isinstance(event_name, str):
        return 0
    if not isinstance(tool_name, str):
        tool_name = None
    route = ROUTES.get((event_name, tool_name)) or ROUTES.get((event_name, None))
    if route is None:
        return 0

    is_guard = (event_name, tool_name) == GUARD_EVENT
    if tool_name == "Bash":
        command = _bash_command(payload)
        # Fast path: a command that cannot commit (or, after the tool ran,
        # cannot have written a revision) costs nothing more.
        if command is None:
            return 0
        if is_guard and not (mentions_git(command) and _may_commit(command)):
            return 0
        if event_name == "PostToolUse" and "alembic" not in command.lower():
            return 0
    elif event_name == "PostToolUse" and tool_name in _EDIT_TOOLS and not _edits_python(payload):
        # Only Python files can be Alembic revisions; Markdown edits cost nothing more.
        return 0
    return _dispatch(payload, route, is_guard, stdout, stderr, environ)


_JSON_WHITESPACE = " \t\n\r"
_JSON_CONSTANTS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


class _ScanContext:
    """The settings the C JSON scanner reads, the same as `json.loads` uses by default."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = _JSON_CONSTANTS.__getitem__


def loads(text: str) -> Any:
    """Parse one JSON document like `json.loads`, raising ValueError when it is invalid.

    The `json` package imports `re` and `enum`, several milliseconds per hook
    call; the C scanner it is built on needs neither. Interpreters without
    `_json` fall back to the package.
    """
    try:
        from _json import make_scanner
    except ImportError:
        import json

        return json.loads(text)
    scan = make_scanner(_ScanContext())
    start = len(text) - len(text.lstrip(_JSON_WHITESPACE))
    try:
        value, end = scan(text, start)
    except StopIteration as error:
        raise ValueError(f"expecting a JSON value at character {error.value}") from None
    except SystemError:
        # Without json.decoder imported, the C scanner raises SystemError for most syntax errors
        # (CPython 3.11). Only invalid input gets here, so the json package parses it for the real error.
        import json

        return json.loads(text)
    if text[end:].strip(_JSON_WHITESPACE):
        raise ValueError(f"extra data after the JSON value at character {end}")
    return value


def _may_commit(command: str) -> bool:
    """Return True when the shell analysis finds a commit or a hook skip in the command.

    Done before the configuration, the log and the protocol module are loaded,
    so `git status` and `git log` cost little more than the interpreter start.
    An analysis that fails counts as a possible commit: the guard decides.
    """
    try:
        from cofee_hooks.guard.shell import analyse

        analysis = analyse(command)
    except Exception:  # noqa: BLE001 - the guard itself will run and decide
        return True
    return bool(analysis.commits or analysis.skips or analysis.aliases)


def _edits_python(payload: dict[str, Any]) -> bool:
    tool_input = payload.get("tool_input")
    path = tool_input.get("file_path") if isinstance(tool_input, dict) else None
    return isinstance(path, str) and path.endswith(".py")


def _bash_command(payload: dict[str, Any]) -> str | None:
    tool_input = payload.get("tool_input")
    if not isinstance(tool_input, dict):
        return None
    command = tool_input.get("command")
    return command if isinstance(command, str) else None


def _dispatch(
    payload: dict[str, Any],
    route: tuple[str, str],
    is_guard: bool,
    stdout: TextIO,
    stderr: TextIO,
    environ: Any,
) -> int:
    from cofee_hooks.claude.log import open_log
    from cofee_hooks.claude.protocol import HookEvent, encode_answer

    event = HookEvent(payload)
    project_dir = _project_dir(event, environ)
    log = open_log(project_dir)
    log.context = (
        f"event={event.name}"
        + (f" session={event.session_id}" if event.session_id else "")
        + (f" tool={event.tool_name}" if event.tool_name else "")
    )

    previous = _start_deadline(_DEFAULT_DEADLINE)
    try:
        config, config_error = _load_config(project_dir)
        if config is not None:
            log = _reopen_log(log, project_dir, config)
            if previous is not _NO_DEADLINE:
                _start_deadline(_deadline_for(event.name, config))
        if config_error is not None:
            log.error(f"configuration not loaded: {config_error}")
            if config is None:
                if not is_guard:
                    return 0
                config = _default_config(project_dir)
        handler = _import_handler(route, log)
        if handler is None:
            if is_guard:
                return _fail_guard(stderr, log, "the commit guard module could not be imported")
            return 0
        output = handler(event, config, log)
        text = encode_answer(output) if isinstance(output, dict) else ""
        if output is not None and not isinstance(output, dict):
            log.error(f"handler {route[1]} returned {type(output).__name__}, not a dict; ignored")
    except DeadlineExceeded:
        if is_guard:
            return _fail_guard(stderr, log, "the commit guard ran out of time")
        log.error("deadline exceeded; no hook output written")
        return 0
    except Exception as error:  # noqa: BLE001 - turned into the event's failure policy
        _log_traceback(log, error)
        if is_guard:
            return _fail_guard(stderr, log, f"the commit guard failed ({type(error).__name__}: {_first_line(error)})")
        return 0
    finally:
        _stop_deadline(previous)

    if text:
        try:
            stdout.write(text + "\n")
            stdout.flush()
        except (OSError, ValueError) as error:
            log.error(f"cannot write the hook output: {error}")
    return 0


def _project_dir(event: Any, environ: Any) -> str:
    for candidate in (environ.get("CLAUDE_PROJECT_DIR"), event.cwd):
        if candidate and os.path.isabs(candidate) and os.path.isdir(candidate):
            return candidate
    return os.getcwd()


def _load_config(project_dir: str) -> tuple[Any, str | None]:
    """Load the configuration; returns (config or None, error message or None)."""
    from cofee_hooks.config.fast import load_fast

    try:
        return load_fast(project_dir), None
    except ModuleNotFoundError as error:
        # Under `python -S` the YAML parser is only importable once the
        # interpreter's site-packages are on the path; add them and retry.
        if not _enable_site():
            return None, f"{error}"
    except Exception as error:  # noqa: BLE001 - ConfigError and unreadable files alike
        return None, _first_line(error)
    try:
        return load_fast(project_dir), None
    except Exception as error:  # noqa: BLE001
        return None, _first_line(error)


def _enable_site() -> bool:
    if "site" in sys.modules and getattr(sys.flags, "no_site", 0) == 0:
        return False
    import site

    before = len(sys.path)
    site.main()
    return len(sys.path) != before


def _default_config(project_dir: str) -> Any:
    """Return the defaults (guard off) when the project configuration cannot be read."""
    from cofee_hooks.config.fast import FastConfig
    from cofee_hooks.config.schema import defaults

    values = defaults()
    values["commit_guard"]["enabled"] = False
    return FastConfig(values, None, project_dir)


def _reopen_log(log: Any, project_dir: str, config: Any) -> Any:
    from cofee_hooks.claude.log import open_log

    try:
        hooks = config.section("hooks")
    except (KeyError, AttributeError, TypeError):
        return log
    new_log = open_log(getattr(config, "root", None) or project_dir, hooks)
    new_log.context = log.context
    return new_log


def _deadline_for(event_name: str, config: Any) -> float:
    try:
        configured = float(config.section("hooks").get("deadline_seconds") or _DEFAULT_DEADLINE)
    except (KeyError, AttributeError, TypeError, ValueError):
        configured = _DEFAULT_DEADLINE
    return max(0.5, min(configured, _DEADLINE_CAPS.get(event_name, _MAX_DEADLINE)))


def _import_handler(route: tuple[str, str], log: Any) -> Any:
    import importlib

    module_name, function_name = route
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            log.info(f"{module_name} is not available; event ignored")
            return None
        raise
    handler = getattr(module, function_name, None)
    if handler is None:
        log.warning(f"{module_name} has no {function_name}; event ignored")
    return handler


def _start_deadline(seconds: float) -> Any:
    signal = _signal_module()

    if not hasattr(signal, "setitimer"):
        return _NO_DEADLINE

    def _on_alarm(signum: int, frame: Any) -> None:
        raise DeadlineExceeded()

    try:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
    except ValueError:
        return _NO_DEADLINE  # not the main thread (an embedding test runner)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    return previous


def _signal_module() -> Any:
    # The `signal` module wraps its constants in enums, and importing `enum`
    # costs a few milliseconds per hook call; `_signal` has the same functions.
    try:
        import _signal

        return _signal
    except ImportError:
        import signal

        return signal


def _stop_deadline(previous: Any) -> None:
    signal = _signal_module()

    if not hasattr(signal, "setitimer") or previous is _NO_DEADLINE:
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def _fail_guard(stderr: TextIO, log: Any, reason: str) -> int:
    """Block the Bash call (exit 2) with one line; the client shows stderr to the model."""
    log.error(f"{reason}; the command was blocked")
    _write_line(stderr, f"cofee-hooks: {reason}; the git command was blocked. See .claude/logs/cofee-hooks.log.")
    return 2


def _fail_unreadable(data: bytes, stderr: TextIO, reason: str) -> int:
    """Decide on a payload that could not be read: block only a clear Bash call mentioning git."""
    blocked = looks_like_git_bash_call(data)
    _log_unreadable(reason, blocked)
    if not blocked:
        return 0
    _write_line(stderr, f"cofee-hooks: the commit guard could not read the hook payload ({reason}); the command was blocked.")
    return 2


def _log_unreadable(reason: str, blocked: bool) -> None:
    """Record an unreadable payload in the project's hook log; a failure to log is ignored."""
    try:
        from cofee_hooks.claude.log import open_log

        project_dir = os.environ.get("CLAUDE_PROJECT_DIR")
        if not (project_dir and os.path.isabs(project_dir) and os.path.isdir(project_dir)):
            project_dir = os.getcwd()
        log = open_log(project_dir)
        outcome = "the Bash call was blocked" if blocked else "the event was ignored"
        log.error(f"cannot read the hook payload ({reason}); {outcome}")
    except Exception:  # noqa: BLE001 - logging must not change the decision
        pass


def looks_like_git_bash_call(data: bytes) -> bool:
    """Return True when unparseable bytes are clearly a PreToolUse Bash payload that mentions git."""
    import re

    head = data[: MAX_PAYLOAD_BYTES + 1].decode("utf-8", errors="replace")
    if not re.search(r'"hook_event_name"\s*:\s*"PreToolUse"', head):
        return False
    if not re.search(r'"tool_name"\s*:\s*"Bash"', head):
        return False
    return "\\u" in head or mentions_git(head)


def _write_line(stream: TextIO, line: str) -> None:
    try:
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


def _log_traceback(log: Any, error: BaseException) -> None:
    import traceback

    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    log.error(f"handler failed: {text}")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__
