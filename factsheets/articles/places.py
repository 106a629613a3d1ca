"""The states an article may give a figure for. The articles check and refresh national figures only: a figure
its sentence (or its table row) says of a state ("| California | $114,030 |", "In Texas, electricians earned
$56,000") is left as written, and the report says why."""

from __future__ import annotations

import re

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


def state_named(text: str, start: int, end: int) -> str | None:
    """The first state text[start:end] names, as written."""
    found = _STATE.search(text, start, end)
    return found[0] if found else None


__all__ = ["STATES", "state_named"]
