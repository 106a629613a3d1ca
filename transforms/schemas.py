"""pandera schemas of the frames this package hands on, and validation that speaks LayoutError."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from transforms.errors import LayoutError
from transforms.vocabulary import (
    LEVELS,
    MEASURES,
    OCCUPATION_TYPES,
    OEWS_STATUSES,
    RSE_MEASURES,
    VALUED_STATUSES,
    WAGE_STATUSES,
)

SOC_PATTERN = r"^\d{2}-\d{4}$"
OEWS_RELEASE_PATTERN = r"^\d{4}A\d{2}$"
CYCLE_PATTERN = r"^\d{4}-\d{2}$"


@dataclass(frozen=True)
class _RowRule:
    """A check across columns of one row; pandera blames every column, we blame the first."""

    message: str
    columns: tuple[str, ...]


_ROW_RULES: dict[str, _RowRule] = {}


def _row_check(message: str, columns: Sequence[str], rule: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    _ROW_RULES[message] = _RowRule(message, tuple(columns))
    return pa.Check(rule, error=message)


def _text(*checks: pa.Check, nullable: bool = False) -> pa.Column:
    return pa.Column(str, list(checks), nullable=nullable)


def _matches(pattern: str, error: str) -> pa.Check:
    """Full regex match, tested once per distinct value: key columns of an all-areas release
    have millions of rows but few distinct codes."""
    compiled = re.compile(pattern)

    def check(column: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(column)
        ok = pd.Series(uniques, dtype=str).str.fullmatch(compiled).to_numpy(dtype=bool)
        return pd.Series(ok[codes], index=column.index)

    return pa.Check(check, error=error)


def _schema(name: str, columns: dict[str, pa.Column], unique: list[str], checks=None) -> pa.DataFrameSchema:
    """Every frame handed on has exactly its columns, in order, and one row per key."""
    return pa.DataFrameSchema(columns, checks=checks, unique=unique, strict=True, ordered=True, name=name)


# What several frames check alike, worded once.
_SOC_CODE = _matches(SOC_PATTERN, error="an SOC code NN-NNNN")
_OEWS_RELEASE = _matches(OEWS_RELEASE_PATTERN, error="a release code like 2025A01")
_CYCLE = _matches(CYCLE_PATTERN, error="a cycle like 2024-34")
_TITLE = pa.Check.str_length(min_value=1, error="a non-empty title")
_LEVEL = pa.Check.isin(LEVELS, error=f"one of {', '.join(LEVELS)}")


OEWS_OCCUPATIONS = _schema(
    "oews occupations",
    {
        "release_id": _text(_OEWS_RELEASE),
        "soc_code": _text(_SOC_CODE),
        "title": _text(_TITLE),
        "level": _text(_LEVEL),
    },
    ["release_id", "soc_code"],
)

OEWS_ESTIMATES = _schema(
    "oews estimates",
    {
        "release_id": _text(_OEWS_RELEASE),
        "area_code": _text(_matches(r"^\d{7}$", error="a 7-digit area code")),
        "industry_code": _text(_matches(r"^[0-9A-Z-]{6}$", error="a 6-character industry code")),
        "soc_code": _text(_SOC_CODE),
        "measure": _text(pa.Check.isin(MEASURES, error="a known OEWS measure")),
        "value": pa.Column("float64", pa.Check.ge(0, error="a value >= 0"), nullable=True),
        "status": _text(pa.Check.isin(OEWS_STATUSES, error=f"a status among {', '.join(OEWS_STATUSES)}")),
    },
    ["release_id", "area_code", "industry_code", "soc_code", "measure"],
    checks=[
        _row_check(
            "a value exactly when the status is published or top_coded",
            ("value", "status"),
            lambda df: df["value"].isna() != df["status"].isin(VALUED_STATUSES),
        ),
        _row_check(
            "a relative standard error between 0 and 100 percent",
            ("value", "measure"),
            lambda df: ~df["measure"].isin(RSE_MEASURES) | ~(df["value"] > 100),
        ),
    ],
)

_PERSONS = pa.Check.ge(0, error="a number of persons >= 0")

PROJECTIONS = _schema(
    "projections",
    {
        "cycle": _text(_CYCLE),
        "base_year": pa.Column("int64", pa.Check.in_range(1990, 2100, error="a year between 1990 and 2100")),
        "target_year": pa.Column("int64", pa.Check.in_range(1990, 2110, error="a year between 1990 and 2110")),
        "soc_code": _text(_SOC_CODE),
        "title": _text(_TITLE),
        "occupation_type": _text(pa.Check.isin(OCCUPATION_TYPES, error="'Summary' or 'Line item'"), nullable=True),
        "level": _text(_LEVEL),
        "employment_base": pa.Column("Int64", _PERSONS),
        "employment_target": pa.Column("Int64", _PERSONS),
        "change_numeric": pa.Column("Int64"),
        "change_percent": pa.Column(
            "float64", pa.Check.in_range(-100, 1000, error="a percent change between -100 and 1000")
        ),
        "self_employed_pct": pa.Column(
            "float64", pa.Check.in_range(0, 100, error="a percent between 0 and 100"), nullable=True
        ),
        "openings_annual": pa.Column("Int64", _PERSONS, nullable=True),
        "median_wage": pa.Column("float64", pa.Check.ge(0, error="a wage >= 0"), nullable=True),
        "median_wage_status": _text(pa.Check.isin(WAGE_STATUSES, error=f"one of {', '.join(WAGE_STATUSES)}")),
        "education": _text(nullable=True),
        "work_experience": _text(nullable=True),
        "training": _text(nullable=True),
    },
    ["cycle", "soc_code"],
    checks=[
        _row_check(
            "a median wage exactly when its status is not not_available",
            ("median_wage", "median_wage_status"),
            lambda df: df["median_wage"].isna() == df["median_wage_status"].eq("not_available"),
        ),
        _row_check(
            "a target year after the base year, named by the cycle",
            ("cycle", "base_year", "target_year"),
            lambda df: (
                (df["target_year"] > df["base_year"])
                & df["cycle"].eq(df["base_year"].astype(str) + "-" + (df["target_year"] % 100).astype(str).str.zfill(2))
            ),
        ),
        # Each figure is rounded to a hundred persons on its own: the identity holds to +-150.
        _row_check(
            "base employment + change = target employment (within rounding)",
            ("change_numeric", "employment_base", "employment_target"),
            lambda df: (
                (df["employment_base"] + df["change_numeric"] - df["employment_target"]).abs().le(150).fillna(True)
            ),
        ),
    ],
)


EP_OOH_LINKS = _schema(
    "EP OOH links",
    {
        "cycle": _text(_CYCLE),
        "soc_code": _text(_SOC_CODE),
        "title": _text(_TITLE),
        "ooh_url": _text(_matches(r"^https?://\S+\.htm$", error="an OOH profile URL ending in .htm")),
        "slug": _text(_matches(r"^[a-z0-9][a-z0-9-]*$", error="a profile slug like medical-records-specialists")),
    },
    ["cycle", "soc_code"],
)


def validate(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    *,
    file: str,
    sheet: str | None = None,
    source_rows: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Validate a frame; the first failure becomes a LayoutError naming file, column and expectation.

    source_rows, aligned with the frame's positions, maps a failing row back to the row
    (or line) of the source file, so the message points at the cell to inspect.
    """
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        raise _layout_error(exc.failure_cases, frame, schema, file, sheet, source_rows) from exc
    except SchemaError as exc:
        raise LayoutError(
            file=file, sheet=sheet, expected=f"a frame matching the {schema.name} schema", found=str(exc)
        ) from exc


