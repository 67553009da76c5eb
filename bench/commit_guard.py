"""Benchmark: the cost of a whole `git commit` with the commit guard's hook.

Prints, from one run on this machine, the median wall time of `git commit`
in four otherwise identical repositories: without a hook, with the guard's
installed pre-commit hook, with the pre-commit framework running a no-op hook,
and with lefthook running a no-op hook. Then the ratios against the targets
(guard at most 0.25 of pre-commit and at most 1.2 of lefthook) and the time of
one guarded commit check over 10,000 staged paths.

Usage: .venv/bin/python bench/commit_guard.py [--rounds N] [--lefthook PATH]

lefthook is taken from --lefthook, from PATH, or installed with npm
(`lefthook@2.2.1`) into a temporary folder. The pre-commit framework is the
`pre-commit` command next to this interpreter (the `test` extra installs it).
lefthook is timed with LEFTHOOK_BIN set, its fastest documented set-up (its
hook script otherwise first probes `lefthook -h`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GUARD_CONFIG = "commit_guard:\n  enabled: true\n"
PRE_COMMIT_CONFIG = """repos:
- repo: local
  hooks:
  - id: noop
    name: no-op
    entry: "true"
    language: system
    pass_filenames: false
    always_run: true
"""
LEFTHOOK_CONFIG = 'pre-commit:\n  commands:\n    noop:\n      run: "true"\n'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="commits timed per variant (default 30)")
    parser.add_argument("--lefthook", default=None, help="lefthook binary to use instead of an npm install")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cofee-bench-") as scratch:
        base = Path(scratch)
        env = _isolated_env(base)
        lefthook = arguments.lefthook or shutil.which("lefthook") or _npm_lefthook(base / "npm", env)
        pre_commit = _pre_commit_command()

        variants = {
            "no hook": _make_repo(base / "none", env),
            "cofee-hooks guard": _guard_repo(base / "guard", env),
        }
        if pre_commit:
            variants["pre-commit no-op"] = _pre_commit_repo(base / "pre-commit", env, pre_commit)
        if lefthook:
            variants["lefthook no-op"] = _lefthook_repo(base / "lefthook", env, lefthook)
        variant_env = {name: dict(env) for name in variants}
        if lefthook:
            variant_env["lefthook no-op"]["LEFTHOOK_BIN"] = lefthook

        times = _time_commits(variants, variant_env, arguments.rounds)
        _report(times, pre_commit, lefthook)
        _report_large(base / "large", env)
    return 0


def _isolated_env(base: Path) -> dict[str, str]:
    home = base / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Bench",
        GIT_AUTHOR_EMAIL="bench@example.invalid",
        GIT_COMMITTER_NAME="Bench",
        GIT_COMMITTER_EMAIL="bench@example.invalid",
        PRE_COMMIT_HOME=str(base / "pre-commit-home"),
    )
    return env


def _git(repo: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _make_repo(path: Path, env: dict[str, str]) -> Path:
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], env=env, check=True)
    (path / "README.md").write_text("bench\n", encoding="utf-8")
    (path / "docs").mkdir()
    _git(path, env, "add", "-A")
    _git(path, env, "commit", "-q", "--no-verify", "-m", "seed")
    return path


def _guard_repo(path: Path, env: dict[str, str]) -> Path:
    _make_repo(path, env)
    (path / ".claude").mkdir()
    (path / ".claude/cofee-hooks.yaml").write_text(GUARD_CONFIG, encoding="utf-8")
    _git(path, env, "add", "-A")
    _git(path, env, "commit", "-q", "--no-verify", "-m", "config")
    subprocess.run(
        [sys.executable, "-m", "cofee_hooks", "install", "--git", str(path)], env=env, check=True, capture_output=True
    )
    return path


def _pre_commit_command() -> str | None:
    beside = Path(sys.executable).with_name("pre-commit")
    return str(beside) if beside.exists() else shutil.which("pre-commit")


def _pre_commit_repo(path: Path, env: dict[str, str], pre_commit: str) -> Path:
    _make_repo(path, env)
    (path / ".pre-commit-config.yaml").write_text(PRE_COMMIT_CONFIG, encoding="utf-8")
    _git(path, env, "add", "-A")
    _git(path, env, "commit", "-q", "--no-verify", "-m", "config")
    subprocess.run([pre_commit, "install"], cwd=path, env=env, check=True, capture_output=True)
    return path


def _npm_lefthook(folder: Path, env: dict[str, str]) -> str | None:
    npm = shutil.which("npm")
    if npm is None:
        print("lefthook: not found and npm is missing; skipped", file=sys.stderr)
        return None
    folder.mkdir(parents=True)
    # lefthook's npm postinstall installs git hooks into the repository around
    # the working directory; run npm inside the empty folder and tell the
    # postinstall to skip, so the repository this script runs from is untouched.
    completed = subprocess.run(
        [npm, "install", "-E", "lefthook@2.2.1", "--prefix", str(folder), "--no-audit", "--no-fund"],
        cwd=folder,
        env={**env, "LEFTHOOK": "0", "CI": "true"},
        capture_output=True,
        text=True,
    )
    binaries = list(folder.glob("node_modules/lefthook-*/bin/lefthook"))
    if completed.returncode != 0 or not binaries:
        print(f"lefthook: npm install failed; skipped ({completed.stderr.strip()[-200:]})", file=sys.stderr)
        return None
    return str(binaries[0])


def _lefthook_repo(path: Path, env: dict[str, str], lefthook: str) -> Path:
    _make_repo(path, env)
    (path / "lefthook.yml").write_text(LEFTHOOK_CONFIG, encoding="utf-8")
    _git(path, env, "add", "-A")
    _git(path, env, "commit", "-q", "--no-verify", "-m", "config")
    subprocess.run([lefthook, "install"], cwd=path, env=env, check=True, capture_output=True)
    return path


def _time_commits(variants: dict[str, Path], envs: dict[str, dict[str, str]], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in variants}
    # Warm-up: caches (configuration copy, pre-commit's store) are built once.
    for name, repo in variants.items():
        _one_commit(repo, envs[name], "warm")
    # Variants take turns, so drift in machine load spreads over all of them.
    for index in range(rounds):
        for name, repo in variants.items():
            times[name].append(_one_commit(repo, envs[name], str(index)))
    return times


def _one_commit(repo: Path, env: dict[str, str], tag: str) -> float:
    (repo / "docs" / f"note-{tag}.md").write_text(f"note {tag}\n", encoding="utf-8")
    _git(repo, env, "add", "docs")
    start = time.perf_counter()
    completed = subprocess.run(["git", "commit", "-q", "-m", f"note {tag}"], cwd=repo, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"commit failed in {repo}: {completed.stderr.decode(errors='replace')}")
    return elapsed


def _report(times: dict[str, list[float]], pre_commit: str | None, lefthook: str | None) -> None:
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"git commit, median of {len(next(iter(times.values())))} runs (python {sys.version.split()[0]}):")
    for name, value in medians.items():
        print(f"  {name:<20} {value * 1000:8.1f} ms")
    guard = medians["cofee-hooks guard"]
    print(f"  guard / no hook      {guard / medians['no hook']:8.2f}")
    if "pre-commit no-op" in medians:
        ratio = guard / medians["pre-commit no-op"]
        print(f"  guard / pre-commit   {ratio:8.2f}  (target <= 0.25: {'met' if ratio <= 0.25 else 'NOT met'})")
    else:
        print(f"  pre-commit: not found ({pre_commit}); ratio skipped")
    if "lefthook no-op" in medians:
        ratio = guard / medians["lefthook no-op"]
        print(f"  guard / lefthook     {ratio:8.2f}  (target <= 1.2: {'met' if ratio <= 1.2 else 'NOT met'})")
    else:
        print(f"  lefthook: not available ({lefthook}); ratio skipped")


def _report_large(path: Path, env: dict[str, str]) -> None:
    repo = _guard_repo(path, env)
    for index in range(10_000):
        (repo / "docs" / f"page-{index}.md").write_text(f"{index}\n", encoding="utf-8")
    _git(repo, env, "add", "docs")
    hook = repo / ".git" / "hooks" / "pre-commit"
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([str(hook)], cwd=repo, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    print(f"pre-commit hook alone over 10,000 staged paths: median {statistics.median(samples) * 1000:.1f} ms of 5 runs")


if __name__ == "__main__":
    sys.exit(main())
