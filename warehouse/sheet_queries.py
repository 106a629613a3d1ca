"""Read-only questions the fact sheets ask the warehouse, answered as typed rows.

A few set-based queries per run, no per-sheet SQL. This module is the only place that knows the SQL
column names of the `sheet_*` macros (warehouse/models/): everything past it reads frozen dataclasses
with None for SQL NULL (never NaN), so a sheet tells "not published" apart from a number without
pandas in the way. Every function takes `as_of`: None for the newest loaded releases (what a refresh
publishes), or a year for the releases of that year from the warehouse's history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import duckdb

from warehouse.db import has_table, has_view

SHEET_SCHEMA_VERSION = 4  # migration that created the sheet_* macros
PERCENTILES = ("p10", "p25", "median", "p75", "p90")
R = TypeVar("R")

SHEET_SECTIONS = ("summary", "what_they_do", "work_environment", "how_to_become_one", "important_qualities")


class SheetSchemaMissing(RuntimeError):
    """The warehouse predates migration 004; open it writable once (any `bls-refresh run`) to migrate."""


# ---- the rows ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    """The release of one source a run of sheets uses, with where its raw file came from."""

    source: str  # oews | projections | ooh
    release_id: str  # 2025A01, 2024-34
    period: str  # May 2025, 2024-2034
    reference_year: int
    source_url: str
    fetched_at: datetime | None
    sha256: str | None
    # False for a projections file holding only part of BLS's Table 1.2 (the bundled sample): a code it
    # lacks may well have a projection, so no sheet says BLS did not publish one (projection_coverage)
    complete: bool = True


SHOWN_STATUSES = ("published", "top_coded")  # a figure with one of these is shown as it is


@dataclass(frozen=True, slots=True)
class Wage:
    """One OEWS wage figure and its status (published, top_coded, hourly_only, annual_only, ...)."""

    value: float | None
    status: str | None

    @property
    def shown(self) -> bool:
        return self.value is not None and self.status in SHOWN_STATUSES


@dataclass(frozen=True, slots=True)
class OewsRow:
    """The national, cross-industry OEWS figures of one occupation in one release."""

    release_id: str
    period: str  # May 2025
    year: int
    employment: float | None
    annual: Mapping[str, Wage]  # PERCENTILES -> wage
    hourly: Mapping[str, Wage]


@dataclass(frozen=True, slots=True)
class ProjectionRow:
    """One occupation of an EP cycle, in persons (EP publishes thousands with one decimal)."""

    cycle: str  # 2024-34
    base_year: int
    target_year: int
    occupation_type: str  # Line item | Summary
    employment_base: int | None
    employment_target: int | None
    change_numeric: int | None
    change_percent: float | None  # one decimal, as EP publishes it
    openings_annual: int | None
    education: str | None
    work_experience: str | None
    training: str | None
    ooh_percent: float | None  # the whole percent the OOH prints for the code, edition of this cycle


@dataclass(frozen=True, slots=True)
class OccupationRow:
    soc_code: str
    title: str
    level: str | None  # total, major, minor, broad, detailed
    projection: ProjectionRow | None
    oews: OewsRow | None

    @property
    def is_line_item(self) -> bool:
        if self.projection is not None:
            return self.projection.occupation_type == "Line item"
        return self.level == "detailed"


@dataclass(frozen=True, slots=True)
class PageRow:
    """The profile page the OOH rows were parsed from: its URL, fetch time and sha256."""

    url: str
    fetched_at: datetime | None
    sha256: str


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row of a profile's projections table, as the OOH prints it (persons, whole percent)."""

    soc_code: str
    depth: int | None
    employment_base: int | None
    employment_target: int | None
    change_percent: float | None
    change_numeric: int | None


@dataclass(frozen=True, slots=True)
class QuickFacts:
    pay_year: int
    median_pay_annual: float | None
    median_pay_hourly: float | None
    pay_status: str
    education: str
    jobs_year: int
    jobs: int
    outlook_period: str  # 2024-34
    outlook_percent: float  # whole, as printed
    outlook_phrase: str
    employment_change: int


