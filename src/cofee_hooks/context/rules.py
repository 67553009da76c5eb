"""Scoped rule files: load their frontmatter and decide which ones a text calls for.

A rule file is Markdown with optional YAML frontmatter:

    ---
    paths:
      - "alembic/versions/**/*.py"
    agents: [db-architect]
    keywords: [migration, alembic]
    ---
    # Migration rules
    ...

`paths:` contains globs relative to the project root (a list, or one
string), the key Claude Code itself reads. `agents:` and `keywords:` are
read by cofee-hooks only. The title is the first Markdown heading, or the file name.

Claude Code itself loads every file in `.claude/rules/` that has no `paths:`
into every session and subagent, so those are never injected again.

The hooks run this on every prompt, so there is no PyYAML here. The
frontmatter parser understands the subset rule files use: `key: value`
scalars (plain, single- or double-quoted), block lists (`- item`), flow
lists (`[a, "b"]`), comments, and folded or literal block scalars, which
are read as text. Parsed metadata is cached as JSON in the cache folder,
keyed on each file's size and modification time, so a prompt costs one
`stat` per rule file and reads only the bodies it injects.
"""

from __future__ import annotations

import json
import os
import re

from cofee_hooks.context.registry import find_terms

# typing is imported for type checkers only: it costs milliseconds on every hook call.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CLIENT_RULES_DIR = ".claude/rules"
CACHE_FOLDER = ".cofee-hooks-cache"
_CACHE_NAME = "rules.json"
_CACHE_FORMAT = 1

# Path-like words of a prompt: at least one slash, or a name with a file extension.
_PATH_TOKEN = re.compile(r"[\w./@+*-]+")
_HAS_EXTENSION = re.compile(r"[^/]\.[A-Za-z0-9]{1,10}\Z")
_GLOB_CHARS = "*?[{"

# Order of the reasons a rule applies: a matching path is the most specific.
REASON_PATH = "path"
REASON_AGENT = "agent"
REASON_KEYWORD = "keyword"
_REASON_RANK = {REASON_PATH: 0, REASON_AGENT: 1, REASON_KEYWORD: 2}


class Rule:
    """One rule file: where it is, its title and when it applies."""

    __slots__ = ("path", "relative", "title", "paths", "agents", "keywords", "client_loaded", "body_offset", "_globs")

    def __init__(
        self,
        path: str,
        relative: str,
        title: str,
        paths: list[str],
        agents: list[str],
        keywords: list[str],
        client_loaded: bool,
        body_offset: int,
    ) -> None:
        self.path = path
        self.relative = relative
        self.title = title
        self.paths = paths
        self.agents = agents
        self.keywords = keywords
        self.client_loaded = client_loaded
        self.body_offset = body_offset
        self._globs: list[_Glob] | None = None

    @property
    def always_loaded(self) -> bool:
        """True for a rule Claude Code loads into every session by itself (never injected)."""
        return self.client_loaded and not self.paths

    def body(self) -> str:
        """Read the rule text after the frontmatter, stripped of surrounding blank lines."""
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        return text[self.body_offset :].strip("\n")

    def globs(self) -> list[_Glob]:
        if self._globs is None:
            self._globs = [_Glob(pattern) for pattern in self.paths]
        return self._globs

    def to_json(self) -> dict[str, Any]:
        return {
            "relative": self.relative,
            "title": self.title,
            "paths": self.paths,
            "agents": self.agents,
            "keywords": self.keywords,
            "client_loaded": self.client_loaded,
            "body_offset": self.body_offset,
        }

    @classmethod
    def from_json(cls, path: str, data: dict[str, Any]) -> Rule:
        return cls(
            path,
            data["relative"],
            data["title"],
            data["paths"],
            data["agents"],
            data["keywords"],
            data["client_loaded"],
            data["body_offset"],
        )

    def __repr__(self) -> str:
        return f"Rule({self.relative!r})"


class Match:
    """A rule that applies to a text, why, and how specific the trigger was."""

    __slots__ = ("rule", "reason", "specificity")

    def __init__(self, rule: Rule, reason: str, specificity: int) -> None:
        self.rule = rule
        self.reason = reason
        self.specificity = specificity

    def sort_key(self) -> tuple[int, int, str]:
        return (_REASON_RANK[self.reason], -self.specificity, self.rule.relative)


# Loading ------------------------------------------------------------------


