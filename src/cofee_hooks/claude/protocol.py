"""The Claude Code hook protocol: parsing payloads and building hook output.

This is the only module that knows the wire format. Facts it relies on, as
Claude Code 2.1.332 behaves:

- stdin carries one JSON object; every field may be missing, and new fields
  appear in most releases, so unknown fields are ignored.
- stdout is exactly one JSON object or nothing. Event-specific fields belong
  inside `hookSpecificOutput` with a matching `hookEventName`.
- Only exit code 2 blocks; any other non-zero exit lets the tool run.
- `updatedInput` replaces the whole tool input, so it must be a full copy.
- The subagent tool is `Agent`; `Task` is its older name.

Only the standard library is imported here.
"""

from __future__ import annotations

# `json` is imported inside the two functions that use it: at module level it
# pulls in `re` and `enum`, which roughly doubles the cost of a commit check.

# Type checkers treat this name specially; at run time `typing` stays unimported,
# which saves several milliseconds on every hook call.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SUBAGENT_TOOLS = ("Agent", "Task")
MAX_CONTEXT_CHARS = 10_000  # the client shows longer hook output only as a preview


class HookEvent:
    """A parsed hook payload with typed, always-safe accessors."""

    __slots__ = ("raw",)

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def text(self, name: str) -> str:
        """Return a string field, or '' when it is missing or not a string."""
        value = self.raw.get(name)
        return value if isinstance(value, str) else ""

    def flag(self, name: str) -> bool:
        return self.raw.get(name) is True

    def mapping(self, name: str) -> dict[str, Any]:
        value = self.raw.get(name)
        return value if isinstance(value, dict) else {}

    @property
    def name(self) -> str:
        return self.text("hook_event_name")

    @property
    def session_id(self) -> str:
        return self.text("session_id")

    @property
    def cwd(self) -> str:
        return self.text("cwd")

    @property
    def tool_name(self) -> str:
        return self.text("tool_name")

    @property
    def tool_input(self) -> dict[str, Any]:
        return self.mapping("tool_input")

    @property
    def is_subagent_dispatch(self) -> bool:
        return self.tool_name in SUBAGENT_TOOLS


def parse_payload(data: bytes | str) -> HookEvent:
    """Parse stdin into a `HookEvent`; raises ValueError when it is not one JSON object."""
    import json

    if isinstance(data, bytes):
        data = data.decode("utf-8")
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError("hook payload is not a JSON object")
    return HookEvent(value)


def deny(reason: str) -> dict[str, Any]:
    """Build a PreToolUse denial: the tool does not run and the model receives `reason`."""
    return {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }
    }


def replace_input(tool_input: dict[str, Any]) -> dict[str, Any]:
    """Build a PreToolUse output that replaces the tool input (a full copy of every field).

    No `permissionDecision` is given, so the user's own permission rules still
    apply; Claude Code 2.1.332 applies `updatedInput` without one.
    """
    return {"hookSpecificOutput": {"hookEventName": "PreToolUse", "updatedInput": tool_input}}


def additional_context(event_name: str, text: str) -> dict[str, Any]:
    """Add `text` to the model's context after UserPromptSubmit, SessionStart or PostToolUse."""
    return {"hookSpecificOutput": {"hookEventName": event_name, "additionalContext": text}}


def block(reason: str) -> dict[str, Any]:
    """Block a Stop, SubagentStop or UserPromptSubmit: the agent gets `reason` as feedback."""
    return {"decision": "block", "reason": reason}


def encode_answer(answer: dict[str, Any] | None) -> str:
    """Serialise an answer for stdout: one JSON object on one line, or '' for none."""
    if answer is None:
        return ""
    import json

    return json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
