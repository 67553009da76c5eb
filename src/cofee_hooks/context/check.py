"""Consistency checks behind `cofee-hooks context check`.

The registry is the one source of Context7 IDs. These checks find what has
drifted from it: malformed IDs, agents that name unknown libraries, keywords
two libraries share, and agent files whose own Context7 table disagrees.
They also find rule files that Claude Code would load everywhere although
they are meant for some agents only.
"""

from __future__ import annotations

import difflib
import os
import re

from cofee_hooks.context.registry import Registry
from cofee_hooks.context.rules import CLIENT_RULES_DIR, Rule, load_rules, parse_rule_text

# `/org/project` or `/websites/name`, optionally followed by a version segment.
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._-]*"
LIBRARY_ID = re.compile(rf"/{_SEGMENT}/{_SEGMENT}(?:/{_SEGMENT})?")
AGENTS_DIR = ".claude/agents"
DEFAULT_RULE_DIRS = (".claude/rules", ".claude/agent-rules")


class Problem:
    """One finding of the check: where (file and key or line) and what is wrong."""

    __slots__ = ("where", "message", "warning")

    def __init__(self, where: str, message: str, warning: bool = False) -> None:
        self.where = where
        self.message = message
        # A warning is printed but does not fail the check.
        self.warning = warning

    def __str__(self) -> str:
        return f"{self.where}: {'warning: ' if self.warning else ''}{self.message}"


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


def check_agent_files(registry: Registry, root: str, source: str = "") -> list[Problem]:
    """Compare the Context7 table in each `.claude/agents/*.md` with the registry.

    Also reports `context7.agents` keys that name no agent file, when the
    project keeps its agents in `.claude/agents/` (a typo there silently
    gives an agent no libraries).
    """
    folder = os.path.join(root, AGENTS_DIR)
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".md"))
    except OSError:
        return []
    problems = []
    defined = set()
    shown = set()
    for name in names:
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError as error:
            problems.append(Problem(_relative(path, root), f"cannot read agent file: {error.strerror or error}"))
            defined.add(name[:-3])
            shown.add(name[:-3])
            continue
        agent = _agent_name(text, name[:-3])
        defined.update((agent, name[:-3]))
        shown.add(agent)
        problems.extend(_check_agent_table(registry, _relative(path, root), text, agent))
    for agent in registry.agents:
        if agent in defined:
            continue
        where = f"{source or 'configuration'}: context7.agents.{agent}"
        close = difflib.get_close_matches(agent, sorted(shown), n=1, cutoff=0.8)
        if close:
            problems.append(
                Problem(where, f"no agent file {AGENTS_DIR}/{agent}.md; did you mean {close[0]!r}?")
            )
        else:
            # An agent the team has not written yet, or one defined outside the project.
            problems.append(
                Problem(
                    where,
                    f"no agent file {AGENTS_DIR}/{agent}.md and no agent file with name: {agent}; "
                    f"agents defined there: {', '.join(sorted(shown)) or 'none'}",
                    warning=True,
                )
            )
    return problems


def _agent_name(text: str, stem: str) -> str:
    meta, _ = parse_rule_text(text)
    name = meta.get("name")
    return name if isinstance(name, str) and name else stem


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


