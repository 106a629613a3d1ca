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


OEWS_OCCUPATIONS = pa.DataFrameSchema(
    {
        "release_id": _text(_matches(OEWS_RELEASE_PATTERN, error="a release code like 2025A01")),
        "soc_code": _text(_matches(SOC_PATTERN, error="an SOC code NN-NNNN")),
        "title": _text(pa.Check.str_length(min_value=1, error="a non-empty title")),
        "level": _text(pa.Check.isin(LEVELS, error=f"one of {', '.join(LEVELS)}")),
    },
    unique=["release_id", "soc_code"],
    strict=True,
    ordered=True,
    name="oews occupations",
)

OEWS_ESTIMATES = pa.DataFrameSchema(
    {
        "release_id": _text(_matches(OEWS_RELEASE_PATTERN, error="a release code like 2025A01")),
        "area_code": _text(_matches(r"^\d{7}$", error="a 7-digit area code")),
        "industry_code": _text(_matches(r"^[0-9A-Z-]{6}$", error="a 6-character industry code")),
        "soc_code": _text(_matches(SOC_PATTERN, error="an SOC code NN-NNNN")),
        "measure": _text(pa.Check.isin(MEASURES, error="a known OEWS measure")),
        "value": pa.Column("float64", pa.Check.ge(0, error="a value >= 0"), nullable=True),
        "status": _text(pa.Check.isin(OEWS_STATUSES, error=f"a status among {', '.join(OEWS_STATUSES)}")),
    },
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
    unique=["release_id", "area_code", "industry_code", "soc_code", "measure"],
    strict=True,
    ordered=True,
    name="oews estimates",
)

_PERSONS = pa.Check.ge(0, error="a number of persons >= 0")

PROJECTIONS = pa.DataFrameSchema(
    {
        "cycle": _text(_matches(CYCLE_PATTERN, error="a cycle like 2024-34")),
        "base_year": pa.Column("int64", pa.Check.in_range(1990, 2100, error="a year between 1990 and 2100")),
        "target_year": pa.Column("int64", pa.Check.in_range(1990, 2110, error="a year between 1990 and 2110")),
        "soc_code": _text(_matches(SOC_PATTERN, error="an SOC code NN-NNNN")),
        "title": _text(pa.Check.str_length(min_value=1, error="a non-empty title")),
        "occupation_type": _text(pa.Check.isin(OCCUPATION_TYPES, error="'Summary' or 'Line item'"), nullable=True),
        "level": _text(pa.Check.isin(LEVELS, error=f"one of {', '.join(LEVELS)}")),
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
    unique=["cycle", "soc_code"],
    strict=True,
    ordered=True,
    name="projections",
)


EP_OOH_LINKS = pa.DataFrameSchema(
    {
        "cycle": _text(_matches(CYCLE_PATTERN, error="a cycle like 2024-34")),
        "soc_code": _text(_matches(SOC_PATTERN, error="an SOC code NN-NNNN")),
        "title": _text(pa.Check.str_length(min_value=1, error="a non-empty title")),
        "ooh_url": _text(_matches(r"^https?://\S+\.htm$", error="an OOH profile URL ending in .htm")),
        "slug": _text(_matches(r"^[a-z0-9][a-z0-9-]*$", error="a profile slug like medical-records-specialists")),
    },
    unique=["cycle", "soc_code"],
    strict=True,
    ordered=True,
    name="EP OOH links",
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