def _layout_error(
    failures: pd.DataFrame,
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    file: str,
    sheet: str | None,
    source_rows: Sequence[int] | None,
) -> LayoutError:
    first = _first_failure(failures)
    check = str(first["check"])
    label = first["index"]
    position = None if pd.isna(label) else frame.index.get_loc(label)
    row = None if position is None or source_rows is None else int(source_rows[position])
    located = "" if position is None or source_rows is not None else f" (frame row {position})"

    if check in _ROW_RULES and position is not None:
        columns = _ROW_RULES[check].columns
        found = ", ".join(f"{c}={frame.iloc[position][c]!r}" for c in columns)
        return LayoutError(file=file, sheet=sheet, row=row, column=columns[0], expected=check, found=found + located)
    if check == "multiple_fields_uniqueness" and position is not None:
        key = list(schema.unique or [])
        # Point at the repeat, not at the row it repeats.
        position = int(frame.duplicated(key, keep="first").to_numpy().argmax())
        row = None if source_rows is None else int(source_rows[position])
        located = "" if source_rows is not None else f" (frame row {position})"
        found = ", ".join(f"{c}={frame.iloc[position][c]!r}" for c in key)
        return LayoutError(
            file=file,
            sheet=sheet,
            row=row,
            column=", ".join(key),
            expected=f"one row per ({', '.join(key)})",
            found=f"a repeated key {found}{located}",
        )
    if check == "column_in_dataframe":
        return LayoutError(
            file=file, sheet=sheet, column=str(first["failure_case"]), expected="this column in the frame"
        )
    return LayoutError(
        file=file,
        sheet=sheet,
        row=row,
        column=None if pd.isna(first["column"]) else str(first["column"]),
        expected=check,
        found=f"{first['failure_case']}{located}",
    )


