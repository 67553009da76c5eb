"""The commit policy: one pure function decides which changes a repository accepts.

`decide(policy, changes)` is called by the git hooks, by `check-commit` (staged
set and commit ranges) and by the Claude Code hook, so they cannot disagree.
Only the standard library is imported: the Claude Code hook loads this module
on every Bash tool call. The value classes are plain `__slots__` classes, not
dataclasses, because importing `dataclasses` costs more than the whole
policy decision on a commit.
"""

from __future__ import annotations

import posixpath

# Annotations only: importing collections.abc at run time would load the
# collections package, which a git hook does not otherwise need.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

from cofee_hooks.errors import ConfigError
from cofee_hooks.guard.patterns import PatternError, PatternList, compile_patterns

MODE_SYMLINK = "120000"
MODE_GITLINK = "160000"
MODE_FILE = "100644"
CONFIG_FILE = ".claude/cofee-hooks.yaml"

_STATUS_NAMES = {
    "A": "added",
    "M": "modified",
    "D": "deleted",
    "T": "type changed",
    "R": "renamed",
    "C": "copied",
    "U": "unmerged",
}


class Change:
    """One changed entry of a commit, as git's raw diff reports it.

    `status` is one of A, M, D, T, R, C (U for an unmerged entry). `path` is
    the new path (the removed one for D); `old_path` is the source of a
    rename or copy. `mode` is the octal git mode of the entry being committed
    (the removed entry's mode for D): `120000` is a symlink, `160000` a
    submodule (gitlink). `symlink_target` is the link text when `mode` is a
    symlink and the reader looked it up.
    """

    __slots__ = ("status", "path", "old_path", "mode", "symlink_target")

    def __init__(
        self,
        status: str,
        path: str,
        old_path: str | None = None,
        mode: str = MODE_FILE,
        symlink_target: str | None = None,
    ) -> None:
        self.status = status
        self.path = path
        self.old_path = old_path
        self.mode = mode
        self.symlink_target = symlink_target

    def _key(self) -> tuple:
        return (self.status, self.path, self.old_path, self.mode, self.symlink_target)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Change) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return "Change({!r}, {!r}, old_path={!r}, mode={!r}, symlink_target={!r})".format(*self._key())

    @property
    def is_symlink(self) -> bool:
        return self.mode == MODE_SYMLINK

    @property
    def is_gitlink(self) -> bool:
        return self.mode == MODE_GITLINK


class Policy:
    """The `commit_guard` settings: whether the guard is on, and its allow and deny patterns."""

    __slots__ = ("enabled", "allow", "deny", "source")

    def __init__(
        self, enabled: bool, allow: tuple[str, ...], deny: tuple[str, ...] = (), source: str | None = None
    ) -> None:
        self.enabled = enabled
        self.allow = tuple(allow)
        self.deny = tuple(deny)
        self.source = source

    def __repr__(self) -> str:
        return f"Policy(enabled={self.enabled!r}, allow={self.allow!r}, deny={self.deny!r})"

    @classmethod
    def from_section(cls, section: Mapping[str, object], source: str | None = None) -> Policy:
        """Build a policy from the validated `commit_guard` section; raises ConfigError on a bad pattern."""
        policy = cls(
            bool(section.get("enabled", False)),
            tuple(section.get("allow", ())),
            tuple(section.get("deny", ())),
            source,
        )
        policy.compiled()
        return policy

    def compiled(self) -> tuple[PatternList, PatternList]:
        """Return the compiled allow and deny lists (cached per process)."""
        where = self.source or CONFIG_FILE
        try:
            allow = compile_patterns(self.allow)
        except PatternError as error:
            raise ConfigError(f"{where}: commit_guard.allow: {error}") from None
        try:
            deny = compile_patterns(self.deny)
        except PatternError as error:
            raise ConfigError(f"{where}: commit_guard.deny: {error}") from None
        return allow, deny


class Offense:
    """One path the policy refuses: which change touched it, why, and the pattern behind it.

    `pattern` is the allow or deny pattern that excluded the path, or None
    when the path matched no allow pattern at all.
    """

    __slots__ = ("path", "status", "reason", "pattern", "role")

    def __init__(self, path: str, status: str, reason: str, pattern: str | None = None, role: str = "") -> None:
        self.path = path
        self.status = status
        self.reason = reason
        self.pattern = pattern
        self.role = role

    def __repr__(self) -> str:
        return f"Offense({self.path!r}, {self.status!r}, {self.reason!r}, {self.pattern!r}, {self.role!r})"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "status": self.status,
            "role": self.role,
            "reason": self.reason,
            "pattern": self.pattern,
        }


