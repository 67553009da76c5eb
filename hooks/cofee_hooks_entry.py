"""Claude Code hook entry point of cofee-hooks.

`cofee-hooks install --claude` copies this file to `.claude/hooks/` of the
project and registers it in `.claude/settings.json` as

    "${COFEE_HOOKS_PYTHON:-python3}" -S "$CLAUDE_PROJECT_DIR/.claude/hooks/cofee_hooks_entry.py" [bash]

It runs under `-S` because the site module alone costs a few milliseconds on
every tool call. So it finds the package itself, trying in order:

- the normal `sys.path`;
- the folders in `COFEE_HOOKS_PATH`, from the environment or else from `env`
  in `.claude/settings.local.json` (install writes it for this machine);
- the package this file was shipped in;
- the interpreter's site-packages.

With the argument `bash` (the PreToolUse Bash entry), a payload that does
not mention git anywhere exits 0 with no output before anything is imported.
With `post-bash` (the PostToolUse Bash entry), so does one that does not
mention alembic.

If the package cannot be imported, a PreToolUse Bash call that mentions git
is blocked with exit code 2 and one line on stderr. Everything else passes,
and one line goes to `.claude/logs/cofee-hooks.log`, so that context
injection and memory being off is visible somewhere.

Standard library only. Keep this file small, because it is copied into
projects.
"""

import os
import sys

MAX_PAYLOAD_BYTES = 5 * 1024 * 1024


def _mentions_git(data):
    if b"\\u" in data:
        # JSON escapes could spell "git"; let the runtime decode them.
        return True
    squeezed = data.replace(b"\\", b"").replace(b"'", b"").replace(b'"', b"")
    return b"git" in squeezed.lower()


def _recorded_paths():
    value = os.environ.get("COFEE_HOOKS_PATH")
    if not value:
        value = _path_from_local_settings()
    return [entry for entry in (value or "").split(os.pathsep) if entry]


def _path_from_local_settings():
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.path.join(os.path.dirname(here), "settings.local.json")]
    project = os.environ.get("CLAUDE_PROJECT_DIR")
    if project:
        candidates.append(os.path.join(project, ".claude", "settings.local.json"))
    for candidate in candidates:
        try:
            with open(candidate, encoding="utf-8") as handle:
                text = handle.read()
            # json imports re and enum, so it is loaded only once a settings file was read.
            import json

            value = json.loads(text)["env"]["COFEE_HOOKS_PATH"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if isinstance(value, str):
            return value
    return None


def _shipped_paths():
    here = os.path.dirname(os.path.abspath(__file__))
    # Inside an installed wheel this file is cofee_hooks/_hooks/; in a source
    # checkout it is hooks/ next to src/.
    return [os.path.dirname(os.path.dirname(here)), os.path.join(os.path.dirname(here), "src")]


def _import_runtime():
    attempts = (None, _recorded_paths, _shipped_paths, "site")
    for attempt in attempts:
        if attempt == "site":
            try:
                import site

                site.main()
            except Exception:
                return None
        elif attempt is not None:
            for entry in attempt():
                if entry not in sys.path and os.path.isdir(os.path.join(entry, "cofee_hooks")):
                    sys.path.append(entry)
        try:
            from cofee_hooks.claude import runtime

            return runtime
        except Exception:
            # A half-found package must not poison the next attempt.
            for name in [name for name in sys.modules if name == "cofee_hooks" or name.startswith("cofee_hooks.")]:
                del sys.modules[name]
    return None


def _log_missing_package(hint):
    # The runtime's logger is part of the missing package, so this writes the line itself.
    # Nothing rotates the file on this path, so it stops writing past 1 MB.
    here = os.path.dirname(os.path.abspath(__file__))
    project = os.environ.get("CLAUDE_PROJECT_DIR") or os.path.dirname(os.path.dirname(here))
    path = os.path.join(project, ".claude", "logs", "cofee-hooks.log")
    try:
        import time

        if os.path.exists(path) and os.path.getsize(path) > 1_000_000:
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(
                f"{stamp} ERROR pid={os.getpid()} entry={hint or 'default'} the cofee_hooks package cannot be "
                f"imported by {sys.executable}, so this hook did nothing (context injection, memory and lint "
                "feedback are off); run 'cofee-hooks install --claude' on this machine\n"
            )
    except (OSError, ValueError):
        pass


def _looks_like_bash_call(data, hint):
    if hint == "bash":
        return True
    return b"PreToolUse" in data and b"Bash" in data


def main():
    hint = sys.argv[1] if len(sys.argv) > 1 else ""
    try:
        data = sys.stdin.buffer.read(MAX_PAYLOAD_BYTES + 1)
    except (OSError, ValueError):
        data = b""
    if hint == "bash" and b"PreToolUse" in data and not _mentions_git(data):
        return 0
    if hint == "post-bash" and b"PostToolUse" in data and b"\\u" not in data and b"alembic" not in data.lower():
        return 0
    runtime = _import_runtime()
    if runtime is None:
        _log_missing_package(hint)
        if _looks_like_bash_call(data, hint) and _mentions_git(data):
            sys.stderr.write(
                "cofee-hooks: the commit guard cannot run because the cofee_hooks package was not found by "
                + sys.executable
                + "; reinstall cofee-hooks into the environment of "
                + sys.executable
                + " and run cofee-hooks install --claude,"
                + " or set COFEE_HOOKS_PYTHON. To stop using it, delete the cofee_hooks_entry.py entries"
                + " from .claude/settings.json.\n"
            )
            return 2
        return 0
    return runtime.run(data)


if __name__ == "__main__":
    try:
        code = main()
    except BaseException:
        code = 0
    sys.exit(code)
