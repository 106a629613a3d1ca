"""SOC codes and the LayoutError message format."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from transforms.errors import LayoutError
from transforms.soc import normalize_soc, normalize_soc_series, prefer_stated_levels, soc_level, soc_levels


@pytest.mark.parametrize("raw", ["29-2072", "292072", '="29-2072"', "  29-2072\t", ' = "292072" '])
def test_normalize_soc_accepts_the_spellings_bls_uses(raw: str) -> None:
    assert normalize_soc(raw) == "29-2072"


@pytest.mark.parametrize("raw", ["", "29-207", "2920721", "29_2072", "ab-cdef", "29-2072x", None, 292072])
def test_normalize_soc_rejects_anything_else(raw: object) -> None:
    with pytest.raises(ValueError):
        normalize_soc(raw)


def test_normalize_soc_series_marks_bad_codes_missing() -> None:
    result = normalize_soc_series(pd.Series(['="13-2011"', "292072", "oops", " 11-9111 "], dtype=str))
    assert result.tolist()[:2] == ["13-2011", "29-2072"]
    assert pd.isna(result.iloc[2])
    assert result.iloc[3] == "11-9111"


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("00-0000", "total"),
        ("29-0000", "major"),
        ("29-2000", "minor"),
        ("15-1200", "minor"),
        ("29-2070", "broad"),
        ("13-1020", "broad"),
        ("29-2072", "detailed"),
        ("292072", "detailed"),
    ],
)
def test_soc_level_follows_the_code_shape(code: str, level: str) -> None:
    assert soc_level(code) == level


def test_soc_levels_is_the_vectorised_soc_level() -> None:
    codes = pd.Series(["00-0000", "29-0000", "29-2000", "29-2070", "29-2072"], dtype=str)
    assert soc_levels(codes).tolist() == [soc_level(c) for c in codes]


def test_stated_level_wins_unless_coarser_than_the_shape() -> None:
    codes = pd.Series(["13-1020", "19-5010", "29-2072"], dtype=str)
    stated = pd.Series(["detailed", "minor", "detailed"], dtype=str)
    # OEWS publishes 13-1020 as a detailed occupation; a broad-shaped code cannot be a minor group.
    assert prefer_stated_levels(stated, codes).tolist() == ["detailed", "broad", "detailed"]


def test_layout_error_message_points_at_the_cell() -> None:
    error = LayoutError(
        file="occupation.xlsx",
        sheet="Table 1.2",
        row=57,
        column="Employment, 2034",
        expected="a number",
        found="abc",
    )
    assert (
        str(error)
        == "occupation.xlsx, sheet 'Table 1.2', row 57, column 'Employment, 2034': expected a number, found 'abc'"
    )
    assert isinstance(error, ValueError)
    assert (error.file, error.sheet, error.row, error.column, error.found) == (
        "occupation.xlsx",
        "Table 1.2",
        57,
        "Employment, 2034",
        "abc",
    )


def test_layout_error_in_a_text_file_names_the_line() -> None:
    error = LayoutError(file="oe.data.0.Current", row=12, column="value", expected="a number", found="(X)")
    assert str(error) == "oe.data.0.Current, line 12, column 'value': expected a number, found '(X)'"
    assert str(LayoutError(file="x.zip", expected="a zip archive")) == "x.zip: expected a zip archive"


def test_layout_error_survives_pickling() -> None:
    error = LayoutError(file="f", expected="e", sheet="s", row=3, column="c", found="x")
    clone = pickle.loads(pickle.dumps(error))
    assert isinstance(clone, LayoutError)
    assert str(clone) == str(error)
    assert clone.fields() == error.fields()
