"""Claude Code hooks that inject Context7 IDs and scoped rules.

- PreToolUse on `Agent`/`Task`: append the block to the subagent's task
  prompt. Claude Code 2.1.332 replaces the whole tool input with
  `updatedInput` and rejects a partial one, so the hook returns a full copy
  of the input with only `prompt` changed.
- UserPromptSubmit: `additionalContext` with what the prompt calls for and
  the main session has not been given yet.
- SessionStart after compaction or resume: send again what the session had
  been given, since compaction drops it. After /clear the user wants a
  clean context, so nothing is sent and the session's record is emptied:
  later prompts get what they call for again.

These hooks are advisory: every failure is logged and gives no output,
so the prompt or the tool call goes on unchanged.
"""

from __future__ import annotations

import os

from cofee_hooks.claude import protocol
from cofee_hooks.context.inject import END_MARKER, Injection, build_injection
from cofee_hooks.context.registry import Library, Registry
from cofee_hooks.context.rules import REASON_PATH, Match, Rule, applicable_rules, load_rules
from cofee_hooks.context.state import load_state, save_state

# typing is imported for type checkers only: it costs milliseconds on every hook call.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

REINJECT_SOURCES = ("compact", "resume")
# Claude Code 2.1.332 reports a finished background subagent as a prompt of
# its own; that text comes from the subagent, not from the user.
_CLIENT_NOTICE = "<task-notification>"
_REINJECT_NOTES = {
    "compact": "Sent again after compaction: the project context given earlier in this session.",
    "resume": "Sent again on resume: the project context given earlier in this session.",
}


def handle_agent_dispatch(event: protocol.HookEvent, config: Any, log: Any) -> dict[str, Any] | None:
    """Append the block to a subagent prompt and return a full copy of the tool input."""
    return _advisory(_agent_dispatch, "at subagent dispatch", event, config, log)


def handle_user_prompt(event: protocol.HookEvent, config: Any, log: Any) -> dict[str, Any] | None:
    """Add the IDs and scoped rules a user prompt calls for, unless this session already has them."""
    return _advisory(_user_prompt, "for a user prompt", event, config, log)


def handle_session_start(event: protocol.HookEvent, config: Any, log: Any) -> dict[str, Any] | None:
    """After compaction or resume, send again what the session had been given; after /clear, forget it."""
    return _advisory(_session_start, "at session start", event, config, log)


def _advisory(work: Any, where: str, event: protocol.HookEvent, config: Any, log: Any) -> dict[str, Any] | None:
    """Run one hook's `work`; log a failure and return None, so the prompt, dispatch or session goes on."""
    try:
        return work(event, config, log)
    except Exception as error:  # noqa: BLE001 - an advisory hook must never block its event
        log.error(f"context injection {where} failed: {type(error).__name__}: {error}")
        return None


def _agent_dispatch(event: protocol.HookEvent, config: Any, log: Any) -> dict[str, Any] | None:
    if not event.is_subagent_dispatch or not _enabled(config):
        return None
    tool_input = event.tool_input
    prompt = tool_input.get("prompt")
    if not isinstance(prompt, str):
        return None
    agent = tool_input.get("subagent_type")
    agent = agent if isinstance(agent, str) else ""
    if prompt.rstrip().endswith(END_MARKER):
        # Only a block this hook appended ends with the marker; a prompt that
        # merely quotes the heading still gets its own block.
        log.info(f"context for subagent {agent or '<default>'} skipped: the prompt already ends with the block")
        return None
    description = tool_input.get("description")
    text = f"{description}\n{prompt}" if isinstance(description, str) else prompt

    injection = dispatch_injection(
        config, agent, text, _memory_recall(config, agent, text, log), reserve=len(END_MARKER) + 1, log=log
    )
    if not injection.text:
        return None

    updated = dict(tool_input)
    updated["prompt"] = f"{prompt}\n\n{injection.text}{END_MARKER}\n"
    log.info(_summary(f"subagent {agent or '<default>'}", injection))
    return protocol.replace_input(updated)


def dispatch_injection(
    config: Any, agent: str, text: str, recall: Any = None, reserve: int = 0, log: Any = None
) -> Injection:
    """Build the block for a subagent of type `agent` whose task is `text` (no session state).

    `reserve` characters of the budget are kept for what the caller appends.
    """
    registry = Registry.from_config(config.values)
    libraries = _unique([*registry.for_agent(agent), *registry.mentioned(text)])
    matches = applicable_rules(_rules(config, log), text, agent, config.root)
    return build_injection(libraries, matches, _budget(config) - reserve, recall=recall)


def _user_prompt(event: protocol.HookEvent, config: Any, log: Any) -> dict[str, Any] | None:
    if not _enabled(config):
        return None
    text = event.text("prompt")
    if not text.strip() or text.lstrip().startswith(_CLIENT_NOTICE):
        return None
    registry = Registry.from_config(config.values)
    state = load_state(config.root, event.session_id)
    libraries = [library for library in registry.mentioned(text) if library.id not in state.libraries]
    matches = [
        match
        for match in applicable_rules(_rules(config, log), text, "", config.root)
        if match.rule.relative not in state.rules
    ]
    recalled: list[str] = []
    recall = _main_memory_recall(config, text, set(state.memory), recalled, log)
    if not libraries and not matches and recall is None:
        return None
    injection = build_injection(libraries, matches, _budget(config), recall=recall)
    if not injection.text:
        return None
    state.add(injection.library_ids, injection.rules)
    state.memory.extend(entry for entry in recalled if entry not in state.memory)
    save_state(state)
    log.info(_summary("user prompt", injection, len(recalled)))
    return protocol.additional_context("UserPromptSubmit", injection.text)


