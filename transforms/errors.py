"""The one error type of the transforms package."""

from __future__ import annotations

from typing import Any


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