class Verdict:
    """The decision on a set of changes: allowed or not, and every offending path."""

    __slots__ = ("enabled", "offenses", "checked", "allow", "deny", "policy_source")

    def __init__(
        self,
        enabled: bool,
        offenses: tuple[Offense, ...] = (),
        checked: int = 0,
        allow: tuple[str, ...] = (),
        deny: tuple[str, ...] = (),
        policy_source: str | None = None,
    ) -> None:
        self.enabled = enabled
        self.offenses = offenses
        self.checked = checked
        self.allow = allow
        self.deny = deny
        # Where the policy came from: a file path, or HEAD:<path> for the committed one.
        self.policy_source = policy_source

    def __repr__(self) -> str:
        return f"Verdict(enabled={self.enabled!r}, offenses={self.offenses!r}, checked={self.checked!r})"

    @property
    def allowed(self) -> bool:
        return not self.offenses

    def as_dict(self) -> dict[str, object]:
        return {
            "enabled": self.enabled,
            "allowed": self.allowed,
            "checked": self.checked,
            "offenses": [offense.as_dict() for offense in self.offenses],
        }

    def message(self, subject: str = "commit", max_paths: int | None = None, how: str | None = None) -> str:
        """Render the refusal: every offending path with its reason, then how to fix it.

        `subject` names what was judged ("commit", "commit 1a2b3c4 'Add app'").
        `max_paths` caps the listed paths for callers with a size limit; the
        rest are counted. `how` is how the commit takes its paths when the
        caller knows it: "all" for `git commit -a`, "paths" for paths given
        to `git commit`, None for the staged set. Returns '' when the changes
        are allowed.
        """
        if self.allowed:
            return ""
        count = len(self.offenses)
        noun = "path is" if count == 1 else "paths are"
        lines = [f"cofee-hooks: {subject} refused: {count} {noun} outside the commit policy of this repository:"]
        shown = self.offenses if max_paths is None else self.offenses[:max_paths]
        for offense in shown:
            lines.append(f"  {display_path(offense.path)}  ({_describe(offense)})")
        if len(shown) < count:
            lines.append(f"  ... and {count - len(shown)} more")
        lines.append("Allowed here: " + (", ".join(self.allow) or "nothing"))
        if self.deny:
            lines.append("Denied even when allowed: " + ", ".join(self.deny))
        if self.policy_source and self.policy_source.startswith("HEAD:"):
            lines.append(
                f"This {subject} changes {CONFIG_FILE}, so it is judged by the policy in HEAD; "
                "commit the policy change on its own first."
            )
        lines.extend(_fix_lines(subject, self.offenses, how))
        return "\n".join(lines)


def decide(policy: Policy, changes: Iterable[Change]) -> Verdict:
    """Judge `changes` against `policy` and return the verdict.

    Every path a change touches is checked: the path itself and, for a
    rename or copy, its source. A symlink the policy allows is refused when
    its target leaves the repository or lies outside the policy. A gitlink
    is judged as its path, like a folder.
    """
    if not policy.enabled:
        return Verdict(False)
    allow, deny = policy.compiled()
    offenses: list[Offense] = []
    checked = 0
    for change in changes:
        checked += 1
        offenses.extend(_judge_change(change, allow, deny))
    return Verdict(True, tuple(offenses), checked, policy.allow, policy.deny, policy.source)


def path_problem(path: str, allow: PatternList, deny: PatternList, is_folder: bool = False) -> tuple[str, str | None] | None:
    """Return (reason, pattern) when `path` is outside the policy, or None when it is allowed."""
    denied = deny.last_match(path, is_folder)
    if denied is not None and not denied.negated:
        return "denied by pattern", denied.text
    allowed = allow.last_match(path, is_folder)
    if allowed is None:
        return "matched no allow pattern", None
    if allowed.negated:
        return "excluded by allow pattern", allowed.text
    return None