def _session_start(event: protocol.HookEvent, config: Any, log: Any) -> dict[str, Any] | None:
    source = event.text("source")
    if not _enabled(config):
        return None
    if source == "clear":
        state = load_state(config.root, event.session_id)
        if not state.empty or state.memory:
            state.libraries, state.rules, state.memory = [], [], []
            save_state(state)
            log.info(f"context: session {event.session_id} cleared; its record of what it was given is reset")
        return None

    if source not in REINJECT_SOURCES:
        return None
    state = load_state(config.root, event.session_id)
    if state.empty:
        return None

    registry = Registry.from_config(config.values)
    libraries = [_library_by_id(registry, library_id) for library_id in state.libraries]
    by_path = {rule.relative: rule for rule in _rules(config, log) if not rule.always_loaded}
    matches = [Match(by_path[path], REASON_PATH, 0) for path in state.rules if path in by_path]
    injection = build_injection(libraries, matches, _budget(config), note=_REINJECT_NOTES[source])
    if not injection.text:
        return None

    # Rules that no longer fit whole are dropped from the state so a later
    # prompt that calls for them gets them in full again.
    state.libraries = injection.library_ids
    state.rules = injection.rules
    # Memory entries are not sent again here; a later prompt that matches them gets them again.
    state.memory = []
    save_state(state)
    log.info(_summary(f"session start ({source})", injection))
    return protocol.additional_context("SessionStart", injection.text)


def _enabled(config: Any) -> bool:
    return bool(config.values.get("context", {}).get("enabled", True))


def _budget(config: Any) -> int:
    budget = config.values.get("context", {}).get("budget", 9500)
    # Claude Code 2.1.332 previews hook output over 10,000 characters instead of showing it.
    return min(budget, protocol.MAX_CONTEXT_CHARS - 100)


def _rules(config: Any, log: Any = None) -> list[Rule]:
    rule_dirs = config.values.get("context", {}).get("rule_dirs") or []
    return load_rules(config.root, rule_dirs, log=log)


def _library_by_id(registry: Registry, library_id: str) -> Library:
    # An ID given before the registry changed is still sent, under its ID as name.
    return registry.by_id(library_id) or Library(library_id, library_id, library_id, [], [])


def _unique(libraries: list[Library]) -> list[Library]:
    seen = set()
    unique = []
    for library in libraries:
        if library.key not in seen:
            seen.add(library.key)
            unique.append(library)
    return unique


def _recall_ready(config: Any) -> bool:
    """Return True when memory recall is on and the memory folder exists."""
    settings = config.values.get("memory") or {}
    if not settings.get("enabled", True) or not settings.get("recall", True):
        return False
    folder = settings.get("folder")
    # Importing the memory package costs more than the rest of this hook,
    # so a project without a memory folder skips it.
    return isinstance(folder, str) and os.path.isdir(os.path.join(config.root, folder))


def _memory_recall(config: Any, agent: str, text: str, log: Any):
    """Return `recall(budget_left)` backed by the memory package, or None when there is nothing to recall."""
    if not agent or not _recall_ready(config):
        return None
    try:
        from cofee_hooks.memory.recall import recall_for_dispatch
    except ImportError:
        return None

    def recall(budget_left: int) -> str:
        try:
            result = recall_for_dispatch(config, agent, text, budget_left)
        except Exception as error:  # noqa: BLE001 - memory is optional; the IDs and rules still go out
            log.warning(f"memory recall failed: {type(error).__name__}: {error}")
            return ""
        return result if isinstance(result, str) and len(result) <= budget_left else ""

    return recall


def _main_memory_recall(config: Any, text: str, given: set[str], recalled: list[str], log: Any):
    """Return `recall(budget_left)` over the main session's memory, or None when it has no folder.

    The entries given in full are appended to `recalled`.
    """
    # The agent folder name is sanitised by the memory package, so only its type is checked here.
    agent = (config.values.get("memory") or {}).get("main_agent")
    if not isinstance(agent, str) or not _recall_ready(config):
        return None
    try:
        from cofee_hooks.memory.recall import recall_for_prompt
    except ImportError:
        return None

    def recall(budget_left: int) -> str:
        try:
            result, entries = recall_for_prompt(config, text, budget_left, given)
        except Exception as error:  # noqa: BLE001 - memory is optional; the IDs and rules still go out
            log.warning(f"memory recall for a user prompt failed: {type(error).__name__}: {error}")
            return ""
        if not isinstance(result, str) or len(result) > budget_left:
            return ""
        recalled[:] = entries
        return result

    return recall


def _summary(target: str, injection: Injection, memory_entries: int | None = None) -> str:
    if memory_entries is not None:
        memory = f", {memory_entries} memory entr{'y' if memory_entries == 1 else 'ies'} in full"
    else:
        memory = f", memory recall {injection.memory_chars} characters" if injection.memory_chars else ", no memory recall"
    return (
        f"context for {target}: {len(injection.library_ids)} library ID(s), "
        f"{len(injection.rules)} rule(s) in full, {len(injection.listed)} listed{memory}, "
        f"{len(injection.text)} characters"
    )
