"""The words around a figure that say what it measures: a wage's statistic and unit ("median annual wage",
"$24.53 per hour", "the top 10 percent earned more than"), a percent's projection ("grow 7%", "job outlook"),
a count's kind ("14,200 openings", "13,800 new jobs", "194,800 jobs in 2024", "by 2034")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

from factsheets.articles.find import Figure, Token
from factsheets.articles.measures import wage_measure

if TYPE_CHECKING:
    from factsheets.articles.bind import Binding

_HIGH, _LOW = "top|highest|upper", "lowest|bottom|lower"
_ABOUT = r"(?:(?:about|roughly|nearly|almost|approximately|around|some)\s+)?"  # "about 13,400"
_MOVES = r"(?:increas|decreas|ris|grow|grew|declin|drop|fall|fell|expand|shrink|climb|jump)\w*"  # "will increase"


def _percentile(words: str, share: int, nth: str) -> re.Pattern[str]:
    """A percentile as articles name it: "top 10 percent", "the highest-paid 10%", "90th percentile", "the bottom
    quarter", "the top tenth"."""
    part = "quarter" if share == 25 else "tenth"
    return re.compile(
        rf"\b(?:{words})(?:[\s-](?:paid|earning))?\s+(?:the\s+)?(?:{share}\s?(?:%|percent)|{part}\b)|\b{nth}\s+percentile",
        re.I,
    )


_STATISTICS = [
    ("p90", _percentile(_HIGH, 10, "90th")),
    ("p10", _percentile(_LOW, 10, "10th")),
    ("p75", _percentile(_HIGH, 25, "75th")),
    ("p25", _percentile(_LOW, 25, "25th")),
    # "the middle 50 percent earned between $38,000 and $60,000": the first is the 25th percentile (paired_measure:
    # the second, the 75th)
    ("p25", re.compile(r"\bmiddle\s+(?:50\s?(?:%|percent)|half)\b[^.$]*?\bbetween\b", re.I)),
    # "half of all medical records specialists earned more than $51,140": what the median is
    (
        "median",
        re.compile(r"\bmedian\b|\bhalf\b[^.$]*\b(?:earned|earn|earns|made|make|makes)\s+(?:more|less)\s+than\b", re.I),
    ),
    ("mean", re.compile(r"\b(?:mean|average)\b", re.I)),
]
_HOURLY_AFTER = re.compile(r"^\W{0,3}(?:per|an|a|each|/)\s?(?:hour|hr)\b|^\s*hourly\b", re.I)
_HOURLY_BEFORE = re.compile(r"\bhourly\b|\bper hour\b|\ban hour\b", re.I)
_ANNUAL = re.compile(r"\bannual(?:ly)?\b|\bper year\b|\ba year\b|\byearly\b|\bsalar(?:y|ies)\b", re.I)
_PROJECTION = re.compile(
    r"\b(?:grow(?:s|th|ing|n)?|grew|increas(?:e|es|ed|ing)|declin(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|change|"
    r"outlook|project(?:s|ed|ion|ions)?|expan(?:d|ds|ded|ding|sion)|ris(?:e|es|ing)|rose|fall(?:s|ing)?|fell|"
    r"drop(?:s|ped|ping)?|shrink(?:s|ing)?|contract(?:s|ed|ing)?)\b",
    re.I,
)

