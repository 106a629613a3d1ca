"""What analysts get from the warehouse: a data dictionary, read-only SQL, and Parquet exports.

`run_read_only` is the one way the CLI runs an analyst's SQL. Its guards, from the outside in:

1. The text must parse (DuckDB's own parser) as exactly one statement of type SELECT; that
   covers WITH ..., FROM-first queries, VALUES, TABLE t, DESCRIBE, SHOW and SUMMARIZE. Every
   other statement is refused before anything is opened: INSERT/UPDATE/DELETE, CREATE/DROP/
   ALTER, COPY (would write files), ATTACH/DETACH, INSTALL/LOAD (extensions), SET/PRAGMA/RESET,
   EXPORT/IMPORT, CHECKPOINT, CALL, EXPLAIN, transactions, and any second statement.
2. The warehouse is attached READ_ONLY in a private in-memory DuckDB: no write can reach the file
   whatever the statement turns out to do (this is the real guard against writes).
3. Before the query runs, `enable_external_access` is switched off and the configuration locked:
   no table function or macro can read or list local files (read_csv('/etc/passwd'), glob,
   read_text, ...), reach the network, attach another database, or load an extension, and the
   query cannot switch that back on. The query sees the warehouse and nothing else on the machine.

What remains allowed is what a SELECT does: read the warehouse's tables, views and macros and
compute. Parameters (`?` / `$name`) are bound by DuckDB, never pasted into the SQL.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import pandas as pd

ALLOWED_STATEMENTS = frozenset({duckdb.StatementType.SELECT})
_RESERVED_CATALOGS = {"memory", "system", "temp", "main"}


class ReadOnlyQueryError(ValueError):
    """SQL that `run_read_only` refuses to run: not a single read-only SELECT."""


def check_read_only_sql(sql: str) -> None:
    """Refuse anything but one SELECT statement (see the module docstring for what that allows)."""
    parser = duckdb.connect(":memory:")
    try:
        statements = parser.extract_statements(sql)
    except duckdb.Error as exc:
        raise ReadOnlyQueryError(f"the SQL does not parse: {exc}") from exc
    finally:
        parser.close()
    if not statements:
        raise ReadOnlyQueryError("no SQL statement given")
    if len(statements) > 1:
        raise ReadOnlyQueryError(
            f"one statement at a time: got {len(statements)} ({', '.join(_kind(s) for s in statements)})"
        )
    if statements[0].type not in ALLOWED_STATEMENTS:
        raise ReadOnlyQueryError(
            f"only read-only queries (SELECT, WITH ..., FROM ..., DESCRIBE, SHOW) are allowed, "
            f"not {_kind(statements[0])}"
        )


def _kind(statement) -> str:
    return statement.type.name


def open_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A private, locked-down connection that sees the warehouse at `path` read-only and nothing else."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `bls-refresh run` first")
    con = duckdb.connect(
        ":memory:",
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        catalog = _catalog_name(path)
        con.execute(f'ATTACH ? AS "{catalog}" (READ_ONLY)', [str(path)])
        con.execute(f'USE "{catalog}"')
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def _catalog_name(path: Path) -> str:
    # The name duckdb.connect(path) would give it, so that qualified names work the same.
    name = re.sub(r"\W", "_", path.stem) or "warehouse"
    return "warehouse" if name.lower() in _RESERVED_CATALOGS else name


def run_read_only(
    path: Path | str, sql: str, params: Sequence[object] | Mapping[str, object] | None = None
) -> pd.DataFrame:
    """Run one analyst SELECT on the warehouse at `path`, read-only, and return its result.

    Raises ReadOnlyQueryError for anything but one SELECT, duckdb.Error for a query that fails.
    """
    check_read_only_sql(sql)
    con = open_read_only(path)
    try:
        return con.execute(sql, params).df() if params is not None else con.execute(sql).df()
    finally:
        con.close()


# --------------------------------------------------------------------------- the data dictionary

DICTIONARY_COLUMNS = [
    "object_name",
    "object_type",
    "object_comment",
    "column_index",
    "column_name",
    "data_type",
    "nullable",
    "column_comment",
    "comment_from",
]


def data_dictionary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every table, view and table macro of the warehouse with its columns, types and comments.

    One row per column (a macro has one row with no column). A view column without a comment of
    its own takes the comment of the same-named column of a table or view the view reads from;
    `comment_from` names it (empty when the comment is the column's own).
    """
    (database,) = con.execute("SELECT current_database()").fetchone() or ("memory",)
    objects = con.execute(
        """
        SELECT table_name AS name, 'table' AS type, comment, NULL AS sql FROM duckdb_tables()
        WHERE database_name = ? AND schema_name = 'main' AND NOT internal AND NOT temporary
        UNION ALL
        SELECT view_name, 'view', comment, sql FROM duckdb_views()
        WHERE database_name = ? AND schema_name = 'main' AND NOT internal AND NOT temporary
        """,
        [database, database],
    ).df()
    columns = con.execute(
        """
        SELECT table_name AS name, column_index, column_name, data_type, is_nullable AS nullable, comment
        FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' AND NOT internal
        ORDER BY table_name, column_index
        """,
        [database],
    ).df()
    macros = con.execute(
        """
        SELECT DISTINCT function_name AS name, comment, parameters, macro_definition AS sql FROM duckdb_functions()
        WHERE database_name = ? AND schema_name = 'main' AND function_type = 'table_macro' AND NOT internal
        """,
        [database],
    ).df()

    own = {(r.name, r.column_name): r.comment for r in columns.itertuples() if _present(r.comment)}
    inherited = _inherited_comments(objects, columns, own, dict(zip(macros["name"], macros["sql"], strict=True)))
    rows = []
    for obj in objects.sort_values(["type", "name"]).itertuples():
        for col in columns[columns["name"] == obj.name].itertuples():
            comment, source = own.get((obj.name, col.column_name)), ""
            if comment is None and (obj.name, col.column_name) in inherited:
                comment, source = inherited[(obj.name, col.column_name)]
            rows.append(
                [
                    obj.name,
                    obj.type,
                    _text(obj.comment),
                    int(col.column_index),
                    col.column_name,
                    col.data_type,
                    bool(col.nullable),
                    comment or "",
                    source,
                ]
            )
    for macro in macros.sort_values("name").itertuples():
        params = ", ".join(macro.parameters) if macro.parameters is not None else ""
        rows.append([f"{macro.name}({params})", "table macro", _text(macro.comment), 0, "", "", True, "", ""])
    return pd.DataFrame(rows, columns=DICTIONARY_COLUMNS)


