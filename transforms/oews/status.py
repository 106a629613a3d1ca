"""Why an OEWS figure is missing, or what it bounds: the status rules of both OEWS forms, written once.

The national zip and the flat files say the same things with different marks. The zip writes `*`
(wage not available), `**` (employment not available) and `#` (at or above the top code), and flags
occupations paid only by the year or only by the hour in its ANNUAL and HOURLY columns. The flat
files write `-` and give the reason as a footnote: 4 (hourly or annual only), 5 (top-coded) and
8 (not released); they keep `*` and `**`. Each reader turns its cells into `Cells` (numpy arrays,
one element per figure); `statuses` applies the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from transforms.vocabulary import ANNUAL_MEASURES, HOURLY_MEASURES, MEASURES, OEWS_STATUSES

__all__ = ["STATUS_CODES", "Cells", "Mark", "TopCode", "measure_kinds", "statuses", "zip_top_code"]

STATUS_CODES: dict[str, int] = {status: code for code, status in enumerate(OEWS_STATUSES)}


class Mark(IntEnum):
    """What stands in a cell instead of a number."""

    NONE = 0  # a number, or an empty cell
    DASH = 1  # '-' (flat files: the footnote says why)
    STAR = 2  # '*' wage not available
    STARS = 3  # '**' employment not available
    HASH = 4  # '#' at or above the top code (zip)


MARKS: dict[str, Mark] = {"-": Mark.DASH, "*": Mark.STAR, "**": Mark.STARS, "#": Mark.HASH}


@dataclass(frozen=True)
class TopCode:
    """The published lower bounds behind a top-coded wage."""

    hourly: float
    annual: float


def zip_top_code(year: int) -> TopCode:
    # BLS raised the top code with the May 2022 estimates; it stopped top-coding in May 2025.
    return TopCode(115.0, 239_200.0) if year >= 2022 else TopCode(100.0, 208_000.0)


@dataclass(frozen=True)
class Cells:
    """A form's cells as the signals the rules read; every array has one element per figure."""

    number: np.ndarray  # float64, NaN where the cell holds no number
    mark: np.ndarray  # Mark codes
    reasoned: np.ndarray  # the mark whose reason the signals below give ('-' flat; '*' or '#' zip)
    top_coded: np.ndarray  # footnote 5 / '#'
    only_annual: np.ndarray  # the occupation has annual wages only (footnote 4 / ANNUAL = TRUE)
    only_hourly: np.ndarray  # the occupation has hourly wages only (footnote 4 / HOURLY = TRUE)
    not_released: np.ndarray  # footnote 8
    hourly: np.ndarray  # the figure is an hourly wage
    annual: np.ndarray  # the figure is an annual wage


_HOURLY = np.array([m in HOURLY_MEASURES for m in MEASURES])
_ANNUAL = np.array([m in ANNUAL_MEASURES for m in MEASURES])


def measure_kinds(measure_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hourly, annual) masks of figures given as indexes into MEASURES."""
    return _HOURLY[measure_index], _ANNUAL[measure_index]


def statuses(cells: Cells) -> np.ndarray:
    """int8 codes into OEWS_STATUSES; -1 where no rule explains the cell (the reader names it)."""
    number = np.isfinite(cells.number)
    wage = cells.hourly | cells.annual
    reasoned = cells.reasoned & ~number
    rules = [
        (number & cells.top_coded & wage, "top_coded"),  # a figure at the top code, written out
        (number, "published"),
        (reasoned & cells.not_released, "not_released"),
        (reasoned & cells.top_coded & wage, "top_coded"),  # the bound goes in as the value
        (reasoned & cells.only_annual & cells.hourly, "annual_only"),
        (reasoned & cells.only_hourly & cells.annual, "hourly_only"),
        (~number & (cells.mark == Mark.STAR), "wage_not_available"),
        (~number & (cells.mark == Mark.STARS), "employment_not_available"),
    ]
    return np.select([r for r, _ in rules], [STATUS_CODES[s] for _, s in rules], default=-1).astype(np.int8)


def values(cells: Cells, status: np.ndarray, top_code: TopCode) -> np.ndarray:
    """The figure's value: the number, the top code's bound where a top-coded cell has none, else NaN."""
    number = np.where(np.isfinite(cells.number), cells.number, np.nan)
    bound = (status == STATUS_CODES["top_coded"]) & np.isnan(number)
    return np.where(bound, np.where(cells.hourly, top_code.hourly, top_code.annual), number)