_ADDED = r"(?:(?:will|would|to)\s+be\s+|are\s+|were\s+)?(?:added|created)\b"  # "(jobs) will be added"
# "13,400 more jobs", "13,400 additional workers", "13,400 jobs will be added"
_NEW_JOBS_AFTER = re.compile(
    rf"^\s*(?:(?:new|additional|more|extra)\s+(?:jobs|positions|workers|employees)\b|(?:new\s+)?(?:jobs|positions)\s+{_ADDED})",
    re.I,
)
_OPENINGS_AFTER = re.compile(r"^\s*(?:job\s+)?openings\b", re.I)
# "each year, roughly 14,900 positions will open up", "14,900 jobs will need to be filled each year": openings, when
# the sentence says they come every year
_WILL = r"(?:will\s+|are\s+expected\s+to\s+|should\s+)?(?:need\s+to\s+)?"
_OPEN_UP_AFTER = re.compile(
    rf"^\s*(?:jobs|positions)\s+{_WILL}(?:open|become\s+(?:open|available)|(?:to\s+)?be\s+filled)\b", re.I
)
_YEARLY = re.compile(r"\b(?:(?:each|every|per|a)\s+year|annually)\b", re.I)
_JOBS_AFTER = re.compile(r"^\s*(?:jobs|positions|workers|people|employees|persons)\b", re.I)
_ADDS = r"(?:add(?:s|ed|ing)?|creat(?:e|es|ed|ing)|gain(?:s|ed|ing)?|los(?:e|es|ing))"  # "will add", "create"
_CHANGE_BEFORE = re.compile(rf"\b(?:{_ADDS}|employment change|change in employment)\b[^.]*$", re.I)
# "New jobs: 50,200", "additional positions: 4,000"
_NEW_JOBS_BEFORE = re.compile(rf"\b(?:new|additional)\s+(?:jobs|positions)\b\W{{0,3}}{_ABOUT}$", re.I)
# "an increase of 46,400 jobs", "a decline of 3,900", "growth of about 13,800 jobs"
_CHANGE_OF_BEFORE = re.compile(rf"\b(?:increase|decrease|rise|growth|decline|drop|gain|loss)\s+of\s+{_ABOUT}$", re.I)
# "expected to increase by 411,400", "to decline by about 3,900", "will increase 13,400": a count right after the
# verb is the change
_CHANGE_BY_BEFORE = re.compile(rf"\b{_MOVES}\s+(?:by\s+)?{_ABOUT}$", re.I)
# "employment should climb to 199,800 in 2031", "is projected to employ 198,700 in 2031": the count a change ends at
_TO_TARGET_BEFORE = re.compile(rf"\b(?:{_MOVES}\s+to|(?:will|to)\s+employ)\s+{_ABOUT}$", re.I)
# "| Projected employment, 2031 |" (a column's header): the count the decade ends at (not "projected employment change")
_PROJECTED_EMPLOYMENT_BEFORE = re.compile(r"\bprojected\s+employment\b(?!\s+change)", re.I)
_OPENINGS_BEFORE = re.compile(r"\bopenings\b[^.]*$", re.I)
# Not "workers": it ends occupations' names ("| Healthcare social workers | 68,090 |", a wage table's row);
# nor the industry "Employment services" ("| Employment services | 58,650 |", the same table by industry).
_JOBS_BEFORE = re.compile(r"\b(?:employment(?!\s+services)|employed|jobs|held)\b[^.]*$", re.I)
# "3,130,600 registered nurses employed in the U.S.", "194,900 dental hygienists in the United States": the
# occupation's name between the count and "employed" (or "working", or "in the United States")
# (one clause: no comma, no conjunction or relative pronoun between the count and "employed")
_EMPLOYED_AFTER = re.compile(
    r"^\s*(?:(?!(?:and|or|but|while|who|which|that)\b)[a-z][\w'-]*\s+){1,5}(?:(?:were|are|was|is)\s+)?"
    r"(?P<word>employed|working|in\s+the\s+(?:United\s+States|U\.S\.|nation|country))(?!\w)",
    re.I,
)


# "There were about 186,400 medical records specialists in 2021": the workers of the occupation named after it
_THERE_WERE_BEFORE = re.compile(rf"\bthere\s+(?:were|are|was|is|will\s+be)\s+{_ABOUT}$", re.I)


def last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007 (the last one is wanted)
        pass
    return found


# A statistic named right after a wage is that wage's: "(median)", "(10th percentile)", "at the median",
# "per hour on average", "for the top 10%" (not "(the average was ...)"); said right after the wage before, that one's.
_OWN_LEAD = re.compile(
    r"\s*(?:(?:(?:per|an|a)\s+(?:hour|year)|annually|hourly|yearly)\s*)?(?:,\s*)?"
    r"(?:(?P<paren>\(\s*)|(?:for|among|at|on)\s+(?:the\s+)?)",
    re.I,
)
_CLOSE = re.compile(r"\s*\)")


def own_statistic(words: str) -> tuple[str, re.Match[str]] | None:
    """The statistic `words` (what follows a wage) start with, and its match."""
    lead = _OWN_LEAD.match(words)
    if lead is None:
        return None
    for statistic, pattern in _STATISTICS:
        found = pattern.match(words, lead.end())
        if found and (not lead["paren"] or _CLOSE.match(words, found.end())):
            return statistic, found
    return None


