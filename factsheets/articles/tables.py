"""Pipe tables (Markdown's, and HTML tables, which html_text lays out as one): a figure in a cell is measured
and dated by its column's header as well as by its row.

    | Occupation                  | Median pay (May 2021) | Job growth, 2021-31 |
    |-----------------------------|-----------------------|---------------------|
    | Medical records specialists | $46,660               | 7%                  |

The row names the occupation (it is the figure's sentence); the header cell "Median pay (May 2021)" says the
figure is a median wage of May 2021, and its year is the one a refresh moves (once for the whole column, and
only when every figure of the column moves the same way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROW = re.compile(r"^[ \t]*\|")
_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_CELL_BAR = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class HeaderCell:
    start: int
    end: int
    text: str


def _line(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The cells of a row, as spans between its bars (a leading and a trailing bar are optional)."""
    bars = [m.start() for m in _CELL_BAR.finditer(text, start, end)]
    edges = [start - 1, *bars, end] if text[start:end].lstrip()[:1] != "|" else [*bars, end]
    spans = [(a + 1, b) for a, b in zip(edges, edges[1:], strict=False)]
    if spans and not text[spans[-1][0] : spans[-1][1]].strip():
        spans.pop()  # after the trailing bar
    return spans


def column_header(text: str, pos: int) -> HeaderCell | None:
    """The header cell of the column holding text[pos], when pos is in a body row of a pipe table."""
    return _header_cell(text, pos, first=False)


def row_header(text: str, pos: int) -> HeaderCell | None:
    """The header cell of the table's first column ("Industry", "State"): what its rows are."""
    return _header_cell(text, pos, first=True)


def _header_cell(text: str, pos: int, *, first: bool) -> HeaderCell | None:
    line_start, line_end = _line(text, pos)
    if not _ROW.match(text[line_start:line_end]) or _DELIMITER.match(text[line_start:line_end]):
        return None
    delimiter = None
    cursor = line_start
    while cursor > 0:  # up through the table's rows to its delimiter row; the header is the line above it
        above_start, above_end = _line(text, cursor - 1)
        row = text[above_start:above_end]
        if _DELIMITER.match(row):
            delimiter = above_start
            break
        if not _ROW.match(row):
            return None
        cursor = above_start
    if delimiter is None or delimiter == 0:
        return None
    header_start, header_end = _line(text, delimiter - 1)
    column = 0 if first else sum(1 for a, _ in _cells(text, line_start, line_end) if a <= pos) - 1
    header = _cells(text, header_start, header_end)
    if not 0 <= column < len(header):
        return None
    start, end = header[column]
    return HeaderCell(start, end, text[start:end].strip())
