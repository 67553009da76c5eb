"""The hook logger: a size-capped file under the project's `.claude/` folder.

Hooks must never write to stdout (it belongs to the protocol) and must stay
cheap to start, so this is a few lines over `open()` instead of the `logging`
package, which costs about 10 ms to import (`python -X importtime`, Python
3.11). Lines go to `.claude/logs/cofee-hooks.log` by default (configuration
key `hooks.log_file`). When the file grows past `hooks.log_max_bytes`, it is
renamed to `<name>.1`, replacing the previous old file, so at most two files
exist. With `COFEE_HOOKS_DEBUG=1` every line is also written to stderr.

A logger that cannot write (read-only project, missing folder that cannot be
created) drops the line silently: logging must never make a hook fail.
"""

from __future__ import annotations

import os
import sys
import time

DEFAULT_LOG_FILE = os.path.join(".claude", "logs", "cofee-hooks.log")
DEFAULT_MAX_BYTES = 1_000_000


class HookLog:
    """Append-only log with one rotation; `.info`, `.warning`, `.error` take one message."""

    __slots__ = ("path", "max_bytes", "echo", "context", "lines_written")

    def __init__(self, path: str | None, max_bytes: int = DEFAULT_MAX_BYTES, echo: bool | None = None) -> None:
        self.path = path
        self.max_bytes = max(int(max_bytes), 10_000)
        self.echo = os.environ.get("COFEE_HOOKS_DEBUG") == "1" if echo is None else echo
        self.context = ""
        self.lines_written = 0

    def info(self, message: str) -> None:
        self._write("INFO", message)

    def warning(self, message: str) -> None:
        self._write("WARNING", message)

    def error(self, message: str) -> None:
        self._write("ERROR", message)

    def _write(self, level: str, message: str) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        prefix = f"{stamp} {level} pid={os.getpid()}"
        if self.context:
            prefix = f"{prefix} {self.context}"
        # One record per line, so that a grep over the file finds whole records.
        line = f"{prefix} {message}".replace("\r", "\\r").replace("\n", "\\n") + "\n"
        if self.echo:
            try:
                sys.stderr.write("cofee-hooks: " + line)
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
        if self.path is None:
            return
        try:
            self._append(line)
        except OSError:
            pass
        self.lines_written += 1

    def _append(self, line: str) -> None:
        assert self.path is not None
        try:
            size = os.path.getsize(self.path)
        except OSError:
            size = 0
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        if size + len(line) > self.max_bytes and size > 0:
            # Parallel hooks may rotate at the same time; the loser's rename
            # fails or moves a fresh file, which loses at most a few lines.
            try:
                os.replace(self.path, self.path + ".1")
            except OSError:
                pass
        with open(self.path, "a", encoding="utf-8", errors="replace") as handle:
            handle.write(line)


def open_log(project_dir: str | None, hooks_section: dict | None = None) -> HookLog:
    """Create the logger for a project folder, honouring the `hooks:` configuration section."""
    section = hooks_section or {}
    relative = section.get("log_file") or DEFAULT_LOG_FILE
    max_bytes = section.get("log_max_bytes") or DEFAULT_MAX_BYTES
    if project_dir is None:
        return HookLog(None, max_bytes)
    path = relative if os.path.isabs(relative) else os.path.join(project_dir, relative)
    return HookLog(os.path.normpath(path), max_bytes)
