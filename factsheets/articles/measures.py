"""What a figure can measure, where BLS publishes it, and how BLS prints it.

OEWS measures keep the warehouse's names (`annual_median`, `hourly_mean`, `employment`, ...); the
EP measures are the `projections` columns (`change_percent`, `employment_base`, ...). A sidecar
names measures with the same words.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from factsheets.rounding import whole_percent
from transforms.vocabulary import MEASURES as OEWS_DATATYPES

OEWS = "oews"
EP = "projections"

_WAGE_STATS = ("median", "mean", "p10", "p25", "p75", "p90")
ANNUAL_WAGES = tuple(f"annual_{s}" for s in _WAGE_STATS)
HOURLY_WAGES = tuple(f"hourly_{s}" for s in _WAGE_STATS)
OEWS_MEASURES = (*ANNUAL_WAGES, *HOURLY_WAGES, "employment")
EP_MEASURES = ("change_percent", "change_numeric", "employment_base", "employment_target", "openings_annual")
MEASURES = (*OEWS_MEASURES, *EP_MEASURES)

MEASURE_SOURCE = {**dict.fromkeys(OEWS_MEASURES, OEWS), **dict.fromkeys(EP_MEASURES, EP)}
MEASURE_KIND = {
    **dict.fromkeys(ANNUAL_WAGES + HOURLY_WAGES, "money"),
    **dict.fromkeys(
        ("employment", "change_numeric", "employment_base", "employment_target", "openings_annual"), "count"
    ),
    "change_percent": "percent",
}
_STAT_WORDS = {
    "median": "median",
    "mean": "mean",
    "p10": "10th percentile",
    "p25": "25th percentile",
    "p75": "75th percentile",
    "p90": "90th percentile",
}
MEASURE_LABELS = {
    **{f"annual_{s}": f"{w} annual wage" for s, w in _STAT_WORDS.items()},
    **{f"hourly_{s}": f"{w} hourly wage" for s, w in _STAT_WORDS.items()},
    "employment": "employment (OEWS)",
    "change_percent": "projected employment change, percent",
    "change_numeric": "projected employment change, jobs",
    "employment_base": "employment in the base year (EP)",
    "employment_target": "projected employment in the target year (EP)",
    "openings_annual": "projected openings per year",
    "outlook_words": "projected change compared with the average",  # words, not a figure (outlook.py)
}
OUTLOOK_WORDS = "outlook_words"
ALL_OCCUPATIONS = "00-0000"  # the EP line and the OEWS code of the whole economy
# The OEWS series id's datatype code (01..17, as the flat files number them).
OEWS_DATATYPE = {measure: f"{code:02d}" for code, measure in enumerate(OEWS_DATATYPES, start=1)}
EP_COLUMNS = {
    "change_percent": "Employment change, percent",
    "change_numeric": "Employment change, numeric",
    "employment_base": "Employment, base year",
    "employment_target": "Employment, projected",
    "openings_annual": "Occupational openings, annual average",
}


def is_measure(name: str) -> bool:
    return name in MEASURE_SOURCE


def round_half_away(value: float | Decimal) -> int:
    """BLS rounds half away from zero (-6.5% prints as -7%), unlike Python's round()."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _ratio_percent(change_numeric: int | None, employment_base: int | None) -> int | None:
    if change_numeric is None or not employment_base:
        return None
    return round_half_away(Decimal(int(change_numeric)) / Decimal(int(employment_base)) * 100)


