"""How BLS figures read in a sheet: money, percents, periods, growth phrases, and words for what BLS
did not publish. Pure functions of the warehouse's typed rows; no I/O.

Never "$nan", "None%" or an empty cell: every reading either carries a number or says in words why
there is none — NOT_PUBLISHED when the release is loaded but BLS published no figure for the
occupation, NOT_LOADED when the warehouse holds no release of that program for the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from factsheets.rounding import WholePercent, round_half_away, whole_percent
from warehouse.sheet_queries import OewsRow, ProfileRow, ProjectionRow, QuickFacts, ReleaseRow, SimilarRow

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


def dollars(amount: float, *, cents: bool = False) -> str:
    if cents:
        return f"${Decimal(str(amount)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
    return f"${round_half_away(amount):,}"


def count(value: float) -> str:
    return f"{round_half_away(value):,}"


def long_date(day: date) -> str:
    """November 30, 2026: how a reader reads a date."""
    return f"{day:%B} {day.day}, {day.year}"


def full_period(base_year: int, target_year: int) -> str:
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
    """Where a figure came from: the program, its release and the raw file (or OOH page) it was read from."""

    program: str  # oews | projections | ooh | config
    release: str | None = None
    period: str | None = None
    source_url: str | None = None
    fetched_at: str | None = None
    sha256: str | None = None

    @classmethod
    def of(cls, release: ReleaseRow | None, program: str) -> Provenance:
        return _release_provenance(release, program)

    @classmethod
    def _of(cls, release: ReleaseRow | None, program: str) -> Provenance:
        if release is None:
            return cls(program=program)
        return cls(
            program, release.release_id, release.period, release.source_url, _iso(release.fetched_at), release.sha256
        )

    @classmethod
    def of_page(cls, profile: ProfileRow, release: ReleaseRow | None) -> Provenance:
        """An OOH profile's words and figures: the page itself (URL, fetch time, sha256 of its bytes)."""
        page = profile.page
        period = release.period if release is not None else None
        if page is None:  # an edition loaded before pages were recorded: the page's URL, no fetch record
            return cls("ooh", profile.edition, period, profile.url)
        return cls("ooh", profile.edition, period, page.url, _iso(page.fetched_at), page.sha256)

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


@lru_cache(maxsize=64)  # one per release and program in a run: every figure of it shares it
def _release_provenance(release: ReleaseRow | None, program: str) -> Provenance:
    return Provenance._of(release, program)


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


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

    @property
    def whole(self) -> int:
        """An outlook's whole percent as BLS shows it."""
        return int(self.extra["rounded"])

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "period": self.period,
            **self.extra,
            "provenance": self.provenance.as_json() if self.provenance else None,
        }


# ---- median salary ---------------------------------------------------------------------------


def wage_figure(oews: OewsRow | None, release: ReleaseRow | None) -> Figure:
    """The OEWS national median with its year: annual; "or more" when top-coded; hourly when BLS
    publishes only an hourly wage; words when neither (or when no OEWS release is loaded)."""
    prov = Provenance.of(release, "oews")
    if release is None:
        return Figure(NOT_LOADED, "not_loaded", provenance=prov)
    year, period = release.reference_year, release.period
    annual = oews.annual["median"] if oews else None
    hourly = oews.hourly["median"] if oews else None
    if annual is not None and annual.shown and annual.value is not None:
        return _annual_figure(annual.value, annual.status == "top_coded", year, period, prov)
    if hourly is not None and hourly.shown and hourly.value is not None:
        return _hourly_figure(hourly.value, hourly.status == "top_coded", year, period, prov)
    return Figure(NOT_PUBLISHED, "not_published", None, None, period, prov, {"year": year})


def _annual_figure(annual: float, top_coded: bool, year: int, period: str, prov: Provenance, **extra) -> Figure:
    more = " or more" if top_coded else ""
    status = "top_coded" if top_coded else "published"
    info = {"year": year, **({"lower_bound": True} if top_coded else {}), **extra}
    return Figure(f"{dollars(annual)}{more} ({year})", status, annual, "USD per year", period, prov, info)


