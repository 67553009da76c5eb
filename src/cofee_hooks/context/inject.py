"""Build the Markdown block the hooks inject: Context7 IDs, scoped rules, memory.

The block is plain and stable so an agent can act on it: a heading, the
libraries with their IDs and the instruction to call `query-docs` with an ID
directly, then whole rule files in order (most specific first). Claude Code
2.1.332 shows hook output over 10,000 characters only as a preview, so the
whole block stays within a budget (`context.budget`, 9,500 by default).
Rules that do not fit are listed by path and title (or by path alone)
under a line that explains why. Memory recall gets what is left, and at
least a share of the budget (`MEMORY_SHARE`) when it has something to give.
"""

from __future__ import annotations

from cofee_hooks.context.registry import Library
from cofee_hooks.context.rules import Match

# typing is imported for type checkers only: it costs milliseconds on every hook call.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

HEADING = "## Project context from cofee-hooks"
# Ends a block appended to a subagent prompt, so the dispatch hook can tell
# its own block from a prompt that only quotes the heading.
END_MARKER = "<!-- cofee-hooks context end -->"
_LIBRARIES_HEADING = "### Context7 library IDs"
_LIBRARIES_INTRO = (
    "These IDs are already resolved: call the Context7 `query-docs` tool with the ID directly "
    "and do not call `resolve-library-id` for them."
)
_RULES_HEADING = "### Project rules"
_RULES_INTRO = "Follow these rule files; each is given in full."
_LISTED_HEADING = "### More rules that apply"
_MORE_TAIL = " more under the rule folders"
# Characters of the budget kept for memory recall when rules would fill it.
MEMORY_SHARE = 1500


class Injection:
    """The text to inject and what it gave: library IDs and whole rules, plus rules only listed."""

    __slots__ = ("text", "library_ids", "rules", "listed", "memory_chars")

    def __init__(
        self, text: str, library_ids: list[str], rules: list[str], listed: list[str], memory_chars: int = 0
    ) -> None:
        self.text = text
        self.library_ids = library_ids
        self.rules = rules
        self.listed = listed
        # Characters of memory recall in the text; 0 when none was given.
        self.memory_chars = memory_chars


def build_injection(
    libraries: list[Library],
    matches: list[Match],
    budget: int,
    note: str = "",
    recall: Callable[[int], str] | None = None,
) -> Injection:
    """Assemble the block within `budget` characters; empty text when there is nothing to give.

    `note` is a line placed under the heading (for example after compaction).
    `recall(budget_left)` returns a Markdown memory block no longer than its
    argument, or ''.
    """
    parts = [HEADING]
    if note:
        parts.append(note)
    library_ids = []
    library_section = _libraries_section(libraries)
    if library_section and _length(parts + [library_section]) <= budget:
        parts.append(library_section)
        library_ids = [library.id for library in libraries]

    # Memory keeps a share of the budget when rules would take it all. A
    # first call within that share shows whether there is any memory to give.
    reserve = 0
    probe = ""
    if recall is not None:
        share = min(MEMORY_SHARE, budget // 4)
        probe = recall(share).strip("\n") if share > 0 else ""
        if probe:
            reserve = len(probe) + 2
        else:
            recall = None

    whole, listed, rule_parts = _fit_rules(matches, budget - _length(parts) - 2 - reserve)
    parts.extend(rule_parts)

    memory = ""
    if recall is not None:
        left = budget - _length(parts) - 2
        if left > 0:
            # Called again even when only the reserve is left: its result is
            # the one whose entries the caller records as given.
            memory = recall(left).strip("\n")
            if memory and _length(parts + [memory]) <= budget:
                parts.append(memory)
            else:
                memory = ""

    if not library_ids and not whole and not listed and not memory:
        return Injection("", [], [], [])
    return Injection("\n\n".join(parts) + "\n", library_ids, whole, listed, len(memory))


def _libraries_section(libraries: list[Library]) -> str:
    if not libraries:
        return ""
    lines = [_LIBRARIES_HEADING, "", _LIBRARIES_INTRO, ""]
    for library in libraries:
        lines.append(f"- {library.name}: `{library.id}`")
    return "\n".join(lines)


def _rule_section(match: Match, body: str) -> str:
    return f"#### Rule file `{match.rule.relative}`\n\n{body}"


def _fit_rules(matches: list[Match], room: int) -> tuple[list[str], list[str], list[str]]:
    """Put the longest possible prefix of `matches` in whole and list the rest; stay within `room`."""
    if not matches or room <= 0:
        return [], [], []
    sections = []
    for match in matches:
        try:
            body = match.rule.body()
        except OSError:
            continue
        sections.append((match, _rule_section(match, body)))

    # First choice: as many whole rules as leave room to name every other
    # one; only when no split does, the list may end with "and N more".
    for complete in (True, False):
        for count in range(len(sections), -1, -1):
            included = sections[:count]
            rest = [match for match, _ in sections[count:]]
            parts = []
            if included:
                parts.append("\n\n".join([_RULES_HEADING, _RULES_INTRO, *(text for _, text in included)]))
            listing = _listing(rest, room - _length(parts) - 2) if rest else ""
            if complete and listing.endswith(_MORE_TAIL):
                continue
            if listing:
                parts.append(listing)
            if _length(parts) <= room and (listing or not rest):
                whole = [match.rule.relative for match, _ in included]
                listed = [match.rule.relative for match in rest]
                return whole, listed, parts
    return [], [], []


def _listing(rest: list[Match], room: int) -> str:
    """List rules by path and title, or by path alone, so that every one is named if possible.

    Titles are kept while the paths of all later rules still fit. When not
    even the paths fit, the list ends with a count of the others.
    """
    intro = (
        f"{_LISTED_HEADING}\n\n"
        f"{len(rest)} more rule file(s) apply but did not fit in this block; "
        "read each one before you work on what it covers:"
    )
    path_lines = [f"- `{match.rule.relative}`" for match in rest]
    # later[i]: characters the path lines after item i need, newline included.
    later = [0] * len(rest)
    for index in range(len(rest) - 2, -1, -1):
        later[index] = later[index + 1] + len(path_lines[index + 1]) + 1
    lines = [intro]
    used = len(intro)
    for index, match in enumerate(rest):
        remaining = len(rest) - index - 1
        tail = len(f"- and {remaining}{_MORE_TAIL}") + 1 if remaining else 0
        chosen = None
        for line in (f"{path_lines[index]}: {match.rule.title}", path_lines[index]):
            if used + 1 + len(line) + later[index] <= room:
                chosen = line
                break
        if chosen is None and used + 1 + len(path_lines[index]) + tail <= room:
            chosen = path_lines[index]
        if chosen is None:
            last = f"- and {len(rest) - index}{_MORE_TAIL}"
            if used + 1 + len(last) > room:
                return ""
            lines.append(last)
            break
        lines.append(chosen)
        used += 1 + len(chosen)
    return "\n".join(lines)


def _length(parts: list[str]) -> int:
    return len("\n\n".join(parts)) + 1 if parts else 0
