"""Does the OOH say what EP and OEWS say? Compare an OOH edition with the releases of the same cycle.

* Employment Projections, cycle = the OOH edition (e.g. 2024-34): for the code each profile's
  quick facts describe (its primary SOC code), number of jobs vs base employment, outlook percent
  vs change percent (EP publishes one decimal, OOH a whole percent: they agree when EP rounds to
  OOH's figure, ties either way), employment change, and the education / experience / training
  categories; for the other codes of a profile's projections table, the table's figures vs EP.
  A code that EP does not have is a mismatch too (field soc_code).
* OEWS, the May release of the OOH pay year (2024-34 pay is May 2024: release 2024A01), when it
  is loaded: median annual and hourly pay of the primary code.

A source that is not loaded is not compared (and logged). Every mismatch is stored in
consistency_mismatches, replacing that edition's earlier rows, and returned.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import duckdb
import pandas as pd

log = logging.getLogger("warehouse.ooh_checks")

MISMATCH_COLUMNS = [
    "run_at",
    "edition",
    "slug",
    "soc_code",
    "field",
    "ooh_value",
    "other_source",
    "other_release",
    "other_value",
]
# OOH writes this where a profile spans occupations with different categories: not a category.
_NO_SINGLE_CATEGORY = "See How to Become One"
_HOURLY_TOLERANCE = 0.005


def check_consistency(con: duckdb.DuckDBPyConnection, edition: str, *, run_at: datetime | None = None) -> pd.DataFrame:
    """Compare OOH `edition` with EP and OEWS in the warehouse; store and return the mismatches."""
    run_at = run_at or datetime.now(UTC)
    if not _exists(con, "SELECT 1 FROM ooh_profiles WHERE edition = ? LIMIT 1", [edition]):
        raise ValueError(f"OOH edition {edition!r} is not loaded; nothing to check")
    rows: list[dict] = []
    rows += _against_projections(con, edition)
    rows += _against_oews(con, edition)
    frame = pd.DataFrame(rows, columns=MISMATCH_COLUMNS[1:])
    frame.insert(0, "run_at", pd.Timestamp(run_at))
    frame = frame.sort_values(["slug", "soc_code", "other_source", "field"], kind="stable").reset_index(drop=True)
    _store(con, edition, frame)
    log.info("OOH %s consistency: %d mismatches", edition, len(frame))
    return frame


def _exists(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> bool:
    return con.execute(sql, params).fetchone() is not None


def _against_projections(con: duckdb.DuckDBPyConnection, edition: str) -> list[dict]:
    if not _exists(con, "SELECT 1 FROM releases WHERE source = 'projections' AND release_id = ?", [edition]):
        log.info("OOH %s: EP cycle %s not loaded, projections not compared", edition, edition)
        return []
    pairs = con.execute(
        """
        SELECT s.slug, s.soc_code, s.is_primary,
               q.jobs, q.outlook_percent, q.employment_change, q.education, q.work_experience, q.training,
               s.employment_base AS t_base, s.employment_target AS t_target,
               s.change_percent AS t_percent, s.change_numeric AS t_numeric,
               p.soc_code IS NOT NULL AS in_ep,
               p.employment_base, p.employment_target, p.change_percent, p.change_numeric,
               p.education AS ep_education, p.work_experience AS ep_work_experience, p.training AS ep_training
        FROM ooh_profile_soc s
        JOIN ooh_quick_facts q ON q.edition = s.edition AND q.slug = s.slug
        LEFT JOIN projections p ON p.cycle = s.edition AND p.soc_code = s.soc_code
        WHERE s.edition = ? AND s.via = 'outlook_table'
        ORDER BY s.slug, s.table_row
        """,
        [edition],
    ).df()
    out: list[dict] = []

    def add(row: pd.Series, field: str, ooh: object, other: object) -> None:
        out.append(_mismatch(edition, row, field, ooh, ("projections", edition), other))

    for _, row in pairs.iterrows():
        if not row["in_ep"]:
            add(row, "soc_code", row["soc_code"], None)
            continue
        if row["is_primary"]:
            if not _same_int(row["jobs"], row["employment_base"]):
                add(row, "jobs", row["jobs"], row["employment_base"])
            if not _same_percent(row["outlook_percent"], row["change_percent"]):
                add(row, "outlook_percent", row["outlook_percent"], row["change_percent"])
            if not _same_int(row["employment_change"], row["change_numeric"]):
                add(row, "employment_change", row["employment_change"], row["change_numeric"])
            for field in ("education", "work_experience", "training"):
                ooh, ep = row[field], row[f"ep_{field}"]
                if ooh == _NO_SINGLE_CATEGORY or _norm(ep) == "":
                    continue  # OOH states no single category, or EP has none (summary rows)
                if _norm(ooh) != _norm(ep):
                    add(row, field, ooh, ep)
        else:
            for field, ooh_col, ep_col, same in (
                ("table_employment_base", "t_base", "employment_base", _same_int),
                ("table_employment_target", "t_target", "employment_target", _same_int),
                ("table_change_percent", "t_percent", "change_percent", _same_percent),
                ("table_change_numeric", "t_numeric", "change_numeric", _same_int),
            ):
                if not same(row[ooh_col], row[ep_col]):
                    add(row, field, row[ooh_col], row[ep_col])
    return out


def _against_oews(con: duckdb.DuckDBPyConnection, edition: str) -> list[dict]:
    years = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT pay_year FROM ooh_quick_facts WHERE edition = ? ORDER BY 1", [edition]
        ).fetchall()
    ]
    out: list[dict] = []
    for year in years:
        release = f"{year}A01"
        if not _exists(con, "SELECT 1 FROM releases WHERE source = 'oews' AND release_id = ?", [release]):
            log.info("OOH %s: OEWS May %s (%s) not loaded, pay not compared", edition, year, release)
            continue
        pairs = con.execute(
            """
            SELECT s.slug, s.soc_code, q.median_pay_annual, q.median_pay_hourly, q.pay_status,
                   w.annual_median, w.annual_median_status, w.hourly_median, w.hourly_median_status
            FROM ooh_profile_soc s
            JOIN ooh_quick_facts q ON q.edition = s.edition AND q.slug = s.slug
            JOIN oews_national w ON w.release_id = ? AND w.soc_code = s.soc_code
            WHERE s.edition = ? AND s.via = 'outlook_table' AND s.is_primary AND q.pay_year = ?
            ORDER BY s.slug
            """,
            [release, edition, year],
        ).df()
        for _, row in pairs.iterrows():
            for field, ooh_col, oews_col, tolerance in (
                ("median_pay_annual", "median_pay_annual", "annual_median", 0.5),
                ("median_pay_hourly", "median_pay_hourly", "hourly_median", _HOURLY_TOLERANCE),
            ):
                ooh, other = _number(row[ooh_col]), _number(row[oews_col])
                if ooh is None and other is None:
                    continue
                if ooh is None or other is None or abs(ooh - other) > tolerance:
                    out.append(_mismatch(edition, row, field, ooh, ("oews", release), other))
    return out


def _mismatch(
    edition: str, row: pd.Series, field: str, ooh: object, other_release: tuple[str, str], other: object
) -> dict:
    """One row of consistency_mismatches (less run_at): `field` of a profile's code, OOH's value against
    what (source, release_id) other_release publishes."""
    source, release = other_release
    return {
        "edition": edition,
        "slug": row["slug"],
        "soc_code": row["soc_code"],
        "field": field,
        "ooh_value": _text(ooh),
        "other_source": source,
        "other_release": release,
        "other_value": _text(other),
    }


def _store(con: duckdb.DuckDBPyConnection, edition: str, frame: pd.DataFrame) -> None:
    con.begin()
    try:
        con.execute("DELETE FROM consistency_mismatches WHERE edition = ?", [edition])
        if not frame.empty:
            con.register("_incoming_mismatches", frame[MISMATCH_COLUMNS])
            try:
                quoted = ", ".join(f'"{c}"' for c in MISMATCH_COLUMNS)
                con.execute(f"INSERT INTO consistency_mismatches ({quoted}) SELECT {quoted} FROM _incoming_mismatches")
            finally:
                con.unregister("_incoming_mismatches")
        con.commit()
    except Exception:
        con.rollback()
        raise


def _number(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _same_int(ooh: object, other: object) -> bool:
    a, b = _number(ooh), _number(other)
    if a is None and b is None:
        return True
    return a is not None and b is not None and round(a) == round(b)


def _same_percent(ooh: object, other: object) -> bool:
    """OOH's whole percent agrees with EP's one-decimal percent when EP rounds to it (ties either way)."""
    a, b = _number(ooh), _number(other)
    if a is None and b is None:
        return True
    return a is not None and b is not None and abs(a - b) <= 0.5 + 1e-9


def _norm(value: object) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""


def _text(value: object) -> str | None:
    number = _number(value) if not isinstance(value, str) else None
    if isinstance(value, str):
        return value
    if number is None:
        return None
    return str(int(number)) if number.is_integer() else repr(number)
