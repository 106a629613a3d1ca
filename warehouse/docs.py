"""The warehouse's documentation: what every table, view and table macro is and what each column holds.

The text lives beside what it describes, as TOML (warehouse/migrations/tables.toml for the tables,
warehouse/models/<model>.toml for each model file's views and macros) and is stored as duckdb COMMENTs,
where `bls-refresh schema`, `duckdb_columns()` and any SQL client read it. It is applied on every
writable open, after the models: a re-created view has lost its comments, and a table's documentation
changes with one edit instead of a migration.

    [ooh_profiles]
    about = "One row per OOH occupation profile page ..."

    [ooh_profiles.columns]
    slug = "File name of the profile without .htm ..."
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import duckdb

# Which COMMENT ON keyword each kind of catalog object takes.
_KEYWORDS = {"table": "TABLE", "view": "VIEW", "table_macro": "MACRO TABLE", "macro": "MACRO"}


class DocsError(RuntimeError):
    """A documentation file that does not parse, or names an object or column the warehouse lacks."""


@dataclass(frozen=True)
class ObjectDocs:
    name: str
    about: str | None
    columns: dict[str, str]
    where: str  # the file it came from, for errors


def doc_files() -> list[Traversable]:
    """tables.toml of the migrations, then each model's TOML, in a stable order."""
    files = [resources.files("warehouse.migrations").joinpath("tables.toml")]
    models = resources.files("warehouse.models")
    files += sorted((entry for entry in models.iterdir() if entry.name.endswith(".toml")), key=lambda e: e.name)
    return files


def read_docs(file: Traversable, where: str) -> list[ObjectDocs]:
    """The objects one TOML file documents; a malformed entry is a DocsError naming the file and the key."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DocsError(f"{where}: not valid TOML: {exc}") from exc
    found = []
    for name, entry in data.items():
        unknown = set(entry) - {"about", "columns"} if isinstance(entry, dict) else {"(not a table)"}
        if unknown:
            raise DocsError(f"{where}: [{name}] may hold only `about` and [{name}.columns], not {sorted(unknown)}")
        columns = entry.get("columns", {})
        texts = [*([entry["about"]] if "about" in entry else []), *columns.values()]
        if not all(isinstance(text, str) and text.strip() for text in texts):
            raise DocsError(f"{where}: [{name}] has an empty or non-text description; write what it holds")
        found.append(ObjectDocs(name, entry.get("about"), dict(columns), where))
    return found


def all_docs() -> list[ObjectDocs]:
    return [docs for file in doc_files() for docs in read_docs(file, _shown(file))]


def _shown(file: Traversable) -> str:
    """The file as an error names it: warehouse/models/oews.toml for a shipped file, else its path."""
    parts = str(file).replace("\\", "/").split("/")
    return "/".join(parts[-3:]) if parts[-3:-2] == ["warehouse"] else str(file)


@dataclass(frozen=True)
class Catalog:
    """What the warehouse holds now: each object's kind and comment, and each column's comment."""

    kinds: dict[str, str]
    comments: dict[str, str | None]
    columns: dict[tuple[str, str], str | None]


def read_catalog(con: duckdb.DuckDBPyConnection) -> Catalog:
    """Every table, view and macro the user made, with the comments stored on it and its columns."""
    rows = con.execute(
        """
        SELECT table_name, 'table', comment FROM duckdb_tables() WHERE NOT internal
        UNION ALL SELECT view_name, 'view', comment FROM duckdb_views() WHERE NOT internal
        UNION ALL SELECT DISTINCT function_name, function_type, comment FROM duckdb_functions()
            WHERE NOT internal AND function_type IN ('macro', 'table_macro')
        """
    ).fetchall()
    columns = con.execute("SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal").fetchall()
    return Catalog(
        kinds={name: kind for name, kind, _ in rows},
        comments={name: comment for name, _, comment in rows},
        columns={(table, column): comment for table, column, comment in columns},
    )


def comment_statements(docs: list[ObjectDocs], now: Catalog) -> list[str]:
    """COMMENT ON statements for every description the warehouse does not hold yet (a re-created view
    holds none); an unknown object or column is a DocsError."""
    statements = []
    for entry in docs:
        kind = now.kinds.get(entry.name)
        if kind is None:
            raise DocsError(
                f"{entry.where}: [{entry.name}] documents a table, view or macro the warehouse does not have"
            )
        if entry.about is not None and now.comments[entry.name] != entry.about:
            statements.append(f"COMMENT ON {_KEYWORDS[kind]} {entry.name} IS {_literal(entry.about)};")
        for column, text in entry.columns.items():
            if (entry.name, column) not in now.columns:
                raise DocsError(
                    f"{entry.where}: [{entry.name}.columns] names {column}, which {kind} {entry.name} lacks"
                )
            if now.columns[(entry.name, column)] != text:
                statements.append(f"COMMENT ON COLUMN {entry.name}.{column} IS {_literal(text)};")
    return statements


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_docs(con: duckdb.DuckDBPyConnection) -> None:
    """Store every description as a COMMENT (inside the caller's transaction)."""
    statements = comment_statements(all_docs(), read_catalog(con))
    if statements:
        con.execute("\n".join(statements))
