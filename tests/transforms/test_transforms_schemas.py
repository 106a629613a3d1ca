"""Schema validation turns pandera failures into LayoutErrors that point at the source."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from bls_files import REPO

from transforms.errors import LayoutError
from transforms.schemas import OEWS_ESTIMATES, OEWS_OCCUPATIONS, PROJECTIONS, validate


def estimates(**changes: list) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "release_id": ["2025A01"] * 3,
            "area_code": ["0000000"] * 3,
            "industry_code": ["000000"] * 3,
            "soc_code": ["29-2072"] * 3,
            "measure": ["employment", "hourly_median", "annual_median"],
            "value": [194720.0, 24.59, np.nan],
            "status": ["published", "published", "hourly_only"],
        }
    )
    for column, values in changes.items():
        frame[column] = pd.Series(values, dtype=frame[column].dtype)
    return frame


def test_a_valid_frame_passes_unchanged() -> None:
    frame = estimates()
    pd.testing.assert_frame_equal(validate(frame, OEWS_ESTIMATES, file="f"), frame)


def test_negative_wage_names_file_column_and_source_row() -> None:
    frame = estimates(value=[194720.0, -1.0, np.nan])
    with pytest.raises(LayoutError) as caught:
        validate(frame, OEWS_ESTIMATES, file="oe.data.0.Current", source_rows=[10, 11, 12])
    error = caught.value
    assert (error.file, error.column, error.row, error.expected) == ("oe.data.0.Current", "value", 11, "a value >= 0")
    assert error.found == "-1.0"


def test_without_source_rows_the_frame_row_is_named() -> None:
    with pytest.raises(LayoutError) as caught:
        validate(estimates(status=["published", "published", "guessed"]), OEWS_ESTIMATES, file="f")
    assert caught.value.column == "status"
    assert caught.value.row is None
    assert "frame row 2" in caught.value.found


def test_value_must_be_missing_exactly_when_the_status_says_why() -> None:
    with pytest.raises(LayoutError) as caught:
        validate(
            estimates(status=["published", "published", "published"]), OEWS_ESTIMATES, file="f", source_rows=[2, 3, 4]
        )
    assert (caught.value.column, caught.value.row) == ("value", 4)
    assert "status='published'" in caught.value.found


def test_repeated_key_names_the_repeat() -> None:
    frame = estimates(
        measure=["employment", "hourly_median", "employment"], value=[1.0, 2.0, 3.0], status=["published"] * 3
    )
    with pytest.raises(LayoutError) as caught:
        validate(frame, OEWS_ESTIMATES, file="f", sheet="s", source_rows=[5, 6, 7])
    assert caught.value.row == 7
    assert caught.value.sheet == "s"
    assert "measure='employment'" in caught.value.found


def test_missing_column_is_named() -> None:
    with pytest.raises(LayoutError) as caught:
        validate(estimates().drop(columns="status"), OEWS_ESTIMATES, file="f")
    assert caught.value.column == "status"


def test_wrong_dtype_is_reported_before_row_failures() -> None:
    frame = estimates()
    frame["value"] = frame["value"].astype(str)
    with pytest.raises(LayoutError) as caught:
        validate(frame, OEWS_ESTIMATES, file="f")
    assert caught.value.column == "value"
    assert "float64" in caught.value.expected


def test_occupation_level_must_be_known() -> None:
    frame = pd.DataFrame(
        {"release_id": ["2025A01"], "soc_code": ["29-2072"], "title": ["x"], "level": ["tiny"]}, dtype=str
    )
    with pytest.raises(LayoutError) as caught:
        validate(frame, OEWS_OCCUPATIONS, file="f", source_rows=[9])
    assert (caught.value.column, caught.value.row, caught.value.found) == ("level", 9, "tiny")


def projection(**changes: object) -> pd.DataFrame:
    row = {
        "cycle": "2024-34",
        "base_year": 2024,
        "target_year": 2034,
        "soc_code": "29-2072",
        "title": "Medical records specialists",
        "occupation_type": "Line item",
        "level": "detailed",
        "employment_base": 194800,
        "employment_target": 208600,
        "change_numeric": 13800,
        "change_percent": 7.1,
        "self_employed_pct": 0.8,
        "openings_annual": 14200,
        "median_wage": 50250.0,
        "median_wage_status": "published",
        "education": "Postsecondary nondegree award",
        "work_experience": "None",
        "training": "None",
    } | changes
    frame = pd.DataFrame([row])
    persons = ["employment_base", "employment_target", "change_numeric", "openings_annual"]
    floats = ["change_percent", "self_employed_pct", "median_wage"]
    return frame.astype(
        {c: "Int64" for c in persons} | {c: "float64" for c in floats} | {"base_year": "int64", "target_year": "int64"}
    )


def test_projection_row_passes() -> None:
    validate(projection(), PROJECTIONS, file="f")


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"change_percent": 5000.0}, "change_percent"),
        ({"self_employed_pct": 120.0}, "self_employed_pct"),
        ({"employment_base": -5}, "employment_base"),
        ({"median_wage_status": "published", "median_wage": np.nan}, "median_wage"),
        ({"cycle": "2024-35"}, "cycle"),
        ({"change_numeric": 99_000}, "change_numeric"),
        ({"occupation_type": "Detail"}, "occupation_type"),
    ],
)
def test_projection_rules(changes: dict, column: str) -> None:
    with pytest.raises(LayoutError) as caught:
        validate(projection(**changes), PROJECTIONS, file="occupation.xlsx", sheet="Table 1.2", source_rows=[486])
    assert (caught.value.column, caught.value.row, caught.value.sheet) == (column, 486, "Table 1.2")


def test_a_night_reading_the_flat_files_never_imports_pandera() -> None:
    """Its listings are checked cell by cell (transforms.oews.listings) and its figures line by line; pandera's
    import alone is a tenth of the night's time beyond DuckDB's own load (bench/bench_full_release.py)."""
    probe = (
        "import sys, flows.night, transforms.oews; transforms.oews.read_flatfiles;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandera', 'typeguard')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"
    zip_reader = "import sys, transforms.oews; transforms.oews.read_national_zip; print('pandera' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", zip_reader], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "True"
