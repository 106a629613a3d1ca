"""How BLS figures read in a sheet: money, percents, periods, and words for what BLS did not publish."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

NOT_PUBLISHED = "Not published by BLS"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is _pd_na()


def _pd_na():
    try:
        import pandas as pd

        return pd.NA
    except ImportError:  # pragma: no cover - pandas is a dependency
        return None


def round_half_away(value: float) -> int:
    """BLS rounds half away from zero (-6.5% is -7%), unlike Python's banker's round()."""
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def dollars(amount: float, *, cents: bool = False) -> str:
    return f"${amount:,.2f}" if cents else f"${round_half_away(amount):,}"


def full_period(base_year, target_year) -> str:
    return f"{int(base_year)}-{int(target_year)}"


def median_salary(row) -> str:
    """Annual median with its year; hourly when BLS publishes only an hourly wage; words when neither."""
    year = row.get("oews_year")
    status = row.get("annual_median_status")
    annual = row.get("annual_median")
    hourly = row.get("hourly_median")
    if is_missing(year):
        return NOT_PUBLISHED
    suffix = f" ({int(year)})"
    if status == "published" and not is_missing(annual):
        return dollars(annual) + suffix
    if status == "top_coded" and not is_missing(annual):
        return f"{dollars(annual)} or more" + suffix
    if row.get("hourly_median_status") == "published" and not is_missing(hourly):
        return f"{dollars(hourly, cents=True)} per hour" + suffix
    return NOT_PUBLISHED


def outlook(row) -> str:
    """Whole-percent change over the projection period; a decline says so."""
    change = row.get("projected_change_percent")
    if is_missing(change) or is_missing(row.get("projection_base_year")):
        return NOT_PUBLISHED
    period = full_period(row["projection_base_year"], row["projection_target_year"])
    whole = round_half_away(change)
    if whole < 0:
        return f"decline {abs(whole)}% ({period})"
    return f"{whole}% ({period})"


def text_or_unpublished(value) -> str:
    if is_missing(value) or str(value).strip() == "":
        return NOT_PUBLISHED
    return str(value)
