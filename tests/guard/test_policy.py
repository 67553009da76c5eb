"""The pure policy function, table-driven."""

from __future__ import annotations

import pytest

from cofee_hooks.config.schema import DEFAULT_ALLOW
from cofee_hooks.errors import ConfigError
from cofee_hooks.guard.policy import MODE_GITLINK, MODE_SYMLINK, Change, Policy, decide, resolve_link_target

DEFAULT = Policy(True, tuple(DEFAULT_ALLOW))
WITH_DENY = Policy(True, tuple(DEFAULT_ALLOW), ("secrets*", "docs/generated/"))

# policy, change, expected offenses as (path, reason, pattern)
CASES = [
    (DEFAULT, Change("A", "README.md"), []),
    (DEFAULT, Change("M", "docs/a/b.txt"), []),
    (DEFAULT, Change("A", ".claude/settings.json"), []),
    (DEFAULT, Change("A", ".mcp.json"), []),
    (DEFAULT, Change("A", ".gitignore"), []),
    (DEFAULT, Change("A", "src/app.py"), [("src/app.py", "matched no allow pattern", None)]),
    (DEFAULT, Change("D", "src/app.py"), [("src/app.py", "matched no allow pattern", None)]),
    (DEFAULT, Change("T", "setup.cfg"), [("setup.cfg", "matched no allow pattern", None)]),
    (DEFAULT, Change("R", "docs/app.py", "src/app.py"), [("src/app.py", "matched no allow pattern", None)]),
    (DEFAULT, Change("R", "src/a.md", "docs/a.md"), []),
    (DEFAULT, Change("R", "src/app.py", "docs/app.py"), [("src/app.py", "matched no allow pattern", None)]),
    (DEFAULT, Change("C", "docs/copy.py", "src/app.py"), [("src/app.py", "matched no allow pattern", None)]),
    (WITH_DENY, Change("A", "secrets.md"), [("secrets.md", "denied by pattern", "secrets*")]),
    (WITH_DENY, Change("A", "docs/generated/x.md"), [("docs/generated/x.md", "denied by pattern", "docs/generated/")]),
    (WITH_DENY, Change("A", "docs/notes.md"), []),
    (Policy(True, ("docs/", "!docs/private.md")), Change("A", "docs/private.md"),
     [("docs/private.md", "excluded by allow pattern", "!docs/private.md")]),
    (Policy(True, ("*.md",), ("docs/", "!docs/ok.md")), Change("A", "docs/ok.md"), []),
    (DEFAULT, Change("A", "vendor/lib", mode=MODE_GITLINK), [("vendor/lib", "matched no allow pattern", None)]),
    (DEFAULT, Change("A", "docs/lib", mode=MODE_GITLINK), []),
    (Policy(True, ("docs/",)), Change("A", "docs", mode=MODE_GITLINK), []),
    (DEFAULT, Change("A", "docs/link", mode=MODE_SYMLINK, symlink_target="../README.md"), []),
    (DEFAULT, Change("A", "docs/link", mode=MODE_SYMLINK, symlink_target="sub"), []),
    (DEFAULT, Change("A", "docs/link", mode=MODE_SYMLINK, symlink_target="../.claude"), []),
    (DEFAULT, Change("A", "docs/link", mode=MODE_SYMLINK, symlink_target="../src/app.py"),
     [("docs/link", "symlink points at src/app.py, which matched no allow pattern", None)]),
    (DEFAULT, Change("A", "docs/link", mode=MODE_SYMLINK, symlink_target="/etc/passwd"),
     [("docs/link", "symlink points outside the repository (/etc/passwd)", None)]),
    (DEFAULT, Change("A", "docs/link", mode=MODE_SYMLINK, symlink_target="../../outside"),
     [("docs/link", "symlink points outside the repository (../../outside)", None)]),
    (DEFAULT, Change("A", "docs/link", mode=MODE_SYMLINK, symlink_target=".."),
     [("docs/link", "symlink points outside the repository (..)", None)]),
    (WITH_DENY, Change("M", "docs/link", mode=MODE_SYMLINK, symlink_target="../secrets.md"),
     [("docs/link", "symlink points at secrets.md, which is denied by pattern", "secrets*")]),
    (DEFAULT, Change("A", "docs/link", mode=MODE_SYMLINK, symlink_target=None),
     [("docs/link", "symlink target could not be read", None)]),
    (DEFAULT, Change("D", "docs/link", mode=MODE_SYMLINK, symlink_target=None), []),
    (DEFAULT, Change("A", "src/link", mode=MODE_SYMLINK, symlink_target="../docs/a.md"),
     [("src/link", "matched no allow pattern", None)]),
    (DEFAULT, Change("A", "dir with space/new\nline.py"), [("dir with space/new\nline.py", "matched no allow pattern", None)]),
    (DEFAULT, Change("A", "-rf.md"), []),
]