def money_measures(figure: Figure, left: str, right: str, *, after_wage: bool = False) -> tuple[tuple[str, ...], str]:
    """`after_wage`: `left` starts right after another wage (the words there may be that wage's statistic)."""
    hourly = bool(_HOURLY_AFTER.search(right) or _HOURLY_BEFORE.search(left[-60:])) or (
        figure.decimals == 2 and figure.value < 1000 and not _ANNUAL.search(right[:20])
    )
    best: tuple[int, str, str] | None = None
    if own := own_statistic(right):
        best = (0, own[0], own[1][0])
    else:
        if after_wage and (previous := own_statistic(left)):
            left = left[previous[1].end() :]
        for statistic, pattern in _STATISTICS:
            found = last_match(pattern, left)
            if found and (best is None or found.end() > best[0]):
                best = (found.end(), statistic, found[0])
    if best is None:
        for statistic, pattern in _STATISTICS:
            found = pattern.search(right[:40])
            if found:
                best = (0, statistic, found[0])
                break
    unit = "hourly" if hourly else "annual"
    if best is None:
        return (
            wage_measure("median", hourly),
            wage_measure("mean", hourly),
        ), f"{unit} wage; the text says neither median nor mean"
    return (wage_measure(best[1], hourly),), f"'{best[2]}' ({unit})"


def carry_statistic(binding: Binding, earlier: str | None, statistic_of: dict[int, str], paragraph: int) -> None:
    """A wage whose words name neither median nor mean takes the one an earlier sentence of its paragraph named for
    its wage ("... earned a median of $48,310 in May 2021. Light truck drivers earned $38,280."); a wage whose
    median or mean is settled passes it on (statistic_of: paragraph -> the last one)."""
    chosen = tuple(m for m in binding.measures if earlier and m.endswith(f"_{earlier}"))
    if len(binding.measures) == 2 and len(chosen) == 1:
        said = binding.measure_evidence.split(";")[0]
        binding.measures, binding.measure_evidence = (
            chosen,
            f"{said}; '{earlier}' of an earlier sentence of its paragraph",
        )
    statistic = binding.measures[0].rpartition("_")[2] if len(binding.measures) == 1 else None
    if statistic in ("median", "mean"):
        statistic_of[paragraph] = statistic


# "$50,970, or $24.50 per hour", "$46,660 per year ($22.43 per hour)", "$22.43 an hour, or about $46,660 a year",
# "$77,600 in 2021, or about $37.31 an hour", "$46,660 in May 2021, about $22.43 per hour", and the OOH's quick
# facts: "$77,600 per year $37.31 per hour"
_UNIT = r"(?:(?:per|a|an|each)\s+(?:year|hour)|annually|hourly|yearly)"
_EQUIVALENT = re.compile(
    rf"^\s*(?:{_UNIT}?(?:\s*(?:in|as\s+of)\s+(?:May\s+)?\d{{4}})?"
    r"\s*(?:,\s*or|,?\s*\(|or|—|–|,)"
    rf"\s*(?:about|roughly|around|nearly|almost|approximately)?|{_UNIT}(?:\s*<br\s*/?>)?)\s*$",
    re.I,
)


_RANGE_TO = re.compile(
    r"^\s*(?:(?:jobs|positions|workers)\s+)?(?:in\s+\d{4}\s*,?\s*)?to\s+(?:about\s+|around\s+|nearly\s+|almost\s+|roughly\s+|more\s+than\s+)?$",
    re.I,
)


# "grow 7 percent, or 13,400 jobs", "grow 7% (13,400 jobs)": the same change in jobs
# "7 percent, or 13,400 jobs", "6% over the next ten years, or about 136,400 jobs"
_SAME_CHANGE = re.compile(
    rf"^\s*(?:(?:over|in|during|through)\s[^,.;:$%\d]{{0,40}}?)?(?:,\s*or|\(|—|–)\s*{_ABOUT}$", re.I
)
_FROM_AFTER_CHANGE = re.compile(rf"^\s*(?:,|—|–)?\s*from\s+{_ABOUT}$", re.I)  # "fall 11 percent, from 147,400 to ..."


_AND = re.compile(r"\s*and\s+$", re.I)  # "between $38,000 and $60,000"


class _Previous(Protocol):
    figure: Figure
    measures: tuple[str, ...]