def _first_failure(failures: pd.DataFrame) -> pd.Series:
    """The failure that best explains the others.

    A missing column or a wrong dtype explains every row failure (and breaks the
    cross-column rules), so those come first; then the first failing row, where a
    single column's own check is more precise than a rule across columns.
    """
    whole = failures["index"].isna()
    missing_column = failures["check"].eq("column_in_dataframe")
    own_column = failures["schema_context"].eq("Column")
    rank = pd.DataFrame(
        {
            "tier": np.select([whole & own_column, missing_column, whole], [0, 1, 2], default=3),
            "row": pd.to_numeric(failures["index"], errors="coerce").fillna(-1),
            "cross_column": ~own_column,
        },
        index=failures.index,
    )
    return failures.loc[rank.sort_values(["tier", "row", "cross_column"], kind="stable").index[0]]


# ---- Occupational Outlook Handbook (transforms/ooh) ------------------------------------------

OOH_SECTIONS: tuple[str, ...] = (
    "summary",
    "what_they_do",
    "work_environment",
    "how_to_become_one",
    "important_qualities",
    "pay",
    "job_outlook",
)
OOH_PAY_STATUSES: tuple[str, ...] = ("published", "annual_only", "hourly_only", "top_coded", "not_available")
OOH_SIMILAR_PAY_STATUSES: tuple[str, ...] = ("published", "top_coded", "not_available")
# Where a profile-to-SOC link comes from. EP's own OOH links are EP output (ep_ooh_links), not here.
OOH_VIA: tuple[str, ...] = ("outlook_table",)
OOH_PAGE_STATUSES: tuple[str, ...] = ("parsed", "carried_forward")

_OOH_EDITION = pa.Check.str_matches(CYCLE_PATTERN, error="an edition like 2024-34")
_OOH_SLUG = pa.Check.str_matches(r"^[a-z0-9][a-z0-9-]*$", error="a slug of lower-case letters, digits and hyphens")
_OOH_YEAR = pa.Check.in_range(1990, 2100, error="a year between 1990 and 2100")
_OOH_MONEY = pa.Check.ge(0, error="an amount >= 0")
_OOH_NONEMPTY = pa.Check.str_length(min_value=1, error="non-empty text")
_OOH_EMPLOYMENT = pa.Check.ge(0, error="employment >= 0")


def _ooh_pay_as_its_status(df: pd.DataFrame) -> pd.Series:
    annual, hourly, status = df["median_pay_annual"], df["median_pay_hourly"], df["pay_status"]
    return (
        (annual.notna() | status.isin(["hourly_only", "not_available"]))
        & (hourly.notna() | status.isin(["annual_only", "not_available"]))
        & ~((status == "not_available") & (annual.notna() | hourly.notna()))
    )


