"""Find every figure in an article's text, and the years and periods that go with them.

Figures: money (`$61,410`, `$24.53 per hour`, the `$$44,200` typo, `$77.6K`, `77,600 dollars`), percents (`7%`, `28 percent`,
`-5%`, `7-percent`) and counts (`132,600 jobs`, `194,800`, `194.8 thousand`, `3.1 million`, `700 openings`). Percentile labels
(`top 10 percent`, `the lowest 10%`) name a measure and are not figures. Tokens: periods (`(2021-2031)`, `2021-31`,
`from 2021 to 2031`, `2016 to 2026`, `between 2021 and 2031`), target years (`by 2030`, `through 2031`)
and reference years (`(2021)`, `in May 2021`, `as of May 2014`, `reported in 2021`, `In 2021,`, `Number of Jobs, 2021`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from factsheets.articles.measures import DOLLARS, SCALES

_MONEY = r"(?P<dollars>\$+)[ \t]?(?P<m_int>\d{1,3}(?:,\d{3})+|\d+)(?P<m_cents>\.\d{2})?"
# "$77.6K", "$78k", "$77.6 thousand": a wage in thousands, as blogs and job boards write it
_MONEY_K = r"\$[ \t]?(?P<k_num>\d{1,3}(?:\.\d{1,2})?)(?P<k_scale>[kK]\b|[ \t]+thousand\b)"
_PERCENT = r"(?P<sign>[-−–+]?)(?P<p_num>\d+(?:\.\d+)?)(?P<p_unit>[ \t]?%|[ \t-](?:percent|per cent)\b)"  # "7-percent growth" too
# "77,600 dollars", "22.43 dollars per hour": money written with the word (its digits carry no $)
_MONEY_WORD = r"(?P<w_int>\d{1,3}(?:,\d{3})+|\d+)(?P<w_cents>\.\d{2})?[ \t]+(?P<w_unit>dollars)\b"
_COUNT = r"(?P<c_num>\d{1,3}(?:,\d{3})+|\d{5,})"
# as EP's tables count ("194.8 thousand") and articles write large counts ("3.1 million")
_THOUSANDS = r"(?P<t_num>\d{1,3}(?:\.\d{1,3})?)[ \t]+(?P<scale>thousand|million)\b"
# "about 700 openings a year", "1,500 new jobs" has its comma: a small number is a figure only before what EP counts
_SMALL_COUNT = r"(?P<s_num>\d{1,4})(?=[ \t]+(?:new[ \t]+|additional[ \t]+)?(?:job[ \t]+)?(?:openings|jobs|positions)\b)"
FIGURE = re.compile(
    rf"(?<![\w$.,]){_MONEY_K}"
    rf"|(?<![\w$.,]){_MONEY}(?![\d,.]?\d|[ \t]?(?:million|billion|thousand|[kKmMbB]\b))"
    rf"|(?<![\w.,$]){_PERCENT}"
    rf"|(?<![\w$.,\-−–]){_MONEY_WORD}"
    rf"|(?<![\w$.,\-−–]){_THOUSANDS}"
    rf"|(?<![\w$.,\-−–]){_SMALL_COUNT}"
    rf"|(?<![\w$.,\-−–]){_COUNT}(?![\d,.]?\d|[ \t]?(?:%|percent\b|per cent\b|million|billion))"
)
_ANY_DIGIT = re.compile(r"\d")
# "top 10 percent", "the lowest 10%", "bottom 25 percent": a measure's name, not a figure.
_PERCENTILE_LABEL = re.compile(
    r"\b(?:top|highest|upper|lowest|bottom|lower|middle)(?:[\s-](?:paid|earning))?(?:\s+the)?\s*$", re.I
)  # "the highest-paid 10 percent" too

_YEAR = r"(?:19|20)\d{2}"
_YEAR_ONLY = re.compile(_YEAR)
_HAS_YEAR = re.compile(rf"\b{_YEAR}\b")
_RANGE = re.compile(
    rf"(?P<lead>\b(?i:from|between)\s+)?\b(?P<a>{_YEAR})(?P<sep>[ \t]?[-–—][ \t]?|\s+(?:to|through|and)\s+)"
    rf"(?P<b>{_YEAR}|\d{{2}})\b(?![-–—]\d)"
)
_TARGET = re.compile(rf"\b(?i:by|through|until)\s+(?:the\s+year\s+)?(?P<y>{_YEAR})\b")  # "By 2031, ..." too
_YEARS = re.compile(
    rf"\((?:May\s+)?(?P<p>{_YEAR})\)"
    rf"|\b(?i:in|as\s+of|for|during|of|from)\s+(?P<m1>May\s+)?(?P<i>{_YEAR})\b"  # "In 2021, ..." too
    rf"|\b(?P<m2>May\s+)(?P<may>{_YEAR})\b"
    rf"|\b(?P<d>{_YEAR})(?=\s+(?:(?:BLS|OEWS|EP)\s+)?(?i:median|mean|average|data|figures|estimates|survey|report|statistics|numbers|wages?|salar(?:y|ies)|pay)\b)"
    rf"|\b(?i:jobs|employment|pay|wages?),\s+(?P<c>{_YEAR})\b"  # the OOH's "Number of Jobs, 2024"
)


@dataclass(frozen=True)
class Figure:
    index: int
    kind: str  # money | percent | count
    start: int
    end: int
    text: str
    value: float  # signed when the figure carries its sign (-5%)
    decimals: int
    comma: bool
    signed: bool = False  # written with + or -
    # percent: '%' or 'percent'; money: '$', '$$' or 'dollars', or its scale ('K', ' thousand') as written;
    # count: 'thousand', 'million' or ''
    unit: str = ""
    number_start: int = 0  # the digits (and sign) a refresh replaces
    number_end: int = 0


@dataclass(frozen=True)
class Token:
    """A year or span of years in the prose ("May 2021", "2024-34", "by 2034"): what binds it to a release, and
    the digits a refresh replaces."""

    kind: str  # period | target | year
    start: int
    text: str
    years: tuple[int, ...]
    year_spans: tuple[tuple[int, int], ...]  # the digits of each year, to replace them in place
    may: bool = False  # "May 2021": an OEWS reference period

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def find_figures(text: str, start: int = 0, end: int | None = None, *, first_index: int = 0) -> list[Figure]:
    """The figures of text[start:end], numbered from first_index."""
    end = len(text) if end is None else end
    figures: list[Figure] = []
    if not _ANY_DIGIT.search(text, start, end):
        return figures
    for match in FIGURE.finditer(text, start, end):
        kind = (
            "money" if match["m_int"] or match["k_num"] or match["w_int"] else "percent" if match["p_num"] else "count"
        )
        if match["k_num"]:  # the unit is the scale as written: the refresh writes the new figure in it
            number = match["k_num"]
            figure = Figure(
                first_index + len(figures), kind, match.start(), match.end(), match[0],
                float(Decimal(number).scaleb(3)), len(number.partition(".")[2]), False, unit=match["k_scale"],
                number_start=match.start(), number_end=match.end("k_num"),
            )  # fmt: skip
        elif match["t_num"]:
            number, scale = match["t_num"], match["scale"]
            figure = Figure(
                first_index + len(figures), kind, match.start(), match.end(), match[0],
                float(Decimal(number).scaleb(SCALES[scale])), len(number.partition(".")[2]), False, unit=scale,
                number_start=match.start(), number_end=match.end("t_num"),
            )  # fmt: skip
        elif match["w_int"]:
            digits = match["w_int"] + (match["w_cents"] or "")
            if _YEAR_ONLY.fullmatch(digits):  # "in constant 2021 dollars"
                continue
            figure = Figure(
                first_index + len(figures), kind, match.start(), match.end(), match[0], _number(digits),
                2 if match["w_cents"] else 0, "," in digits, unit=DOLLARS,
                number_start=match.start(), number_end=match.start("w_unit") - 1,
            )  # fmt: skip
        elif kind == "money":
            digits = match["m_int"] + (match["m_cents"] or "")
            figure = Figure(
                first_index + len(figures), kind, match.start(), match.end(), match[0], _number(digits),
                2 if match["m_cents"] else 0, "," in digits, unit=match["dollars"],
                number_start=match.start(), number_end=match.end(),
            )  # fmt: skip
        elif kind == "percent":
            if _PERCENTILE_LABEL.search(text, max(start, match.start() - 24), match.start()):
                continue
            sign = match["sign"]
            value = _number(match["p_num"]) * (-1 if sign and sign != "+" else 1)
            decimals = len(match["p_num"].partition(".")[2])
            unit = "%" if "%" in match["p_unit"] else "percent"
            figure = Figure(
                first_index + len(figures), kind, match.start(), match.end(), match[0], value, decimals, False,
                signed=bool(sign), unit=unit, number_start=match.start(), number_end=match.start("p_unit"),
            )  # fmt: skip
        else:
            digits = match["c_num"] or match["s_num"]
            if _YEAR_ONLY.fullmatch(digits):
                continue
            # "700" says nothing of the article's thousands separator: a refresh writes BLS's "1,100"
            comma = "," in digits or len(digits) <= 3
            figure = Figure(
                first_index + len(figures), kind, match.start(), match.end(), match[0], _number(digits), 0,
                comma, number_start=match.start(), number_end=match.end(),
            )  # fmt: skip
        figures.append(figure)
    return figures


def _full_year(a: int, b_text: str) -> int | None:
    b = int(b_text)
    if len(b_text) == 2:
        b += a - a % 100
        if b <= a:
            b += 100
    return b if 0 < b - a <= 20 else None


def find_tokens(text: str, start: int, end: int, figures: list[Figure]) -> list[Token]:
    """Year and period tokens of one sentence, outside the figures; a period's years are not also years."""
    tokens: list[Token] = []
    if not _HAS_YEAR.search(text, start, end):
        return tokens
    taken = [(f.start, f.end) for f in figures]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for match in _RANGE.finditer(text, start, end):
        if not free(match.start(), match.end()):
            continue
        lead, sep = (match["lead"] or "").strip().lower(), match["sep"].strip().lower()
        if (sep == "and") != (lead == "between"):
            continue
        a = int(match["a"])
        b = _full_year(a, match["b"])
        if b is None:
            continue
        tokens.append(Token("period", match.start(), match[0], (a, b), (match.span("a"), match.span("b"))))
        taken.append(match.span())
    for match in _TARGET.finditer(text, start, end):
        if free(*match.span()):
            tokens.append(Token("target", match.start(), match[0], (int(match["y"]),), (match.span("y"),)))
            taken.append(match.span())
    for match in _YEARS.finditer(text, start, end):
        if not free(*match.span()):
            continue
        group = next(g for g in ("p", "i", "may", "d", "c") if match[g])
        may = bool(match["m1"] or match["m2"]) or "May" in match[0]
        tokens.append(Token("year", match.start(), match[0], (int(match[group]),), (match.span(group),), may))
        taken.append(match.span())
    return sorted(tokens, key=lambda t: t.start)
