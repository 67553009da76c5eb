"""The configuration schema: every setting, its type, default and meaning.

The schema is data. `validate()` turns a parsed YAML document into a plain
dict with every default filled in, or raises `ConfigError` with one line that
names the file, the dotted key and what is allowed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from cofee_hooks.errors import ConfigError

CONFIG_RELATIVE_PATH = ".claude/cofee-hooks.yaml"
SEVERITIES = ("error", "warning", "info")
SEVERITY_OVERRIDES = ("error", "warning", "info", "off")
FAIL_ON_LEVELS = ("error", "warning", "never")


@dataclass(frozen=True)
class Scalar:
    """A leaf value: `kind` is one of bool, int, str, enum, str_list, project_path, name.

    `project_path` is a relative path that must stay inside the project;
    `name` is one path component (no separator, no `..`, no control character).
    """

    kind: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    nullable: bool = False
    maximum: int | None = None


@dataclass(frozen=True)
class Section:
    """A mapping with a closed set of keys."""

    fields: dict[str, Any]
    help: str = ""


@dataclass(frozen=True)
class MapOf:
    """A mapping with free keys whose values all follow `value`."""

    value: Any
    help: str = ""
    default: dict = field(default_factory=dict)


DEFAULT_ALLOW = [
    "*.md",
    "docs/",
    ".claude/",
    ".mcp.json",
    "CLAUDE.md",
    ".gitignore",
]

LIBRARY = Section(
    {
        "id": Scalar("str", None, "Context7 library ID, e.g. /websites/sqlalchemy_en_21"),
        "name": Scalar("str", None, "display name", nullable=True),
        "keywords": Scalar("str_list", [], "words in a prompt that signal this library"),
        "imports": Scalar("str_list", [], "Python or JavaScript import names that signal it"),
    }
)

# How every relative path setting is resolved (config.loader.root_of).
_RELATIVE = "relative to the project root: the folder holding .claude/, or the config file's folder"

SCHEMA = Section(
    {
        "migrations": Section(
            {
                "enabled": Scalar("bool", True, "lint migrations in this repository"),
                "project_dir": Scalar(
                    "str", None, f"folder holding alembic.ini, {_RELATIVE}", nullable=True
                ),
                "alembic_ini": Scalar("str", "alembic.ini", "name of the Alembic configuration file"),
                "versions_dirs": Scalar(
                    "str_list", [], "versions folders to use instead of those in alembic.ini"
                ),
                "python": Scalar(
                    "str",
                    None,
                    "interpreter or command that renders revisions, e.g. 'uv run python'",
                    nullable=True,
                ),
                "alembic_command": Scalar(
                    "str", "alembic", "Alembic command used with --use-env, e.g. 'uv run alembic'"
                ),
                "use_env": Scalar("bool", False, "always render through the project's env.py"),
                "pg_version": Scalar(
                    "str", None, "PostgreSQL version passed to squawk, e.g. '16'", nullable=True
                ),
                "fail_on": Scalar(
                    "enum", "warning", "lowest severity that fails the run", choices=FAIL_ON_LEVELS
                ),
                "squawk_exclude": Scalar("str_list", [], "squawk rules to turn off"),
                "squawk_include": Scalar(
                    "str_list", [], "squawk rules to keep; when set, all others are turned off"
                ),
                "rules": MapOf(
                    Scalar("enum", None, "severity for one rule", choices=SEVERITY_OVERRIDES),
                    "severity override per rule id",
                ),
                "groups": MapOf(
                    Scalar("enum", None, "severity for a group of rules", choices=SEVERITY_OVERRIDES),
                    "severity override per rule group (locking, backward-compat, style, alembic)",
                ),
                "cache": Scalar("bool", True, "cache rendering and squawk results"),
                "cache_dir": Scalar("str", ".cofee-hooks-cache", f"cache folder, {_RELATIVE}"),
                "render_timeout": Scalar("int", 120, "seconds allowed to render one revision", minimum=1),
            },
            "Alembic migration lint",
        ),
        "commit_guard": Section(
            {
                "enabled": Scalar("bool", True, "refuse commits of paths outside the policy"),
                "allow": Scalar("str_list", DEFAULT_ALLOW, "gitignore-style patterns that may be committed"),
                "deny": Scalar("str_list", [], "patterns refused even when allowed"),
                "lint_migrations": Scalar(
                    "bool", True, "also run lint-migration --staged in the pre-commit hook"
                ),
            },
            "which paths this repository accepts",
        ),
        "context7": Section(
            {
                "libraries": MapOf(LIBRARY, "libraries by name"),
                "agents": MapOf(
                    Scalar("str_list", [], "library names this agent always needs"),
                    "libraries per agent",
                ),
            },
            "Context7 library registry",
        ),
        "context": Section(
            {
                "enabled": Scalar("bool", True, "inject Context7 IDs and scoped rules"),
                "rule_dirs": Scalar(
                    "str_list",
                    [".claude/rules", ".claude/agent-rules"],
                    f"folders of rule files, {_RELATIVE}",
                ),
                # Claude Code 2.1.332 shows hook output over 10,000 characters only as a preview.
                "budget": Scalar("int", 9500, "maximum characters injected at once", minimum=200, maximum=9900),
            },
            "context injection",
        ),
        "memory": Section(
            {
                "enabled": Scalar("bool", True, "save memory sections of agents"),
                "folder": Scalar(
                    "project_path", ".claude/agents-memory", f"memory folder, {_RELATIVE}"
                ),
                "main_agent": Scalar("name", "main", "folder name for the main session"),
                "ask_when_missing": Scalar(
                    "bool", False, "ask a subagent that changed files once for its memory section"
                ),
                "redact_secrets": Scalar("bool", True, "redact obvious secrets before writing"),
                "recall": Scalar("bool", True, "offer matching memory entries at subagent dispatch"),
            },
            "agent memory",
        ),
        "hooks": Section(
            {
                "log_file": Scalar("str", ".claude/logs/cofee-hooks.log", f"hook log, {_RELATIVE}"),
                "log_max_bytes": Scalar("int", 1_000_000, "size at which the log is rotated", minimum=10_000),
                "lint_feedback": Scalar("bool", True, "lint revisions that agents write"),
                "deadline_seconds": Scalar("int", 20, "time a hook may take before it gives up", minimum=1),
            },
            "Claude Code hook runtime",
        ),
    }
)


def defaults() -> dict[str, Any]:
    """Return the configuration with every default filled in."""
    return validate({}, "<defaults>")


def validate(document: Any, source: str) -> dict[str, Any]:
    """Check a parsed document against the schema and fill in defaults.

    Raises `ConfigError` naming `source`, the dotted key and what is allowed.
    """
    if document is None:
        document = {}
    errors: list[ConfigError] = []
    _collectors.append(errors)
    try:
        values = _validate_node(SCHEMA, document, source, "")
    finally:
        _collectors.pop()
    if errors:
        raise _combined(errors)
    return values


# One list per validate() call in progress: sections record the error of a
# key and go on with the next, so one run reports every invalid key.
_collectors: list[list[ConfigError]] = []


def _combined(errors: list[ConfigError]) -> ConfigError:
    if len(errors) == 1:
        return errors[0]
    others = [getattr(error, "key", "") or "?" for error in errors[1:]]
    return ConfigError(f"{errors[0].message} (and {len(others)} more invalid: {', '.join(others)})")


def _validate_child(spec: Any, value: Any, source: str, key: str, fallback: Any) -> Any:
    try:
        return _validate_node(spec, value, source, key)
    except ConfigError as error:
        if not _collectors:
            raise
        _collectors[-1].append(error)
        return fallback


def _validate_node(spec: Any, value: Any, source: str, key: str) -> Any:
    if isinstance(spec, Section):
        return _validate_section(spec, value, source, key)
    if isinstance(spec, MapOf):
        return _validate_map(spec, value, source, key)
    return _validate_scalar(spec, value, source, key)


def _validate_section(spec: Section, value: Any, source: str, key: str) -> dict[str, Any]:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        _fail(source, key, f"expected a mapping, got {_type_name(value)}")
    unknown = sorted(str(name) for name in value if name not in spec.fields)
    if unknown:
        allowed = ", ".join(spec.fields)
        # difflib only on this error path: hooks validate on every start.
        import difflib

        close = difflib.get_close_matches(unknown[0], list(spec.fields), n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        _fail(source, _join(key, unknown[0]), f"unknown key; {hint}allowed here: {allowed}")
    result = {}
    for name, child in spec.fields.items():
        child_key = _join(key, name)
        if name in value:
            result[name] = _validate_child(child, value[name], source, child_key, None)
        else:
            result[name] = _default_of(child, source, child_key)
    return result


def _validate_map(spec: MapOf, value: Any, source: str, key: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        _fail(source, key, f"expected a mapping, got {_type_name(value)}")
    result = {}
    for name, item in value.items():
        if not isinstance(name, str) or not name:
            _fail(source, key, f"keys must be non-empty strings, got {name!r}")
        result[name] = _validate_child(spec.value, item, source, _join(key, name), None)
    return result


def _validate_scalar(spec: Scalar, value: Any, source: str, key: str) -> Any:
    if value is None:
        if spec.nullable:
            return None
        _fail(source, key, f"missing value; expected {_describe(spec)}")
    if spec.kind == "bool":
        if not isinstance(value, bool):
            _fail(source, key, f"expected true or false, got {value!r}")
        return value
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(source, key, f"expected an integer, got {value!r}")
        if spec.minimum is not None and value < spec.minimum:
            _fail(source, key, f"must be at least {spec.minimum}, got {value}")
        if spec.maximum is not None and value > spec.maximum:
            _fail(source, key, f"must be between {spec.minimum} and {spec.maximum}, got {value}")
        return value
    if spec.kind in ("project_path", "name"):
        if not isinstance(value, str) or not value.strip():
            _fail(source, key, f"expected a non-empty string, got {value!r}")
        problem = _path_problem(value) if spec.kind == "project_path" else _name_problem(value)
        if problem:
            _fail(source, key, f"{problem}, got {value!r}")
        return value
    if spec.kind == "str":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            _fail(source, key, f"expected a non-empty string, got {value!r}")
        return value
    if spec.kind == "enum":
        if value is False and "off" in spec.choices:
            # YAML 1.1 (PyYAML) reads a bare `off` as false; accept it as written.
            return "off"
        if value not in spec.choices:
            _fail(source, key, f"invalid value {_as_written(value)}; allowed: {', '.join(spec.choices)}")
        return value
    if spec.kind == "str_list":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            _fail(source, key, f"expected a list of non-empty strings, got {value!r}")
        return list(value)
    raise AssertionError(f"unknown schema kind {spec.kind}")


def _default_of(spec: Any, source: str, key: str) -> Any:
    if isinstance(spec, Section):
        return _validate_section(spec, {}, source, key)
    if isinstance(spec, MapOf):
        return copy.deepcopy(spec.default)
    if spec.default is None and not spec.nullable:
        _fail(source, key, f"missing required key; expected {_describe(spec)}")
    return copy.deepcopy(spec.default)


def _path_problem(value: str) -> str:
    path = value.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return "expected a path relative to the project, not an absolute one"
    depth = 0
    for part in path.split("/"):
        if part == "..":
            depth -= 1
        elif part not in ("", "."):
            depth += 1
        if depth < 0:
            return "expected a path inside the project; '..' leads out of it"
    if depth == 0:
        return "expected a folder inside the project, not the project folder itself"
    return ""


def _name_problem(value: str) -> str:
    if any(char in value for char in "/\\") or ".." in value:
        return "expected a plain name without '/', '\\' or '..'"
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return "expected a plain name without control characters"
    if not any(char.isalnum() for char in value):
        return "expected a name with at least one letter or digit"
    return ""


def _describe(spec: Scalar) -> str:
    if spec.kind == "enum":
        return "one of " + ", ".join(spec.choices)
    return {
        "bool": "true or false",
        "int": "an integer",
        "str": "a string",
        "str_list": "a list of strings",
        "project_path": "a path inside the project",
        "name": "a plain name",
    }[spec.kind]


def _type_name(value: Any) -> str:
    return {list: "a list", str: "a string", int: "an integer", bool: "a boolean", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _fail(source: str, key: str, problem: str) -> None:
    error = ConfigError(f"{source}: {key or '<top level>'}: {problem}")
    error.key = key or "<top level>"  # type: ignore[attr-defined]
    raise error


def _as_written(value: Any) -> str:
    # YAML 1.1 (PyYAML) turns bare off/no and on/yes into booleans; name the words the user typed.
    if value is False:
        return "off (YAML reads a bare off, no or false as false)"
    if value is True:
        return "on (YAML reads a bare on, yes or true as true)"
    return repr(value)