def load_rules(root: str, rule_dirs: list[str], use_cache: bool = True, log: Any = None) -> list[Rule]:
    """Return every rule file under `rule_dirs` (relative to `root`), sorted by relative path.

    Unreadable files are skipped. With `use_cache`, parsed frontmatter is
    kept in `.cofee-hooks-cache/rules.json` under `root`. With `log`, a file
    whose frontmatter is read only in part gets one warning when it is
    parsed, that is once per change of the file.
    """
    cache_file = os.path.join(root, CACHE_FOLDER, _CACHE_NAME)
    cached = _read_cache(cache_file) if use_cache else {}
    fresh: dict[str, Any] = {}
    rules = []
    changed = False
    for rule_dir in rule_dirs:
        folder = os.path.normpath(os.path.join(root, rule_dir))
        client_loaded = _is_client_rules_dir(root, folder)
        for path in _markdown_files(folder):
            try:
                stat = os.stat(path)
            except OSError:
                continue
            stamp = [stat.st_size, stat.st_mtime_ns]
            entry = cached.get(path)
            if entry is not None and entry.get("stamp") == stamp and entry.get("client_loaded") == client_loaded:
                rule = Rule.from_json(path, entry)
            else:
                rule = _parse_rule_file(root, path, client_loaded, log)
                if rule is None:
                    continue
                changed = True
            fresh[path] = {**rule.to_json(), "stamp": stamp}
            rules.append(rule)
    if use_cache and (changed or len(fresh) != len(cached)):
        _write_cache(cache_file, fresh)
    rules.sort(key=lambda rule: rule.relative)
    return rules


def parse_rule_text(text: str) -> tuple[dict[str, Any], int]:
    """Split a rule file into its frontmatter (as a dict) and the offset where the body starts.

    A file without frontmatter, or with frontmatter that never closes,
    gives an empty dict and offset 0.
    """
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return {}, 0
    first_break = text.index("\n") + 1
    position = first_break
    lines = []
    while position < len(text):
        end = text.find("\n", position)
        line_end = len(text) if end == -1 else end + 1
        line = text[position:line_end].rstrip("\r\n")
        if line.rstrip() in ("---", "..."):
            return parse_frontmatter(lines), line_end
        lines.append(line)
        position = line_end
    return {}, 0


def parse_frontmatter(lines: list[str]) -> dict[str, Any]:
    """Parse the YAML subset rule files use into strings and lists of strings."""
    result: dict[str, Any] = {}
    key = None
    block_scalar: list[str] | None = None
    for raw in lines:
        if block_scalar is not None:
            if raw.startswith((" ", "\t")) or not raw.strip():
                block_scalar.append(raw.strip())
                continue
            result[key] = " ".join(part for part in block_scalar if part)
            block_scalar = None
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- ") or stripped == "-":
            if key is not None:
                current = result.get(key)
                if not isinstance(current, list):
                    current = []
                    result[key] = current
                item = _scalar(stripped[1:].strip())
                if item:
                    current.append(item)
            continue
        if raw[0] in " \t" or ":" not in stripped:
            continue
        name, _, value = stripped.partition(":")
        key = name.strip()
        value = value.strip()
        if value in ("|", ">", "|-", ">-", "|+", ">+"):
            block_scalar = []
        elif value.startswith("["):
            result[key] = _flow_list(value)
        elif value:
            result[key] = _scalar(value)
        else:
            result[key] = []
    if block_scalar is not None and key is not None:
        result[key] = " ".join(part for part in block_scalar if part)
    return result


def frontmatter_problems(text: str, offset: int) -> list[str]:
    """Return what the lenient parser had to skip in a rule file's frontmatter (a cheap subset of the check)."""
    if not text.startswith(("---\n", "---\r\n")):
        return []
    if offset == 0:
        return ["frontmatter never closes, so the whole file is read as text"]
    problems = []
    for line in text[:offset].splitlines()[1:-1]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, colon, value = stripped.partition(":")
        if line[0] in " \t" and colon and not stripped.startswith("- "):
            problems.append(f"nested mapping under a key ignored: {stripped[:60]!r}")
        elif colon and value.strip().startswith("[") and "]" not in value:
            problems.append(f"{name.strip()}: flow list without a closing ']'")
    return problems


