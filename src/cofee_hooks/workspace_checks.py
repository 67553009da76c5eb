"""Checks of a team workspace for `cofee-hooks doctor`: `.mcp.json` and agent files.

Each check returns a list of problems, one line each, naming the file and the
field; an empty list means the check passed. A missing `.mcp.json` or agents
folder is not a problem: not every project uses them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

MCP_FILE = ".mcp.json"
AGENTS_FOLDER = Path(".claude") / "agents"
REQUIRED_AGENT_FIELDS = ("name", "description", "tools")

# A value made only of `${VAR}` / `${VAR:-default}` references (and text
# around them, such as a URL scheme) comes from the environment.
_REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}")
_SECRET_NAME = re.compile(r"(key|token|secret|password|passwd|credential|auth|dsn|uri|url)", re.IGNORECASE)
# Shapes of well-known credentials; a match anywhere in the file is a literal secret.
_SECRET_SHAPES = (
    re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bxox[abpr]-[A-Za-z0-9-]{10,}"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bBearer\s+(?!\$\{)[A-Za-z0-9._~+/-]{12,}"),
)
# scheme://user:password@host with a password that is not a reference.
_URL_PASSWORD = re.compile(r"://[^/\s:@]*:(?P<password>[^@\s]+)@")


def check_mcp_json(root: Path) -> list[str]:
    """Validate `.mcp.json`: JSON, server shapes, and no literal secret."""
    path = root / MCP_FILE
    if not path.is_file():
        return []
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return [f"{MCP_FILE}: cannot read: {error}"]
    except json.JSONDecodeError as error:
        return [f"{MCP_FILE}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}"]

    servers = document.get("mcpServers") if isinstance(document, dict) else None
    if not isinstance(servers, dict):
        return [f"{MCP_FILE}: mcpServers: missing or not an object"]

    problems: list[str] = []
    for name, server in servers.items():
        problems.extend(_check_server(f"{MCP_FILE}: mcpServers.{name}", server))
    problems.extend(_find_secrets(document, MCP_FILE))
    return problems


def check_agent_files(root: Path) -> list[str]:
    """Validate the frontmatter of every `.claude/agents/*.md` file."""
    folder = root / AGENTS_FOLDER
    if not folder.is_dir():
        return []
    problems: list[str] = []
    for path in sorted(folder.glob("*.md")):
        problems.extend(_check_agent_file(path, (AGENTS_FOLDER / path.name).as_posix()))
    return problems


def read_frontmatter(text: str) -> dict[str, Any] | None:
    """Return the YAML frontmatter of a Markdown file, or None when it has none.

    Raises ValueError when the block is there but is not a YAML mapping.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            break
    else:
        raise ValueError("frontmatter is not closed with a '---' line")

    import yaml

    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as error:
        raise ValueError(f"invalid YAML in frontmatter: {error}".splitlines()[0]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("frontmatter is not a mapping")
    return data


def _check_server(where: str, server: Any) -> list[str]:
    if not isinstance(server, dict):
        return [f"{where}: expected an object"]
    command = server.get("command")
    url = server.get("url")
    if command is None and url is None:
        return [f"{where}: needs either command (with args) or url"]
    problems = []
    if command is not None and (not isinstance(command, str) or not command.strip()):
        problems.append(f"{where}.command: expected a non-empty string")
    if url is not None and (not isinstance(url, str) or not url.strip()):
        problems.append(f"{where}.url: expected a non-empty string")
    args = server.get("args", [])
    if not isinstance(args, list) or not all(isinstance(item, str) for item in args):
        problems.append(f"{where}.args: expected a list of strings")
    for key in ("env", "headers"):
        mapping = server.get(key, {})
        if not isinstance(mapping, dict) or not all(isinstance(value, str) for value in mapping.values()):
            problems.append(f"{where}.{key}: expected an object of strings")
        else:
            problems.extend(_check_named_values(f"{where}.{key}", mapping))
    return problems


def _check_named_values(where: str, mapping: dict[str, str]) -> list[str]:
    """Report literal values of variables whose names suggest a secret."""
    problems = []
    for name, value in mapping.items():
        if not _SECRET_NAME.search(name):
            continue
        literal = _REFERENCE.sub("", value).strip()
        if literal and not _is_harmless_literal(literal):
            problems.append(f"{where}.{name}: literal value; use an environment reference such as ${{{name}}}")
    return problems


def _is_harmless_literal(literal: str) -> bool:
    """Return True for text that frames a reference, e.g. 'Bearer ' or 'redis://'."""
    return literal.lower() in {"bearer", "token"} or bool(re.fullmatch(r"[a-z+]+://[/]*", literal))


def _find_secrets(value: Any, source: str, path: str = "") -> list[str]:
    if isinstance(value, dict):
        return [problem for key, item in value.items() for problem in _find_secrets(item, source, f"{path}.{key}")]
    if isinstance(value, list):
        return [problem for index, item in enumerate(value) for problem in _find_secrets(item, source, f"{path}[{index}]")]
    if not isinstance(value, str):
        return []
    where = f"{source}: {path.lstrip('.')}"
    if any(shape.search(value) for shape in _SECRET_SHAPES):
        return [f"{where}: looks like a literal credential; use an environment reference such as ${{TOKEN}}"]
    match = _URL_PASSWORD.search(value)
    if match and not _REFERENCE.fullmatch(match.group("password")):
        return [f"{where}: URL with a literal password; put the whole URL in an environment variable"]
    return []


def _check_agent_file(path: Path, display_path: str) -> list[str]:
    try:
        frontmatter = read_frontmatter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return [f"{display_path}: cannot read: {error}"]
    except ValueError as error:
        return [f"{display_path}: {error}"]
    if frontmatter is None:
        return [f"{display_path}: missing frontmatter (name, description, tools between '---' lines)"]

    problems = []
    for field_name in REQUIRED_AGENT_FIELDS:
        value = frontmatter.get(field_name)
        if value is None or (isinstance(value, (str, list)) and not value):
            problems.append(f"{display_path}: frontmatter: missing {field_name}")
    name = frontmatter.get("name")
    if isinstance(name, str) and name and name != path.stem:
        problems.append(f"{display_path}: frontmatter: name {name!r} does not match the file name {path.stem!r}")
    tools = frontmatter.get("tools")
    if tools is not None and not isinstance(tools, (str, list)):
        problems.append(f"{display_path}: frontmatter: tools: expected a comma-separated string or a list")
    return problems
