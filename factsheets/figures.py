"""How BLS figures read in a sheet: money, percents, periods, growth phrases, and words for what BLS
did not publish. Pure functions of warehouse rows (dicts with None for NULL); no I/O.

Never "$nan", "None%" or an empty cell: every reading either carries a number or says in words why
there is none — NOT_PUBLISHED when the release is loaded but BLS published no figure for the
occupation, NOT_LOADED when the warehouse holds no release of that program for the sheet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

NOT_PUBLISHED = "Not published by BLS"
NOT_LOADED = "Not in the loaded BLS releases"
# An OOH Similar Occupations row whose profile is not loaded and names no single EP/OEWS occupation.
PROFILE_NOT_LOADED = "Its OOH profile is not in the loaded releases"

PROGRAMS = {
    "oews": "Occupational Employment and Wage Statistics (OEWS)",
    "projections": "Employment Projections (EP)",
    "ooh": "Occupational Outlook Handbook (OOH)",
}
PROGRAM_SHORT = {"oews": "OEWS", "projections": "EP", "ooh": "OOH", "config": "careers config"}

# Statuses a figure can have in a sheet.
AVAILABLE = ("published", "top_coded", "hourly_only")


def is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


def round_half_away(value: float) -> int:
    """BLS rounds half away from zero (-6.5% is -7%), unlike Python's banker's round()."""
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def dollars(amount: float, *, cents: bool = False) -> str:
    if cents:
        return f"${Decimal(str(amount)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
    return f"${round_half_away(amount):,}"


def count(value: float) -> str:
    return f"{round_half_away(value):,}"


def full_period(base_year, target_year) -> str:
    """2024-2034: the period written in full, as the sheets show it."""
    return f"{int(base_year)}-{int(target_year)}"


def full_period_from_cycle(cycle: str) -> str:
    """'2024-34' (EP cycle / OOH edition) -> '2024-2034'."""
    start, _, end = cycle.partition("-")
    if len(end) == 2 and len(start) == 4:
        full = int(start[:2] + end)
        end = str(full + 100 if full < int(start) else full)
    return f"{start}-{end}"


@dataclass(frozen=True)
class Provenance:
    """Where a figure came from: the program, its release and the raw file it was read from."""

    program: str  # oews | projections | ooh | config
    release: str | None = None
    period: str | None = None
    source_url: str | None = None
    fetched_at: str | None = None
    sha256: str | None = None

    @classmethod
    def of(cls, release: Mapping[str, Any] | None, program: str) -> Provenance:
        if not release:
            return cls(program=program)
        fetched = release.get("fetched_at")
        return cls(
            program=program,
            release=release.get("release_id"),
            period=release.get("period"),
            source_url=release.get("source_url"),
            fetched_at=fetched.isoformat() if isinstance(fetched, date) else fetched,
            sha256=release.get("archive_sha256"),
        )

    @property
    def label(self) -> str:
        """Short release label for changelogs: 'OEWS May 2025 (2025A01)', 'EP 2024-34'."""
        name = PROGRAM_SHORT.get(self.program, self.program)
        if self.program == "oews" and self.period:
            return f"{name} {self.period} ({self.release})"
        return f"{name} {self.release}" if self.release else name

    def as_json(self) -> dict[str, Any]:
        return {
            "program": PROGRAMS.get(self.program, self.program),
            "program_code": self.program,
            "release": self.release,
            "period": self.period,
            "source_url": self.source_url,
            "fetched_at": self.fetched_at,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Figure:
    """One figure as a sheet shows it: the table reading, the number behind it and its provenance."""

    text: str  # the summary-table reading, e.g. "$51,140 (2025)" or "decline 5% (2024-2034)"
    status: str  # published | top_coded | hourly_only | not_published | not_loaded
    value: float | None = None
    unit: str | None = None  # USD per year | USD per hour | percent
    period: str | None = None  # "May 2025" or "2024-2034"
    provenance: Provenance | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.status in AVAILABLE

    @property
    def number(self) -> float:
        """The value of a figure BLS published (what prints it checks `available` or the status first)."""
        if self.value is None:
            raise ValueError(f"the figure {self.text!r} has no value")
        return self.value

    def as_json(self) -> dict[str, Any]:
        out = {
            "text": self.text,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "period": self.period,
            **self.extra,
            "provenance": self.provenance.as_json() if self.provenance else None,
        }
        return out


def _num(row: Mapping[str, Any], key: str) -> float | None:
    value = row.get(key)
    return None if value is None or is_missing(value) else float(value)


# ---- median salary ---------------------------------------------------------------------------


def wage_figure(row: Mapping[str, Any] | None, release: Mapping[str, Any] | None) -> Figure:
    """The newest OEWS national median with its year: annual; "or more" when top-coded; hourly when
    BLS publishes only an hourly wage; words when neither (or when no OEWS release is loaded)."""
    prov = Provenance.of(release, "oews")
    if not release:
        return Figure(NOT_LOADED, "not_loaded", provenance=prov)
    period = release.get("period")
    year = int(release["reference_year"])
    suffix = f" ({year})"
    row = row or {}
    annual, a_status = _num(row, "annual_median"), row.get("annual_median_status")
    hourly, h_status = _num(row, "hourly_median"), row.get("hourly_median_status")
    if annual is not None and a_status == "published":
        return Figure(dollars(annual) + suffix, "published", annual, "USD per year", period, prov, {"year": year})
    if annual is not None and a_status == "top_coded":
        return Figure(
            f"{dollars(annual)} or more{suffix}",
            "top_coded",
            annual,
            "USD per year",
            period,
            prov,
            {"year": year, "lower_bound": True},
        )
    if hourly is not None and h_status in ("published", "top_coded"):
        return _hourly_figure(hourly, h_status == "top_coded", year, period, prov)
    return Figure(NOT_PUBLISHED, "not_published", None, None, period, prov, {"year": year})


def _hourly_figure(hourly: float, top_coded: bool, year: int, period: str | None, prov: Provenance) -> Figure:
    """BLS publishes only an hourly wage for the occupation (actors, musicians)."""
    more = " or more" if top_coded else ""
    text = f"{dollars(hourly, cents=True)} per hour{more} ({year})"
    return Figure(text, "hourly_only", hourly, "USD per hour", period, prov, {"year": year, "lower_bound": top_coded})


def ooh_wage_figure(profile: Mapping[str, Any], release: Mapping[str, Any] | None) -> Figure:
    """The OOH quick facts' median pay, for profiles whose figures have no single SOC code."""
    prov = Provenance.of(release, "ooh")
    raw_year = profile.get("pay_year")
    if raw_year is None or is_missing(raw_year):
        return Figure(NOT_PUBLISHED, "not_published", provenance=prov)
    year = int(raw_year)
    period = f"May {year}"
    suffix = f" ({year})"
    annual, hourly, status = (
        _num(profile, "median_pay_annual"),
        _num(profile, "median_pay_hourly"),
        profile.get("pay_status"),
    )
    more = " or more" if status == "top_coded" else ""
    kind = "top_coded" if status == "top_coded" else "published"
    if annual is not None:
        return Figure(f"{dollars(annual)}{more}{suffix}", kind, annual, "USD per year", period, prov, {"year": year})
    if hourly is not None:
        return _hourly_figure(hourly, status == "top_coded", year, period, prov)
    return Figure(NOT_PUBLISHED, "not_published", None, None, period, prov, {"year": year})


