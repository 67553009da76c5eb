"""The Context7 registry: which library IDs exist and which words signal them.

The registry comes from the `context7:` configuration section. `libraries:`
maps a short name to the library's Context7 ID, display name, keywords and
import names. `agents:` maps an agent to the library names it always needs.

Matching is pure and runs on every prompt, so it uses no regular expression
built from the registry. Single-word terms are looked up in the set of words
of the text. Longer terms (`next.js`, `@remotion/player`) are found with
`str.find` and checked for word boundaries. Both are case-insensitive and
accept a plural on either side (`migrations` meets `migration`). The words
of the text include the parts of identifiers joined by `_`, so `remotion`
is found in `cofee_remotion/`. Only the standard library is imported here.
"""

from __future__ import annotations

import re

# typing is imported for type checkers only: it costs milliseconds on every hook call.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

_WORD = re.compile(r"\w+")
_SINGLE_WORD = re.compile(r"\w+\Z")


class Library:
    """One registry entry: key in `libraries:`, Context7 ID, display name and signal terms."""

    __slots__ = ("key", "id", "name", "keywords", "imports")

    def __init__(self, key: str, library_id: str, name: str, keywords: list[str], imports: list[str]) -> None:
        self.key = key
        self.id = library_id
        self.name = name
        self.keywords = keywords
        self.imports = imports

    @property
    def terms(self) -> list[str]:
        """Keywords and import names, the words that signal this library in a text."""
        return [*self.keywords, *self.imports]

    def __repr__(self) -> str:
        return f"Library({self.key!r}, {self.id!r})"


class Registry:
    """Libraries by name and the libraries each agent always needs."""

    __slots__ = ("libraries", "agents", "_by_term")

    def __init__(self, libraries: dict[str, Library], agents: dict[str, list[str]]) -> None:
        self.libraries = libraries
        self.agents = agents
        self._by_term: dict[str, list[Library]] = {}
        for library in libraries.values():
            for term in library.terms:
                bucket = self._by_term.setdefault(term.lower(), [])
                if library not in bucket:
                    bucket.append(library)

    @classmethod
    def from_config(cls, values: dict[str, Any]) -> Registry:
        """Build the registry from validated configuration values (the whole config dict)."""
        section = values.get("context7") or {}
        libraries = {}
        for key, entry in (section.get("libraries") or {}).items():
            libraries[key] = Library(
                key,
                str(entry.get("id") or ""),
                str(entry.get("name") or key),
                list(entry.get("keywords") or []),
                list(entry.get("imports") or []),
            )
        agents = {name: list(names or []) for name, names in (section.get("agents") or {}).items()}
        return cls(libraries, agents)

    def by_id(self, library_id: str) -> Library | None:
        for library in self.libraries.values():
            if library.id == library_id:
                return library
        return None

    def for_agent(self, agent: str) -> list[Library]:
        """Return the libraries `agents:` lists for `agent`; unknown names are skipped."""
        names = self.agents.get(agent) or []
        return [self.libraries[name] for name in names if name in self.libraries]

    def mentioned(self, text: str) -> list[Library]:
        """Return the libraries whose keywords or import names occur in `text`, in registry order."""
        found_terms = find_terms(text, self._by_term)
        hits = {id(library) for term in found_terms for library in self._by_term[term]}
        return [library for library in self.libraries.values() if id(library) in hits]


def find_terms(text: str, terms: Iterable[str]) -> set[str]:
    """Return the lower-cased `terms` that occur in `text` as whole words, ignoring case.

    A term counts when the characters around it are not word characters, so
    `sqlalchemy` matches `from sqlalchemy.orm import Session` but not
    `sqlalchemyx`.
    """
    lowered = text.lower()
    words: set[str] | None = None
    found = set()
    for term in terms:
        needle = term.lower()
        if not needle:
            continue
        if _SINGLE_WORD.match(needle):
            if words is None:
                words = text_words(lowered)
            if needle in words or singular(needle) in words:
                found.add(needle)
        elif _occurs_as_word(lowered, needle):
            found.add(needle)
    return found


def text_words(text: str) -> set[str]:
    """Return the words of a lower-cased text, the parts of `_`-joined identifiers, and their singulars."""
    words = set()
    for word in _WORD.findall(text):
        words.add(word)
        words.add(singular(word))
        if "_" in word:
            for part in word.split("_"):
                if part:
                    words.add(part)
                    words.add(singular(part))
    return words


def singular(word: str) -> str:
    """Reduce a regular English plural to its singular; other words come back unchanged.

    Crude on purpose: both the term and the text go through it, so
    `indexes` meets `index` and `queries` meets `query`.
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("xes", "ches", "shes", "sses")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _occurs_as_word(text: str, needle: str) -> bool:
    start = text.find(needle)
    while start != -1:
        end = start + len(needle)
        before_ok = start == 0 or not _is_word_char(text[start - 1]) or not _is_word_char(needle[0])
        after_ok = end == len(text) or not _is_word_char(text[end]) or not _is_word_char(needle[-1])
        if not after_ok and _is_word_char(needle[-1]):
            # A plural of the last word: `title cards` for the term `title card`.
            after_ok = any(_word_ends(text, end + len(suffix)) for suffix in ("s", "es") if text.startswith(suffix, end))
        if before_ok and after_ok:
            return True
        start = text.find(needle, start + 1)
    return False


def _word_ends(text: str, position: int) -> bool:
    return position == len(text) or not _is_word_char(text[position])


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"
