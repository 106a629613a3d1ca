"""Read-only questions the fact sheets ask the warehouse: a few set-based queries, no per-sheet SQL.

Every function takes `as_of`: None for the newest loaded releases (what a refresh publishes), or a
year for the releases of that year from the warehouse's history (the sheet_* macros of
warehouse/models/). Rows come back as plain dicts with None for SQL NULL (never NaN), so the sheets
can tell "not published" apart from a number without pandas in the way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import duckdb

SHEET_SCHEMA_VERSION = 4  # migration that created the sheet_* macros


class SheetSchemaMissing(RuntimeError):
    """The warehouse predates migration 004; open it writable once (any `bls-refresh run`) to migrate."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def has_sheet_schema(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        row = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    except duckdb.CatalogException:
        return False
    return row is not None and row[0] is not None and row[0] >= SHEET_SCHEMA_VERSION


def require_sheet_schema(con: duckdb.DuckDBPyConnection) -> None:
    if not has_sheet_schema(con):
        raise SheetSchemaMissing(
            "the warehouse lacks the fact-sheet macros (migration 004): open it writable once, "
            "e.g. with `bls-refresh run`, to bring its schema up to date"
        )


def releases(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> dict[str, dict[str, Any]]:
    """The release of each source the sheets use, keyed by source, with its provenance."""
    rows = _rows(
        con,
        """SELECT source, release_id, period, reference_year, form, source_url, fetched_at, archive_sha256,
                  rows_loaded
           FROM sheet_releases(?)""",
        [as_of],
    )
    return {row["source"]: row for row in rows}


def history_years(con: duckdb.DuckDBPyConnection) -> dict[str, list[int]]:
    """Reference years held per source (for --as-of help and errors)."""
    years: dict[str, list[int]] = defaultdict(list)
    for source, year in con.execute(
        "SELECT DISTINCT source, reference_year FROM releases ORDER BY source, reference_year"
    ).fetchall():
        years[source].append(year)
    return dict(years)


def occupations(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> list[dict[str, Any]]:
    """Every occupation of the chosen EP and OEWS releases (summary and detailed), figures side by side."""
    return _rows(con, "SELECT * FROM sheet_occupations(?) ORDER BY soc_code", [as_of])


def ooh_profiles(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> list[dict[str, Any]]:
    return _rows(con, "SELECT * FROM sheet_ooh_profiles(?) ORDER BY slug", [as_of])


def ooh_links(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> list[dict[str, Any]]:
    return _rows(con, "SELECT * FROM sheet_ooh_links(?) ORDER BY slug, soc_code", [as_of])


def ooh_sections(
    con: duckdb.DuckDBPyConnection, as_of: int | None = None, sections: tuple[str, ...] | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """{slug: {section: {heading, text}}} for the chosen edition."""
    sql = "SELECT slug, section, heading, text FROM sheet_ooh_sections(?)"
    params: list = [as_of]
    if sections:
        sql += " WHERE section IN (SELECT unnest(?))"
        params.append(list(sections))
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for slug, section, heading, text in con.execute(sql, params).fetchall():
        out[slug][section] = {"heading": heading, "text": text}
    return dict(out)


def ooh_similar(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """{slug: [similar occupations in the page's order]}."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _rows(con, "SELECT * FROM sheet_ooh_similar(?) ORDER BY slug, ordinal", [as_of]):
        out[row["slug"]].append(row)
    return dict(out)


def ep_ooh_links(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> list[dict[str, Any]]:
    """EP's links from occupations to OOH profiles, of the EP cycle the sheets use: they name the
    occupation of a profile that is not loaded. [] on a warehouse without the table (before the
    migration that loads them with EP)."""
    known = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'ep_ooh_links'").fetchone()
    if not known or not known[0]:
        return []
    return _rows(
        con,
        """SELECT e.slug, e.soc_code FROM ep_ooh_links e
           JOIN sheet_releases(?) r ON r.source = 'projections' AND r.release_id = e.cycle
           ORDER BY e.slug, e.soc_code""",
        [as_of],
    )


@dataclass
class SheetFacts:
    """Everything the sheets of one run read, fetched in a handful of queries."""

    as_of: int | None
    releases: dict[str, dict[str, Any]]
    occupations: dict[str, dict[str, Any]]
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: list[dict[str, Any]] = field(default_factory=list)
    sections: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    similar: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ep_links: list[dict[str, Any]] = field(default_factory=list)  # EP's occupation -> OOH profile links

    @property
    def known_codes(self) -> set[str]:
        """SOC codes a careers config may name: an EP or OEWS occupation, or a code an OOH profile covers."""
        return set(self.occupations) | {link["soc_code"] for link in self.links}


SHEET_SECTIONS = ("summary", "what_they_do", "work_environment", "how_to_become_one", "important_qualities")


def sheet_facts(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> SheetFacts:
    require_sheet_schema(con)
    rels = releases(con, as_of)
    facts = SheetFacts(as_of=as_of, releases=rels, occupations={r["soc_code"]: r for r in occupations(con, as_of)})
    facts.ep_links = ep_ooh_links(con, as_of) if "projections" in rels else []
    if "ooh" in rels:
        facts.profiles = {r["slug"]: r for r in ooh_profiles(con, as_of)}
        facts.links = ooh_links(con, as_of)
        facts.sections = ooh_sections(con, as_of, SHEET_SECTIONS)
        facts.similar = ooh_similar(con, as_of)
    return facts