def paired_measure(
    figure: Figure, measures: tuple[str, ...], previous: _Previous, *, between: str
) -> tuple[tuple[str, ...], str] | None:
    """What a figure is by the figure before it in its sentence: the projected employment after 'to' ("from 186,400
    in 2021 to 199,800 in 2031": else the sentence would be refreshed by half), the change in jobs beside a percent
    change ("7 percent, or 13,400 jobs"), the 75th percentile after the 25th ("between $37,510 and $60,170"), or the
    same statistic as the wage before it on the other basis, the employment a change starts from ("fall 11 percent,
    from 147,400 to 131,200"); None when the figure before says nothing of it."""
    if (
        measures in ((), ("employment_base",))
        and figure.kind == "count"
        and previous.measures == ("change_percent",)
        and _SAME_CHANGE.match(between)
    ):
        return ("change_numeric",), f"the change in jobs beside the {previous.figure.text} before it"
    if measures == () and figure.kind == "count" and previous.measures == ("change_percent",):
        if _FROM_AFTER_CHANGE.match(between):  # and the figure after 'to' is the target (below)
            return ("employment_base",), f"'from' after the {previous.figure.text} change"
        return None
    # "from 186,400 jobs to 199,800 jobs": the second says "jobs" as the first does, and is the target
    if measures in ((), ("employment_base",)) and figure.kind == "count" and previous.measures == ("employment_base",):
        if _RANGE_TO.match(between):
            return ("employment_target",), f"'to' after {previous.figure.text}, the base year's employment"
        return None
    if len(measures) == 2 and previous.measures in (("annual_p25",), ("hourly_p25",)) and _AND.match(between):
        return (previous.measures[0].replace("p25", "p75"),), f"'and' after {previous.figure.text}, the 25th percentile"
    return equivalent_wage(measures, previous.measures, between)


def equivalent_wage(
    measures: tuple[str, ...], previous: tuple[str, ...], between: str
) -> tuple[tuple[str, ...], str] | None:
    """A wage that names no statistic, written as the other basis of the wage just before it ("a mean annual
    wage of $50,970, or $24.50 per hour"), is the same statistic: (its measure, the evidence), else None."""
    if len(measures) != 2 or len(previous) != 1 or not _EQUIVALENT.match(between):
        return None
    basis, (previous_basis, _, statistic) = measures[0].split("_")[0], previous[0].partition("_")
    if previous_basis not in ("annual", "hourly") or previous_basis == basis:
        return None
    return (f"{basis}_{statistic}",), f"the {basis} equivalent of the {previous[0].replace('_', ' ')} before it"


# "faster than the national average of 3%", "compared with 3% for all occupations"
_AVERAGE_BEFORE = re.compile(
    r"\b(?:national|overall)\s+average(?:\s+(?:growth\s+)?rate)?\s*(?:of|is|was|at|:)?\s*(?:about\s+|around\s+)?$", re.I
)
_ALL_AFTER = re.compile(r"^\s*(?:for|across)\s+all\s+occupations\b", re.I)


def average_of_all(left: str, right: str) -> str | None:
    """The words that make a percent the projected change of all occupations, the average an occupation's is
    compared with; None when there are none."""
    found = _AVERAGE_BEFORE.search(left[-60:]) or _ALL_AFTER.search(right)
    return " ".join(found[0].split()) if found else None


# A change its sentence puts in the past, with no word of the years ahead ("grew 5% last year", "over the past decade,
# employment increased 15%"), or a change of something else ("wages rose 4%", "job postings rose 12 percent", "their
# median pay rose 3.5 percent between May 2022 and May 2023"): not EP's projected change.
_PAST = re.compile(
    r"\b(?:grew|rose|increased|decreased|declined|fell|dropped|jumped|climbed|shrank|expanded|saw|"
    r"(?:has|have|had)\s+(?:grown|risen|increased|decreased|declined|fallen|dropped|expanded)|last\s+year|"
    r"past\s+(?:decade|year|\d+\s+years)|since\s+(?:19|20)\d\d)\b",
    re.I,
)
_AHEAD = re.compile(
    r"\b(?:will|would|projected|projects?|projections?|expected|expects?|forecasts?|outlook|anticipated|next|coming|"
    r"through|by\s+(?:19|20)\d\d|(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d|from\s+(?:19|20)\d\d\s+to)\b",
    re.I,
)
# the last subject named before the percent: "wages rose 4%", but "median pay is $51,140 and employment will grow 7%"
_SUBJECT = re.compile(
    r"\b(?:(?P<what>wages?|pay|salar(?:y|ies)|earnings|income|postings|applications)|employment|jobs?|occupations?|"
    r"workers)\b",
    re.I,
)


def not_projected(sentence: str, left: str) -> str | None:
    """Why a percent its words call a change is not EP's projected change of employment; None when it may be."""
    clause = re.split(r"[,;:]", left[-80:])[-1]  # "$37,190 median pay, 16% growth": the pay is the wage's
    subject = last_match(_SUBJECT, clause)
    if subject is not None and subject["what"]:
        return f"a change in {subject['what'].lower()}: BLS projects employment"
    if (past := _PAST.search(sentence)) and not _AHEAD.search(sentence):
        return f"a change in the past ('{past[0]}'): BLS projects the decade ahead"
    return None


