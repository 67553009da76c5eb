"""This package's own rules: pure checks over a revision's Python source.

squawk lints only the rendered SQL. The checks here read the revision file
with `ast` (nothing is imported or run) and find what is visible only in
Python or across revisions: an empty downgrade(), foreign keys without an
index or an ondelete, NOT NULL columns without a server default, concurrent
index builds outside an autocommit block, and revision headers that
disagree. Every finding points at a 1-based line and column of the `.py`
file; severity, help and group come from the rule catalogue.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from cofee_hooks.findings import SOURCE_OWN, Finding
from cofee_hooks.lint.rules import (
    CONCURRENT_INDEX_IN_TRANSACTION,
    EMPTY_DOWNGRADE,
    FOREIGN_KEY_WITHOUT_INDEX,
    FOREIGN_KEY_WITHOUT_ONDELETE,
    NOT_NULL_WITHOUT_SERVER_DEFAULT,
    REVISION_HEADER_MISMATCH,
    Rule,
)

_REVISES_LINE = re.compile(r"^[ \t]*Revises:[ \t]*(.*?)[ \t]*$", re.MULTILINE)
_REVISION_ID_LINE = re.compile(r"^[ \t]*Revision ID:[ \t]*(.*?)[ \t]*$", re.MULTILINE)
# CREATE INDEX written as raw SQL in op.execute(); enough to learn the table and columns.
_CREATE_INDEX_SQL = re.compile(
    r"CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:\"?[\w.]+\"?\s+)?"
    r"ON\s+(?:ONLY\s+)?(?P<table>\"?[\w.\"]+\"?)\s*(?:USING\s+\w+\s*)?\((?P<columns>[^)]*)\)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RevisionSource:
    """A revision file's path (as it should appear in findings) and its Python source."""

    path: str
    source: str


# The earlier revisions along the down_revision chain, or a function that
# returns them: the engine passes a function so that ancestors are read only
# when a foreign key is not covered by an index of its own revision.
Ancestors = Iterable[RevisionSource] | Callable[[], Iterable[RevisionSource]]


def check_revision(
    target: RevisionSource,
    ancestors: Ancestors = (),
    revision: str | None = None,
) -> list[Finding]:
    """Run every per-revision rule on one revision file and return its findings, in line order.

    A file that does not parse gives no findings: the revision graph reports
    syntax errors with their line before any check runs.
    """
    try:
        tree = ast.parse(target.source)
    except (SyntaxError, ValueError):
        return []
    context = _Context(target.path, revision)
    upgrade = _module_function(tree, "upgrade")
    downgrade = _module_function(tree, "downgrade")

    _check_empty_downgrade(context, tree, upgrade, downgrade)
    _check_revision_header(context, tree)
    if upgrade is not None:
        operations = _collect_operations(upgrade)
        _check_not_null(context, operations)
        _check_concurrent_index(context, operations)
        _check_foreign_keys(context, operations, ancestors)
    return sorted(context.findings, key=lambda item: (item.line, item.column, item.rule))


def check_duplicate_revisions(files: Sequence[RevisionSource]) -> list[Finding]:
    """Report every file that claims a revision id an earlier file (in path order) already claims.

    This is a check over the whole history, so the engine runs it once per
    graph rather than once per revision.
    """
    first_claim: dict[str, str] = {}
    findings: list[Finding] = []
    for item in sorted(files, key=lambda entry: entry.path):
        header = _revision_assignment(item.source)
        if header is None:
            continue
        revision_id, line, column = header
        if revision_id not in first_claim:
            first_claim[revision_id] = item.path
            continue
        findings.append(
            _finding(
                REVISION_HEADER_MISMATCH,
                item.path,
                line,
                column,
                f"revision id '{revision_id}' is also claimed by {first_claim[revision_id]}",
                revision_id,
            )
        )
    return findings


# --- Collected operations ----------------------------------------------------


@dataclass
class _ForeignKey:
    table: str | None
    columns: tuple[str, ...]
    has_ondelete: bool
    node: ast.AST