def whole_percent_printed(
    change_numeric: int | None,
    employment_base: int | None,
    change_percent: float | None,
    ooh_printed: float | None = None,
    employment_target: int | None = None,
) -> int | None:
    """The whole percent BLS prints for an EP change, by the rule the sheets print it with
    (factsheets.rounding.whole_percent): the OOH's own figure when the warehouse holds the OOH edition of the
    cycle, else the one-decimal percent rounded half away from zero, a tie at .5 settled by EP's employment
    figures. Against the 2024-34 OOH, without its figures, that prints 548 of 567 outlook-table percents right
    (rounding the one-decimal percent alone: 532; the employment ratio alone: 508), and the sheets' outlooks
    match every OOH quick fact."""
    if ooh_printed is not None:
        return int(ooh_printed)
    if change_percent is None:
        return _ratio_percent(change_numeric, employment_base)
    if employment_target is None and employment_base is not None and change_numeric is not None:
        employment_target = employment_base + change_numeric
    return whole_percent(change_percent, base=employment_base, target=employment_target, change=change_numeric).value


def accepted_percents(
    change_numeric: int | None,
    employment_base: int | None,
    change_percent: float | None,
    decimals: int,
    ooh_printed: float | None = None,
    employment_target: int | None = None,
) -> set[float]:
    """Every way BLS's own rounding prints this change: the one-decimal percent EP publishes; as a whole
    percent, the OOH's figure, the rounding of the one-decimal percent, the rounding of the change over
    base employment (in thousands with one decimal, as EP publishes them), and the whole percent our sheets
    print (whole_percent_printed: a tie at .5 settled by EP's employment figures, 2.5% -> 2% for 19-3092)."""
    if change_percent is None:
        return set()
    if decimals >= 1:
        return {round(float(change_percent), 1)}
    candidates = {
        round_half_away(change_percent),
        _ratio_percent(change_numeric, employment_base),
        ooh_printed,
        whole_percent_printed(change_numeric, employment_base, change_percent, ooh_printed, employment_target),
    }
    return {float(c) for c in candidates if c is not None}


def oews_series_id(soc: str, measure: str) -> str:
    """The national, cross-industry OEWS series: OEU + N + area 0000000 + industry 000000 + SOC + datatype."""
    return f"OEUN0000000000000{soc.replace('-', '')}{OEWS_DATATYPE[measure]}"


def series_label(source: str, soc: str, measure: str) -> str:
    if source == OEWS:
        return oews_series_id(soc, measure)
    return f"National Employment Matrix {soc}: {EP_COLUMNS[measure]}"


def wage_measure(statistic: str, hourly: bool) -> str:
    return f"{'hourly' if hourly else 'annual'}_{statistic}"


DOLLARS = "dollars"  # the unit of money written with the word: "77,600 dollars"


def money_text(value: float, *, cents: bool, comma: bool, unit: str = "$") -> str:
    """BLS's dollars as the article writes them: "$77,600", or "77,600" before the word (unit DOLLARS)."""
    symbol = "" if unit == DOLLARS else "$"
    if cents:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{symbol}{amount:,}" if comma else f"{symbol}{amount}"
    whole = round_half_away(value)
    return f"{symbol}{whole:,}" if comma else f"{symbol}{whole}"


SCALES = {"thousand": 3, "million": 6}  # a count written with its scale: "194.8 thousand", "3.1 million"


def in_thousands(unit: str) -> bool:
    """A money figure written in thousands ("$77.6K", "$77.6 thousand"): its unit is the scale as written."""
    return unit.strip() in ("K", "k", "thousand")


def thousands_text(value: float, decimals: int) -> str:
    """'$97.6', the dollars of a wage in thousands to `decimals` places (BLS's $97,550 is '$97.6' K)."""
    return "$" + count_text(value, comma=False, scale="thousand", decimals=decimals)


def count_text(value: float, *, comma: bool, scale: str = "", decimals: int = 0) -> str:
    """'194,800' or '194800'; in a scale of SCALES with `decimals`, as EP's tables count ('194.8' thousand)
    or articles write large counts ('3.1' million)."""
    if scale:
        scaled = Decimal(str(value)).scaleb(-SCALES[scale])
        return str(scaled.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    whole = round_half_away(value)
    return f"{whole:,}" if comma else str(whole)
