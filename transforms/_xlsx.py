"""Workbook access through calamine, with every failure turned into a LayoutError."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import cast

import pandas as pd
import python_calamine as calamine

from transforms.errors import LayoutError

Cell = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


def as_bytes(data: bytes | Path | str) -> bytes:
    """The file's bytes: data is the content itself, or a path (a str is taken as a path)."""
    if isinstance(data, (str, os.PathLike)):
        return Path(data).read_bytes()
    return bytes(data)


def open_workbook(data: bytes, *, name: str) -> calamine.CalamineWorkbook:
    try:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, calamine.PasswordError, ValueError) as exc:
        raise LayoutError(file=name, expected="a readable .xlsx workbook", found=_reason(exc)) from exc


def sheet_rows(
    workbook: calamine.CalamineWorkbook, sheet: str, *, name: str, nrows: int | None = None
) -> list[list[Cell]]:
    """Cells of a sheet from A1, so that list index + 1 is the row number Excel shows."""
    try:
        # calamine's cells never hold None, a narrower type than Cell: list is invariant, hence the cast
        return cast(list[list[Cell]], workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=nrows))
    except (
        calamine.CalamineError,
        calamine.ZipError,
        calamine.XmlError,
        calamine.WorksheetNotFound,
        ValueError,
    ) as exc:
        raise LayoutError(file=name, sheet=sheet, expected="a readable worksheet", found=_reason(exc)) from exc


def cell_text(value: Cell) -> str:
    """A cell as the text a person sees in it (15 not 15.0), stripped; empty for a blank cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def rows_as_text_frame(rows: list[list[Cell]]) -> pd.DataFrame:
    """All cells as stripped text; the frame's index is the 0-based sheet row."""
    width = max((len(row) for row in rows), default=0)
    text = [[cell_text(cell) for cell in row] + [""] * (width - len(row)) for row in rows]
    return pd.DataFrame(text, dtype=str)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
