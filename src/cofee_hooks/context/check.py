"""Consistency checks behind `cofee-hooks context check`.

The registry is the one source of Context7 IDs. These checks find what has
drifted from it: malformed IDs, agents that name unknown libraries, keywords
two libraries share, and agent files whose own Context7 table disagrees.
They also find rule files that Claude Code would load everywhere although
they are meant for some agents only.
"""

from __future__ import annotations

import os
import re

from cofee_hooks.context.registry import Registry
from cofee_hooks.context.rules import CLIENT_RULES_DIR, Rule, load_rules, parse_rule_text

# `/org/project` or `/websites/name`, optionally followed by a version segment.
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._-]*"
LIBRARY_ID = re.compile(rf"/{_SEGMENT}/{_SEGMENT}(?:/{_SEGMENT})?")
AGENTS_DIR = ".claude/agents"


class Problem:
    """One finding of the check: where (file and key or line) and what is wrong."""

    __slots__ = ("where", "message")

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def check_registry(registry: Registry, source: str) -> list[Problem]:
    """Check IDs, agent entries and keyword clashes of the registry from `source`."""
    problems = []
    for key, library in registry.libraries.items():
        if not LIBRARY_ID.fullmatch(library.id):
            problems.append(
                Problem(
                    f"{source}: context7.libraries.{key}.id",
                    f"invalid Context7 ID {library.id!r}; expected /org/project or /websites/name, "
                    "optionally followed by /version",
                )
            )
    for agent, names in registry.agents.items():
        for name in names:
            if name not in registry.libraries:
                known = ", ".join(sorted(registry.libraries)) or "none"
                problems.append(
                    Problem(
                        f"{source}: context7.agents.{agent}",
                        f"unknown library {name!r}; libraries defined under context7.libraries: {known}",
                    )
                )
    problems.extend(_duplicate_terms(registry, source))
    return problems


def _duplicate_terms(registry: Registry, source: str) -> list[Problem]:
    owners: dict[str, list[str]] = {}
    for key, library in registry.libraries.items():
        for term in {term.lower() for term in library.terms}:
            owners.setdefault(term, []).append(key)
    problems = []
    for term in sorted(owners):
        keys = owners[term]
        if len(keys) > 1:
            problems.append(
                Problem(
                    f"{source}: context7.libraries",
                    f"keyword or import name {term!r} is used by {', '.join(keys)}; "
                    "keep it on one library so a mention selects one ID",
                )
            )
    return problems


def check_agent_files(registry: Registry, root: str) -> list[Problem]:
    """Compare the Context7 table in each `.claude/agents/*.md` with the registry."""
    folder = os.path.join(root, AGENTS_DIR)
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".md"))
    except OSError:
        return []
    problems = []
    for name in names:
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError as error:
            problems.append(Problem(_relative(path, root), f"cannot read agent file: {error}"))
            continue
        problems.extend(_check_agent_table(registry, _relative(path, root), text, name[:-3]))
    return problems


def agent_table(text: str) -> list[tuple[int, str, str]]:
    """Return (line number, library name, ID) for each Markdown table row that contains a Context7 ID."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("|"):
            continue
        cells = [cell.strip().strip("`*_ ").strip() for cell in stripped.strip("|").split("|")]
        id_index = next((index for index, cell in enumerate(cells) if LIBRARY_ID.fullmatch(cell)), None)
        if id_index is None:
            continue
        label = next((cell for index, cell in enumerate(cells) if index != id_index and cell), "")
        rows.append((number, label, cells[id_index]))
    return rows


def _check_agent_table(registry: Registry, where: str, text: str, stem: str) -> list[Problem]:
    rows = agent_table(text)
    if not rows:
        return []
    meta, _ = parse_rule_text(text)
    agent = meta.get("name") if isinstance(meta.get("name"), str) and meta.get("name") else stem
    by_label = {}
    for library in registry.libraries.values():
        by_label[library.key.lower()] = library
        by_label[library.name.lower()] = library
    known_ids = {library.id for library in registry.libraries.values()}

    problems = []
    mismatched = set()
    for line, label, library_id in rows:
        if library_id in known_ids:
            continue
        library = by_label.get(label.lower())
        if library is not None:
            mismatched.add(library.key)
            problems.append(
                Problem(
                    f"{where}:{line}",
                    f"{label} has ID {library_id} here but {library.id} in the registry "
                    f"(context7.libraries.{library.key})",
                )
            )
        else:
            problems.append(
                Problem(f"{where}:{line}", f"ID {library_id} ({label or 'no name'}) is not in the registry")
            )
    table_ids = {library_id for _, _, library_id in rows}
    for library in registry.for_agent(agent):
        if library.id not in table_ids and library.key not in mismatched:
            problems.append(
                Problem(
                    where,
                    f"the registry lists {library.name} ({library.id}) for agent {agent!r} "
                    "but the agent's Context7 table does not",
                )
            )
    return problems


def check_rule_files(root: str, rule_dirs: list[str]) -> list[Problem]:
    """Find rule files that cannot work as meant."""
    problems = []
    for rule in load_rules(root, rule_dirs, use_cache=False):
        problems.extend(_check_rule(rule))
    return problems


def _check_rule(rule: Rule) -> list[Problem]:
    if rule.always_loaded and (rule.agents or rule.keywords):
        return [
            Problem(
                rule.relative,
                f"has agents: or keywords: but no paths:, so Claude Code loads it into every session "
                f"and subagent; move it out of {CLIENT_RULES_DIR}/ (for example to .claude/agent-rules/)",
            )
        ]
    if not rule.client_loaded and not (rule.paths or rule.agents or rule.keywords):
        return [
            Problem(rule.relative, "has no paths:, agents: or keywords: frontmatter, so it is never injected")
        ]
    return []


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")