def percent_measures(left: str, right: str, has_period: bool) -> tuple[tuple[str, ...], str]:
    found = last_match(_PROJECTION, left) or _PROJECTION.search(right[:40])
    if found:
        return ("change_percent",), f"'{found[0]}'"
    if has_period:
        return ("change_percent",), "a projection period"
    return (), "no words say what the percent measures"


# "up 16,700 jobs", "down by 3,900": a change; "208,200 projected for 2033": the projected employment
UP_DOWN_BEFORE = re.compile(rf"\b(?P<word>up|down)\s+(?:by\s+)?{_ABOUT}$", re.I)
_PROJECTED_AFTER = re.compile(r"^\s*(?:jobs\s+)?(?:are\s+|is\s+)?projected\s+(?:for|in|by)\b", re.I)


# "add 2,700 jobs per year": a yearly share of a change, which BLS does not publish (openings a year it does)
_PER_YEAR_AFTER = re.compile(
    r"^\s*(?:(?:new|additional)\s+)?(?:jobs\s+|positions\s+|workers\s+)?(?:(?:per|a|each)\s+year\b(?!\s+ago)|annually\b)",
    re.I,
)


def count_measures(left: str, right: str, token: Token | None) -> tuple[tuple[str, ...], str]:
    measures, evidence = _count_measures(left, right, token)
    if measures and measures != ("openings_annual",) and _PER_YEAR_AFTER.search(right):
        return (), f"{evidence}, per year: BLS publishes no such yearly figure (openings a year it does)"
    return measures, evidence


def _count_measures(left: str, right: str, token: Token | None) -> tuple[tuple[str, ...], str]:
    if new_jobs := _NEW_JOBS_AFTER.search(right) or _NEW_JOBS_BEFORE.search(left[-40:]):
        return ("change_numeric",), f"'{new_jobs[0].strip()}'"
    if up_down := UP_DOWN_BEFORE.search(left[-30:]):
        return ("change_numeric",), f"'{up_down['word']}'"
    if projected := _PROJECTED_AFTER.search(right):
        return ("employment_target",), f"'{' '.join(projected[0].split())}'"
    if to := _TO_TARGET_BEFORE.search(left[-40:]):
        return ("employment_target",), f"'{' '.join(to[0].split())}'"
    if _OPENINGS_AFTER.search(right) or _OPENINGS_BEFORE.search(left[-80:]):
        return ("openings_annual",), "'openings'"
    if (open_up := _OPEN_UP_AFTER.search(right)) and (_YEARLY.search(left[-80:]) or _YEARLY.search(right)):
        return ("openings_annual",), f"'{' '.join(open_up[0].split()[-2:])}' every year"
    if change := (
        _CHANGE_BEFORE.search(left[-60:])
        or _CHANGE_OF_BEFORE.search(left[-40:])
        or _CHANGE_BY_BEFORE.search(left[-40:])
    ):
        return ("change_numeric",), f"'{change[0].split()[0]}'"
    if projected := _PROJECTED_EMPLOYMENT_BEFORE.search(left[-80:]):
        return ("employment_target",), f"'{projected[0]}'"
    if jobs := _JOBS_AFTER.search(right) or _JOBS_BEFORE.search(left[-80:]):
        words = f"'{jobs[0].split()[0]}'"
    elif employed := _EMPLOYED_AFTER.search(right):
        words = f"'{employed['word']}'"
    elif there := _THERE_WERE_BEFORE.search(left[-40:]):
        words = f"'{' '.join(there[0].split()[:2])}'"
    else:
        return (), "no words say what the number counts"
    if token is not None and token.kind == "target":
        return ("employment_target",), f"{words} and '{token.text}'"
    if token is not None and token.may:
        return ("employment",), f"{words} in '{token.text}' (OEWS)"
    return ("employment_base",), f"{words} (EP base-year employment)"


# "$74,370 more than the median for all workers", "5 percent below the national average": a gap, not a figure (not
# "13,400 more jobs", nor "$48,470, higher than the $46,310 median")
_GAP_AFTER = re.compile(
    r"\s*(?:(?:per|a|an)\s+(?:year|hour)\s+|annually\s+|hourly\s+)?"
    r"((?:more|less|higher|lower|greater|smaller)\s+than|above|below)\b",
    re.I,
)


def gap_between(figure_text: str, right: str) -> str | None:
    """Why a figure followed by a comparative is no figure BLS publishes but the gap between two; None otherwise."""
    found = _GAP_AFTER.match(right)
    if found is None:
        return None
    return f"'{figure_text} {found[1]}' is a gap between two figures, which BLS does not publish: check it by hand"
