"""Controlled values shared by the readers and the schemas."""

from __future__ import annotations

from transforms.soc import LEVELS

__all__ = [
    "ANNUAL_MEASURES",
    "DATATYPE_MEASURES",
    "HOURLY_MEASURES",
    "LEVELS",
    "MEASURES",
    "OCCUPATION_TYPES",
    "OEWS_STATUSES",
    "RSE_MEASURES",
    "VALUED_STATUSES",
    "WAGE_STATUSES",
]

# Ordered as the OEWS flat-file datatype codes 01..17.
MEASURES: tuple[str, ...] = (
    "employment",
    "employment_rse",
    "hourly_mean",
    "annual_mean",
    "wage_rse",
    "hourly_p10",
    "hourly_p25",
    "hourly_median",
    "hourly_p75",
    "hourly_p90",
    "annual_p10",
    "annual_p25",
    "annual_median",
    "annual_p75",
    "annual_p90",
    "jobs_per_1000",
    "location_quotient",
)
DATATYPE_MEASURES: dict[str, str] = {f"{code:02d}": measure for code, measure in enumerate(MEASURES, start=1)}
HOURLY_MEASURES: frozenset[str] = frozenset(m for m in MEASURES if m.startswith("hourly_"))
ANNUAL_MEASURES: frozenset[str] = frozenset(m for m in MEASURES if m.startswith("annual_"))
RSE_MEASURES: frozenset[str] = frozenset({"employment_rse", "wage_rse"})

OEWS_STATUSES: tuple[str, ...] = (
    "published",
    "top_coded",
    "hourly_only",
    "annual_only",
    "wage_not_available",
    "employment_not_available",
    "not_released",
)
# Statuses that come with a figure; every other status explains a missing one.
VALUED_STATUSES: frozenset[str] = frozenset({"published", "top_coded"})

WAGE_STATUSES: tuple[str, ...] = ("published", "top_coded", "not_available")
OCCUPATION_TYPES: tuple[str, ...] = ("Summary", "Line item")