def _judge_change(change: Change, allow: PatternList, deny: PatternList) -> list[Offense]:
    offenses: list[Offense] = []
    sides = [(change.path, _role_of_new(change))]
    if change.old_path is not None and change.status in ("R", "C"):
        sides.append((change.old_path, "source of a rename" if change.status == "R" else "source of a copy"))
    for path, role in sides:
        problem = path_problem(path, allow, deny, is_folder=change.is_gitlink)
        if problem is not None:
            offenses.append(Offense(path, change.status, problem[0], problem[1], role))
    if not offenses and change.is_symlink and change.status != "D":
        link_offense = _judge_symlink(change, allow, deny)
        if link_offense is not None:
            offenses.append(link_offense)
    return offenses


def _role_of_new(change: Change) -> str:
    if change.status == "R":
        return "target of a rename"
    if change.status == "C":
        return "target of a copy"
    if change.is_gitlink:
        return "submodule " + _STATUS_NAMES.get(change.status, change.status)
    if change.is_symlink:
        return "symlink " + _STATUS_NAMES.get(change.status, change.status)
    return _STATUS_NAMES.get(change.status, change.status)


def _judge_symlink(change: Change, allow: PatternList, deny: PatternList) -> Offense | None:
    target = change.symlink_target
    role = _role_of_new(change)
    if target is None:
        return Offense(change.path, change.status, "symlink target could not be read", None, role)
    resolved = resolve_link_target(change.path, target)
    if resolved is None:
        return Offense(change.path, change.status, f"symlink points outside the repository ({target})", None, role)
    # The target may be a file or a folder; either reading inside the policy is enough.
    problem = path_problem(resolved, allow, deny, is_folder=False)
    if problem is not None:
        problem = path_problem(resolved, allow, deny, is_folder=True)
    if problem is None:
        return None
    reason, pattern = problem
    verb = "" if reason.startswith("matched") else "is "
    return Offense(change.path, change.status, f"symlink points at {resolved}, which {verb}{reason}", pattern, role)


def resolve_link_target(link_path: str, target: str) -> str | None:
    """Resolve a symlink's text against its folder; None when it leaves the repository.

    Resolution is lexical: a link whose target goes through another symlink
    is judged on the text, and that other symlink is judged on its own.
    """
    if not target or target.startswith("/") or "\0" in target:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(link_path), target))
    if joined == "." or joined == ".." or joined.startswith("../"):
        return None
    return joined


def display_path(path: str) -> str:
    """Quote a path for a message so that it can be pasted into a shell."""
    import shlex

    if not path.isprintable():
        import json

        # Newlines and other control characters: show them escaped, unambiguously.
        return "$" + shlex.quote(json.dumps(path, ensure_ascii=False)[1:-1])
    return shlex.quote(path)


def _describe(offense: Offense) -> str:
    reason = offense.reason
    if offense.pattern is not None:
        reason = f"{reason} '{offense.pattern}'"
    return f"{offense.role}; {reason}" if offense.role else reason


def _fix_lines(subject: str, offenses: tuple[Offense, ...] = (), how: str | None = None) -> list[str]:
    policy_change = f"or change commit_guard.allow / commit_guard.deny in {CONFIG_FILE}."
    if subject.startswith("commit ") and subject != "commit":
        # A commit that already exists: the fix is to rewrite it, not to unstage.
        commit = subject.split()[1]
        return [
            f"To fix: rewrite the commit without these paths: run git rebase -i {commit}^ (--root for a first commit),",
            f"mark {commit} 'edit', then for each path run git rm --cached -- PATH, then git commit --amend",
            "and git rebase --continue;",
            policy_change,
        ]
    removals = [offense for offense in offenses if offense.status == "D" or offense.role.startswith("source of a rename")]
    lines = []
    if how == "all":
        lines.append("To fix: leave out -a, so that only the staged paths are committed (git add -- PATH for the allowed ones),")
    elif how == "paths":
        lines.append("To fix: leave the paths above out of the paths given to git commit,")
    elif len(removals) < len(offenses):
        lines.append("To fix: unstage each added or changed path with git restore --staged -- PATH")
        lines.append("(git rm --cached -- PATH to stop tracking a file, e.g. before the first commit),")
    if len(removals) < len(offenses) or how is not None:
        lines.append(policy_change)
    if removals:
        # Unstaging only postpones a deletion, and `git rm --cached` stages the
        # same deletion again, so the policy itself has to allow it.
        lines.append(
            "A deleted path (or rename source) counts as a change too. To commit the deletion, allow the path "
            f"in commit_guard.allow in {CONFIG_FILE} for this commit (git restore --staged -- PATH keeps it out instead)."
        )
    return lines
