"""Parsed profiles -> the OOH tables, typed and validated (schemas in transforms/schemas.py).

Every table carries the edition (e.g. ``2024-34``) and the profile's slug: the slug is the part a
load can carry forward (warehouse/load.py), one profile page being one part.

* ``ooh_profiles``      one row per profile: title, group, slug, URLs, the page's last-modified date;
* ``ooh_quick_facts``   the Quick Facts table;
* ``ooh_profile_soc``   the SOC codes of the profile's projections table (via = outlook_table);
* ``ooh_sections``      the text sections, as clean text;
* ``ooh_similar``       the Similar Occupations table;
* ``ooh_pages``         one row per page of the edition: parsed tonight or carried forward, and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from pandera.errors import SchemaError, SchemaErrors

from transforms.errors import LayoutError
from transforms.ooh.records import OohProfile
from transforms.schemas import OOH_SCHEMAS, validate
from transforms.soc import soc_level

__all__ = ["PROFILE_TABLES", "TABLE_COLUMNS", "pages_frame", "profile_frames", "validate_profiles"]

TABLE_COLUMNS: dict[str, list[str]] = {name: list(schema.columns) for name, schema in OOH_SCHEMAS.items()}
# The tables made of a page's content; ooh_pages is about the pages themselves.
PROFILE_TABLES: tuple[str, ...] = tuple(name for name in TABLE_COLUMNS if name != "ooh_pages")

_DTYPES: dict[str, str] = {
    "pay_year": "Int64",
    "jobs_year": "Int64",
    "jobs": "Int64",
    "employment_change": "Int64",
    "table_row": "Int64",
    "depth": "Int64",
    "employment_base": "Int64",
    "employment_target": "Int64",
    "change_numeric": "Int64",
    "ordinal": "int64",
    "median_pay_annual": "float64",
    "median_pay_hourly": "float64",
    "outlook_percent": "float64",
    "change_percent": "float64",
    "has_quick_facts": "bool",
    "is_primary": "bool",
    "last_modified": "datetime64[us]",
    "fetched_at": "datetime64[us, UTC]",
    "parsed_at": "datetime64[us, UTC]",
    "carried_since": "datetime64[us, UTC]",
}


def profile_frames(edition: str, profiles: Iterable[OohProfile]) -> dict[str, pd.DataFrame]:
    """The five content tables of `profiles`, typed (not yet validated)."""
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in PROFILE_TABLES}
    for profile in profiles:
        for table, table_rows in _profile_rows(edition, profile).items():
            rows[table].extend(table_rows)
    return {table: _typed(rows[table], table) for table in PROFILE_TABLES}


def pages_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The ooh_pages table from one dict per page, typed and validated."""
    frame = _typed(rows, "ooh_pages")
    return validate(frame, OOH_SCHEMAS["ooh_pages"], file="OOH ooh_pages frame")


def _profile_rows(edition: str, p: OohProfile) -> dict[str, list[dict[str, Any]]]:
    key = {"edition": edition, "slug": p.slug}
    out: dict[str, list[dict[str, Any]]] = {
        "ooh_profiles": [
            {
                **key,
                "occupation_group": p.group,
                "group_title": p.group_title,
                "title": p.title,
                "url": p.url,
                "source_url": p.source_url,
                "last_modified": p.last_modified,
                "description": p.description,
                "has_quick_facts": p.quick_facts is not None,
            }
        ],
        "ooh_quick_facts": [],
    }
    q = p.quick_facts
    if q is not None:
        out["ooh_quick_facts"].append(
            {
                **key,
                "pay_year": q.pay_year,
                "median_pay_annual": q.median_pay_annual,
                "median_pay_hourly": q.median_pay_hourly,
                "pay_status": q.pay_status,
                "education": q.education,
                "work_experience": q.work_experience,
                "training": q.training,
                "jobs_year": q.jobs_year,
                "jobs": q.jobs,
                "outlook_period": q.outlook_period,
                "outlook_percent": q.outlook_percent,
                "outlook_phrase": q.outlook_phrase,
                "employment_change": q.employment_change,
            }
        )
    out["ooh_profile_soc"] = [
        {
            **key,
            "soc_code": s.soc_code,
            "via": "outlook_table",
            "soc_title": s.title,
            "soc_level": soc_level(s.soc_code),
            "table_row": s.table_row,
            "depth": s.depth,
            "is_primary": s.is_primary,
            "employment_base": s.employment_base,
            "employment_target": s.employment_target,
            "change_percent": s.change_percent,
            "change_numeric": s.change_numeric,
        }
        for s in p.soc_rows
    ]
    out["ooh_sections"] = [
        {**key, "section": s.section, "ordinal": ordinal, "heading": s.heading, "text": s.text}
        for ordinal, s in enumerate(p.sections, start=1)
    ]
    out["ooh_similar"] = [
        {
            **key,
            "ordinal": ordinal,
            "similar_title": s.title,
            "similar_url": s.url,
            "similar_slug": s.slug,
            "job_duties": s.job_duties,
            "education": s.education,
            "pay_year": s.pay_year,
            "median_pay_annual": s.median_pay_annual,
            "pay_status": s.pay_status,
        }
        for ordinal, s in enumerate(p.similar, start=1)
    ]
    return out


def _typed(rows: list[dict[str, Any]], table: str) -> pd.DataFrame:
    columns = TABLE_COLUMNS[table]
    frame = pd.DataFrame(rows, columns=columns)
    out = {}
    for column in columns:
        series = frame[column]
        wanted = _DTYPES.get(column)
        if wanted is None:
            out[column] = series.astype("str")  # pandas' string dtype; None stays missing
        elif wanted.startswith("datetime64"):
            out[column] = pd.to_datetime(series, utc="UTC" in wanted).astype(wanted)
        else:
            out[column] = series.astype(wanted)
    return pd.DataFrame(out, columns=columns)


def validate_profiles(
    frames: Mapping[str, pd.DataFrame], source_urls: Mapping[str, str]
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Validate the content tables; the rows of a page that fail are all dropped.

    Returns the frames kept and, per slug rejected, the reason (naming the page's URL, the table,
    the column, the expectation and the value found). A failure of a whole frame (a missing
    column, a wrong dtype) is a bug here, not a page's drift: LayoutError.
    """
    rejected: dict[str, str] = {}
    for table in PROFILE_TABLES:
        frame = frames[table]
        try:
            OOH_SCHEMAS[table].validate(frame, lazy=True)
        except SchemaErrors as exc:
            cases = exc.failure_cases
            whole = cases[cases["index"].isna()]
            if not whole.empty:
                first = whole.iloc[0]
                raise LayoutError(
                    file=f"OOH {table} frame",
                    column=None if pd.isna(first["column"]) else str(first["column"]),
                    expected=str(first["check"]),
                    found=str(first["failure_case"]),
                ) from exc
            for _, case in cases.iterrows():
                slug = frame.loc[case["index"], "slug"]
                if slug not in rejected:
                    column = "" if pd.isna(case["column"]) else f" {case['column']}"
                    rejected[slug] = (
                        f"{source_urls[slug]}: {table}{column}: expected {case['check']}, "
                        f"found {case['failure_case']!r}"
                    )
        except SchemaError as exc:
            raise LayoutError(
                file=f"OOH {table} frame", expected=f"a frame matching the {table} schema", found=str(exc)
            ) from exc
    if not rejected:
        return dict(frames), {}
    kept = {table: frame[~frame["slug"].isin(rejected)].reset_index(drop=True) for table, frame in frames.items()}
    return kept, rejected