def _check_agent_table(registry: Registry, where: str, text: str, agent: str) -> list[Problem]:
    rows = agent_table(text)
    assigned = registry.for_agent(agent)
    if not rows:
        if not assigned:
            return []
        names = ", ".join(f"{library.name} ({library.id})" for library in assigned)
        return [
            Problem(
                where,
                f"has no Context7 table, but the registry assigns {names} to agent {agent!r}; "
                "add a table with a library name and an ID per row",
            )
        ]
    by_label = {}
    for library in registry.libraries.values():
        by_label[library.key.lower()] = library
        by_label[library.name.lower()] = library
    by_id = {library.id: library for library in registry.libraries.values()}
    assigned_keys = {library.key for library in assigned}

    problems = []
    mismatched = set()
    for line, label, library_id in rows:
        library = by_label.get(label.lower())
        owner = by_id.get(library_id)
        if owner is not None:
            if library is not None and library is not owner:
                mismatched.add(library.key)
                problems.append(
                    Problem(
                        f"{where}:{line}",
                        f"{label} has ID {library_id} here, but the registry gives that ID to {owner.name} "
                        f"and {library.id} to {library.name} (context7.libraries.{library.key})",
                    )
                )
            elif owner.key not in assigned_keys:
                problems.append(
                    Problem(
                        f"{where}:{line}",
                        f"the table lists {owner.name} ({library_id}) but context7.agents.{agent} "
                        "does not; add it there or remove the row",
                    )
                )
            continue
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
    for library in assigned:
        if library.id not in table_ids and library.key not in mismatched:
            problems.append(
                Problem(
                    where,
                    f"the registry lists {library.name} ({library.id}) for agent {agent!r} "
                    "but the agent's Context7 table does not",
                )
            )
    return problems


def check_rule_files(root: str, rule_dirs: list[str], source: str = "") -> list[Problem]:
    """Find rule folders and rule files that cannot work as meant.

    The hooks read frontmatter leniently and skip what they cannot read.
    This check reports those cases: missing folders, unreadable files, and
    frontmatter that is not valid YAML or gives a value of the wrong type.
    """
    problems = []
    for rule_dir in rule_dirs:
        folder = os.path.join(root, rule_dir)
        if not os.path.isdir(folder):
            if not os.path.lexists(folder) and rule_dir in DEFAULT_RULE_DIRS:
                # The default folders are optional; a configured one is not.
                continue
            what = "is not a folder" if os.path.lexists(folder) else "does not exist"
            problems.append(Problem(f"{source or 'configuration'}: context.rule_dirs", f"{rule_dir!r} {what}"))
            continue
        problems.extend(_check_rule_folder(root, folder))
    for rule in load_rules(root, rule_dirs, use_cache=False):
        problems.extend(_check_rule(rule))
    return problems


def _check_rule_folder(root: str, folder: str) -> list[Problem]:
    problems = []
    for current, folders, files in os.walk(folder):
        folders.sort()
        for name in sorted(folders):
            if name.endswith(".md"):
                path = os.path.join(current, name)
                problems.append(Problem(_relative(path, root), "is a folder, not a rule file; it is skipped"))
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            path = os.path.join(current, name)
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError) as error:
                reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
                problems.append(Problem(_relative(path, root), f"cannot read rule file ({reason}); it is skipped"))
                continue
            problems.extend(_check_frontmatter(_relative(path, root), text))
    return problems


def _check_frontmatter(where: str, text: str) -> list[Problem]:
    """Parse the frontmatter with PyYAML, as Claude Code would, and check the keys cofee-hooks reads."""
    if not text.startswith(("---\n", "---\r\n")):
        return []
    lines = text.splitlines()
    closing = next((index for index, line in enumerate(lines[1:], start=1) if line.rstrip() in ("---", "...")), None)
    if closing is None:
        return [Problem(where, "frontmatter starts with --- but never closes; the whole file is read as text")]
    import yaml

    try:
        meta = yaml.safe_load("\n".join(lines[1:closing]))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 2}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        return [Problem(f"{where}{line}", f"invalid YAML in the frontmatter: {problem}; fix the syntax at that line")]
    if meta is None:
        return []
    if not isinstance(meta, dict):
        return [Problem(where, "frontmatter is not a mapping of keys to values")]
    problems = []
    for key in ("paths", "agents", "keywords"):
        if key not in meta or meta[key] is None:
            continue
        value = meta[key]
        if isinstance(value, str):
            continue
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            problems.append(
                Problem(where, f"{key}: must be a string or a list of strings, got {_yaml_type(value)}; it is ignored")
            )
    return problems


def _yaml_type(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list with items that are not strings"
    return f"{type(value).__name__} {value!r}"


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