@pytest.mark.parametrize(("policy", "change", "expected"), CASES)
def test_decide_table(policy: Policy, change: Change, expected: list) -> None:
    verdict = decide(policy, [change])
    got = [(offense.path, offense.reason, offense.pattern) for offense in verdict.offenses]
    assert got == expected
    assert verdict.allowed is (not expected)


def test_disabled_policy_allows_everything() -> None:
    verdict = decide(Policy(False, ()), [Change("A", "src/app.py")])
    assert verdict.allowed
    assert not verdict.enabled


def test_rename_both_sides_outside() -> None:
    verdict = decide(DEFAULT, [Change("R", "lib/new.py", "src/old.py")])
    assert [o.path for o in verdict.offenses] == ["lib/new.py", "src/old.py"]
    assert [o.role for o in verdict.offenses] == ["target of a rename", "source of a rename"]


def test_message_lists_every_path_rule_and_fix() -> None:
    changes = [Change("A", "src/app.py"), Change("A", "secrets.md"), Change("R", "docs/x.py", "lib/x.py")]
    message = decide(WITH_DENY, changes).message()
    assert "3 paths are outside the commit policy" in message
    assert "src/app.py  (added; matched no allow pattern)" in message
    assert "secrets.md  (added; denied by pattern 'secrets*')" in message
    assert "lib/x.py  (source of a rename; matched no allow pattern)" in message
    assert "git restore --staged -- PATH" in message
    assert "git rm --cached -- PATH" in message
    assert ".claude/cofee-hooks.yaml" in message
    assert "Allowed here: *.md, docs/" in message
    assert "Denied even when allowed: secrets*, docs/generated/" in message


def test_message_deletion_fix_allows_path() -> None:
    message = decide(DEFAULT, [Change("D", "app.py")]).message()
    assert "app.py  (deleted; matched no allow pattern)" in message
    assert "To commit the deletion, allow the path in commit_guard.allow" in message
    assert "git rm --cached" not in message
    assert "unstage each added or changed path" not in message


def test_message_mixed_changes_both_fixes() -> None:
    message = decide(DEFAULT, [Change("D", "app.py"), Change("A", "lib.py")]).message()
    assert "unstage each added or changed path with git restore --staged -- PATH" in message
    assert "To commit the deletion, allow the path in commit_guard.allow" in message


def test_message_commit_all_fix() -> None:
    message = decide(DEFAULT, [Change("M", "app.py")]).message(how="all")
    assert "leave out -a" in message
    assert "git restore --staged" not in message


def test_message_commit_paths_fix() -> None:
    message = decide(DEFAULT, [Change("M", "app.py")]).message(how="paths")
    assert "leave the paths above out of the paths given to git commit" in message
    assert "git restore --staged" not in message


def test_message_quotes_odd_paths() -> None:
    message = decide(DEFAULT, [Change("A", "a b.py"), Change("A", "new\nline.py")]).message()
    assert "'a b.py'" in message
    assert "$'new\\nline.py'" in message


def test_message_cap_counts_rest() -> None:
    changes = [Change("A", f"src/{index}.py") for index in range(5)]
    message = decide(DEFAULT, changes).message(max_paths=2)
    assert "src/0.py" in message
    assert "src/2.py" not in message
    assert "... and 3 more" in message


def test_message_for_existing_commit_says_rewrite() -> None:
    message = decide(DEFAULT, [Change("A", "src/app.py")]).message("commit 1234567 (Add app)")
    assert "commit 1234567 (Add app) refused" in message
    assert "git rebase -i 1234567^" in message
    assert "mark 1234567 'edit'" in message
    assert "git rm --cached -- PATH" in message
    assert "git commit --amend" in message
    assert "git rebase --continue" in message


def test_allowed_message_is_empty() -> None:
    assert decide(DEFAULT, [Change("A", "README.md")]).message() == ""


def test_invalid_pattern_is_config_error() -> None:
    with pytest.raises(ConfigError, match=r"commit_guard\.deny: invalid pattern '!'"):
        Policy.from_section({"enabled": True, "allow": ["*.md"], "deny": ["!"]}, "cfg.yaml")


def test_as_dict_shape() -> None:
    data = decide(DEFAULT, [Change("A", "src/app.py")]).as_dict()
    assert data["allowed"] is False
    assert data["offenses"] == [
        {"path": "src/app.py", "status": "A", "role": "added", "reason": "matched no allow pattern", "pattern": None}
    ]


@pytest.mark.parametrize(
    ("link", "target", "expected"),
    [
        ("docs/l", "a.md", "docs/a.md"),
        ("docs/l", "../a.md", "a.md"),
        ("docs/l", "./x/../b.md", "docs/b.md"),
        ("l", "..", None),
        ("l", ".", None),
        ("docs/l", "/abs", None),
        ("docs/l", "", None),
        ("docs/l", "../../x", None),
    ],
)
def test_resolve_link_target(link: str, target: str, expected: str | None) -> None:
    assert resolve_link_target(link, target) == expected
