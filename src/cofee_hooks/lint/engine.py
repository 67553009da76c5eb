"""Lint Alembic revisions: select, render, run squawk, map back to Python lines.

`lint(request)` is the library entry point used by the command line, the git
pre-commit hook and the Claude Code PostToolUse hook; it never imports click,
Alembic or SQLAlchemy. The pipeline is a row of small stages:

1. find the project and build one revision graph per history (`ast` only);
2. select revisions: the heads, `revision_ids`, every revision, or `files`;
3. look each selected revision up in the cache, render the rest offline (or
   through the project's Alembic with `use_env`) and run squawk on the SQL;
4. add this package's own checks, then apply ignore comments and severity
   overrides.

The stages of other modules are pure functions this module calls with
what it knows (`checks.check_revision`, `ignores.apply_ignores`,
`overrides.apply_overrides`), imported when their stage runs. The cache
(`cofee_hooks.lint.cache`) stores what rendering and squawk found per
revision, keyed by the file's content and the settings that matter.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from cofee_hooks.errors import EXIT_FINDINGS, EXIT_OK, UserError
from cofee_hooks.findings import SOURCE_OWN, SOURCE_SQUAWK, Finding
from cofee_hooks.lint.rules import MULTIPLE_HEADS, SQUAWK_EQUIVALENTS, UNRENDERABLE_OFFLINE
from cofee_hooks.migrations.graph import (
    RevisionFile,
    RevisionGraph,
    build_histories,
    check_parses,
    parse_revision_file,
    read_source,
)
from cofee_hooks.migrations.project import (
    AlembicProject,
    find_project,
    find_project_for_file,
    find_project_python,
)
from cofee_hooks.migrations.render import (
    Rendering,
    RenderWorker,
    render_with_env,
    sql_text,
    start_worker,
)
from cofee_hooks.squawk import SquawkOptions, Violation, find_config_file, find_squawk, lint_sql


@dataclass(frozen=True)
class LintRequest:
    """The revisions to lint and the options; `None` options fall back to the `migrations` settings.

    `files` selects exactly these revision files (hooks, `--files`, `--since`,
    `--staged`); otherwise `revision_ids` (`--revision`), `all_revisions`
    (`--all`) or, by default, the heads.
    """

    settings: dict[str, Any]
    config_root: Path
    project_dir: Path | None = None
    revision_ids: tuple[str, ...] = ()
    all_revisions: bool = False
    files: tuple[Path, ...] | None = None
    pg_version: str | None = None
    use_env: bool | None = None
    python: str | None = None
    use_cache: bool = True
    # A worker started before the settings were loaded (render.start_worker_early); used when it fits.
    early_worker: RenderWorker | None = None
    # Content to lint in place of the work-tree file, by resolved path (`--staged`: the index blobs).
    contents: Mapping[Path, bytes] | None = None


@dataclass(frozen=True)
class RevisionContext:
    """Everything known about one selected revision, as checks and ignores see it."""

    revision: RevisionFile
    graph: RevisionGraph
    project: AlembicProject
    rendering: Rendering | None = None


@dataclass
class RevisionSummary:
    """One linted revision, as reported under `revisions` in the JSON output."""

    revision: str
    file: Path
    down_revisions: tuple[str, ...]
    branch_labels: tuple[str, ...]
    is_head: bool
    rendered: bool
    statements: int
    from_cache: bool = False


@dataclass
class LintResult:
    """The revisions linted and the findings, sorted by file and line."""

    project: AlembicProject
    revisions: list[RevisionSummary] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def exit_code(self, fail_on: str) -> int:
        """Return 1 when a finding is at or above `fail_on` (error, warning, never), else 0."""
        failing = any(finding.at_least(fail_on) for finding in self.findings)
        return EXIT_FINDINGS if failing else EXIT_OK


def lint(request: LintRequest) -> LintResult:
    """Lint the requested revisions and return what was found.

    Raises `UserError` (exit code 2) for an unknown or ambiguous revision or a
    file that is not a revision, `ConfigError` (2) for invalid settings and
    `ToolFailure` (3) when the project is not found or squawk does not work.
    With `request.contents`, those files are parsed, rendered and checked from
    temporary copies outside the work tree, and reported under their real paths.
    """
    with _content_copies(request.contents or {}) as copies:
        token = _COPIES.set(copies)
        try:
            return _lint(request)
        except UserError as error:
            error.message = _real_paths_in(error.message)
            # `PATH:LINE: ...` errors name a revision file: show it as findings show theirs.
            if error.message.startswith(str(Path.cwd().resolve()) + os.sep):
                error.message = _relative_paths_in(error.message)
            error.args = (error.message,)
            raise
        finally:
            _COPIES.reset(token)


# Real path -> temporary copy holding the content to lint, while `lint` runs.
_COPIES: ContextVar[dict[Path, Path]] = ContextVar("cofee_hooks_lint_copies", default={})


@contextlib.contextmanager
def _content_copies(contents: Mapping[Path, bytes]) -> Iterator[dict[Path, Path]]:
    if not contents:
        yield {}
        return
    with tempfile.TemporaryDirectory(prefix="cofee-hooks-staged-") as scratch:
        copies = {}
        for index, (path, content) in enumerate(sorted(contents.items())):
            # One folder per file keeps the file name, which messages and tracebacks show.
            copy = Path(scratch) / str(index) / path.name
            copy.parent.mkdir()
            copy.write_bytes(content)
            copies[path.resolve()] = copy
        yield copies


def _relative_paths_in(text: str) -> str:
    """Shorten absolute paths below the working directory, as findings show their files."""
    prefix = str(Path.cwd().resolve()) + os.sep
    return text.replace(prefix, "") if prefix in text else text


def _content_path(path: Path) -> Path:
    """Return the file that contains the content to lint for `path` (its copy, or itself)."""
    return _COPIES.get().get(path, path)


def _real_paths_in(text: str) -> str:
    for real, copy in _COPIES.get().items():
        text = text.replace(str(copy), str(real))
    return text


def _with_content_path(revision: RevisionFile) -> RevisionFile:
    copy = _content_path(revision.path)
    return revision if copy == revision.path else dataclasses.replace(revision, path=copy)


def _parse_contents(parse: Callable[[Path, Path], RevisionFile | None]) -> Callable[[Path, Path], RevisionFile | None]:
    # Header caches are keyed by the work-tree file's stat, so copies are parsed directly.
    def parse_one(path: Path, folder: Path) -> RevisionFile | None:
        copy = _content_path(path.resolve())
        if copy == path.resolve():
            return parse(path, folder)
        record = parse_revision_file(copy, folder)
        return None if record is None else dataclasses.replace(record, path=path.resolve())

    return parse_one


def _lint(request: LintRequest) -> LintResult:
    project = _find_project(request)
    # With the cache on, the worker starts only once a revision misses the
    # cache, so a run where nothing changed never imports Alembic.
    worker = None if _cache_enabled(request) else _start_worker(project, request)
    try:
        histories = _build_histories(project, request)
        selected = select_revisions(histories, request)
        for item in selected:
            check_parses(_content_path(item.revision.path))
        result = LintResult(project)
        one_configuration = project.ini_path is not None and not request.settings.get("versions_dirs")
        selected_ids = {rev.revision.revision for rev in selected}
        head_findings = multiple_heads_findings(histories, selected_ids, one_configuration)
        contexts, sql_findings = _lint_sql(project, selected, request, result, worker)
    finally:
        if worker is not None:
            worker.cancel()
    own_findings = _run_own_checks(contexts)

    findings = [*head_findings, *sql_findings, *own_findings]
    duplicates = _squawk_duplicates(findings)
    findings = _apply_ignores(findings, contexts)
    findings = _apply_overrides(findings, request.settings)
    findings = [finding for finding in findings if (finding.file, finding.line, finding.rule) not in duplicates]
    findings = [
        dataclasses.replace(finding, message=_relative_paths_in(finding.message)) for finding in findings
    ]
    result.findings = sorted(findings, key=_finding_order)
    return result


def _build_histories(project: AlembicProject, request: LintRequest) -> list[RevisionGraph]:
    """Build the revision graphs, reusing the headers of unchanged files from the cache when it is on."""
    if not (request.use_cache and request.settings.get("cache", True)):
        return build_histories(project.versions_dirs, project.recursive, parse=_parse_contents(parse_revision_file))
    from cofee_hooks.lint import cache

    store = cache.open_cache(request.config_root, request.settings.get("cache_dir"), True)
    headers = cache.HeaderCache(store, parse_revision_file, RevisionFile)
    histories = build_histories(project.versions_dirs, project.recursive, parse=_parse_contents(headers.parse))
    headers.save()
    return histories


@dataclass(frozen=True)
class _Selected:
    revision: RevisionFile
    graph: RevisionGraph


def select_revisions(histories: list[RevisionGraph], request: LintRequest) -> list[_Selected]:
    """Pick the revisions a request names, each with the graph of its history."""
    if request.files is not None:
        return [_select_file(histories, path) for path in request.files]
    if request.revision_ids:
        chosen: dict[str, _Selected] = {}
        for ident in request.revision_ids:
            for item in _select_ident(histories, ident):
                chosen.setdefault(str(item.revision.path), item)
        return list(chosen.values())
    if request.all_revisions:
        return [_Selected(rev, graph) for graph in histories for rev in graph.revisions.values()]
    return [_Selected(rev, graph) for graph in histories for rev in graph.heads()]


def multiple_heads_findings(
    histories: list[RevisionGraph], selected_ids: set[str], one_configuration: bool = True
) -> list[Finding]:
    """Report every selected head that shares its history with other heads outside labelled branches.

    With `one_configuration` (the folders come from one alembic.ini section)
    all histories count as one: Alembic loads every version location of a
    configuration as one script directory, so unlabelled heads in different
    folders make `alembic upgrade head` fail like heads in one folder.
    Otherwise (folders listed in `migrations.versions_dirs`) each history is
    judged alone. Heads of distinct labelled branches (an expand/contract
    layout) are normal: a head is fine when it carries a branch label that no
    other head has.
    """
    groups = [histories] if one_configuration else [[graph] for graph in histories]
    findings = []
    for group in groups:
        heads = [(head, graph.branch_labels_of(head.revision)) for graph in group for head in graph.heads()]
        if len(heads) < 2:
            continue
        all_heads = [head for head, _ in heads]
        for index, (head, labels) in enumerate(heads):
            others = set().union(*(other for position, (_, other) in enumerate(heads) if position != index))
            if labels - others or head.revision not in selected_ids:
                continue
            findings.append(_multiple_heads_finding(head, all_heads))
    return findings


def _multiple_heads_finding(head: RevisionFile, heads: list[RevisionFile]) -> Finding:
    others = ", ".join(other.revision for other in heads if other is not head)
    return Finding(
        rule=MULTIPLE_HEADS.id,
        source=SOURCE_OWN,
        severity=MULTIPLE_HEADS.severity,
        file=str(head.path),
        line=head.revision_line,
        column=1,
        message=f"revision {head.revision} is one of {len(heads)} heads (also {others}) outside labelled branches",
        help=MULTIPLE_HEADS.fix,
        revision=head.revision,
    )


def _find_project(request: LintRequest) -> AlembicProject:
    if request.files and request.project_dir is None:
        return find_project_for_file(request.files[0], request.settings, request.config_root)
    return find_project(request.project_dir, request.settings, request.config_root)


def _select_file(histories: list[RevisionGraph], path: Path) -> _Selected:
    for graph in histories:
        revision = graph.by_path(path)
        if revision is not None:
            return _Selected(revision, graph)
    raise UserError(f"{path} is not a revision file in the project's versions folders")


# Alembic's relative form: [LABEL@][REV]+N or -N (`-1`, `head-1`, `ae10+2`, `core@-1`).
_RELATIVE_ID = re.compile(r"^(?:.+@)?\w*[+-]\d+$")


def _select_ident(histories: list[RevisionGraph], ident: str) -> list[_Selected]:
    """Select what one --revision names: `head`/`heads`, `LABEL@head`, an id, a prefix or a label."""
    if ident in ("head", "heads"):
        return [_Selected(rev, graph) for graph in histories for rev in graph.heads()]
    if _RELATIVE_ID.match(ident):
        raise UserError(
            f"revision '{ident}': relative revisions are not supported. "
            "Give a revision id, a branch label, LABEL@head or head"
        )
    if ident == "base" or ident.endswith("@base"):
        raise UserError(f"revision '{ident}' is the empty database, not a revision. Give a revision id or head")
    if ident.endswith("@head"):
        return [_select_branch_head(histories, ident[: -len("@head")], ident)]
    return [_select_id(histories, ident)]


def _select_branch_head(histories: list[RevisionGraph], label: str, ident: str) -> _Selected:
    heads = [
        _Selected(rev, graph) for graph in histories for rev in graph.heads() if label in graph.branch_labels_of(rev.revision)
    ]
    if len(heads) == 1:
        return heads[0]
    if heads:
        shown = ", ".join(item.revision.revision for item in heads)
        raise UserError(f"revision '{ident}' is ambiguous: branch '{label}' has {len(heads)} heads ({shown})")
    raise UserError(f"revision '{ident}' not found: no branch is labelled '{label}'. Run `alembic branches` to list them")


def _select_id(histories: list[RevisionGraph], ident: str) -> _Selected:
    found: list[_Selected] = []
    errors: list[UserError] = []
    for graph in histories:
        try:
            found.append(_Selected(graph.resolve(ident), graph))
        except UserError as error:
            errors.append(error)
    if len(found) == 1:
        return found[0]
    if found:
        paths = ", ".join(str(item.revision.path) for item in found)
        raise UserError(f"revision '{ident}' is ambiguous: it exists in several histories ({paths})")
    # Prefer an "ambiguous" error from one history over "not found" from the others.
    ambiguous = [error for error in errors if "ambiguous" in error.message]
    if ambiguous:
        raise ambiguous[0]
    if errors:
        raise errors[0]
    raise UserError(f"revision '{ident}' not found. Run `alembic history` to list the revision ids")


def _lint_sql(
    project: AlembicProject,
    selected: list[_Selected],
    request: LintRequest,
    result: LintResult,
    worker: RenderWorker | None,
) -> tuple[list[RevisionContext], list[Finding]]:
    """Render and squawk the selected revisions, using the cached results where there are any."""
    options = _squawk_options(project, request)
    unrenderable_help = _UnrenderableHelp(_renders_in_project_env(project, request))
    cache = _ResultCache.open(request, options)
    cached = {item.revision.revision: cache.load(item.revision) for item in selected}
    cached = {rev_id: hit for rev_id, hit in cached.items() if hit is not None}

    to_render = [item.revision for item in selected if item.revision.revision not in cached]
    renderings = _render(project, [_with_content_path(rev) for rev in to_render], request, worker)
    fresh = _squawk_findings(project, to_render, renderings, options, unrenderable_help)

    contexts = []
    findings: list[Finding] = []
    for item in selected:
        rev_id = item.revision.revision
        rendering = renderings.get(rev_id)
        contexts.append(RevisionContext(item.revision, item.graph, project, rendering))
        if rev_id in cached:
            findings.extend(cached[rev_id].findings)
            result.revisions.append(_summary(item, None, cached[rev_id]))
            continue
        findings.extend(fresh[rev_id])
        summary = _summary(item, rendering, None)
        # A failed render is never stored: its cause (a timeout, a missing
        # module, a prepend_sys_path entry) is often outside the revision file.
        if rendering is not None and rendering.ok:
            cache.store(item.revision, _CachedResult(fresh[rev_id], summary.rendered, summary.statements))
        result.revisions.append(summary)
    return contexts, findings


@dataclass(frozen=True)
class _CachedResult:
    findings: list[Finding]
    rendered: bool
    statements: int


class _ResultCache:
    """Findings of rendering and squawk per revision, keyed by file content and settings."""

    def __init__(
        self, module: Any = None, store: Any = None, identity: str = "", settings: Any = None, read: bool = True
    ) -> None:
        self._module = module
        self._store = store
        self._identity = identity
        self._settings = settings
        self._read = read

    @classmethod
    def open(cls, request: LintRequest, options: SquawkOptions) -> _ResultCache:
        """Open the cache; with --no-cache it is written but not read, so stale entries are replaced."""
        if not request.settings.get("cache", True):
            return cls()
        from cofee_hooks.lint import cache as module

        store = module.open_cache(request.config_root, request.settings.get("cache_dir"), True)
        extra_files = [options.config_file] if options.config_file else []
        settings = module.relevant_settings(_effective_settings(request), extra_files)
        return cls(module, store, module.squawk_identity(find_squawk()), settings, read=request.use_cache)

    def load(self, revision: RevisionFile) -> _CachedResult | None:
        if self._store is None or not self._read:
            return None
        value = self._store.get(self._key(revision))
        try:
            findings = [Finding(**item) for item in value["findings"]]
            return _CachedResult(findings, bool(value["rendered"]), int(value["statements"]))
        except (TypeError, KeyError, ValueError):
            return None

    def store(self, revision: RevisionFile, result: _CachedResult) -> None:
        if self._store is None:
            return
        value = {
            "findings": [finding.to_dict() for finding in result.findings],
            "rendered": result.rendered,
            "statements": result.statements,
        }
        self._store.put(self._key(revision), value)

    def _key(self, revision: RevisionFile) -> str:
        try:
            content = _content_path(revision.path).read_bytes()
        except OSError:
            content = b""
        return self._module.cache_key(content, self._identity, self._settings)


def _effective_settings(request: LintRequest) -> dict[str, Any]:
    settings = dict(request.settings)
    for name, value in (("pg_version", request.pg_version), ("use_env", request.use_env), ("python", request.python)):
        if value is not None:
            settings[name] = value
    return settings


def _start_worker(project: AlembicProject, request: LintRequest) -> RenderWorker | None:
    """Start the offline render worker now, so its Alembic import overlaps the graph work."""
    early = request.early_worker
    if _use_env(request):
        if early is not None:
            early.cancel()
        return None
    settings = request.settings
    python = find_project_python(project, request.python or settings.get("python"))
    timeout = int(settings.get("render_timeout") or 120)
    if early is not None and early.serves(project, python):
        early.timeout = timeout
        return early
    if early is not None:
        early.cancel()
    return start_worker(project, python, timeout)


def _render(
    project: AlembicProject,
    revisions: list[RevisionFile],
    request: LintRequest,
    worker: RenderWorker | None,
) -> dict[str, Rendering]:
    if worker is not None:
        return worker.render(revisions)
    if not revisions:
        return {}
    if not _use_env(request):
        late_worker = _start_worker(project, request)
        try:
            return late_worker.render(revisions)
        finally:
            late_worker.cancel()
    timeout = int(request.settings.get("render_timeout") or 120)
    command = request.settings.get("alembic_command") or "alembic"
    # NOTE: the project's own Alembic reads the versions folders, so with
    # use_env the SQL comes from the work-tree files even for staged content.
    return {rev.revision: render_with_env(project, rev, command, timeout) for rev in revisions}


def _cache_enabled(request: LintRequest) -> bool:
    return bool(request.use_cache and request.settings.get("cache", True))


def _use_env(request: LintRequest) -> bool:
    return bool(request.settings.get("use_env", False) if request.use_env is None else request.use_env)


def _squawk_findings(
    project: AlembicProject,
    revisions: list[RevisionFile],
    renderings: dict[str, Rendering],
    options: SquawkOptions,
    unrenderable_help: _UnrenderableHelp | None = None,
) -> dict[str, list[Finding]]:
    """Return the squawk and unrenderable-offline findings of each revision."""
    unrenderable_help = unrenderable_help or _UnrenderableHelp(False)
    findings: dict[str, list[Finding]] = {rev.revision: [] for rev in revisions}
    texts = []
    for revision in revisions:
        rendering = renderings[revision.revision]
        if not rendering.ok:
            findings[revision.revision].append(_unrenderable_finding(revision, rendering, unrenderable_help))
        texts.append(sql_text(rendering, revision.upgrade_line or revision.revision_line))

    linted = lint_sql([text.text for text in texts], options, project.directory) if revisions else []
    for revision, text, violations in zip(revisions, texts, linted):
        for violation in violations:
            if options.include and violation.rule not in options.include:
                continue
            line = text.python_line(violation.line) or revision.upgrade_line or revision.revision_line
            findings[revision.revision].append(_squawk_finding(revision, violation, line))
    return findings


def _squawk_finding(revision: RevisionFile, violation: Violation, line: int) -> Finding:
    return Finding(
        rule=violation.rule,
        source=SOURCE_SQUAWK,
        severity=violation.severity,
        file=str(revision.path),
        line=line,
        column=_code_column(revision.path, line),
        message=violation.message,
        help=violation.help,
        revision=revision.revision,
    )


@dataclass(frozen=True)
class _UnrenderableHelp:
    """Chooses the next step for an unrenderable revision from the cause of the failure."""

    # True when the render interpreter is already the project's (configured, or its .venv).
    project_env: bool

    def text(self, rendering: Rendering) -> str:
        if rendering.error_kind == "missing-module":
            if self.project_env:
                return "Add the folder that holds the module to prepend_sys_path in alembic.ini."
            return (
                "Add the folder that holds the module to prepend_sys_path in alembic.ini, or set "
                "migrations.python to the project's interpreter (for example 'uv run python')."
            )
        if rendering.error_kind == "needs-database":
            return (
                "Move the data read into a separate data migration and review it by hand, or silence "
                "this revision with '# cofee-hooks: ignore[unrenderable-offline] REASON' on its line."
            )
        if rendering.error_kind == "env-command":
            return "Fix the error the project's Alembic reports, or render offline without --use-env (migrations.use_env)."
        if rendering.error_kind == "timeout":
            return "Raise migrations.render_timeout, or find what upgrade() waits for at import or run time."
        return UNRENDERABLE_OFFLINE.fix


def _renders_in_project_env(project: AlembicProject, request: LintRequest) -> bool:
    if request.python or request.settings.get("python"):
        return True
    return find_project_python(project, None) != [sys.executable]


def _unrenderable_finding(revision: RevisionFile, rendering: Rendering, helper: _UnrenderableHelp) -> Finding:
    line = rendering.error_line or revision.upgrade_line or revision.revision_line
    return Finding(
        rule=UNRENDERABLE_OFFLINE.id,
        source=SOURCE_OWN,
        severity=UNRENDERABLE_OFFLINE.severity,
        file=str(revision.path),
        line=line,
        column=_code_column(revision.path, line),
        message=(
            f"revision {revision.revision} could not be rendered offline, so its SQL was not linted: "
            f"{_real_paths_in(rendering.error or '')}"
        ),
        help=helper.text(rendering),
        revision=revision.revision,
    )


def _code_column(path: Path, line: int) -> int:
    """Return the 1-based column where code starts on a line (the `op.*` call), or 1."""
    try:
        lines = read_source(_content_path(path)).splitlines()
    except UserError:
        return 1
    if 1 <= line <= len(lines):
        text = lines[line - 1]
        return len(text) - len(text.lstrip()) + 1
    return 1


def _squawk_options(project: AlembicProject, request: LintRequest) -> SquawkOptions:
    settings = request.settings
    return SquawkOptions(
        pg_version=request.pg_version or settings.get("pg_version"),
        exclude=tuple(settings.get("squawk_exclude") or ()),
        include=tuple(settings.get("squawk_include") or ()),
        config_file=find_config_file(project.directory, stop=request.config_root),
    )


def _summary(item: _Selected, rendering: Rendering | None, cached: _CachedResult | None) -> RevisionSummary:
    revision = item.revision
    if cached is not None:
        rendered, statements = cached.rendered, cached.statements
    else:
        rendered = rendering is not None and rendering.ok
        statements = len(rendering.statements) if rendering is not None else 0
    return RevisionSummary(
        revision=revision.revision,
        file=revision.path,
        down_revisions=revision.down_revisions,
        branch_labels=revision.branch_labels,
        is_head=not item.graph.children.get(revision.revision),
        rendered=rendered,
        statements=statements,
        from_cache=cached is not None,
    )


def _squawk_duplicates(findings: list[Finding]) -> set[tuple[str, int, str]]:
    """Return (file, line, rule) of squawk findings that an own finding repeats (SQUAWK_EQUIVALENTS).

    Taken before ignores and overrides, so silencing the own rule silences its squawk twin too.
    """
    duplicates = set()
    for finding in findings:
        if finding.source == SOURCE_OWN:
            for rule in SQUAWK_EQUIVALENTS.get(finding.rule, ()):
                duplicates.add((finding.file, finding.line, rule))
    squawk_keys = {(f.file, f.line, f.rule) for f in findings if f.source == SOURCE_SQUAWK}
    return duplicates & squawk_keys


def _finding_order(finding: Finding) -> tuple:
    return (finding.file, finding.line, finding.column, finding.rule, finding.message)


# Stages provided by other lint modules (see the module docstring).


def _run_own_checks(contexts: list[RevisionContext]) -> list[Finding]:
    from cofee_hooks.lint import checks

    findings: list[Finding] = []
    for context in contexts:
        target = _revision_source(checks, context.revision)
        ancestors = _ancestor_sources(checks, context)
        findings.extend(checks.check_revision(target, ancestors, context.revision.revision))
    for graph in _distinct_graphs(contexts):
        if graph.duplicates:
            claims = [*graph.revisions.values(), *graph.duplicates]
            sources = [_revision_source(checks, rev) for rev in claims]
            findings.extend(checks.check_duplicate_revisions(sources))
    return findings


def _ancestor_sources(checks: Any, context: RevisionContext) -> Callable[[], list[Any]]:
    # Read lazily: most revisions never need their ancestors' source.
    def read() -> list[Any]:
        ancestors = context.graph.ancestors(context.revision.revision)
        revisions = [context.graph.revisions[rev_id] for rev_id in ancestors if rev_id in context.graph.revisions]
        return [_revision_source(checks, rev) for rev in revisions]

    return read


def _revision_source(checks: Any, revision: RevisionFile) -> Any:
    return checks.RevisionSource(str(revision.path), _source(revision.path))


def _apply_ignores(findings: list[Finding], contexts: list[RevisionContext]) -> list[Finding]:
    from cofee_hooks.lint import ignores

    for context in contexts:
        path = str(context.revision.path)
        findings = ignores.apply_ignores(findings, _source(context.revision.path), path, context.revision.revision)
    return list(findings)


def _apply_overrides(findings: list[Finding], settings: dict[str, Any]) -> list[Finding]:
    from cofee_hooks.lint import overrides

    return list(overrides.apply_overrides(findings, settings.get("rules") or {}, settings.get("groups") or {}))


def _distinct_graphs(contexts: list[RevisionContext]) -> list[RevisionGraph]:
    graphs: dict[int, RevisionGraph] = {}
    for context in contexts:
        graphs.setdefault(id(context.graph), context.graph)
    return list(graphs.values())


def _source(path: Path) -> str:
    try:
        return read_source(_content_path(path))
    except UserError:
        return ""