OOH_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "ooh_profiles": _schema(
        "ooh_profiles",
        {
            "edition": _text(_OOH_EDITION),
            "slug": _text(_OOH_SLUG),
            "occupation_group": _text(_OOH_SLUG),
            "group_title": _text(nullable=True),
            "title": _text(_OOH_NONEMPTY),
            "url": _text(pa.Check.str_matches(r"^https://www\.bls\.gov/ooh/", error="a canonical bls.gov OOH URL")),
            "source_url": _text(_OOH_NONEMPTY),
            "last_modified": pa.Column("datetime64[us]", nullable=True),
            "description": _text(nullable=True),
            "has_quick_facts": pa.Column("bool"),
        },
        ["edition", "slug"],
    ),
    "ooh_quick_facts": _schema(
        "ooh_quick_facts",
        {
            "edition": _text(_OOH_EDITION),
            "slug": _text(_OOH_SLUG),
            "pay_year": pa.Column("Int64", _OOH_YEAR),
            "median_pay_annual": pa.Column("float64", _OOH_MONEY, nullable=True),
            "median_pay_hourly": pa.Column("float64", _OOH_MONEY, nullable=True),
            "pay_status": _text(pa.Check.isin(OOH_PAY_STATUSES, error=f"one of {', '.join(OOH_PAY_STATUSES)}")),
            "education": _text(_OOH_NONEMPTY),
            "work_experience": _text(_OOH_NONEMPTY),
            "training": _text(_OOH_NONEMPTY),
            "jobs_year": pa.Column("Int64", _OOH_YEAR),
            "jobs": pa.Column("Int64", pa.Check.ge(0, error="a number of jobs >= 0")),
            "outlook_period": _text(_OOH_EDITION),
            "outlook_percent": pa.Column(
                "float64", pa.Check.in_range(-100, 1000, error="a percent between -100 and 1000")
            ),
            "outlook_phrase": _text(_OOH_NONEMPTY),
            "employment_change": pa.Column("Int64"),
        },
        ["edition", "slug"],
        checks=[
            pa.Check(_ooh_pay_as_its_status, error="median pay present exactly as its pay_status says"),
            pa.Check(lambda df: df["outlook_period"] == df["edition"], error="the outlook period equal to the edition"),
        ],
    ),
    "ooh_profile_soc": _schema(
        "ooh_profile_soc",
        {
            "edition": _text(_OOH_EDITION),
            "slug": _text(_OOH_SLUG),
            "soc_code": _text(_SOC_CODE),
            "via": _text(pa.Check.isin(OOH_VIA, error=f"one of {', '.join(OOH_VIA)}")),
            "soc_title": _text(nullable=True),
            "soc_level": _text(pa.Check.isin(("total", "major", "minor", "broad", "detailed"), error="an SOC level")),
            "table_row": pa.Column("Int64", pa.Check.ge(1, error="a 1-based row"), nullable=True),
            "depth": pa.Column("Int64", pa.Check.in_range(0, 9, error="a depth 0-9"), nullable=True),
            "is_primary": pa.Column("bool"),
            "employment_base": pa.Column("Int64", _OOH_EMPLOYMENT, nullable=True),
            "employment_target": pa.Column("Int64", _OOH_EMPLOYMENT, nullable=True),
            "change_percent": pa.Column("float64", nullable=True),
            "change_numeric": pa.Column("Int64", nullable=True),
        },
        ["edition", "slug", "soc_code", "via"],
    ),
    "ooh_sections": _schema(
        "ooh_sections",
        {
            "edition": _text(_OOH_EDITION),
            "slug": _text(_OOH_SLUG),
            "section": _text(pa.Check.isin(OOH_SECTIONS, error=f"one of {', '.join(OOH_SECTIONS)}")),
            "ordinal": pa.Column("int64", pa.Check.ge(1, error="a 1-based ordinal")),
            "heading": _text(),
            # Clean text, whatever it says: prose about markup is text (the sanitizer drops real markup).
            "text": _text(),
        },
        ["edition", "slug", "section"],
    ),
    "ooh_similar": _schema(
        "ooh_similar",
        {
            "edition": _text(_OOH_EDITION),
            "slug": _text(_OOH_SLUG),
            "ordinal": pa.Column("int64", pa.Check.ge(1, error="a 1-based ordinal")),
            "similar_title": _text(_OOH_NONEMPTY),
            "similar_url": _text(nullable=True),
            "similar_slug": _text(_OOH_SLUG, nullable=True),
            "job_duties": _text(),
            "education": _text(),
            "pay_year": pa.Column("Int64", _OOH_YEAR, nullable=True),
            "median_pay_annual": pa.Column("float64", _OOH_MONEY, nullable=True),
            "pay_status": _text(
                pa.Check.isin(OOH_SIMILAR_PAY_STATUSES, error=f"one of {', '.join(OOH_SIMILAR_PAY_STATUSES)}")
            ),
        },
        ["edition", "slug", "ordinal"],
        checks=[
            pa.Check(
                lambda df: df["median_pay_annual"].isna() == df["pay_status"].eq("not_available"),
                error="a median pay exactly when its status is not not_available",
            ),
        ],
    ),
    "ooh_pages": _schema(
        "ooh_pages",
        {
            "edition": _text(_OOH_EDITION),
            "slug": _text(_OOH_SLUG),
            "url": _text(_OOH_NONEMPTY),
            "sha256": _text(pa.Check.str_matches(r"^[0-9a-f]{64}$", error="a sha256 in hex")),
            "seen_sha256": _text(pa.Check.str_matches(r"^[0-9a-f]{64}$", error="a sha256 in hex"), nullable=True),
            "fetched_at": pa.Column("datetime64[us, UTC]", nullable=True),
            "parsed_at": pa.Column("datetime64[us, UTC]"),
            "status": _text(pa.Check.isin(OOH_PAGE_STATUSES, error=f"one of {', '.join(OOH_PAGE_STATUSES)}")),
            "reason": _text(nullable=True),
            "carried_since": pa.Column("datetime64[us, UTC]", nullable=True),
        },
        ["edition", "slug"],
        checks=[
            pa.Check(
                lambda df: df["reason"].isna() == df["status"].eq("parsed"),
                error="a reason exactly when the page is carried forward",
            ),
        ],
    ),
}
