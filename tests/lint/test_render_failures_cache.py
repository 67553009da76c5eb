"""Timeouts and failed renders: only the slow revision fails, and failures are never cached."""

from __future__ import annotations

import sys
from pathlib import Path

from cofee_hooks.config.schema import defaults
from cofee_hooks.lint.engine import LintRequest, lint
from tests.migrations.helpers import line_of, write_ini, write_revision


def _request(root: Path, use_cache: bool = True, **settings) -> LintRequest:
    values = defaults()["migrations"]
    values["cache"] = True
    values["cache_dir"] = str(root / "cache")
    values.update(settings)
    return LintRequest(settings=values, config_root=root, project_dir=root, all_revisions=True, use_cache=use_cache)


def _unrenderable(result) -> dict[str, str]:
    return {f.revision: f.message for f in result.findings if f.rule == "unrenderable-offline"}


def test_timeout_hits_only_slow_revision(tmp_path: Path) -> None:
    write_ini(tmp_path)
    versions = tmp_path / "migrations" / "versions"
    write_revision(versions, "1000aaaa", None, 'op.create_table("a", sa.Column("id", sa.Integer()))')
    write_revision(versions, "2000bbbb", "1000aaaa", "import time\ntime.sleep(30)")
    write_revision(versions, "3000cccc", "2000bbbb", 'op.create_table("c", sa.Column("id", sa.Integer()))')

    first = lint(_request(tmp_path, render_timeout=2))
    failed = _unrenderable(first)
    assert set(failed) == {"2000bbbb"}
    assert "timed out after 2 s" in failed["2000bbbb"]
    assert "render_timeout: 2" in failed["2000bbbb"]

    second = lint(_request(tmp_path, render_timeout=2))
    cached = {rev.revision for rev in second.revisions if rev.from_cache}
    assert cached == {"1000aaaa", "3000cccc"}


def test_failed_render_is_not_cached(tmp_path: Path) -> None:
    write_ini(tmp_path, "prepend_sys_path = app")
    (tmp_path / "app").mkdir()
    versions = tmp_path / "migrations" / "versions"
    write_revision(versions, "1000aaaa", None, "op.create_table(names.TABLE)", imports="import names")

    first = lint(_request(tmp_path))
    assert "no module named 'names'" in _unrenderable(first)["1000aaaa"]

    (tmp_path / "app" / "names.py").write_text('TABLE = "users"\n', encoding="utf-8")
    second = lint(_request(tmp_path))
    assert _unrenderable(second) == {}
    assert second.revisions[0].rendered


def test_no_cache_refreshes_entry(tmp_path: Path) -> None:
    write_ini(tmp_path, "prepend_sys_path = app")
    (tmp_path / "app").mkdir()
    names = tmp_path / "app" / "names.py"
    names.write_text("CONCURRENT = True\n", encoding="utf-8")
    versions = tmp_path / "migrations" / "versions"
    write_revision(
        versions,
        "1000aaaa",
        None,
        """
        if names.CONCURRENT:
            with op.get_context().autocommit_block():
                op.create_index("ix_a", "a", ["id"], postgresql_concurrently=True, if_not_exists=True)
        else:
            op.create_index("ix_a", "a", ["id"])
        """,
        imports="import names",
    )
    rule = "require-concurrent-index-creation"
    assert rule not in {f.rule for f in lint(_request(tmp_path)).findings}

    names.write_text("CONCURRENT = False\n", encoding="utf-8")
    assert rule in {f.rule for f in lint(_request(tmp_path, use_cache=False)).findings}
    assert rule in {f.rule for f in lint(_request(tmp_path)).findings}


def test_data_read_message_names_read_line(tmp_path: Path) -> None:
    write_ini(tmp_path)
    path = write_revision(
        tmp_path / "migrations" / "versions",
        "1000aaaa",
        None,
        """
        bind = op.get_bind()
        users = sa.table("users", sa.column("id"))
        rows = bind.execute(sa.select(users.c.id)).fetchall()
        """,
    )
    (finding,) = [f for f in lint(_request(tmp_path)).findings if f.rule == "unrenderable-offline"]
    read_line = line_of(path, ".fetchall()")
    assert finding.line == read_line
    assert f"(.fetchall at line {read_line})" in finding.message
    assert "separate data migration" in finding.help
    assert "migrations.python" not in finding.help


def test_missing_module_help_depends_on_interpreter(tmp_path: Path) -> None:
    write_ini(tmp_path)
    write_revision(tmp_path / "migrations" / "versions", "1000aaaa", None, "pass", imports="import names")

    (default,) = [f for f in lint(_request(tmp_path)).findings if f.rule == "unrenderable-offline"]
    assert "prepend_sys_path" in default.help
    assert "migrations.python" in default.help
    assert ";" not in default.message

    configured = lint(_request(tmp_path, python=sys.executable))
    (finding,) = [f for f in configured.findings if f.rule == "unrenderable-offline"]
    assert "prepend_sys_path" in finding.help
    assert "migrations.python" not in finding.help
