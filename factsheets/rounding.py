"""The whole percent BLS shows for a projected change (the rule is argued in factsheets/README.md).

BLS rounds the *unrounded* change to a whole percent (the OOH's projections tables and quick facts);
EP publishes the same change rounded to one decimal. The two agree except when EP's figure ends in .5:
12.5 is anything in [12.45, 12.55), which BLS shows as 12 or 13 depending on the unrounded value.

    1. the OOH prints the percent for the code (edition of the same cycle): that one ("ooh_table");
    2. EP's percent not ending in .5: rounded half away from zero; exact ("ep_percent");
    3. x.5: EP's employment figures are each within 50 persons of the unrounded ones (thousands with one
       decimal); when every change they allow lies on one side of x.5, that side ("ep_interval");
    4. otherwise EP's change over EP's base, compared with x.5 ("ep_estimate"; the sheet's JSON says so).
Against the 2024-34 OOH's outlook tables, rules 2-4 alone print 548 of 567 percents as the OOH does, and
every outlook of every sheet is the OOH's (tests/factsheets/test_sheet_audit.py: with a tie whose change EP
rounds to 0.0 thousand sent away from zero, 3 more of the 567 but 5 codes' quick facts wrong). The article
refresh (factsheets.articles) prints with the same rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HALF_UNIT = 50  # persons: EP rounds employment to a tenth of a thousand
TIE = 0.5


def round_half_away(value: float) -> int:
    """-6.5 is -7 (not Python's banker's round()); exact for the decimals BLS publishes."""
    if type(value) is float and value.is_integer():  # most figures: a publish rounds 30,000 of them
        return int(value)
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class WholePercent:
    value: int
    how: str  # one of ROUNDINGS


def whole_percent(
    percent: float,
    *,
    printed: float | None = None,
    base: int | None = None,
    target: int | None = None,
    change: int | None = None,
) -> WholePercent:
    """BLS's whole percent for EP's one-decimal `percent`; `printed`: the OOH's whole percent for the code;
    base, target, change: EP's employment figures in persons."""
    if printed is not None:
        return WholePercent(int(printed), "ooh_table")
    if not _is_tie(percent):
        return WholePercent(round_half_away(percent), "ep_percent")
    low, high = math.floor(percent), math.ceil(percent)
    away = high if percent > 0 else low
    if base is None or target is None or change is None or base <= 0:
        return WholePercent(away, "ep_estimate")
    span = change_span(base, target, change, percent)
    if span is not None and span[1] < percent:
        return WholePercent(low, "ep_interval")
    if span is not None and span[0] > percent:
        return WholePercent(high, "ep_interval")
    estimate = change / base * 100
    return WholePercent(low if estimate < percent else high if estimate > percent else away, "ep_estimate")


def _is_tie(percent: float) -> bool:
    return abs(abs(percent) - math.floor(abs(percent)) - TIE) < 1e-9


def change_span(base: int, target: int, change: int, percent: float) -> tuple[float, float] | None:
    """The smallest and largest percent change the unrounded figures can have: base, target and change
    each within HALF_UNIT of EP's, change = target - base, and within 0.05 of EP's percent. None when
    nothing fits (figures that are not EP's thousands)."""
    b_lo, b_hi = base - HALF_UNIT, base + HALF_UNIT
    found: list[float] = []
    # The unrounded (base, change) lie in a convex polygon (base's and change's ranges, and the band the
    # target's range cuts); change / base is linear-fractional, so its extremes are at the polygon's
    # vertices, whose bases are the ends of the base's range and where the change's bounds switch.
    kink = target - change
    for b in {min(max(x, b_lo), b_hi) for x in (b_lo, b_hi, kink, kink - 2 * HALF_UNIT, kink + 2 * HALF_UNIT)}:
        c_lo = max(change - HALF_UNIT, target - HALF_UNIT - b)
        c_hi = min(change + HALF_UNIT, target + HALF_UNIT - b)
        if b > 0 and c_lo <= c_hi:
            found += [c_lo / b * 100, c_hi / b * 100]
    if not found:
        return None
    low, high = max(min(found), percent - 0.05), min(max(found), percent + 0.05)
    return (low, high) if low <= high else None