def _present(value) -> bool:
    return isinstance(value, str) and value != ""


def _text(value) -> str:
    return value if _present(value) else ""


def _inherited_comments(objects: pd.DataFrame, columns: pd.DataFrame, own: dict, macros: dict[str, str]) -> dict:
    """(view, column) -> (comment, source object), resolving views over views until nothing changes.

    A view reading a table macro (latest_releases is FROM sheet_releases(NULL)) inherits from what
    the macro reads.
    """
    names = set(objects["name"])
    views = objects[objects["type"] == "view"]
    reads = {view.name: _objects_read(view.sql or "", names - {view.name}, macros) for view in views.itertuples()}
    known = {key: (comment, key[0]) for key, comment in own.items()}
    result: dict = {}
    changed = True
    while changed:
        changed = False
        for view, sources in reads.items():
            for col in columns.loc[columns["name"] == view, "column_name"]:
                if (view, col) in known:
                    continue
                for source in sources:
                    if (source, col) in known:
                        comment, origin = known[(source, col)]
                        known[(view, col)] = (comment, origin)
                        result[(view, col)] = (comment, origin)
                        changed = True
                        break
    return result


def _objects_read(sql: str, names: set[str], macros: dict[str, str], seen: frozenset[str] = frozenset()) -> list[str]:
    """The tables and views `sql` names, in order of first mention; a table macro stands for what it reads."""
    found = sorted(
        (match.start(), name)
        for name in names | (macros.keys() - seen)
        for match in [re.search(rf"\b{re.escape(name)}\b", sql)]
        if match
    )
    read: list[str] = []
    for _, name in found:
        expanded = _objects_read(macros[name] or "", names, macros, seen | {name}) if name in macros else [name]
        read += [n for n in expanded if n not in read]
    return read


def data_dictionary_markdown(con: duckdb.DuckDBPyConnection) -> str:
    """The data dictionary as Markdown: one section per table, view and table macro."""
    dictionary = data_dictionary(con)
    lines = [
        "# Data dictionary",
        "",
        "Every table, view and table macro of the bls-refresh warehouse, with its columns. "
        "Generated by `bls-refresh schema` from the comments stored in the warehouse.",
        "",
    ]
    for kind, heading in (("table", "Tables"), ("view", "Views"), ("table macro", "Table macros")):
        part = dictionary[dictionary["object_type"] == kind]
        if part.empty:
            continue
        lines += [f"## {heading}", ""]
        for name, group in part.groupby("object_name", sort=True):
            lines += [f"### `{name}`", ""]
            comment = group["object_comment"].iloc[0]
            if comment:
                lines += [_md(comment), ""]
            if kind == "table macro":
                continue
            lines += ["| column | type | null | description |", "|---|---|---|---|"]
            for row in group.sort_values("column_index").itertuples():
                description = _md(row.column_comment)
                if row.comment_from:
                    description += f" *(as {row.comment_from}.{row.column_name})*"
                lines.append(
                    f"| `{row.column_name}` | {row.data_type} | {'yes' if row.nullable else 'no'} | {description} |"
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --------------------------------------------------------------------------- Parquet export


def export_parquet(path: Path | str, out_dir: Path | str, *, include_views: bool = False) -> list[Path]:
    """Write each table of the warehouse (and, if asked, each view) to OUT_DIR/<name>.parquet.

    Reads through a read-only connection (refreshes are not blocked); each file is written under
    a temporary name and renamed, so a BI tool never reads a half-written file. Also writes
    OUT_DIR/data-dictionary.md. Returns the Parquet files written.
    """
    path, out_dir = Path(path), Path(out_dir)
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `bls-refresh run` first")
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=True)
    try:
        dictionary = data_dictionary(con)
        wanted = {"table"} | ({"view"} if include_views else set())
        names = sorted(set(dictionary.loc[dictionary["object_type"].isin(wanted), "object_name"]))
        written = []
        for name in names:
            target = out_dir / f"{name}.parquet"
            partial = out_dir / f".{name}.parquet.partial"
            con.execute(
                f"COPY (SELECT * FROM \"{name}\") TO '{_sql_string(partial)}' (FORMAT parquet, COMPRESSION zstd)"
            )
            os.replace(partial, target)
            written.append(target)
        (out_dir / "data-dictionary.md").write_text(data_dictionary_markdown(con), encoding="utf-8")
    finally:
        con.close()
    return written


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")