def _hourly_figure(hourly: float, top_coded: bool, year: int, period: str, prov: Provenance, **extra) -> Figure:
    """BLS publishes only an hourly wage for the occupation (actors, musicians)."""
    more = " or more" if top_coded else ""
    text = f"{dollars(hourly, cents=True)} per hour{more} ({year})"
    info = {"year": year, "lower_bound": top_coded, **extra}
    return Figure(text, "hourly_only", hourly, "USD per hour", period, prov, info)


def ooh_wage_figure(facts: QuickFacts | None, prov: Provenance) -> Figure:
    """The OOH quick facts' median pay, for an occupation the OEWS release has no single code for
    (a profile of several codes): the OOH's own year, which the sheet says."""
    if facts is None:
        return Figure(NOT_PUBLISHED, "not_published", provenance=prov)
    year, period = facts.pay_year, f"May {facts.pay_year}"
    top = facts.pay_status == "top_coded"
    if facts.median_pay_annual is not None:
        return _annual_figure(facts.median_pay_annual, top, year, period, prov, source="ooh")
    if facts.median_pay_hourly is not None:
        return _hourly_figure(facts.median_pay_hourly, top, year, period, prov, source="ooh")
    return Figure(NOT_PUBLISHED, "not_published", None, None, period, prov, {"year": year})


def similar_wage_figure(similar: SimilarRow, prov: Provenance) -> Figure:
    """The pay an OOH Similar Occupations row lists, when nothing names its occupation's code."""
    if similar.pay_year is None or similar.median_pay_annual is None:
        return Figure(NOT_PUBLISHED, "not_published", provenance=prov)
    year = similar.pay_year
    top = similar.pay_status == "top_coded"
    return _annual_figure(similar.median_pay_annual, top, year, f"May {year}", prov, source="ooh")


# ---- outlook ---------------------------------------------------------------------------------


def outlook_text(whole: int, period: str) -> str:
    if whole < 0:
        return f"decline {abs(whole)}% ({period})"
    return f"{whole}% ({period})"


def bls_whole(projection: ProjectionRow) -> WholePercent | None:
    """The whole percent BLS shows for an EP projection (factsheets.rounding)."""
    if projection.change_percent is None:
        return None
    return whole_percent(
        projection.change_percent,
        printed=projection.ooh_percent,
        base=projection.employment_base,
        target=projection.employment_target,
        change=projection.change_numeric,
    )


def outlook_figure(projection: ProjectionRow | None, release: ReleaseRow | None) -> Figure:
    """The EP percent change as the whole percent BLS shows, with the period in full; a decline says so."""
    prov = Provenance.of(release, "projections")
    if release is None:
        return Figure(NOT_LOADED, "not_loaded", provenance=prov)
    if projection is None:
        period = full_period_from_cycle(release.release_id)
        if not release.complete:  # only part of BLS's table is loaded: the whole table may well have this code
            return Figure(NOT_LOADED, "not_loaded", None, None, period, prov)
        return Figure(NOT_PUBLISHED, "not_published", None, None, period, prov)
    period = full_period(projection.base_year, projection.target_year)
    whole = bls_whole(projection)
    if whole is None or projection.change_percent is None:
        return Figure(NOT_PUBLISHED, "not_published", None, None, period, prov)
    return _change_figure(projection.change_percent, whole, period, prov)


def ooh_outlook_figure(facts: QuickFacts | None, prov: Provenance) -> Figure:
    """The OOH quick facts' whole percent, for a profile the EP release has no single line for."""
    if facts is None:
        return Figure(NOT_PUBLISHED, "not_published", provenance=prov)
    whole = WholePercent(int(facts.outlook_percent), "ooh_quick_facts")
    return _change_figure(facts.outlook_percent, whole, full_period_from_cycle(facts.outlook_period), prov)


def _change_figure(change: float, whole: WholePercent, period: str, prov: Provenance) -> Figure:
    extra = {"rounded": whole.value, "rounding": whole.how, "published_value": change}
    return Figure(outlook_text(whole.value, period), "published", change, "percent", period, prov, extra)


# ---- growth phrase ---------------------------------------------------------------------------

GROWTH_RULE = (
    "Derived from the projected change as the whole percent BLS shows (w) and the all-occupations "
    "average of the same cycle (A): Decline when w <= -1; Little or no change when w = 0; "
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
