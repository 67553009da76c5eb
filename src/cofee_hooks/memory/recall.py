"""Offer an agent's saved memory when it is dispatched again.

`recall_for_dispatch` is called by the context-injection hook for every
subagent dispatch. Words are compared after lower-casing, dropping common
words and generic verbs (`add`, `write`, `update`, ...), and reducing
plural, -ing and -ed endings. A word the task shares with the entry's Domain
scores 2, one shared with its "Applies when" scores 1, and an entry matches
at a score of 2 or more: one Domain word, or two words of "Applies when".
Matching entries are given in full, highest score first and newer first on ties. The others are
listed by path and insight, so the agent can open them itself. The agent's `INDEX.md`
supplies the summaries; only matching entries are read in full.
Standard library only.
"""

from __future__ import annotations

import os
import re

# Only the read side of the memory package: the context hook imports this
# module on every dispatch in a project with a memory folder.
from cofee_hooks.memory.index import IndexedEntry, UnsafeName, agent_folder, load_summaries, memory_root

# typing is imported for type checkers only: it costs milliseconds on every hook call.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = frozenset(
    """
    about after all also and any are before but can does each for from has have how into its more
    most must new not now off only other our out over per same should some such than that the
    their them then there these they this those under use used using was were what when where which
    while who will with you your
    """.split()
)
# Verbs and nouns that almost every task and every "Applies when" contain.
# They do not name the subject, so "adding a button" must not recall
# "adding an index".
_GENERIC_WORDS = frozenset(
    """
    add adding change changing check create creating delete do doing edit editing fix fixing get help
    implement implementing improve make making modify need new please remove removing run running set
    task try update updating use want work working write writing
    """.split()
)
DOMAIN_WEIGHT = 2
APPLIES_WEIGHT = 1
MIN_SCORE = 2


def recall_for_dispatch(config: Any, agent_type: str, task_text: str, budget: int) -> str:
    """Return a Markdown block of the agent's memory for a task, at most `budget` characters.

    Returns '' when memory or recall is turned off, the agent has no saved
    entries, the agent name is unusable, or not even the heading fits.
    """
    try:
        return _recall(config, agent_type, task_text, budget)
    except (OSError, UnsafeName, KeyError, TypeError, ValueError):
        # Recall is a courtesy: a broken folder must not stop the dispatch.
        return ""


def _recall(config: Any, agent_type: str, task_text: str, budget: int) -> str:
    settings = config.values["memory"]
    if not settings["enabled"] or not settings["recall"] or not agent_type:
        return ""
    folder = agent_folder(memory_root(config), agent_type)
    if not os.path.isdir(folder):
        return ""
    summaries = load_summaries(folder)
    if not summaries:
        return ""

    matched, others = rank(summaries, task_text)
    shown_folder = _display_path(config, folder)
    return _render(folder, shown_folder, agent_type, matched, others, budget)


def recall_for_prompt(config: Any, prompt: str, budget: int, given: set[str]) -> tuple[str, list[str]]:
    """Return the main session's own entries that match a user prompt, and the entries given in full.

    Entries are named by their path relative to the project; those in `given`
    were offered earlier in the session and are skipped. Only matching
    entries are offered (unlike at dispatch, the others are not listed, so
    an unrelated prompt adds nothing). Returns ('', []) when nothing matches.
    """
    try:
        return _recall_for_prompt(config, prompt, budget, given)
    except (OSError, UnsafeName, KeyError, TypeError, ValueError):
        return "", []


def _recall_for_prompt(config: Any, prompt: str, budget: int, given: set[str]) -> tuple[str, list[str]]:
    settings = config.values["memory"]
    if not settings["enabled"] or not settings["recall"]:
        return "", []
    folder = agent_folder(memory_root(config), settings["main_agent"])
    if not os.path.isdir(folder):
        return "", []
    shown_folder = _display_path(config, folder)
    matched, _ = rank(load_summaries(folder), prompt)
    matched = [summary for summary in matched if f"{shown_folder}/{summary.file}" not in given]
    if not matched:
        return "", []
    heading = f"## Memory of the main session\n\nSaved by earlier sessions in {shown_folder}/.\n"
    if len(heading) > budget:
        return "", []
    full, used, summarised = _full_entries(folder, matched, budget, len(heading))
    listing = _summary_list(shown_folder, summarised, budget, used)
    if not full and not listing:
        return "", []
    given_now = [f"{shown_folder}/{summary.file}" for summary in matched if summary not in summarised]
    return heading + full + listing, given_now