def similar_wage_figure(similar: Mapping[str, Any], release: Mapping[str, Any] | None) -> Figure:
    """The pay an OOH Similar Occupations row lists, when its profile is not in the warehouse."""
    raw_year = similar.get("pay_year")
    annual = _num(similar, "median_pay_annual")
    prov = Provenance.of(release, "ooh")
    if raw_year is None or is_missing(raw_year) or annual is None:
        return Figure(NOT_PUBLISHED, "not_published", provenance=prov)
    year = int(raw_year)
    if similar.get("pay_status") == "top_coded":
        return Figure(
            f"{dollars(annual)} or more ({year})",
            "top_coded",
            annual,
            "USD per year",
            f"May {year}",
            prov,
            {"year": year},
        )
    return Figure(
        f"{dollars(annual)} ({year})", "published", annual, "USD per year", f"May {year}", prov, {"year": year}
    )


# ---- outlook ---------------------------------------------------------------------------------


def outlook_text(whole: int, period: str) -> str:
    if whole < 0:
        return f"decline {abs(whole)}% ({period})"
    return f"{whole}% ({period})"


def outlook_figure(row: Mapping[str, Any] | None, release: Mapping[str, Any] | None) -> Figure:
    """The EP percent change, rounded half away from zero, with the period in full; a decline says so."""
    prov = Provenance.of(release, "projections")
    if not release:
        return Figure(NOT_LOADED, "not_loaded", provenance=prov)
    row = row or {}
    base, target = row.get("projection_base_year"), row.get("projection_target_year")
    period = (
        full_period(base, target)
        if not (is_missing(base) or is_missing(target))
        else full_period_from_cycle(release["release_id"])
    )
    change = _num(row, "projected_change_percent")
    if change is None:
        return Figure(NOT_PUBLISHED, "not_published", None, None, period, prov)
    return _change_figure(change, period, prov)


def ooh_outlook_figure(profile: Mapping[str, Any], release: Mapping[str, Any] | None) -> Figure:
    prov = Provenance.of(release, "ooh")
    change, cycle = _num(profile, "outlook_percent"), profile.get("outlook_period")
    if change is None or not cycle:
        return Figure(NOT_PUBLISHED, "not_published", provenance=prov)
    return _change_figure(change, full_period_from_cycle(cycle), prov)


def _change_figure(change: float, period: str, prov: Provenance) -> Figure:
    whole = round_half_away(change)
    extra = {"rounded": whole, "published_value": change}
    return Figure(outlook_text(whole, period), "published", change, "percent", period, prov, extra)


# ---- growth phrase ---------------------------------------------------------------------------

GROWTH_RULE = (
    "Derived from the projected change rounded to a whole percent (w) and the all-occupations average "
    "of the same cycle rounded the same way (A): Decline when w <= -1; Little or no change when w = 0; "
    "Slower than average when 1 <= w < A; As fast as average when A <= w <= A+1; Faster than average "
    "when A+2 <= w <= A+3; Much faster than average when w >= A+4. This reproduces every phrase of the "
    "2024-34 OOH (A = 3)."
)


def derive_growth_phrase(whole: int, average_whole: int) -> str:
    """BLS's outlook words for a whole-percent change, relative to the all-occupations average (GROWTH_RULE)."""
    if whole <= -1:
        return "Decline"
    if whole == 0:
        return "Little or no change"
    if whole < average_whole:
        return "Slower than average"
    if whole <= average_whole + 1:
        return "As fast as average"
    if whole <= average_whole + 3:
        return "Faster than average"
    return "Much faster than average"


def growth_clause(phrase: str) -> str | None:
    """The comparison words that follow the change in a sentence, or None for declines/no change."""
    return {
        "Much faster than average": "much faster than the average for all occupations",
        "Faster than average": "faster than the average for all occupations",
        "As fast as average": "about as fast as the average for all occupations",
        "Slower than average": "slower than the average for all occupations",
    }.get(phrase)
