"""Read-only queries of the article audit (factsheets/articles): what names an occupation, which releases
the warehouse holds, and the figures of the occupations a batch of articles names, fetched in one query
per source for the whole batch (never one per figure).

Reads base tables (releases, oews_occupations, oews_estimates, projections, ooh_*, soc_crosswalk), not the
views, so the audit does not depend on how the views are defined.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from warehouse.db import has_view
from warehouse.sheet_queries import ReleaseRow

NATION = "0000000"
CROSS_INDUSTRY = "000000"


@dataclass(frozen=True, slots=True)
class HeldRelease(ReleaseRow):
    """A release the warehouse holds (the sheets' release row), with an EP cycle's end year."""

    target_year: int | None = None  # EP: the projection's end year


@dataclass(frozen=True)
class ProjectionRow:
    cycle: str
    soc: str
    title: str
    employment_base: int | None
    employment_target: int | None
    change_numeric: int | None
    change_percent: float | None
    openings_annual: int | None
    median_wage: float | None
    median_wage_status: str


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def held_releases(con: duckdb.DuckDBPyConnection) -> list[HeldRelease]:
    """Every release the warehouse holds, oldest first per source; EP cycles with their target year."""
    targets: dict[str, int] = {}
    if "projections" in _tables(con):
        targets = dict(con.execute("SELECT cycle, max(target_year) FROM projections GROUP BY cycle").fetchall())
    rows = con.execute(
        """
        SELECT source, release_id, period, reference_year, source_url, fetched_at, archive_sha256
        FROM releases ORDER BY source, reference_year, release_id
        """
    ).fetchall()
    return [
        HeldRelease(
            source,
            release_id,
            period,
            year,
            url,
            fetched_at,
            sha,
            target_year=targets.get(release_id) if source == "projections" else None,
        )
        for source, release_id, period, year, url, fetched_at, sha in rows
    ]


def occupation_titles(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(soc, title) as every OEWS release and EP cycle writes it."""
    return con.execute(
        """
        SELECT DISTINCT soc_code, title FROM oews_occupations
        UNION
        SELECT DISTINCT soc_code, title FROM projections
        ORDER BY 1, 2
        """
    ).fetchall()


def current_codes(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Codes of the newest OEWS release and the newest EP cycle."""
    rows = con.execute(
        """
        WITH newest AS (
            SELECT source, arg_max(release_id, reference_year) AS release_id FROM releases GROUP BY source
        )
        SELECT soc_code FROM oews_occupations o JOIN newest n ON n.source = 'oews' AND n.release_id = o.release_id
        UNION
        SELECT soc_code FROM projections p JOIN newest n ON n.source = 'projections' AND n.release_id = p.cycle
        """
    ).fetchall()
    return {row[0] for row in rows}


def known_codes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every SOC code any held release or the crosswalk names -> a title (for validating sidecars)."""
    codes = dict(occupation_titles(con))
    if "soc_crosswalk" in _tables(con):
        for old, old_title, new, new_title in con.execute(
            "SELECT old_soc_code, old_title, new_soc_code, new_title FROM soc_crosswalk"
        ).fetchall():
            codes.setdefault(old, old_title)
            codes.setdefault(new, new_title)
    return codes


def ooh_profiles(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, tuple[str, ...], str]]:
    """(slug, title, codes, summary and what-they-do text) of the newest OOH edition. A profile's codes are
    its primary code, else the codes of its projections table, else the EP workbook's links to it."""
    tables = _tables(con)
    if not {"ooh_profiles", "ooh_profile_soc", "ooh_sections"} <= tables:
        return []
    rows = con.execute(
        """
        WITH edition AS (
            SELECT arg_max(release_id, reference_year) AS edition FROM releases WHERE source = 'ooh'
        ),
        codes AS (
            SELECT s.slug,
                   coalesce(
                       nullif(list_sort(list(DISTINCT s.soc_code) FILTER (WHERE s.is_primary)), []),
                       nullif(list_sort(list(DISTINCT s.soc_code) FILTER (WHERE s.via = 'outlook_table'
                                                                          AND s.soc_level = 'detailed')), []),
                       list_sort(list(DISTINCT s.soc_code) FILTER (WHERE s.soc_level = 'detailed'))
                   ) AS codes
            FROM ooh_soc_links s JOIN edition e ON e.edition = s.edition  -- the profiles' tables and EP's links
            GROUP BY s.slug
        ),
        texts AS (
            SELECT x.slug, string_agg(x.text, ' ' ORDER BY x.ordinal) AS text
            FROM ooh_sections x JOIN edition e ON e.edition = x.edition
            WHERE x.section IN ('summary', 'what_they_do')
            GROUP BY x.slug
        )
        SELECT p.slug, p.title, coalesce(c.codes, []), coalesce(t.text, '')
        FROM ooh_profiles p JOIN edition e ON e.edition = p.edition
        LEFT JOIN codes c ON c.slug = p.slug
        LEFT JOIN texts t ON t.slug = p.slug
        ORDER BY p.slug
        """
    ).fetchall()
    return [(slug, title, tuple(codes or ()), text) for slug, title, codes, text in rows]


def ooh_similar_profiles(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, tuple[str, ...], str]]:
    """(slug, title, codes, '') of the occupations the OOH profiles list as similar whose own profile is not
    loaded, as ooh_profiles gives a profile: their codes are the detailed codes the newest EP workbook linking
    to that profile links to it ("Craft and Fine Artists": 27-1012, 27-1013, 27-1019)."""
    if not {"ooh_similar", "ooh_profiles", "ep_ooh_links"} <= _tables(con):
        return []
    rows = con.execute(
        """
        WITH links AS (
            SELECT slug, list_sort(list(DISTINCT soc_code)) AS codes
            FROM ep_ooh_links
            WHERE NOT soc_code LIKE '%0'
            GROUP BY slug, cycle
            QUALIFY cycle = max(cycle) OVER (PARTITION BY slug)
        )
        SELECT DISTINCT s.similar_slug, s.similar_title, l.codes
        FROM ooh_similar s JOIN links l ON l.slug = s.similar_slug
        WHERE s.similar_slug NOT IN (SELECT slug FROM ooh_profiles)
        ORDER BY 1, 2
        """
    ).fetchall()
    return [(slug, title, tuple(codes), "") for slug, title, codes in rows]