def _scalar(value: str) -> str:
    if value[:1] in ("'", '"'):
        quote = value[0]
        end = value.find(quote, 1)
        while quote == "'" and end != -1 and value[end + 1 : end + 2] == "'":
            end = value.find(quote, end + 2)
        inner = value[1:end] if end != -1 else value[1:]
        return inner.replace("''", "'") if quote == "'" else inner.replace('\\"', '"')
    comment = value.find(" #")
    if comment != -1:
        value = value[:comment]
    return value.strip()


def _flow_list(value: str) -> list[str]:
    inner = value[1:]
    closing = inner.rfind("]")
    if closing != -1:
        inner = inner[:closing]
    return [item for item in (_scalar(part.strip()) for part in _split_outside_braces(inner)) if item]


def _split_outside_braces(value: str) -> list[str]:
    """Split on commas that are not inside `{...}` or quotes, so `*.{ts,tsx}` stays whole."""
    parts = []
    depth = 0
    quote = ""
    current = []
    for char in value:
        if quote:
            if char == quote:
                quote = ""
        elif char in ("'", '"'):
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str) and item]
    if isinstance(value, str) and value:
        return [part.strip() for part in _split_outside_braces(value) if part.strip()]
    return []


def _parse_rule_file(root: str, path: str, client_loaded: bool, log: Any = None) -> Rule | None:
    relative = os.path.relpath(path, root).replace(os.sep, "/")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError as error:
        if log is not None:
            log.warning(f"rule file {relative} skipped: cannot read it ({error.strerror or error})")
        return None
    meta, offset = parse_rule_text(text)
    if log is not None:
        for problem in frontmatter_problems(text, offset):
            log.warning(f"rule file {relative}: {problem}; run cofee-hooks context check")
    title = _first_heading(text[offset:]) or os.path.splitext(os.path.basename(path))[0]
    return Rule(
        path,
        relative,
        title,
        _as_list(meta.get("paths")),
        _as_list(meta.get("agents")),
        _as_list(meta.get("keywords")),
        client_loaded,
        offset,
    )


def _first_heading(body: str) -> str:
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            title = stripped.lstrip("#").strip()
            if title:
                return title
    return ""


def _markdown_files(folder: str) -> list[str]:
    found = []
    for current, folders, files in os.walk(folder):
        folders.sort()
        for name in sorted(files):
            if name.endswith(".md"):
                found.append(os.path.join(current, name))
    return found


def _is_client_rules_dir(root: str, folder: str) -> bool:
    client = os.path.normpath(os.path.join(root, CLIENT_RULES_DIR))
    return folder == client or folder.startswith(client + os.sep)


def _read_cache(cache_file: str) -> dict[str, Any]:
    try:
        with open(cache_file, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _CACHE_FORMAT:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _write_cache(cache_file: str, files: dict[str, Any]) -> None:
    # The cache only saves time: a read-only project goes without it.
    try:
        folder = os.path.dirname(cache_file)
        os.makedirs(folder, exist_ok=True)
        marker = os.path.join(folder, ".gitignore")
        if not os.path.exists(marker):
            with open(marker, "w", encoding="utf-8") as handle:
                handle.write("# Cache of cofee-hooks; safe to delete at any time.\n*\n")
        temporary = f"{cache_file}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"format": _CACHE_FORMAT, "files": files}, handle)
        os.replace(temporary, cache_file)
    except OSError:
        pass


# Matching -----------------------------------------------------------------


class _Glob:
    """A `paths:` glob with its literal folder prefix; the regular expression is compiled on first use."""

    __slots__ = ("pattern", "prefix", "_regex")

    def __init__(self, pattern: str) -> None:
        cleaned = pattern.strip()
        while cleaned.startswith("./"):
            cleaned = cleaned[2:]
        cleaned = cleaned.lstrip("/")
        self.pattern = cleaned
        self.prefix = _literal_prefix(cleaned)
        self._regex: re.Pattern[str] | None = None

    def matches(self, path: str) -> bool:
        """True when `path` matches the glob, or names a folder the glob's files may lie in.

        A folder is a path that ends with `/`, or has a `/` and no file
        extension. It matches when the glob's literal part lies inside it
        (`alembic` for `alembic/versions/*.py`) or when it lies inside the
        literal part of a glob that goes on with wildcards (`docs/guide` for
        `docs/**/*.md`).
        """
        folder = path.rstrip("/")
        if self.prefix and folder and _is_folder(path):
            if self.prefix == folder or self.prefix.startswith(folder + "/"):
                return True
            if folder.startswith(self.prefix + "/") and self.prefix != self.pattern.rstrip("/"):
                return True
        if self.prefix:
            # Every match starts with the literal prefix, so most paths are
            # rejected here without compiling a regular expression.
            if path != self.prefix and not path.startswith(self.prefix + "/"):
                return False
        if self._regex is None:
            self._regex = re.compile(glob_to_regex(self.pattern))
        return self._regex.fullmatch(path) is not None


def _is_folder(path: str) -> bool:
    if path.endswith("/"):
        return True
    return "/" in path and not _HAS_EXTENSION.search(path)


def glob_to_regex(pattern: str) -> str:
    """Translate a glob into a regular expression for a `/`-separated relative path.

    `**/` matches any number of folders, including none. A trailing `**`
    matches everything below. `*` and `?` stay within one path segment,
    `{a,b}` is an alternative and `[...]` a character class. A trailing `/`
    matches everything inside that folder.

    NOTE: these are the usual picomatch-style rules. Claude Code's own
    matcher was not compared case by case, notably for a glob without a
    slash, which matches at the project root only here.
    """
    out = []
    index = 0
    depth = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == "*":
            if pattern.startswith("**", index):
                index += 2
                if pattern.startswith("/", index):
                    out.append("(?:.*/)?")
                    index += 1
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            closing = pattern.find("]", index + 2)
            if closing == -1:
                out.append(re.escape(char))
            else:
                inner = pattern[index + 1 : closing]
                if inner.startswith("!"):
                    inner = "^" + inner[1:]
                out.append("[" + inner.replace("\\", "\\\\") + "]")
                index = closing
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(char))
        index += 1
    out.append(")" * depth)
    if pattern.endswith("/"):
        out.append(".*")
    return "".join(out)