@dataclass(frozen=True, slots=True)
class ProfileRow:
    edition: str
    slug: str
    occupation_group: str
    title: str
    url: str  # the page on www.bls.gov
    description: str | None
    quick_facts: QuickFacts | None
    page: PageRow | None  # None for an edition loaded before pages were recorded
    table: tuple[TableRow, ...] = ()

    @property
    def top_rows(self) -> tuple[TableRow, ...]:
        """The table's outermost rows: those whose employment makes up the quick facts' figures."""
        if not self.table:
            return ()
        top = min(row.depth or 1 for row in self.table)
        return tuple(row for row in self.table if (row.depth or 1) == top)

    @property
    def projected_employment(self) -> int | None:
        """The quick facts' occupation's projected employment: the sum of the table's top rows, BLS's own
        figures (not jobs + change, which BLS rounds separately)."""
        targets = [row.employment_target for row in self.top_rows]
        return sum(t for t in targets if t is not None) if targets and None not in targets else None


@dataclass(frozen=True, slots=True)
class LinkRow:
    """A profile covers a SOC code, by its own table and/or EP's links; primary: its quick facts' code."""

    slug: str
    soc_code: str
    is_primary: bool
    depth: int | None


@dataclass(frozen=True, slots=True)
class SectionText:
    heading: str
    text: str


@dataclass(frozen=True, slots=True)
class SimilarRow:
    """A row of a profile's Similar Occupations table."""

    slug: str  # the profile whose table lists it
    ordinal: int
    title: str
    url: str | None
    similar_slug: str | None
    job_duties: str
    pay_year: int | None
    median_pay_annual: float | None
    pay_status: str


@dataclass(frozen=True, slots=True)
class EpLinkRow:
    slug: str
    soc_code: str


@dataclass
class SheetFacts:
    """Everything the sheets of one run read, fetched in a handful of queries."""

    as_of: int | None
    releases: dict[str, ReleaseRow]
    occupations: dict[str, OccupationRow]
    profiles: dict[str, ProfileRow] = field(default_factory=dict)
    links: list[LinkRow] = field(default_factory=list)
    sections: dict[str, dict[str, SectionText]] = field(default_factory=dict)
    similar: dict[str, list[SimilarRow]] = field(default_factory=dict)
    ep_links: list[EpLinkRow] = field(default_factory=list)  # EP's occupation -> OOH profile links
    # a code EP's cycle has no line for -> the line of the same occupations (37-3010 -> 37-3000)
    same_lines: dict[str, str] = field(default_factory=dict)

    @property
    def known_codes(self) -> set[str]:
        """SOC codes a careers config may name: an EP or OEWS occupation, or a code an OOH profile covers."""
        return set(self.occupations) | {link.soc_code for link in self.links}


