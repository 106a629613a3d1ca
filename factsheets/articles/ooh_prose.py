"""Figures an OOH profile prints only in its own sentences, which no table of the warehouse holds: its
openings ("about 102,200 openings for financial clerks are projected each year") and, where its pay
section prints one pair, its wage percentiles ("the lowest 10 percent earned less than $36,200, and the
highest 10 percent earned more than $71,330"). For a profile of several codes these are the profile's own
(EP's 43-3000 projects 278,600 openings; the OOH's 9 financial clerks, 102,200). A pay section printing
several pairs prints them per detailed occupation, which OEWS holds; they are left to it.
"""

from __future__ import annotations

import re

SECTIONS = ("job_outlook", "pay")

_COUNT = r"((?>[0-9]{1,3}(?:,[0-9]{3})*))(?![0-9])"  # atomic: "$14.25" is never read as "$1"
_OPENINGS = re.compile(rf"\babout {_COUNT} openings for\b", re.IGNORECASE)
# Whole dollars a year; an hourly figure has cents or says so ("$17.50 per hour").
_LOWEST = re.compile(rf"\blowest 10 percent earned less than \${_COUNT}(?![.,][0-9]| per hour| an hour)", re.IGNORECASE)
_HIGHEST = re.compile(
    rf"\bhighest 10 percent earned more than \${_COUNT}(?![.,][0-9]| per hour| an hour)", re.IGNORECASE
)


def profile_figures(texts: dict[str, str]) -> tuple[int | None, int | None, int | None]:
    """(openings, annual p10, annual p90) from a profile's sections (SECTIONS): only what it prints once."""
    openings = set(_OPENINGS.findall(texts.get("job_outlook", "")))
    pay = texts.get("pay", "")
    lowest, highest = _LOWEST.findall(pay), _HIGHEST.findall(pay)
    pair = len(lowest) == 1 and len(highest) == 1
    return (
        _number(openings.pop()) if len(openings) == 1 else None,
        _number(lowest[0]) if pair else None,
        _number(highest[0]) if pair else None,
    )


def _number(text: str) -> int:
    return int(text.replace(",", ""))