def _literal_prefix(pattern: str) -> str:
    segments = []
    for segment in pattern.split("/")[:-1]:
        if any(char in segment for char in _GLOB_CHARS):
            break
        segments.append(segment)
    if pattern and not any(char in pattern for char in _GLOB_CHARS):
        return pattern.rstrip("/")
    return "/".join(segments)


def path_tokens(text: str, root: str = "") -> list[str]:
    """Return the words of `text` that look like file or folder paths, relative to `root` when inside it."""
    tokens = []
    seen = set()
    root_prefix = root.rstrip("/") + "/" if root else ""
    for raw in _PATH_TOKEN.findall(text):
        token = raw.rstrip(".,;:")
        if token.startswith("//") or not token.strip("./"):
            continue
        # A bare word counts only as `name/`, the way folders are written.
        if "/" not in token.rstrip("/") and not token.endswith("/") and not _HAS_EXTENSION.search(token):
            continue
        if root_prefix and token.startswith(root_prefix):
            token = token[len(root_prefix) :]
        while token.startswith("./"):
            token = token[2:]
        if token and token not in seen:
            seen.add(token)
            tokens.append(token)
    return tokens


def applicable_rules(rules: list[Rule], text: str, agent: str = "", root: str = "") -> list[Match]:
    """Return the rules `text` calls for, most specific first; always-loaded rules never count.

    A rule applies when the text mentions a path matching one of its
    `paths:` globs, contains one of its `keywords:`, or its `agents:`
    names `agent`.
    """
    candidates = [rule for rule in rules if not rule.always_loaded]
    if not candidates:
        return []
    tokens = path_tokens(text, root)
    keyword_hits = find_terms(text, {keyword for rule in candidates for keyword in rule.keywords})
    matches = []
    for rule in candidates:
        match = _match_rule(rule, tokens, keyword_hits, agent)
        if match is not None:
            matches.append(match)
    matches.sort(key=Match.sort_key)
    return matches


def _match_rule(rule: Rule, tokens: list[str], keyword_hits: set[str], agent: str) -> Match | None:
    if tokens and rule.paths:
        best = -1
        for glob in rule.globs():
            if any(glob.matches(token) for token in tokens):
                best = max(best, len(glob.pattern.replace("*", "")))
        if best >= 0:
            return Match(rule, REASON_PATH, best)
    if agent and agent in rule.agents:
        # A rule written for fewer agents is the more specific one.
        return Match(rule, REASON_AGENT, -len(rule.agents))
    hits = [keyword for keyword in rule.keywords if keyword.lower() in keyword_hits]
    if hits:
        return Match(rule, REASON_KEYWORD, max(len(keyword) for keyword in hits))
    return None
