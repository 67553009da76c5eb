from __future__ import annotations

from pathlib import Path

import pytest

from cofee_hooks.errors import ToolFailure, UserError
from cofee_hooks.migrations.graph import build_graph, build_histories, check_parses, parse_revision_file
from tests.migrations.helpers import line_of, write_revision


def test_header_fields_are_read(tmp_path: Path) -> None:
    write_revision(tmp_path, "base0001", None)
    write_revision(tmp_path, "side0002", "base0001")
    path = write_revision(
        tmp_path, "merge0003", ("base0001", "side0002"), branch_labels=("core",), depends_on="side0002"
    )
    revision = parse_revision_file(path, tmp_path)
    assert revision is not None
    assert revision.down_revisions == ("base0001", "side0002")
    assert revision.is_merge
    assert revision.depends_on == ("side0002",)
    assert revision.branch_labels == ("core",)
    assert revision.docstring_revises == "base0001, side0002"
    assert revision.revision_line == line_of(path, "revision = ")
    assert revision.upgrade_line == line_of(path, "def upgrade")


def test_annotated_header_is_read(tmp_path: Path) -> None:
    path = tmp_path / "abc.py"
    path.write_text(
        "from typing import Union\n"
        "revision: str = 'abc1'\n"
        "down_revision: Union[str, None] = 'zzz9'\n",
        encoding="utf-8",
    )
    revision = parse_revision_file(path)
    assert revision is not None
    assert revision.down_revisions == ("zzz9",)


def test_syntax_error_names_path_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("revision = 'a1'\ndown_revision = None\n\ndef upgrade(:\n    pass\n", encoding="utf-8")
    # The graph reads only the header; the whole file is parsed before it is linted.
    assert list(build_graph([tmp_path]).revisions) == ["a1"]
    with pytest.raises(ToolFailure) as caught:
        check_parses(path)
    assert caught.value.message.startswith(f"{path}:4:")
    assert "does not parse" in caught.value.message


def test_syntax_error_in_header_fails_graph(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("revision = 'a1'\ndown_revision = (None\n\ndef upgrade():\n    pass\n", encoding="utf-8")
    with pytest.raises(ToolFailure) as caught:
        build_graph([tmp_path])
    assert caught.value.message.startswith(f"{path.resolve()}:")
    assert "does not parse" in caught.value.message


def test_def_inside_docstring_keeps_header(tmp_path: Path) -> None:
    path = tmp_path / "doc.py"
    path.write_text(
        '"""Rename columns.\n\ndef old_name(): kept for reference\n"""\nrevision = "d1"\ndown_revision = None\n\n\n'
        "def upgrade():\n    pass\n",
        encoding="utf-8",
    )
    revision = parse_revision_file(path)
    assert revision is not None
    assert revision.revision == "d1"
    assert revision.upgrade_line == 9


def test_non_literal_header_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "dyn.py"
    path.write_text("PREFIX = 'x'\nrevision = PREFIX + '1'\n", encoding="utf-8")
    with pytest.raises(ToolFailure) as caught:
        build_graph([tmp_path])
    assert f"{path.resolve()}:2: revision must be a literal" in caught.value.message


def test_unknown_down_revision_is_reported(tmp_path: Path) -> None:
    write_revision(tmp_path, "a0000001", "missing1")
    with pytest.raises(ToolFailure) as caught:
        build_graph([tmp_path])
    assert "down_revision 'missing1'" in caught.value.message


def test_files_without_revision_and_init_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text("revision = 'nope'\n", encoding="utf-8")
    (tmp_path / "helpers.py").write_text("X = 1\n", encoding="utf-8")
    write_revision(tmp_path, "a0000001", None)
    graph = build_graph([tmp_path])
    assert list(graph.revisions) == ["a0000001"]


def test_heads_and_merge(tmp_path: Path) -> None:
    write_revision(tmp_path, "a0000001", None)
    write_revision(tmp_path, "b0000002", "a0000001")
    write_revision(tmp_path, "c0000003", "a0000001")
    graph = build_graph([tmp_path])
    assert sorted(head.revision for head in graph.heads()) == ["b0000002", "c0000003"]
    write_revision(tmp_path, "d0000004", ("b0000002", "c0000003"))
    graph = build_graph([tmp_path])
    assert [head.revision for head in graph.heads()] == ["d0000004"]


@pytest.mark.parametrize(
    ("ident", "expected"),
    [("v3.2.0.a", "v3.2.0.a"), ("kilo", "kilo"), ("v3.2.0", "v3.2.0"), ("3f9a", "3f9a1c2b7d4e"), ("core", "kilo")],
)
def test_resolve_ids_as_alembic_does(tmp_path: Path, ident: str, expected: str) -> None:
    write_revision(tmp_path, "kilo", None, branch_labels=("core",))
    write_revision(tmp_path, "v3.2.0", "kilo")
    write_revision(tmp_path, "v3.2.0.a", "v3.2.0")
    write_revision(tmp_path, "3f9a1c2b7d4e", "v3.2.0.a")
    graph = build_graph([tmp_path])
    assert graph.resolve(ident).revision == expected


def test_resolve_ambiguous_and_unknown(tmp_path: Path) -> None:
    write_revision(tmp_path, "ab120000", None)
    write_revision(tmp_path, "ab129999", "ab120000")
    graph = build_graph([tmp_path])
    with pytest.raises(UserError) as ambiguous:
        graph.resolve("ab12")
    assert "ambiguous" in ambiguous.value.message
    assert "ab120000, ab129999" in ambiguous.value.message
    with pytest.raises(UserError) as unknown:
        graph.resolve("ffff")
    assert unknown.value.message == "revision 'ffff' not found. Run `alembic history` to list the revision ids"
    assert graph.resolve("ab1200").revision == "ab120000"
    assert graph.resolve("ab1299").revision == "ab129999"


def test_separate_folders_are_separate_histories(tmp_path: Path) -> None:
    main, audit = tmp_path / "main", tmp_path / "audit"
    write_revision(main, "0001", None)
    write_revision(main, "0002", "0001")
    write_revision(audit, "0001", None)
    histories = build_histories([main, audit])
    assert len(histories) == 2
    assert [len(graph.revisions) for graph in histories] == [2, 1]


def test_folders_joined_by_reference_are_one_history(tmp_path: Path) -> None:
    base, feature = tmp_path / "base", tmp_path / "feature"
    write_revision(base, "a0000001", None)
    write_revision(feature, "f0000001", "a0000001", branch_labels=("feature",))
    histories = build_histories([base, feature])
    assert len(histories) == 1
    assert set(histories[0].revisions) == {"a0000001", "f0000001"}


def test_recursive_folders(tmp_path: Path) -> None:
    write_revision(tmp_path / "2024", "a0000001", None)
    write_revision(tmp_path / "2025", "b0000002", "a0000001")
    assert build_graph([tmp_path]).revisions == {}
    assert set(build_graph([tmp_path], recursive=True).revisions) == {"a0000001", "b0000002"}


def test_duplicate_ids_are_kept_for_checks(tmp_path: Path) -> None:
    write_revision(tmp_path, "a0000001", None, filename="one.py")
    write_revision(tmp_path, "a0000001", None, filename="two.py")
    graph = build_graph([tmp_path])
    assert graph.revisions["a0000001"].path.name == "one.py"
    assert [rev.path.name for rev in graph.duplicates] == ["two.py"]
