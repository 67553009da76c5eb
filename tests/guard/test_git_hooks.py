"""The installed git hooks, driven by real `git commit`, `git merge` and `git push`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cofee_hooks.guard.git_hooks import BACKUP_SUFFIX, install_git_hooks, uninstall_git_hooks

from .conftest import Repo, make_repo

HOOKS = ("pre-commit", "pre-merge-commit", "pre-push")
FOREIGN_HOOK = "#!/bin/sh\necho \"$0 $*\" >> \"$(git rev-parse --git-dir)/foreign-ran\"\n"


@pytest.fixture
def guarded(repo: Repo) -> Repo:
    """A repository with a seed commit (made without hooks) and the guard installed."""
    repo.write("README.md", "hello\n")
    repo.write("src/app.py", "one = 1\n\n\n\n\n\ntwo = 2\n")
    repo.commit_all("seed")
    install_git_hooks(repo.path)
    return repo


def _hooks_dir(repo: Repo) -> Path:
    return repo.path / ".git" / "hooks"


def test_install_writes_executable_hooks(repo: Repo) -> None:
    lines = install_git_hooks(repo.path)
    assert lines == [f"{name}: installed in {_hooks_dir(repo)}" for name in HOOKS]
    for name in HOOKS:
        mode = (_hooks_dir(repo) / name).stat().st_mode
        assert mode & stat.S_IXUSR
        assert sys.executable in (_hooks_dir(repo) / name).read_text(encoding="utf-8")


def test_install_twice_changes_nothing(repo: Repo) -> None:
    install_git_hooks(repo.path)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in _hooks_dir(repo).iterdir()}
    lines = install_git_hooks(repo.path)
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in _hooks_dir(repo).iterdir()}
    assert before == after
    assert all("already installed" in line for line in lines)


def test_uninstall_twice(repo: Repo) -> None:
    install_git_hooks(repo.path)
    assert uninstall_git_hooks(repo.path) == [f"{name}: removed" for name in HOOKS]
    assert uninstall_git_hooks(repo.path) == [f"{name}: not installed" for name in HOOKS]
    for name in HOOKS:
        assert not (_hooks_dir(repo) / name).exists()


def test_foreign_hook_kept_and_still_runs(guarded: Repo) -> None:
    uninstall_git_hooks(guarded.path)
    foreign = _hooks_dir(guarded) / "pre-commit"
    foreign.write_text(FOREIGN_HOOK, encoding="utf-8")
    foreign.chmod(0o755)

    lines = install_git_hooks(guarded.path)
    assert "kept as pre-commit.cofee-hooks-backup" in lines[0]
    assert (_hooks_dir(guarded) / f"pre-commit{BACKUP_SUFFIX}").read_text(encoding="utf-8") == FOREIGN_HOOK
    assert install_git_hooks(guarded.path)[0].endswith("already installed in " + str(_hooks_dir(guarded)))

    guarded.write("docs/a.md")
    guarded.git("add", "docs/a.md")
    guarded.git("commit", "-q", "-m", "docs")
    assert (guarded.path / ".git" / "foreign-ran").read_text(encoding="utf-8").count("pre-commit") == 1

    guarded.write("src/b.py")
    guarded.git("add", "src/b.py")
    refused = guarded.git("commit", "-q", "-m", "code", check=False)
    assert refused.returncode != 0
    assert "src/b.py" in refused.stderr

    assert uninstall_git_hooks(guarded.path)[0] == "pre-commit: removed; the previous hook was restored"
    assert foreign.read_text(encoding="utf-8") == FOREIGN_HOOK
    assert not (_hooks_dir(guarded) / f"pre-commit{BACKUP_SUFFIX}").exists()


def test_failing_foreign_hook_stops_commit(guarded: Repo) -> None:
    uninstall_git_hooks(guarded.path)
    foreign = _hooks_dir(guarded) / "pre-commit"
    foreign.write_text("#!/bin/sh\necho foreign says no >&2\nexit 7\n", encoding="utf-8")
    foreign.chmod(0o755)
    install_git_hooks(guarded.path)
    guarded.write("docs/a.md")
    guarded.git("add", "docs/a.md")
    refused = guarded.git("commit", "-q", "-m", "docs", check=False)
    assert refused.returncode != 0
    assert "foreign says no" in refused.stderr


def test_foreign_hook_and_old_backup_collide(repo: Repo) -> None:
    hooks = _hooks_dir(repo)
    (hooks / "pre-commit").write_text(FOREIGN_HOOK, encoding="utf-8")
    (hooks / f"pre-commit{BACKUP_SUFFIX}").write_text(FOREIGN_HOOK, encoding="utf-8")
    from cofee_hooks.errors import UserError

    with pytest.raises(UserError, match="already exists"):
        install_git_hooks(repo.path)


def test_foreign_hook_left_alone_by_uninstall(repo: Repo) -> None:
    foreign = _hooks_dir(repo) / "pre-push"
    foreign.write_text(FOREIGN_HOOK, encoding="utf-8")
    lines = uninstall_git_hooks(repo.path)
    assert lines[2] == "pre-push: not installed by cofee-hooks; left in place"
    assert foreign.read_text(encoding="utf-8") == FOREIGN_HOOK


def test_commit_of_code_refused_and_docs_allowed(guarded: Repo) -> None:
    guarded.write("src/new.py")
    guarded.write("docs/ok.md")
    guarded.git("add", "-A")
    head = guarded.head()
    refused = guarded.git("commit", "-q", "-m", "mixed", check=False)
    assert refused.returncode == 1
    assert "src/new.py  (added; matched no allow pattern)" in refused.stderr
    assert "docs/ok.md" not in refused.stderr
    assert "git restore --staged -- PATH" in refused.stderr
    assert guarded.head() == head

    guarded.git("restore", "--staged", "src/new.py")
    guarded.git("commit", "-q", "-m", "docs only")
    assert "docs/ok.md" in guarded.tracked()
    assert "src/new.py" not in guarded.tracked()


def test_commit_all_judged_on_real_index(guarded: Repo) -> None:
    guarded.write("docs/a.md")
    guarded.git("add", "docs/a.md")
    guarded.write("src/app.py", "edited, not staged\n")
    head = guarded.head()
    refused = guarded.git("commit", "-a", "-q", "-m", "all", check=False)
    assert refused.returncode == 1
    assert "src/app.py  (modified; matched no allow pattern)" in refused.stderr
    assert guarded.head() == head

    guarded.git("commit", "-q", "-m", "staged only")
    assert guarded.git("show", "--name-only", "--format=", "HEAD").stdout.split() == ["docs/a.md"]


def test_commit_only_and_paths(guarded: Repo) -> None:
    guarded.write("src/app.py", "edited\n")
    guarded.git("add", "src/app.py")
    guarded.write("docs/a.md")
    guarded.git("add", "docs/a.md")

    # `--only PATH` commits just that path: the staged src/app.py is not part of it.
    guarded.git("commit", "-q", "--only", "-m", "only docs", "docs/a.md")
    assert guarded.git("show", "--name-only", "--format=", "HEAD").stdout.split() == ["docs/a.md"]
    assert "src/app.py" in guarded.git("diff", "--cached", "--name-only").stdout

    guarded.write("docs/b.md")
    guarded.git("add", "docs/b.md")
    head = guarded.head()
    refused = guarded.git("commit", "-q", "-m", "code by path", "--", "src/app.py", check=False)
    assert refused.returncode == 1
    assert "src/app.py" in refused.stderr
    assert "docs/b.md" not in refused.stderr
    assert guarded.head() == head


def test_first_commit(repo: Repo) -> None:
    install_git_hooks(repo.path)
    repo.write("src/app.py")
    repo.write("README.md")
    repo.git("add", "-A")
    refused = repo.git("commit", "-q", "-m", "first", check=False)
    assert refused.returncode == 1
    assert "src/app.py" in refused.stderr
    repo.git("rm", "-q", "--cached", "src/app.py")
    repo.git("commit", "-q", "-m", "first")
    assert sorted(repo.tracked()) == [".claude/cofee-hooks.yaml", "README.md"]


def test_amend_judged(guarded: Repo) -> None:
    guarded.write("docs/a.md")
    guarded.git("add", "docs/a.md")
    guarded.git("commit", "-q", "-m", "docs")
    guarded.write("src/late.py")
    guarded.git("add", "src/late.py")
    head = guarded.head()
    refused = guarded.git("commit", "-q", "--amend", "--no-edit", check=False)
    assert refused.returncode == 1
    assert "src/late.py" in refused.stderr
    assert guarded.head() == head


def _branch_with_code(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "upstream")
    repo.write("src/upstream.py")
    repo.write("src/app.py", "one = 'upstream'\n\n\n\n\n\ntwo = 2\n")
    repo.write("docs/shared.md", "upstream\n")
    repo.commit_all("upstream work")
    repo.git("checkout", "-q", "main")


def test_clean_merge_of_upstream_code_allowed(guarded: Repo) -> None:
    _branch_with_code(guarded)
    guarded.write("docs/mine.md")
    guarded.commit_all("mine")
    merged = guarded.git("merge", "-q", "--no-ff", "-m", "merge upstream", "upstream", check=False)
    assert merged.returncode == 0, merged.stderr
    assert guarded.git("rev-list", "--count", "--merges", "HEAD").stdout.strip() == "1"


def test_clean_merge_changing_code_refused_by_pre_merge_commit(guarded: Repo) -> None:
    _branch_with_code(guarded)
    # Both sides edit src/app.py in different lines: the merge result differs from both parents.
    guarded.write("src/app.py", "one = 1\n\n\n\n\n\ntwo = 'main'\n")
    guarded.commit_all("main edit")
    head = guarded.head()
    merged = guarded.git("merge", "-q", "--no-ff", "-m", "merge upstream", "upstream", check=False)
    assert merged.returncode != 0
    assert "src/app.py" in merged.stderr
    assert "src/upstream.py" not in merged.stderr
    assert guarded.head() == head


def test_conflicted_merge_judged_by_pre_commit(guarded: Repo) -> None:
    _branch_with_code(guarded)
    guarded.write("docs/shared.md", "main\n")
    guarded.commit_all("main docs")
    conflict = guarded.git("merge", "-q", "upstream", check=False)
    assert conflict.returncode != 0
    guarded.write("docs/shared.md", "resolved\n")
    guarded.write("src/sneaked.py")
    guarded.git("add", "-A")
    head = guarded.head()
    refused = guarded.git("commit", "-q", "--no-edit", check=False)
    assert refused.returncode == 1
    assert "src/sneaked.py" in refused.stderr
    assert "src/upstream.py" not in refused.stderr
    assert guarded.head() == head

    guarded.git("rm", "-q", "--cached", "src/sneaked.py")
    guarded.git("commit", "-q", "--no-edit")
    assert guarded.git("rev-list", "--count", "--merges", "HEAD").stdout.strip() == "1"


def test_linked_worktree(guarded: Repo, tmp_path: Path) -> None:
    uninstall_git_hooks(guarded.path)
    worktree = tmp_path / "wt"
    guarded.git("worktree", "add", "-q", str(worktree), "-b", "feature")
    lines = install_git_hooks(worktree)
    assert lines[0] == f"pre-commit: installed in {_hooks_dir(guarded)}"
    other = Repo(worktree)
    other.write("src/wt.py")
    other.git("add", "src/wt.py")
    refused = other.git("commit", "-q", "-m", "code", check=False)
    assert refused.returncode == 1
    assert "src/wt.py" in refused.stderr


def test_core_hooks_path(guarded: Repo) -> None:
    uninstall_git_hooks(guarded.path)
    guarded.git("config", "core.hooksPath", "team-hooks")
    lines = install_git_hooks(guarded.path)
    assert lines[0] == f"pre-commit: installed in {guarded.path / 'team-hooks'}"
    assert not (_hooks_dir(guarded) / "pre-commit").exists()
    guarded.write("src/x.py")
    guarded.git("add", "src/x.py")
    refused = guarded.git("commit", "-q", "-m", "code", check=False)
    assert refused.returncode == 1
    assert "src/x.py" in refused.stderr
    uninstall_git_hooks(guarded.path)
    assert not (guarded.path / "team-hooks" / "pre-commit").exists()


def test_submodule_hooks_folder(guarded: Repo, tmp_path: Path) -> None:
    inner = make_repo(tmp_path / "inner")
    inner.write("docs/a.md")
    inner.commit_all("inner")
    guarded.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner.path), "vendor/inner")
    lines = install_git_hooks(guarded.path / "vendor/inner")
    expected = guarded.path / ".git" / "modules" / "vendor" / "inner" / "hooks"
    assert lines[0] == f"pre-commit: installed in {expected}"


def _assert_one_line_refusal(repo: Repo) -> None:
    repo.write("docs/a.md")
    repo.git("add", "docs/a.md")
    head = repo.head()
    refused = repo.git("commit", "-q", "-m", "docs", check=False)
    assert refused.returncode != 0
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert lines[0].startswith("cofee-hooks: ")
    assert "install --git" in lines[0]
    assert repo.head() == head


def test_missing_package_fails_closed_in_one_line(guarded: Repo, tmp_path: Path) -> None:
    uninstall_git_hooks(guarded.path)
    # The package folder the hook was pinned to is gone (uninstalled).
    install_git_hooks(guarded.path, import_paths=[str(tmp_path / "uninstalled")])
    _assert_one_line_refusal(guarded)


def test_missing_interpreter_fails_closed_in_one_line(guarded: Repo) -> None:
    uninstall_git_hooks(guarded.path)
    install_git_hooks(guarded.path, python="/nonexistent/python3")
    _assert_one_line_refusal(guarded)


def test_no_config_means_no_guard(tmp_path: Path, git_env: dict) -> None:
    repo = make_repo(tmp_path / "plain", config=None)
    install_git_hooks(repo.path)
    repo.write("src/app.py")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "code")
    assert repo.tracked() == ["src/app.py"]


def test_broken_config_fails_closed(guarded: Repo) -> None:
    guarded.write(".claude/cofee-hooks.yaml", "commit_guard:\n  enabled: maybe\n")
    guarded.write("docs/a.md")
    guarded.git("add", "docs/a.md")
    refused = guarded.git("commit", "-q", "-m", "docs", check=False)
    assert refused.returncode == 1
    assert "commit_guard.enabled" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_pre_push_catches_no_verify_commit(guarded: Repo, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    guarded.git("remote", "add", "origin", str(remote))
    guarded.git("push", "-q", "--no-verify", "origin", "main")

    guarded.write("src/skipped.py")
    guarded.git("add", "src/skipped.py")
    guarded.git("commit", "-q", "--no-verify", "-m", "Skip the hook")
    pushed = guarded.git("push", "-q", "origin", "main", check=False)
    assert pushed.returncode != 0
    assert "(Skip the hook) refused" in pushed.stderr
    assert "src/skipped.py" in pushed.stderr
    assert "git rebase -i" in pushed.stderr

    # A new branch is judged on the commits no remote-tracking branch has.
    pushed = guarded.git("push", "-q", "origin", "main:feature", check=False)
    assert pushed.returncode != 0
    assert "src/skipped.py" in pushed.stderr


def test_pre_push_chains_foreign_hook_with_stdin(guarded: Repo, tmp_path: Path) -> None:
    uninstall_git_hooks(guarded.path)
    foreign = _hooks_dir(guarded) / "pre-push"
    foreign.write_text("#!/bin/sh\ncat > \"$(git rev-parse --git-dir)/foreign-stdin\"\n", encoding="utf-8")
    foreign.chmod(0o755)
    install_git_hooks(guarded.path)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    guarded.git("remote", "add", "origin", str(remote))
    guarded.git("push", "-q", "--no-verify", "origin", "main")
    guarded.write("docs/a.md")
    guarded.git("add", "docs/a.md")
    guarded.git("commit", "-q", "-m", "docs")
    guarded.git("push", "-q", "origin", "main")
    received = (guarded.path / ".git" / "foreign-stdin").read_text(encoding="utf-8")
    assert received.startswith("refs/heads/main " + guarded.head())


def test_symlink_out_of_repository_refused(guarded: Repo) -> None:
    guarded.symlink("docs/passwd", "/etc/passwd")
    guarded.symlink("docs/app", "../src/app.py")
    guarded.symlink("docs/readme", "../README.md")
    guarded.git("add", "docs")
    refused = guarded.git("commit", "-q", "-m", "links", check=False)
    assert refused.returncode == 1
    assert "docs/passwd  (symlink added; symlink points outside the repository (/etc/passwd))" in refused.stderr
    assert "docs/app  (symlink added; symlink points at src/app.py, which matched no allow pattern)" in refused.stderr
    assert "docs/readme" not in refused.stderr


def test_odd_names_in_refusal(guarded: Repo) -> None:
    names = ["src/new\nline.py", "src/with space.py", "-dash.py", "src/ünï.py"]
    for name in names:
        guarded.write(name)
    guarded.git("add", "--", *names)
    refused = guarded.git("commit", "-q", "-m", "odd", check=False)
    assert refused.returncode == 1
    assert "$'src/new\\nline.py'  (added" in refused.stderr
    assert "'src/with space.py'  (added" in refused.stderr
    assert "  -dash.py  (added" in refused.stderr
    assert "'src/ünï.py'  (added" in refused.stderr
