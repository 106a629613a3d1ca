"""How figures read in a sheet: BLS rounding, declines, top codes, hourly-only and unpublished values."""
import math

import pytest

from factsheets.figures import NOT_PUBLISHED, median_salary, outlook, round_half_away


@pytest.mark.parametrize(
    ("value", "expected"), [(7.1, 7), (6.5, 7), (-6.5, -7), (-5.4, -5), (23.2, 23), (0.5, 1), (-0.4, 0), (2.5, 3)]
)
def test_percent_rounds_half_away_from_zero_like_bls(value, expected):
    assert round_half_away(value) == expected


def test_outlook_reads_growth_and_decline_with_full_period():
    assert outlook({"projected_change_percent": 7.1, "projection_base_year": 2024, "projection_target_year": 2034}) == "7% (2024-2034)"
    assert outlook({"projected_change_percent": -4.6, "projection_base_year": 2024, "projection_target_year": 2034}) == "decline 5% (2024-2034)"
    assert outlook({"projected_change_percent": float("nan"), "projection_base_year": 2024, "projection_target_year": 2034}) == NOT_PUBLISHED


def test_median_salary_forms():
    base = {"oews_year": 2025, "hourly_median": 24.59, "hourly_median_status": "published"}
    assert median_salary({**base, "annual_median": 51140.0, "annual_median_status": "published"}) == "$51,140 (2025)"
    assert median_salary({**base, "annual_median": 239200.0, "annual_median_status": "top_coded"}) == "$239,200 or more (2025)"
    hourly_only = {"oews_year": 2025, "annual_median": math.nan, "annual_median_status": "hourly_only",
                   "hourly_median": 29.05, "hourly_median_status": "published"}
    assert median_salary(hourly_only) == "$29.05 per hour (2025)"
    nothing = {"oews_year": 2025, "annual_median": None, "annual_median_status": "wage_not_available",
               "hourly_median": None, "hourly_median_status": "wage_not_available"}
    assert median_salary(nothing) == NOT_PUBLISHED
    assert median_salary({"oews_year": None}) == NOT_PUBLISHED
