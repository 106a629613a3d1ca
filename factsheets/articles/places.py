"""The states, metropolitan areas and industries an article may give a figure for. The articles check and refresh
national, cross-industry figures only: a figure its sentence (or its table row) says of a state ("| California |
$114,030 |", "In Texas, electricians earned $56,000"), a metropolitan area ("In San Francisco, ...") or an industry
("| Offices of physicians | $43,270 |", "In hospitals, ...", a table whose rows are industries) is left as written,
and the report says why."""

from __future__ import annotations

import re
from collections.abc import Iterable

STATES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
    "District of Columbia", "Florida", "Georgia", "Guam", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
    "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
    "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico",
    "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Puerto Rico",
    "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont",
    "Virgin Islands", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming",
)  # fmt: skip
_STATE = re.compile(r"\b(?:" + "|".join(sorted(STATES, key=len, reverse=True)) + r")\b")
# The principal cities of the largest metropolitan areas OEWS publishes, as articles name them ("In San Francisco,
# software developers earn ..."), and words for any metro area; a false match only leaves a national figure as written.
CITIES = (
    "New York City", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio", "San Diego",
    "Dallas", "Fort Worth", "San Jose", "Austin", "Jacksonville", "Columbus", "Charlotte", "San Francisco",
    "Oakland", "Indianapolis", "Seattle", "Denver", "Boston", "El Paso", "Nashville", "Detroit", "Oklahoma City",
    "Portland", "Las Vegas", "Memphis", "Louisville", "Baltimore", "Milwaukee", "Albuquerque", "Tucson", "Fresno",
    "Sacramento", "Kansas City", "Atlanta", "Miami", "Raleigh", "Omaha", "Minneapolis", "St. Louis", "Tampa",
    "Orlando", "Pittsburgh", "Cincinnati", "Cleveland", "Salt Lake City", "Honolulu", "Richmond", "Buffalo",
    "Hartford", "Providence", "Birmingham", "New Orleans", "Riverside", "Silicon Valley", "Bay Area",
)  # fmt: skip
_CITY = re.compile(
    r"\b(?:" + "|".join(re.escape(c) for c in sorted(CITIES, key=len, reverse=True)) + r")\b"
    r"|\b(?:this|the|that|each|a|its)\s+(?:\w+\s+){0,3}?(?:non)?metro(?:politan)?\s+area\b",
    re.I,
)


# OEWS's industries as articles name them (a false match only leaves a national figure as written)
_INDUSTRY = re.compile(
    r"\b(?:[Ii]ndustr(?:y|ies)|[Hh]ospitals?|[Oo]ffices of|(?:[Ff]ederal|[Ss]tate|[Ll]ocal) government|"
    r"[Mm]anufacturing|(?:[Rr]etail|[Ww]holesale) trade|[Ee]mployment services|[Ii]nsurance carriers|"
    r"[Nn]ursing and residential care|[Oo]utpatient care|[Hh]ome health care services|[Ee]lementary and secondary "
    r"schools|[Cc]olleges, universities)\b"
)
_ROWS_NOT_NATIONAL = re.compile(
    r"\b(?:industr(?:y|ies)|employers?|sectors?|states?|areas?|metro\w*|cit(?:y|ies))\b", re.I
)


def not_national(
    text: str, start: int, end: int, rows: str | None = None, names: Iterable[tuple[int, int]] = ()
) -> str | None:
    """Why the figure in text[start:end] (its sentence or table row) is not a national, cross-industry one;
    `rows`: the header of its table's first column; `names`: the spans of occupations' names, whose words say
    nothing of a place ("Sales representatives, wholesale and manufacturing"). None when nothing says so."""
    spans = list(names)

    def outside(pattern: re.Pattern[str]) -> str | None:
        found = (m for m in pattern.finditer(text, start, end) if not any(a <= m.start() < b for a, b in spans))
        return next((m[0] for m in found), None)

    if state := outside(_STATE):
        return f"its sentence gives it for {state}"
    if city := outside(_CITY):
        return f"its sentence gives it for a metropolitan area ('{city}')"
    if industry := outside(_INDUSTRY):
        return f"its sentence gives it for an industry ('{industry}')"
    if rows and _ROWS_NOT_NATIONAL.search(rows):
        return f"its table's rows are '{rows}'"
    return None


__all__ = ["CITIES", "STATES", "not_national"]
