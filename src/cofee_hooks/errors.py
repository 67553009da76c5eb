"""Error types that reach the user as one line and an exit code."""

from __future__ import annotations

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_TOOL_FAILURE = 3


class UserError(Exception):
    """A problem the user can fix: printed as one line, never as a traceback.

    `exit_code` is 2 for usage and configuration errors and 3 when the tool
    itself could not work (a missing binary, a project that was not found).
    """

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class ConfigError(UserError):
    """An invalid configuration file or value (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


class ToolFailure(UserError):
    """The tool could not do its job: squawk missing, project not found (exit code 3)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_TOOL_FAILURE)
