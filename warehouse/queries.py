"""Read-only questions the CLI and the flows ask the warehouse."""

from __future__ import annotations

import duckdb
import pandas as pd


def release_with_sha(con: duckdb.DuckDBPyConnection, source: str, sha256: str) -> str | None:
    """The release id already loaded from exactly these raw bytes, if any: such a file needs no reload."""
    row = con.execute(
        "SELECT release_id FROM releases WHERE source = ? AND archive_sha256 = ?", [source, sha256]
    ).fetchone()
    return row[0] if row else None


def releases(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        """
        SELECT source, release_id, period, form, rows_loaded, fetched_at, loaded_at
        FROM releases ORDER BY source, reference_year
        """
    ).df()


def release_period(con: duckdb.DuckDBPyConnection, source: str, release_id: str) -> str | None:
    row = con.execute(
        "SELECT period FROM releases WHERE source = ? AND release_id = ?", [source, release_id]
    ).fetchone()
    return row[0] if row else None


def latest_release_id(con: duckdb.DuckDBPyConnection, source: str) -> str | None:
    row = con.execute("SELECT release_id FROM latest_releases WHERE source = ?", [source]).fetchone()
    return row[0] if row else None