# ---- the queries -------------------------------------------------------------------------------


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Iterator[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        yield dict(zip(names, row, strict=True))


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


def releases(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> dict[str, ReleaseRow]:
    """The release of each source the sheets use, keyed by source, with its provenance."""
    # A warehouse last opened writable by an older version has no projection_coverage view yet.
    covered = has_view(con, "projection_coverage")
    complete = "coalesce(c.complete, true)" if covered else "true"
    coverage = "LEFT JOIN projection_coverage c ON r.source = 'projections' AND c.cycle = r.release_id"
    sql = f"""SELECT r.source, r.release_id, r.period, r.reference_year, r.source_url, r.fetched_at,
                     r.archive_sha256, {complete} AS complete
              FROM sheet_releases(?) r {coverage if covered else ""}"""
    return {
        r["source"]: ReleaseRow(
            r["source"],
            r["release_id"],
            r["period"],
            int(r["reference_year"]),
            r["source_url"],
            r["fetched_at"],
            r["archive_sha256"],
            r["complete"],
        )
        for r in _rows(con, sql, [as_of])
    }


def history_years(con: duckdb.DuckDBPyConnection) -> dict[str, list[int]]:
    """Reference years held per source (for --as-of help and errors)."""
    years: dict[str, list[int]] = defaultdict(list)
    for source, year in con.execute(
        "SELECT DISTINCT source, reference_year FROM releases ORDER BY source, reference_year"
    ).fetchall():
        years[source].append(year)
    return dict(years)


def _by_slug(
    con: duckdb.DuckDBPyConnection, sql: str, as_of: int | None, row_type: Callable[..., R], *, keep_slug: bool = False
) -> dict[str, list[R]]:
    """slug (the query's first column) -> row_type(the columns in the query's order, the slug with them
    when keep_slug), rows in the query's order. DuckDB hands back the columns' own Python types."""
    out: dict[str, list[R]] = defaultdict(list)
    for row in con.execute(sql, [as_of]).fetchall():
        out[row[0]].append(row_type(*(row if keep_slug else row[1:])))
    return dict(out)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _projection(r: dict[str, Any]) -> ProjectionRow | None:
    if r["projection_cycle"] is None:
        return None
    return ProjectionRow(
        cycle=r["projection_cycle"],
        base_year=int(r["projection_base_year"]),
        target_year=int(r["projection_target_year"]),
        occupation_type=r["occupation_type"],
        employment_base=_int(r["projected_employment_base"]),
        employment_target=_int(r["projected_employment_target"]),
        change_numeric=_int(r["projected_change_numeric"]),
        change_percent=_float(r["projected_change_percent"]),
        openings_annual=_int(r["projected_openings_annual"]),
        education=r["education"],
        work_experience=r["work_experience"],
        training=r["training"],
        ooh_percent=_float(r["ooh_change_percent"]),
    )


def _oews(r: dict[str, Any]) -> OewsRow | None:
    if r["oews_release_id"] is None:
        return None
    return OewsRow(
        release_id=r["oews_release_id"],
        period=r["oews_period"],
        year=int(r["oews_year"]),
        employment=_float(r["oews_employment"]),
        annual={k: Wage(_float(r[f"annual_{k}"]), r[f"annual_{k}_status"]) for k in PERCENTILES},
        hourly={k: Wage(_float(r[f"hourly_{k}"]), r[f"hourly_{k}_status"]) for k in PERCENTILES},
    )


def occupations(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> dict[str, OccupationRow]:
    """Every occupation of the chosen EP and OEWS releases (summary and detailed), figures side by side."""
    wages = ", ".join(f"{basis}_{k}, {basis}_{k}_status" for basis in ("annual", "hourly") for k in PERCENTILES)
    sql = f"""SELECT soc_code, title, level, occupation_type, education, work_experience, training,
                     projection_cycle, projection_base_year, projection_target_year, projected_employment_base,
                     projected_employment_target, projected_change_numeric, projected_change_percent,
                     projected_openings_annual, ooh_change_percent, oews_release_id, oews_period, oews_year,
                     oews_employment, {wages}
              FROM sheet_occupations(?) ORDER BY soc_code"""
    return {
        r["soc_code"]: OccupationRow(r["soc_code"], r["title"], r["level"], _projection(r), _oews(r))
        for r in _rows(con, sql, [as_of])
    }


def _quick_facts(r: dict[str, Any]) -> QuickFacts | None:
    if r["pay_year"] is None:
        return None
    return QuickFacts(
        pay_year=int(r["pay_year"]),
        median_pay_annual=_float(r["median_pay_annual"]),
        median_pay_hourly=_float(r["median_pay_hourly"]),
        pay_status=r["pay_status"],
        education=r["education"],
        jobs_year=int(r["jobs_year"]),
        jobs=int(r["jobs"]),
        outlook_period=r["outlook_period"],
        outlook_percent=float(r["outlook_percent"]),
        outlook_phrase=r["outlook_phrase"],
        employment_change=int(r["employment_change"]),
    )


def ooh_pages(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> dict[str, PageRow]:
    """slug -> the page its rows were parsed from ({} before the migration that records pages)."""
    if not has_table(con, "ooh_pages"):
        return {}
    sql = """SELECT p.slug, p.url, p.fetched_at, p.sha256 FROM ooh_pages p
             JOIN sheet_releases(?) r ON r.source = 'ooh' AND r.release_id = p.edition"""
    return {r["slug"]: PageRow(r["url"], r["fetched_at"], r["sha256"]) for r in _rows(con, sql, [as_of])}


def ooh_tables(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> dict[str, list[TableRow]]:
    """slug -> the rows of the profile's projections table, in the page's order."""
    sql = """SELECT s.slug, s.soc_code, s.depth, s.employment_base, s.employment_target, s.change_percent,
                    s.change_numeric
             FROM ooh_profile_soc s
             JOIN sheet_releases(?) r ON r.source = 'ooh' AND r.release_id = s.edition
             WHERE s.table_row IS NOT NULL
             ORDER BY s.slug, s.table_row"""
    return _by_slug(con, sql, as_of, TableRow)


def ooh_profiles(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> dict[str, ProfileRow]:
    sql = """SELECT edition, slug, occupation_group, title, url, description, pay_year, median_pay_annual,
                    median_pay_hourly, pay_status, education, jobs_year, jobs, outlook_period, outlook_percent,
                    outlook_phrase, employment_change
             FROM sheet_ooh_profiles(?) ORDER BY slug"""
    pages, tables = ooh_pages(con, as_of), ooh_tables(con, as_of)
    return {
        r["slug"]: ProfileRow(
            edition=r["edition"],
            slug=r["slug"],
            occupation_group=r["occupation_group"],
            title=r["title"],
            url=r["url"],
            description=r["description"],
            quick_facts=_quick_facts(r),
            page=pages.get(r["slug"]),
            table=tuple(tables.get(r["slug"], ())),
        )
        for r in _rows(con, sql, [as_of])
    }


def ooh_links(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> list[LinkRow]:
    sql = "SELECT slug, soc_code, is_primary, depth FROM sheet_ooh_links(?) ORDER BY slug, soc_code"
    return [
        LinkRow(r["slug"], r["soc_code"], bool(r["is_primary"]), _int(r["depth"])) for r in _rows(con, sql, [as_of])
    ]


def ooh_sections(
    con: duckdb.DuckDBPyConnection, as_of: int | None = None, sections: tuple[str, ...] | None = None
) -> dict[str, dict[str, SectionText]]:
    """{slug: {section: SectionText}} for the chosen edition."""
    sql = "SELECT slug, section, heading, text FROM sheet_ooh_sections(?)"
    params: list = [as_of]
    if sections:
        sql += " WHERE section IN (SELECT unnest(?))"
        params.append(list(sections))
    out: dict[str, dict[str, SectionText]] = defaultdict(dict)
    for slug, section, heading, text in con.execute(sql, params).fetchall():
        out[slug][section] = SectionText(heading, text)
    return dict(out)


def ooh_similar(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> dict[str, list[SimilarRow]]:
    """{slug: [similar occupations in the page's order]}."""
    sql = """SELECT slug, ordinal, similar_title, similar_url, similar_slug, job_duties, pay_year,
                    median_pay_annual, pay_status
             FROM sheet_ooh_similar(?) ORDER BY slug, ordinal"""
    return _by_slug(con, sql, as_of, SimilarRow, keep_slug=True)


def ep_ooh_links(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> list[EpLinkRow]:
    """EP's links from occupations to OOH profiles, of the EP cycle the sheets use: they name the
    occupation of a profile that is not loaded. [] on a warehouse without the table (before the
    migration that loads them with EP)."""
    if not has_table(con, "ep_ooh_links"):
        return []
    sql = """SELECT e.slug, e.soc_code FROM ep_ooh_links e
             JOIN sheet_releases(?) r ON r.source = 'projections' AND r.release_id = e.cycle
             ORDER BY e.slug, e.soc_code"""
    return [EpLinkRow(r["slug"], r["soc_code"]) for r in _rows(con, sql, [as_of])]


def same_lines(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> dict[str, str]:
    """For the EP cycle the sheets use, each code it has no line for -> the line holding the same
    occupations (projection_same_lines). {} on a warehouse an older version last wrote."""
    if not has_view(con, "projection_same_lines"):
        return {}
    sql = """SELECT s.soc_code, s.line_code FROM projection_same_lines s
             JOIN sheet_releases(?) r ON r.source = 'projections' AND r.release_id = s.cycle"""
    return {r["soc_code"]: r["line_code"] for r in _rows(con, sql, [as_of])}


def sheet_facts(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> SheetFacts:
    require_sheet_schema(con)
    rels = releases(con, as_of)
    facts = SheetFacts(as_of=as_of, releases=rels, occupations=occupations(con, as_of))
    if "projections" in rels:
        facts.ep_links = ep_ooh_links(con, as_of)
        facts.same_lines = same_lines(con, as_of)
    if "ooh" in rels:
        facts.profiles = ooh_profiles(con, as_of)
        facts.links = ooh_links(con, as_of)
        facts.sections = ooh_sections(con, as_of, SHEET_SECTIONS)
        facts.similar = ooh_similar(con, as_of)
    return facts