@dataclass
class _Operations:
    """The operations of upgrade() that the rules look at."""

    created_tables: set[str] = field(default_factory=set)
    # table -> column lists of indexes (including primary keys and unique constraints)
    indexes: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    foreign_keys: list[_ForeignKey] = field(default_factory=list)
    # (call, table) for add_column calls
    added_columns: list[tuple[ast.Call, str | None]] = field(default_factory=list)
    # calls with postgresql_concurrently=True and whether an autocommit block encloses them
    concurrent_calls: list[tuple[ast.Call, bool]] = field(default_factory=list)


@dataclass
class _Context:
    path: str
    revision: str | None
    findings: list[Finding] = field(default_factory=list)

    def report(self, rule: Rule, node: ast.AST, message: str) -> None:
        self.findings.append(
            _finding(
                rule,
                self.path,
                getattr(node, "lineno", 1),
                getattr(node, "col_offset", 0) + 1,
                message,
                self.revision,
                getattr(node, "end_lineno", None),
                _end_column(node),
            )
        )


def _collect_operations(function: ast.FunctionDef | ast.AsyncFunctionDef) -> _Operations:
    operations = _Operations()
    _walk_block(function.body, operations, batch_tables={}, in_autocommit=False)
    return operations


def _walk_block(
    statements: list[ast.stmt], operations: _Operations, batch_tables: dict[str, str | None], in_autocommit: bool
) -> None:
    for statement in statements:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        inner_tables, inner_autocommit = batch_tables, in_autocommit
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            inner_tables = dict(batch_tables)
            for item in statement.items:
                if _is_autocommit_block(item.context_expr):
                    inner_autocommit = True
                table = _batch_table(item.context_expr)
                if table is not None and isinstance(item.optional_vars, ast.Name):
                    inner_tables[item.optional_vars.id] = table or None
        for _, value in ast.iter_fields(statement):
            children = value if isinstance(value, list) else [value]
            nested = [child for child in children if isinstance(child, ast.stmt)]
            if nested:
                _walk_block(nested, operations, inner_tables, inner_autocommit)
            for child in children:
                if isinstance(child, ast.expr):
                    _visit_expression(child, operations, batch_tables, in_autocommit)
                elif isinstance(child, ast.withitem):
                    _visit_expression(child.context_expr, operations, batch_tables, in_autocommit)
                elif isinstance(child, ast.ExceptHandler):
                    _walk_block(child.body, operations, inner_tables, inner_autocommit)


def _visit_expression(
    expression: ast.expr, operations: _Operations, batch_tables: dict[str, str | None], in_autocommit: bool
) -> None:
    for node in ast.walk(expression):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        receiver = node.func.value
        if not isinstance(receiver, ast.Name):
            continue
        if receiver.id == "op":
            _record_operation(node, node.func.attr, operations, None, False, in_autocommit)
        elif receiver.id in batch_tables:
            _record_operation(node, node.func.attr, operations, batch_tables[receiver.id], True, in_autocommit)


def _record_operation(
    call: ast.Call, name: str, operations: _Operations, batch_table: str | None, batch: bool, in_autocommit: bool
) -> None:
    if _keyword_is_true(call, "postgresql_concurrently"):
        operations.concurrent_calls.append((call, in_autocommit))
    if name == "create_table" and not batch:
        _record_create_table(call, operations)
    elif name == "add_column":
        table = batch_table if batch else _string_argument(call, 0, "table_name")
        column = _argument(call, 0 if batch else 1, "column")
        operations.added_columns.append((call, table))
        if isinstance(column, ast.Call):
            _record_column(column, table, operations, in_create_table=False)
    elif name == "create_index":
        table = batch_table if batch else _string_argument(call, 1, "table_name")
        columns = _string_list(_argument(call, 1 if batch else 2, "columns"))
        if table and columns:
            operations.indexes.setdefault(_table_key(table), []).append(columns)
    elif name == "create_foreign_key":
        _record_create_foreign_key(call, operations, batch_table, batch)
    elif name in ("create_primary_key", "create_unique_constraint"):
        table = batch_table if batch else _string_argument(call, 1, "table_name")
        columns = _string_list(_argument(call, 1 if batch else 2, "columns"))
        if table and columns:
            operations.indexes.setdefault(_table_key(table), []).append(columns)
    elif name == "execute" and not batch:
        sql = _argument(call, 0, "sqltext")
        text = _literal_sql(sql)
        if text:
            for table, columns in _indexes_in_sql(text):
                operations.indexes.setdefault(table, []).append(columns)


