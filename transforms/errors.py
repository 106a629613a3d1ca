"""The one error type of the transforms package, and the check that raises it for a flagged row."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


class LayoutError(ValueError):
    """A source file whose layout or content is not what the reader expects.

    The message points a person at the cell to look at: file, sheet, row (as Excel
    shows it; for text files the 1-based line number), column, what was expected
    and what was found.
    """

    def __init__(
        self,
        *,
        file: str,
        expected: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        found: str | None = None,
    ) -> None:
        self.file = file
        self.expected = expected
        self.sheet = sheet
        self.row = row
        self.column = column
        self.found = found
        super().__init__(self._message())

    def _message(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            # Text files have lines, not rows; say what the user will look for.
            where.append(f"row {self.row}" if self.sheet is not None else f"line {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = f"{', '.join(where)}: expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found!r}"
        return text

    def fields(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "expected": self.expected,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "found": self.found,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # The keyword-only constructor defeats the default exception pickling, and
        # orchestrators pickle exceptions across process boundaries.
        return (_rebuild_layout_error, (self.fields(),))


def _rebuild_layout_error(fields: dict[str, Any]) -> LayoutError:
    return LayoutError(**fields)


def fail_first(
    frame: pd.DataFrame,
    bad: pd.Series,
    column: Hashable,
    expected: str,
    *,
    file: str,
    sheet: str | None = None,
    header: str | None = None,
) -> None:
    """Raise for the first row `bad` flags in a frame that carries "source_row" (the row or line of the
    file); `header` is the column as the file names it, where that differs from the frame's name."""
    if not bad.any():
        return
    position = int(bad.to_numpy().argmax())
    raise LayoutError(
        file=file,
        sheet=sheet,
        row=int(frame["source_row"].iloc[position]),
        column=str(column) if header is None else header,
        expected=expected,
        found=str(frame[column].iloc[position]),
    )
