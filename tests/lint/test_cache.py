"""The result cache: keys, round trips, and damage that must never become an error."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cofee_hooks.lint.cache import LintCache, cache_key, open_cache, relevant_settings, squawk_identity

SETTINGS = {"pg_version": "16", "squawk_exclude": [], "python": None}


def test_round_trip_and_gitignore(tmp_path: Path) -> None:
    cache = open_cache(tmp_path)
    key = cache_key(b"revision", "squawk-2.70.0", SETTINGS)

    assert cache.get(key) is None
    assert cache.put(key, {"findings": [{"rule": "x"}], "rendered": True})
    assert cache.get(key) == {"findings": [{"rule": "x"}], "rendered": True}
    assert (tmp_path / ".cofee-hooks-cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_cache_folder_ignored_by_git(tmp_path: Path, git_env: dict[str, str]) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=git_env)
    cache = open_cache(tmp_path)
    cache.put(cache_key(b"x", "s", {}), {"a": 1})

    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=tmp_path, capture_output=True, text=True, env=git_env
    )

    assert status.stdout == ""


@pytest.mark.parametrize(
    "change",
    [
        lambda: cache_key(b"revision changed", "squawk-2.70.0", SETTINGS),
        lambda: cache_key(b"revision", "squawk-2.71.0", SETTINGS),
        lambda: cache_key(b"revision", "squawk-2.70.0", {**SETTINGS, "pg_version": "13"}),
    ],
)
def test_key_changes_with_inputs(change) -> None:
    assert change() != cache_key(b"revision", "squawk-2.70.0", SETTINGS)


def test_key_is_stable() -> None:
    assert cache_key(b"revision", "s", {"b": 1, "a": 2}) == cache_key(b"revision", "s", {"a": 2, "b": 1})


@pytest.mark.parametrize(
    "damage",
    [b"", b"{not json", b"\xff\xfe\x00", b'{"key": "other", "value": {}}', b'{"key": KEY, "value": []}', b"[]"],
)
def test_corrupt_entry_is_a_miss(tmp_path: Path, damage: bytes) -> None:
    cache = open_cache(tmp_path)
    key = cache_key(b"revision", "s", {})
    cache.put(key, {"a": 1})
    entry = next((tmp_path / ".cofee-hooks-cache").glob("*/*.json"))
    entry.write_bytes(damage.replace(b"KEY", f'"{key}"'.encode()))

    assert cache.get(key) is None
    assert cache.put(key, {"a": 2})
    assert cache.get(key) == {"a": 2}


def test_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be")
    cache = LintCache(blocker / "cache")

    assert cache.put("ab" * 32, {"a": 1}) is False
    assert cache.get("ab" * 32) is None


def test_unreadable_entry_is_a_miss(tmp_path: Path) -> None:
    cache = open_cache(tmp_path)
    key = cache_key(b"revision", "s", {})
    cache.put(key, {"a": 1})
    entry = next((tmp_path / ".cofee-hooks-cache").glob("*/*.json"))
    entry.unlink()
    entry.mkdir()  # reading a folder fails with an OSError, even for root

    assert cache.get(key) is None
    assert cache.put(key, {"a": 2}) is False


def test_disabled_cache_stores_nothing(tmp_path: Path) -> None:
    cache = open_cache(tmp_path, enabled=False)

    assert cache.put("ab" * 32, {"a": 1}) is False
    assert cache.get("ab" * 32) is None
    assert not (tmp_path / ".cofee-hooks-cache").exists()


def test_custom_folder(tmp_path: Path) -> None:
    cache = open_cache(tmp_path, "build/lint-cache")
    cache.put("cd" * 32, {"a": 1})

    assert (tmp_path / "build" / "lint-cache" / ".gitignore").is_file()


def test_relevant_settings_hash_files(tmp_path: Path) -> None:
    squawk_toml = tmp_path / ".squawk.toml"
    squawk_toml.write_text("excluded_rules = []\n")
    before = relevant_settings({"pg_version": "16", "fail_on": "error"}, [squawk_toml])
    squawk_toml.write_text('excluded_rules = ["prefer-robust-stmts"]\n')

    after = relevant_settings({"pg_version": "16", "fail_on": "warning"}, [squawk_toml])

    assert "fail_on" not in before
    assert before["pg_version"] == "16"
    assert before["files"] != after["files"]


def test_squawk_identity_tracks_binary(tmp_path: Path) -> None:
    binary = tmp_path / "squawk"
    binary.write_bytes(b"one")
    first = squawk_identity(binary)
    binary.write_bytes(b"longer")

    assert squawk_identity(binary) != first
    assert "missing" in squawk_identity(tmp_path / "absent")


def test_header_cache_matches_parser(tmp_path: Path) -> None:
    from cofee_hooks.migrations.graph import RevisionFile, parse_revision_file
    from tests.migrations.helpers import write_revision

    from cofee_hooks.lint.cache import HeaderCache

    folder = tmp_path / "versions"
    path = write_revision(folder, "b2", ("a1", "a0"), branch_labels=("api",), depends_on="x9").resolve()
    cache = open_cache(tmp_path)
    calls: list[Path] = []

    def parse(file: Path, versions: Path):
        calls.append(file)
        return parse_revision_file(file, versions)

    first = HeaderCache(cache, parse, RevisionFile)
    expected = first.parse(path, folder)
    first.save()
    second = HeaderCache(cache, parse, RevisionFile)

    assert second.parse(path, folder) == expected
    assert calls == [path]
    assert isinstance(expected.path, Path)


def test_header_cache_notices_changes(tmp_path: Path) -> None:
    from cofee_hooks.migrations.graph import RevisionFile, parse_revision_file
    from tests.migrations.helpers import write_revision

    from cofee_hooks.lint.cache import HeaderCache

    folder = tmp_path / "versions"
    path = write_revision(folder, "b2", "a1").resolve()
    cache = open_cache(tmp_path)
    first = HeaderCache(cache, parse_revision_file, RevisionFile)
    first.parse(path, folder)
    first.save()
    write_revision(folder, "b2", "a0 ")

    changed = HeaderCache(cache, parse_revision_file, RevisionFile).parse(path, folder)

    assert changed.down_revisions == ("a0 ",)


def test_corrupt_header_cache_ignored(tmp_path: Path) -> None:
    from cofee_hooks.migrations.graph import RevisionFile, parse_revision_file
    from tests.migrations.helpers import write_revision

    from cofee_hooks.lint.cache import HeaderCache

    folder = tmp_path / "versions"
    path = write_revision(folder, "b2", "a1").resolve()
    cache = open_cache(tmp_path)
    first = HeaderCache(cache, parse_revision_file, RevisionFile)
    expected = first.parse(path, folder)
    first.save()
    headers = tmp_path / ".cofee-hooks-cache" / "revision-headers.json"
    text = headers.read_text()
    headers.write_text(text.replace('"revision": "b2"', '"revision": ["b2"], "unknown": 1'))

    assert HeaderCache(cache, parse_revision_file, RevisionFile).parse(path, folder) == expected
    headers.write_text("{broken")
    assert HeaderCache(cache, parse_revision_file, RevisionFile).parse(path, folder) == expected