def retired_codes(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    """(old code, old title, successor code, relation) from the SOC crosswalk."""
    if "soc_crosswalk" not in _tables(con):
        return []
    return con.execute(
        "SELECT old_soc_code, old_title, new_soc_code, relation FROM soc_crosswalk ORDER BY 1, 3"
    ).fetchall()


def oews_national_values(
    con: duckdb.DuckDBPyConnection, soc_codes: Iterable[str], measures: Iterable[str]
) -> list[tuple[str, str, str, float | None, str]]:
    """(release_id, soc, measure, value, status): national cross-industry figures of these codes, every release."""
    codes, wanted = sorted(set(soc_codes)), sorted(set(measures))
    if not codes:
        return []
    return con.execute(
        """
        SELECT release_id, soc_code, measure, value, status
        FROM oews_estimates
        WHERE area_code = ? AND industry_code = ?
          AND soc_code IN (SELECT unnest(?::VARCHAR[])) AND measure IN (SELECT unnest(?::VARCHAR[]))
        """,
        [NATION, CROSS_INDUSTRY, codes, wanted],
    ).fetchall()


def projection_values(con: duckdb.DuckDBPyConnection, soc_codes: Iterable[str]) -> list[ProjectionRow]:
    codes = sorted(set(soc_codes))
    if not codes:
        return []
    rows = con.execute(
        """
        SELECT cycle, soc_code, title, employment_base, employment_target, change_numeric, change_percent,
               openings_annual, median_wage, median_wage_status
        FROM projections WHERE soc_code IN (SELECT unnest(?::VARCHAR[]))
        """,
        [codes],
    ).fetchall()
    return [ProjectionRow(*row) for row in rows]


def projection_same_lines(con: duckdb.DuckDBPyConnection, soc_codes: Iterable[str]) -> list[tuple[str, str, str]]:
    """(cycle, soc, line): each of these codes a whole cycle prints on another line of the same occupations
    (projection_same_lines: 37-3010 Grounds maintenance workers on 37-3000). Nothing from a warehouse last
    opened writable by a version without the view."""
    codes = sorted(set(soc_codes))
    if not codes or not has_view(con, "projection_same_lines"):
        return []
    return con.execute(
        "SELECT cycle, soc_code, line_code FROM projection_same_lines WHERE soc_code IN (SELECT unnest(?::VARCHAR[]))",
        [codes],
    ).fetchall()


def ooh_printed_changes(con: duckdb.DuckDBPyConnection, soc_codes: Iterable[str]) -> list[tuple[str, str, float]]:
    """(edition, soc, whole percent) as the OOH profiles' projections tables print each code's change; an
    edition is named like the EP cycle it publishes (2024-34)."""
    codes = sorted(set(soc_codes))
    if not codes or "ooh_profile_soc" not in _tables(con):
        return []
    return con.execute(
        """
        SELECT edition, soc_code, any_value(change_percent)
        FROM ooh_profile_soc
        WHERE via = 'outlook_table' AND change_percent IS NOT NULL AND soc_code IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY edition, soc_code
        """,
        [codes],
    ).fetchall()


@dataclass(frozen=True)
class OohFacts:
    """An OOH profile's quick facts as one edition prints them: a profile of several codes prints figures
    that neither OEWS nor EP publishes for any one code."""

    edition: str  # named like the EP cycle it publishes (2024-34)
    slug: str
    title: str
    codes: tuple[str, ...]  # the codes of the profile's projections table, but its own
    primary: tuple[str, ...]  # the code whose figures the profile prints (Drafters: 17-3010), if any
    pay_year: int
    median_pay_annual: float | None
    median_pay_hourly: float | None
    pay_status: str
    jobs: int
    outlook_period: str
    outlook_percent: float
    employment_change: int
    # what the profile prints in its own sentences only (factsheets.articles.ooh_prose reads them)
    openings: int | None = None
    annual_p10: float | None = None
    annual_p90: float | None = None


def ooh_quick_facts(con: duckdb.DuckDBPyConnection) -> list[OohFacts]:
    """Every profile's quick facts, every edition held."""
    if not {"ooh_quick_facts", "ooh_profiles", "ooh_profile_soc"} <= _tables(con):
        return []
    rows = con.execute(
        """
        WITH codes AS (
            SELECT edition, slug,
                   list_sort(list(DISTINCT soc_code) FILTER (WHERE NOT is_primary)) AS codes,
                   list_sort(list(DISTINCT soc_code) FILTER (WHERE is_primary)) AS primary_codes
            FROM ooh_profile_soc GROUP BY edition, slug
        )
        SELECT q.edition, q.slug, p.title, coalesce(c.codes, []), coalesce(c.primary_codes, []),
               q.pay_year, q.median_pay_annual, q.median_pay_hourly, q.pay_status, q.jobs, q.outlook_period,
               q.outlook_percent, q.employment_change
        FROM ooh_quick_facts q JOIN ooh_profiles p ON p.edition = q.edition AND p.slug = q.slug
        LEFT JOIN codes c ON c.edition = q.edition AND c.slug = q.slug
        ORDER BY q.edition, q.slug
        """
    ).fetchall()
    return [OohFacts(r[0], r[1], r[2], tuple(r[3]), tuple(r[4]), *r[5:]) for r in rows]


def ooh_section_texts(con: duckdb.DuckDBPyConnection, sections: Iterable[str]) -> dict[tuple[str, str], dict[str, str]]:
    """(edition, slug) -> section -> the section's text, as the profile page prints it."""
    if "ooh_sections" not in _tables(con):
        return {}
    texts: dict[tuple[str, str], dict[str, str]] = {}
    rows = con.execute(
        "SELECT edition, slug, section, text FROM ooh_sections WHERE section IN (SELECT unnest(?::VARCHAR[]))",
        [list(sections)],
    ).fetchall()
    for edition, slug, section, text in rows:
        texts.setdefault((edition, slug), {})[section] = text
    return texts


def ooh_similar_titles(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The occupations the OOH profiles list as similar, by the titles they give them (some of them have no
    profile loaded, nor a code of their own: "Craft and Fine Artists")."""
    if "ooh_similar" not in _tables(con):
        return []
    return [row[0] for row in con.execute("SELECT DISTINCT similar_title FROM ooh_similar ORDER BY 1").fetchall()]
