"""Opening the warehouse and bringing its schema up to date: tables by migration, views and macros as models.

Tables live in numbered migrations (warehouse/migrations/NNN_name.sql): append-only history, each
applied once and recorded in schema_migrations. Views and table macros live in warehouse/models/
(one file per model group, every statement CREATE OR REPLACE; their COMMENTs in the TOML beside each
file, warehouse/docs.py) and are re-created on
every writable open, after the migrations, in the order of MODELS: changing a view is one edit of its
file, and the nightly staged copy (warehouse/swap.py opens it with `connect`) carries the new
definitions into the swap atomically.

A read-only open (`connect(path, read_only=True)`, swap.open_reader, `duckdb -readonly`) cannot
create anything: it sees the views and macros as the last writable open left them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

from warehouse.docs import apply_docs

_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")

# Model files of warehouse/models, dependencies first (a view is bound when it is created).
MODELS: tuple[str, ...] = ("latest", "oews", "projections", "occupations", "ooh", "history")


class ModelError(RuntimeError):
    """A model file of warehouse/models that is not listed in MODELS, or whose SQL fails."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """The numbered SQL files shipped in warehouse/migrations, in order."""
    found = []
    for entry in resources.files("warehouse.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL
        )
        """
    )
    return {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration not yet applied, each in its own transaction; return the new versions."""
    done = applied_versions(con)
    newly = []
    for migration in available_migrations():
        if migration.version in done:
            continue
        con.begin()
        try:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now())",
                [migration.version, migration.name],
            )
            con.commit()
        except Exception:
            con.rollback()
            raise
        newly.append(migration.version)
    return newly


def model_sql() -> dict[str, str]:
    """name -> SQL of each model file, in the order MODELS applies them."""
    folder = resources.files("warehouse.models")
    shipped = {entry.name.removesuffix(".sql") for entry in folder.iterdir() if entry.name.endswith(".sql")}
    if shipped != set(MODELS):
        # A file missing from MODELS would silently never be applied; a name without a file is a typo.
        raise ModelError(
            f"warehouse/models holds {sorted(shipped)} but warehouse.db.MODELS lists {sorted(MODELS)}: "
            "list every model file in MODELS, dependencies first"
        )
    return {name: folder.joinpath(f"{name}.sql").read_text(encoding="utf-8") for name in MODELS}


def apply_models(con: duckdb.DuckDBPyConnection) -> None:
    """(Re-)create every view and table macro of warehouse/models, with every object's COMMENTs, in one transaction."""
    con.begin()
    try:
        for name, sql in model_sql().items():
            try:
                con.execute(sql)
            except duckdb.Error as exc:
                raise ModelError(f"warehouse/models/{name}.sql failed: {exc}") from exc
        apply_docs(con)
        con.commit()
    except Exception:
        con.rollback()
        raise


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Bring a writable connection's schema up to date: new migrations, then every model; return the new versions."""
    newly = apply_migrations(con)
    apply_models(con)
    return newly


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()
    return bool(found and found[0])


def has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """A read-only warehouse last opened writable by an older version may lack a newer model's view."""
    found = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchone()
    return bool(found and found[0])


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable connection is migrated on open so code always sees the current schema."""
    path = Path(path)
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"no warehouse at {path}: run `bls-refresh run` first")
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    migrate(con)
    return con
