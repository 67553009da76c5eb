"""Reading the staged set and commit ranges from real repositories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cofee_hooks.guard.changes import parse_raw, range_changes, staged_changes
from cofee_hooks.guard.policy import MODE_GITLINK, MODE_SYMLINK, Change

from .conftest import Repo, make_repo


def _by_path(changes: list[Change]) -> dict[str, Change]:
    return {change.path: change for change in changes}


def _seed(repo: Repo) -> None:
    repo.write("README.md", "hello\n")
    repo.write("src/app.py", "print('app')\n" * 20)
    repo.write("src/old.py", "old = 1\n" * 20)
    repo.write("setup.cfg", "[metadata]\n")
    repo.commit_all("seed")


def test_first_commit_reads_against_empty_tree(repo: Repo) -> None:
    repo.write("README.md")
    repo.git("add", "-A")
    paths = sorted(change.path for change in staged_changes(str(repo.path)))
    assert paths == [".claude/cofee-hooks.yaml", "README.md"]


def test_each_change_kind(repo: Repo) -> None:
    _seed(repo)
    repo.write("docs/new.md")
    repo.write("README.md", "changed\n")
    (repo.path / "setup.cfg").unlink()
    repo.symlink("setup.cfg", "README.md")  # file becomes symlink: type change
    repo.git("mv", "src/old.py", "docs/old.py")
    (repo.path / "src/app.py").unlink()
    repo.git("add", "-A")

    changes = _by_path(staged_changes(str(repo.path)))
    assert changes["docs/new.md"].status == "A"
    assert changes["README.md"].status == "M"
    assert changes["src/app.py"].status == "D"
    assert changes["setup.cfg"].status == "T"
    assert changes["setup.cfg"].mode == MODE_SYMLINK
    assert changes["setup.cfg"].symlink_target == "README.md"
    assert changes["docs/old.py"].status == "R"
    assert changes["docs/old.py"].old_path == "src/old.py"


def test_copy_reports_source(repo: Repo) -> None:
    _seed(repo)
    repo.write("src/app.py", "print('app')\n" * 20 + "more = 1\n")
    (repo.path / "docs").mkdir()
    (repo.path / "docs/app.py").write_text("print('app')\n" * 20, encoding="utf-8")
    repo.git("add", "-A")
    changes = _by_path(staged_changes(str(repo.path)))
    assert changes["docs/app.py"].status == "C"
    assert changes["docs/app.py"].old_path == "src/app.py"


@pytest.mark.parametrize(
    "name",
    ["with space.py", "new\nline.py", 'quote"d.py', "it's.py", "tab\there.py", "héllo wörld.py", "-leading-dash.py", "日本.md"],
)
def test_odd_names_exact(repo: Repo, name: str) -> None:
    repo.write("README.md")
    repo.commit_all("seed")
    repo.write(name, "x\n")
    repo.git("add", "--", name)
    assert [change.path for change in staged_changes(str(repo.path))] == [name]


def test_porcelain_settings_do_not_change_reading(repo: Repo) -> None:
    _seed(repo)
    for key, value in [
        ("diff.renames", "false"),
        ("status.renames", "false"),
        ("core.quotePath", "true"),
        ("color.ui", "always"),
        ("diff.external", "false"),
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("diff.relative", "true"),
    ]:
        repo.git("config", key, value)
    repo.git("mv", "src/old.py", "src/ñew.py")
    changes = staged_changes(str(repo.path))
    assert [(c.status, c.path, c.old_path) for c in changes] == [("R", "src/ñew.py", "src/old.py")]


def test_intent_to_add_is_ignored(repo: Repo) -> None:
    _seed(repo)
    repo.write("src/later.py")
    repo.git("add", "-N", "src/later.py")
    repo.write("docs/now.md")
    repo.git("add", "docs/now.md")
    assert [change.path for change in staged_changes(str(repo.path))] == ["docs/now.md"]


def test_gitlink_counts_as_path(repo: Repo, tmp_path: Path) -> None:
    _seed(repo)
    inner = make_repo(tmp_path / "inner", config=None)
    inner.write("lib.py")
    inner.commit_all("inner")
    repo.git("config", "submodule.vendor/lib.ignore", "all")
    subprocess.run(["git", "clone", "-q", str(inner.path), str(repo.path / "vendor/lib")], check=True)
    repo.git("add", "vendor/lib")
    changes = staged_changes(str(repo.path))
    assert [(c.status, c.path, c.mode) for c in changes] == [("A", "vendor/lib", MODE_GITLINK)]


def test_symlink_target_read_from_index(repo: Repo) -> None:
    _seed(repo)
    repo.symlink("docs/link", "../src/app.py")
    repo.git("add", "docs/link")
    # Retarget the link in the work tree only: the index blob decides.
    (repo.path / "docs/link").unlink()
    os.symlink("../README.md", repo.path / "docs/link")
    (change,) = staged_changes(str(repo.path))
    assert change.symlink_target == "../src/app.py"


def test_git_index_file_is_followed(repo: Repo) -> None:
    _seed(repo)
    repo.write("docs/a.md")
    repo.git("add", "docs/a.md")
    other_index = repo.path / ".git" / "other-index"
    env = dict(os.environ, GIT_INDEX_FILE=str(other_index))
    subprocess.run(["git", "read-tree", "HEAD"], cwd=repo.path, env=env, check=True)
    subprocess.run(["git", "add", "src/app.py"], cwd=repo.path, env=env, check=True)
    (repo.path / "src/app.py").write_text("edited\n", encoding="utf-8")
    subprocess.run(["git", "add", "src/app.py"], cwd=repo.path, env=env, check=True)
    os.environ["GIT_INDEX_FILE"] = str(other_index)
    try:
        paths = [change.path for change in staged_changes(str(repo.path))]
    finally:
        del os.environ["GIT_INDEX_FILE"]
    assert paths == ["src/app.py"]


def test_reading_touches_nothing(repo: Repo) -> None:
    _seed(repo)
    repo.write("docs/a.md")
    repo.git("add", "docs/a.md")
    repo.write("src/app.py", "unstaged edit\n")
    index = repo.path / ".git" / "index"
    before = (index.read_bytes(), index.stat().st_mtime_ns)
    staged_changes(str(repo.path))
    after = (index.read_bytes(), index.stat().st_mtime_ns)
    assert before == after
    assert (repo.path / "src/app.py").read_text(encoding="utf-8") == "unstaged edit\n"


def _diverge(repo: Repo) -> None:
    repo.write("README.md")
    repo.commit_all("base")
    repo.git("checkout", "-q", "-b", "upstream")
    repo.write("src/upstream.py")
    repo.commit_all("upstream code")
    repo.git("checkout", "-q", "main")
    repo.write("docs/mine.md")
    repo.commit_all("mine")


def test_merge_counts_only_what_merge_changes(repo: Repo) -> None:
    _diverge(repo)
    repo.git("merge", "--no-commit", "--no-ff", "upstream")
    assert staged_changes(str(repo.path)) == []
    repo.write("docs/resolution.md")
    repo.write("src/extra.py")
    repo.git("add", "-A")
    assert sorted(c.path for c in staged_changes(str(repo.path))) == ["docs/resolution.md", "src/extra.py"]


def test_range_lists_each_commit(repo: Repo) -> None:
    repo.write("README.md")
    repo.commit_all("base")
    base = repo.head()
    repo.write("docs/a.md")
    repo.commit_all("docs")
    (repo.path / "src").mkdir()
    repo.git("mv", "docs/a.md", "src/a.md")
    repo.commit_all("move")
    results = range_changes([f"{base}..HEAD"], str(repo.path))
    assert [item.subject for item in results] == ["docs", "move"]
    assert [(c.status, c.path, c.old_path) for c in results[1].changes] == [("R", "src/a.md", "docs/a.md")]


def test_range_root_and_merge_commits(repo: Repo) -> None:
    _diverge(repo)
    repo.git("merge", "-q", "--no-ff", "--no-verify", "-m", "merge", "upstream")
    results = range_changes(["HEAD"], str(repo.path))
    by_subject = {item.subject: item for item in results}
    assert sorted(c.path for c in by_subject["base"].changes) == [".claude/cofee-hooks.yaml", "README.md"]
    assert by_subject["merge"].changes == ()
    assert len(by_subject["merge"].parents) == 2


def test_ten_thousand_staged_paths(repo: Repo) -> None:
    repo.write("README.md")
    repo.commit_all("base")
    for index in range(10_000):
        folder = "docs" if index % 2 else "src"
        (repo.path / folder).mkdir(exist_ok=True)
        (repo.path / folder / f"f{index}.txt").write_text(f"{index}\n", encoding="utf-8")
    repo.git("add", "-A")
    changes = staged_changes(str(repo.path))
    assert len(changes) == 10_000
    assert sum(1 for c in changes if c.path.startswith("src/")) == 5_000


def test_parse_raw_rename_and_modes() -> None:
    data = (
        b":100644 100644 " + b"a" * 40 + b" " + b"b" * 40 + b" R087\0old name\0new\nname\0"
        b":000000 120000 " + b"0" * 40 + b" " + b"c" * 40 + b" A\0link\0"
        b":160000 000000 " + b"d" * 40 + b" " + b"0" * 40 + b" D\0sub\0"
    )
    changes = parse_raw(data)
    assert [(c.status, c.path, c.old_path, c.mode) for c in changes] == [
        ("R", "new\nname", "old name", "100644"),
        ("A", "link", None, "120000"),
        ("D", "sub", None, "160000"),
    ]