def _record_create_table(call: ast.Call, operations: _Operations) -> None:
    table = _string_argument(call, 0, "table_name")
    if table is None:
        return
    operations.created_tables.add(_table_key(table))
    primary_key: list[str] = []
    for element in call.args[1:]:
        if not isinstance(element, ast.Call):
            continue
        kind = _callee_name(element)
        if kind == "Column":
            column_name = _string_argument(element, 0, "name")
            if column_name and _keyword_is_true(element, "primary_key"):
                primary_key.append(column_name)
            _record_column(element, table, operations, in_create_table=True)
        elif kind == "ForeignKeyConstraint":
            columns = _string_list(_argument(element, 0, "columns"))
            if columns:
                operations.foreign_keys.append(
                    _ForeignKey(table, columns, _has_ondelete(element, positional_index=None), element)
                )
        elif kind in ("PrimaryKeyConstraint", "UniqueConstraint"):
            columns = tuple(arg.value for arg in element.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str))
            if columns:
                operations.indexes.setdefault(_table_key(table), []).append(columns)
        elif kind == "Index":
            columns = tuple(
                arg.value for arg in element.args[1:] if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
            if columns:
                operations.indexes.setdefault(_table_key(table), []).append(columns)
    if primary_key:
        operations.indexes.setdefault(_table_key(table), []).append(tuple(primary_key))


def _record_column(column: ast.Call, table: str | None, operations: _Operations, in_create_table: bool) -> None:
    if _callee_name(column) != "Column":
        return
    column_name = _string_argument(column, 0, "name")
    indexed = _keyword_is_true(column, "index") or _keyword_is_true(column, "unique")
    # Alembic's create_table emits the indexes of Column(index=True) and
    # Column(unique=True); its add_column does not.
    if column_name and table and indexed and in_create_table:
        operations.indexes.setdefault(_table_key(table), []).append((column_name,))
    for argument in column.args:
        if isinstance(argument, ast.Call) and _callee_name(argument) == "ForeignKey" and column_name:
            operations.foreign_keys.append(
                _ForeignKey(table, (column_name,), _has_ondelete(argument, positional_index=None), argument)
            )


def _record_create_foreign_key(call: ast.Call, operations: _Operations, batch_table: str | None, batch: bool) -> None:
    if batch:
        table = batch_table
        columns = _string_list(_argument(call, 2, "local_cols"))
        ondelete_index = None
    else:
        table = _string_argument(call, 1, "source_table")
        columns = _string_list(_argument(call, 3, "local_cols"))
        ondelete_index = 6
    if columns:
        operations.foreign_keys.append(_ForeignKey(table, columns, _has_ondelete(call, ondelete_index), call))


# --- Rules -------------------------------------------------------------------


def _check_empty_downgrade(
    context: _Context,
    tree: ast.Module,
    upgrade: ast.FunctionDef | ast.AsyncFunctionDef | None,
    downgrade: ast.FunctionDef | ast.AsyncFunctionDef | None,
) -> None:
    if downgrade is None:
        if upgrade is not None:
            node: ast.AST = upgrade
        elif tree.body:
            node = tree.body[0]
        else:
            node = ast.Pass(lineno=1, col_offset=0)
        context.report(EMPTY_DOWNGRADE, node, "downgrade() is missing")
        return
    upgrade_is_empty = upgrade is not None and all(_is_no_op(statement) for statement in upgrade.body)
    if upgrade_is_empty:
        return  # nothing to reverse, as in a merge revision
    if all(_is_no_op(statement) for statement in downgrade.body):
        context.report(
            EMPTY_DOWNGRADE,
            downgrade,
            "downgrade() does nothing; reverse the upgrade or raise NotImplementedError saying why",
        )


def _check_revision_header(context: _Context, tree: ast.Module) -> None:
    docstring_node = _docstring_node(tree)
    if docstring_node is None:
        return
    text = docstring_node.value.value
    header = _header_literals(tree)

    revises = _REVISES_LINE.search(text)
    if revises is not None and "down_revision" in header:
        documented = _split_ids(revises.group(1))
        actual = _ids(header["down_revision"][0])
        if actual is not None and documented != actual:
            line = docstring_node.lineno + text.count("\n", 0, revises.start(1))
            shown = ", ".join(sorted(actual)) or "None"
            context.report(
                REVISION_HEADER_MISMATCH,
                ast.Pass(lineno=line, col_offset=0),
                f"docstring says 'Revises: {revises.group(1)}' but down_revision is {shown}",
            )

    revision_id = _REVISION_ID_LINE.search(text)
    if revision_id is not None and "revision" in header:
        actual_id = header["revision"][0]
        if isinstance(actual_id, str) and revision_id.group(1) != actual_id:
            line = docstring_node.lineno + text.count("\n", 0, revision_id.start(1))
            context.report(
                REVISION_HEADER_MISMATCH,
                ast.Pass(lineno=line, col_offset=0),
                f"docstring says 'Revision ID: {revision_id.group(1)}' but revision is '{actual_id}'",
            )


def _check_not_null(context: _Context, operations: _Operations) -> None:
    for call, table in operations.added_columns:
        if table is not None and _table_key(table) in operations.created_tables:
            continue
        column = call.args[-1] if call.args else _keyword(call, "column")
        if not isinstance(column, ast.Call) or _callee_name(column) != "Column":
            continue
        nullable = _keyword(column, "nullable")
        if not (isinstance(nullable, ast.Constant) and nullable.value is False):
            continue
        default = _keyword(column, "server_default")
        if default is not None and not (isinstance(default, ast.Constant) and default.value is None):
            continue
        name = _string_argument(column, 0, "name") or "the column"
        context.report(
            NOT_NULL_WITHOUT_SERVER_DEFAULT,
            call,
            f"'{name}' is added as NOT NULL without server_default to existing table '{table or '?'}'",
        )


def _check_concurrent_index(context: _Context, operations: _Operations) -> None:
    for call, in_autocommit in operations.concurrent_calls:
        if in_autocommit:
            continue
        name = call.func.attr if isinstance(call.func, ast.Attribute) else "call"
        context.report(
            CONCURRENT_INDEX_IN_TRANSACTION,
            call,
            f"{name}(postgresql_concurrently=True) runs inside the migration's transaction",
        )


def _check_foreign_keys(context: _Context, operations: _Operations, ancestors: Ancestors) -> None:
    ancestor_indexes: dict[str, list[tuple[str, ...]]] | None = None
    for foreign_key in operations.foreign_keys:
        columns = ", ".join(foreign_key.columns)
        if not foreign_key.has_ondelete:
            context.report(
                FOREIGN_KEY_WITHOUT_ONDELETE,
                foreign_key.node,
                f"foreign key on {foreign_key.table or '?'}({columns}) has no ondelete",
            )
        if foreign_key.table is None:
            continue
        table = _table_key(foreign_key.table)
        if _covered(foreign_key.columns, operations.indexes.get(table, ())):
            continue
        if ancestor_indexes is None:
            ancestor_indexes = _indexes_of_ancestors(ancestors, {_table_key(fk.table) for fk in operations.foreign_keys if fk.table})
        if _covered(foreign_key.columns, ancestor_indexes.get(table, ())):
            continue
        context.report(
            FOREIGN_KEY_WITHOUT_INDEX,
            foreign_key.node,
            f"no index starts with the foreign key columns {foreign_key.table}({columns})",
        )


def _indexes_of_ancestors(ancestors: Ancestors, tables: set[str]) -> dict[str, list[tuple[str, ...]]]:
    # NOTE: an index that a later revision dropped (op.drop_index) still counts here.
    items = ancestors() if callable(ancestors) else ancestors
    indexes: dict[str, list[tuple[str, ...]]] = {}
    for item in items:
        # Cheap filter first: most ancestors never mention the tables in question.
        if not any(table.rsplit(".", 1)[-1] in item.source for table in tables):
            continue
        try:
            tree = ast.parse(item.source)
        except (SyntaxError, ValueError):
            continue
        upgrade = _module_function(tree, "upgrade")
        if upgrade is None:
            continue
        for table, column_lists in _collect_operations(upgrade).indexes.items():
            indexes.setdefault(table, []).extend(column_lists)
    return indexes


def _covered(columns: tuple[str, ...], index_columns: Iterable[tuple[str, ...]]) -> bool:
    expected = {column.lower() for column in columns}
    for index in index_columns:
        leading = {column.lower() for column in index[: len(columns)]}
        if len(index) >= len(columns) and leading == expected:
            return True
    return False


# --- Small AST helpers -------------------------------------------------------


def _finding(
    rule: Rule,
    path: str,
    line: int,
    column: int,
    message: str,
    revision: str | None,
    end_line: int | None = None,
    end_column: int | None = None,
) -> Finding:
    return Finding(
        rule=rule.id,
        source=SOURCE_OWN,
        severity=rule.severity,
        file=path,
        line=line,
        column=column,
        message=message,
        help=rule.fix,
        revision=revision,
        end_line=end_line,
        end_column=end_column,
    )


def _end_column(node: ast.AST) -> int | None:
    end = getattr(node, "end_col_offset", None)
    return end + 1 if end is not None else None


def _module_function(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return node
    return None


def _is_no_op(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and (
        isinstance(statement.value.value, str) or statement.value.value is Ellipsis
    )


def _docstring_node(tree: ast.Module) -> ast.Expr | None:
    if tree.body and isinstance(tree.body[0], ast.Expr):
        value = tree.body[0].value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return tree.body[0]
    return None


def _header_literals(tree: ast.Module) -> dict[str, tuple[object, ast.stmt]]:
    values: dict[str, tuple[object, ast.stmt]] = {}
    for node in tree.body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if not isinstance(target, ast.Name) or value is None:
            continue
        if target.id not in ("revision", "down_revision"):
            continue
        try:
            values[target.id] = (ast.literal_eval(value), node)
        except (ValueError, TypeError, SyntaxError):
            continue
    return values


def _revision_assignment(source: str) -> tuple[str, int, int] | None:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    header = _header_literals(tree)
    if "revision" not in header:
        return None
    value, node = header["revision"]
    if not isinstance(value, str):
        return None
    return value, node.lineno, node.col_offset + 1


def _ids(value: object) -> frozenset[str] | None:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset([value])
    if isinstance(value, (tuple, list)) and all(isinstance(item, str) for item in value):
        return frozenset(value)
    return None


def _split_ids(text: str) -> frozenset[str]:
    parts = [part.strip().strip("'\"") for part in re.split(r"[,\s]+", text.strip().strip("()[]"))]
    return frozenset(part for part in parts if part and part != "None")


def _callee_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _keyword_is_true(call: ast.Call, name: str) -> bool:
    value = _keyword(call, name)
    return isinstance(value, ast.Constant) and value.value is True


def _argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    return _keyword(call, name)


def _string_argument(call: ast.Call, position: int, name: str) -> str | None:
    value = _argument(call, position, name)
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return None


def _string_list(value: ast.expr | None) -> tuple[str, ...]:
    if isinstance(value, (ast.List, ast.Tuple)):
        items = [item.value for item in value.elts if isinstance(item, ast.Constant) and isinstance(item.value, str)]
        if len(items) == len(value.elts):
            return tuple(items)
    return ()


def _has_ondelete(call: ast.Call, positional_index: int | None) -> bool:
    value = _keyword(call, "ondelete")
    if value is None and positional_index is not None and len(call.args) > positional_index:
        value = call.args[positional_index]
    if value is None:
        return False
    return not (isinstance(value, ast.Constant) and value.value is None)


def _is_autocommit_block(expression: ast.expr) -> bool:
    return (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Attribute)
        and expression.func.attr == "autocommit_block"
    )


def _batch_table(expression: ast.expr) -> str | None:
    """Return the table of `op.batch_alter_table('t')` ('' when not a literal), else None."""
    if (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Attribute)
        and expression.func.attr == "batch_alter_table"
    ):
        return _string_argument(expression, 0, "table_name") or ""
    return None


def _table_key(table: str) -> str:
    return table.replace('"', "").lower()


def _literal_sql(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and _callee_name(node) == "text" and node.args:
        return _literal_sql(node.args[0])
    return None


def _indexes_in_sql(sql: str) -> list[tuple[str, tuple[str, ...]]]:
    found = []
    for match in _CREATE_INDEX_SQL.finditer(sql):
        table = _table_key(match.group("table")).rsplit(".", 1)[-1]
        columns = tuple(
            part.strip().strip('"').split()[0].lower() for part in match.group("columns").split(",") if part.strip()
        )
        if columns:
            found.append((table, columns))
    return found
