"""cofee-hooks: Claude Code and git hooks that enforce a team's agent workflow."""

__version__ = "0.1.0"