def rank(summaries: list[IndexedEntry], task_text: str) -> tuple[list[IndexedEntry], list[IndexedEntry]]:
    """Split summaries into those matching the task (best first) and the rest (newest first)."""
    task_words = words(task_text)
    scored: list[tuple[int, IndexedEntry]] = []
    others: list[IndexedEntry] = []
    for summary in summaries:
        score = match_score(task_words, summary)
        if score >= MIN_SCORE:
            scored.append((score, summary))
        else:
            others.append(summary)
    # File names start with the date, so a reverse name sort puts newer entries first.
    scored.sort(key=lambda item: item[1].file, reverse=True)
    scored.sort(key=lambda item: item[0], reverse=True)
    others.sort(key=lambda item: item.file, reverse=True)
    return [summary for _, summary in scored], others


def match_score(task_words: set[str], summary: IndexedEntry) -> int:
    """Score how well an entry fits a task: Domain words weigh more than "Applies when" words."""
    domain = task_words & words(summary.domain)
    applies = (task_words & words(summary.applies_when)) - domain
    return DOMAIN_WEIGHT * len(domain) + APPLIES_WEIGHT * len(applies)


def words(text: str) -> set[str]:
    """Return the comparable words of a text: lower case, no common or generic words, endings reduced."""
    found: set[str] = set()
    for word in _WORD.findall(text.lower()):
        if len(word) < 3 or word in _STOP_WORDS or word in _GENERIC_WORDS:
            continue
        stem = _stem(word)
        if stem not in _GENERIC_STEMS:
            found.add(stem)
    return found


def _stem(word: str) -> str:
    # Both sides go through the same rules, so a crude stem still compares
    # equal where it matters: `indexes`, `indexing` and `indexed` meet `index`.
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "sses")):
        return word[:-2]
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("ed") and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


_GENERIC_STEMS = frozenset(_stem(word) for word in _GENERIC_WORDS)


def _render(
    folder: str,
    shown_folder: str,
    agent: str,
    matched: list[IndexedEntry],
    others: list[IndexedEntry],
    budget: int,
) -> str:
    heading = f"## Memory of {agent}\n\nSaved by earlier runs of this agent in {shown_folder}/.\n"
    if len(heading) > budget:
        return ""
    used = len(heading)

    full, used, summarised = _full_entries(folder, matched, budget, used)
    listing = _summary_list(shown_folder, summarised + others, budget, used)
    if not full and not listing:
        return ""
    return heading + full + listing


def _full_entries(
    folder: str, matched: list[IndexedEntry], budget: int, used: int
) -> tuple[str, int, list[IndexedEntry]]:
    """Return the matching entries that fit in full, the characters used, and those left over."""
    pieces: list[str] = []
    left_over: list[IndexedEntry] = []
    title = "\n### Entries that match this task\n"
    for summary in matched:
        text = _read(os.path.join(folder, summary.file))
        piece = f"\n{text.rstrip()}\n"
        cost = len(piece) + (0 if pieces else len(title))
        if text and used + cost <= budget:
            pieces.append(piece)
            used += cost
        else:
            left_over.append(summary)
    return (title + "".join(pieces) if pieces else ""), used, left_over


def _summary_list(shown_folder: str, listed: list[IndexedEntry], budget: int, used: int) -> str:
    """Return one line per entry (path and insight) for as many entries as fit."""
    title = "\n### Other entries (open the file when it helps)\n\n"
    lines: list[str] = []
    for position, summary in enumerate(listed):
        line = f"- {shown_folder}/{summary.file}: {summary.insight}\n"
        cost = len(line) + (0 if lines else len(title))
        after = len(listed) - position - 1
        # Keep room for the closing "... and N more" line in case the next one does not fit.
        reserve = len(_more_line(shown_folder, after)) if after else 0
        if used + cost + reserve > budget:
            break
        lines.append(line)
        used += cost
    if not lines:
        return ""
    omitted = len(listed) - len(lines)
    if omitted:
        lines.append(_more_line(shown_folder, omitted))
    return title + "".join(lines)


def _more_line(shown_folder: str, count: int) -> str:
    return f"- ... and {count} more in {shown_folder}/INDEX.md\n"


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            return stream.read()
    except OSError:
        return ""


def _display_path(config: Any, folder: str) -> str:
    relative = os.path.relpath(folder, os.path.abspath(str(config.root)))
    return relative.replace(os.sep, "/")
