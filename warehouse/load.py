"""Atomic, idempotent loads: one transaction per release, replacing that release's rows only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

# Which tables hold each source's rows, and the column that names the release in each.
SOURCE_TABLES: dict[str, dict[str, str]] = {
    "oews": {"oews_occupations": "release_id", "oews_estimates": "release_id"},
    "projections": {"projections": "cycle"},
    "ooh": {
        "ooh_profiles": "edition",
        "ooh_quick_facts": "edition",
        "ooh_profile_soc": "edition",
        "ooh_sections": "edition",
        "ooh_similar": "edition",
    },
}


@dataclass(frozen=True)
class ReleaseRecord:
    """What the warehouse keeps about a release besides its rows."""

    source: str
    release_id: str
    period: str
    reference_year: int
    form: str
    source_url: str
    fetched_at: datetime
    archive_sha256: str


class LoadError(RuntimeError):
    """A load that was rolled back; the warehouse is as it was before it."""


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]
    ).fetchall()
    return [r[0] for r in rows]


def _check_frames(con, record: ReleaseRecord, frames: dict[str, pd.DataFrame]) -> None:
    expected = SOURCE_TABLES.get(record.source)
    if expected is None:
        raise LoadError(f"unknown source {record.source!r}; known: {', '.join(SOURCE_TABLES)}")
    if set(frames) != set(expected):
        raise LoadError(
            f"{record.source} {record.release_id}: expected frames for {sorted(expected)}, got {sorted(frames)}"
        )
    for table, frame in frames.items():
        missing = [c for c in table_columns(con, table) if c not in frame.columns]
        if missing:
            raise LoadError(f"{record.source} {record.release_id}: frame for {table} lacks columns {missing}")
        key = expected[table]
        stray = set(frame[key].unique()) - {record.release_id}
        if stray:
            raise LoadError(f"{record.source} {record.release_id}: {table}.{key} holds other releases {sorted(stray)}")


def _replace_rows(con, table: str, key: str, release_id: str, frame: pd.DataFrame) -> int:
    columns = table_columns(con, table)
    con.execute(f"DELETE FROM {table} WHERE {key} = ?", [release_id])
    view = f"_incoming_{table}"
    con.register(view, frame[columns])
    try:
        quoted = ", ".join(f'"{c}"' for c in columns)
        con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM {view}")
    finally:
        con.unregister(view)
    return len(frame)


def _upsert_release(con, record: ReleaseRecord, counts: dict[str, int]) -> None:
    con.execute("DELETE FROM releases WHERE source = ? AND release_id = ?", [record.source, record.release_id])
    con.execute(
        """
        INSERT INTO releases (source, release_id, period, reference_year, form, source_url, fetched_at,
                              archive_sha256, row_counts, rows_loaded, loaded_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
        """,
        [
            record.source,
            record.release_id,
            record.period,
            record.reference_year,
            record.form,
            record.source_url,
            record.fetched_at,
            record.archive_sha256,
            json.dumps(counts, sort_keys=True),
            sum(counts.values()),
        ],
    )


def load_release(
    con: duckdb.DuckDBPyConnection, record: ReleaseRecord, frames: dict[str, pd.DataFrame]
) -> dict[str, int]:
    """Replace everything the warehouse holds for this release with `frames`, all or nothing.

    Other releases are untouched, so history accumulates; loading the same release twice leaves one copy.
    Returns the rows loaded per table.
    """
    _check_frames(con, record, frames)
    tables = SOURCE_TABLES[record.source]
    con.begin()
    try:
        counts = {table: _replace_rows(con, table, tables[table], record.release_id, frames[table]) for table in tables}
        _upsert_release(con, record, counts)
        con.commit()
    except Exception as exc:
        con.rollback()
        raise LoadError(
            f"loading {record.source} {record.release_id} failed and was rolled back "
            f"(the warehouse is unchanged): {exc}"
        ) from exc
    return counts
