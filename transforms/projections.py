"""Employment Projections: the occupation workbook's worker-characteristics table, and query-tool CSVs.

The sheet is found by its content and the columns by the loose header patterns of
transforms.projections_layout, which also yield the projection years. The workbook's table also
links each occupation to its Occupational Outlook Handbook profile (since 2023-33): those links are
EP's own output, the `ep_ooh_links` table (transforms.ep_ooh_links reads them).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine as calamine

from transforms import errors
from transforms._xlsx import as_bytes, cell_text, open_workbook, rows_as_text_frame, sheet_rows
from transforms.ep_ooh_links import read_ooh_links
from transforms.errors import LayoutError
from transforms.projections_layout import Layout, Source, is_header_row, joined_headers, layout, normalize_header
from transforms.release import Release, whole
from transforms.schemas import PROJECTIONS, validate
from transforms.soc import normalize_soc_series, soc_levels

__all__ = ["COLUMNS", "read_occupation_workbook", "read_projections_csv"]

COLUMNS: list[str] = [
    "cycle",
    "base_year",
    "target_year",
    "soc_code",
    "title",
    "occupation_type",
    "level",
    "employment_base",
    "employment_target",
    "change_numeric",
    "change_percent",
    "self_employed_pct",
    "openings_annual",
    "median_wage",
    "median_wage_status",
    "education",
    "work_experience",
    "training",
]

# Cells that say "no figure": the workbook's em dash, the query tool's N/A.
_NOT_AVAILABLE = frozenset({"—", "–", "N/A", "n/a", "NA"})
_NUMBER = r"[-+]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?(?:[eE][-+]?\d+)?"
_TOP_CODED_WAGE = re.compile(r"^(?:>=|≥)\s*\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")


def _release(layout: Layout, tables: dict[str, pd.DataFrame]) -> Release:
    """An EP release: named by its cycle ('2024-34'), written out as BLS does ('2024-2034')."""
    period = f"{layout.base_year}-{layout.target_year}"
    return Release(
        "projections", layout.cycle, period, layout.base_year, {table: whole(f) for table, f in tables.items()}
    )


# --------------------------------------------------------------------------- workbook


def read_occupation_workbook(data: bytes | Path, *, name: str) -> Release:
    """The EP occupation.xlsx worker-characteristics table (Table 1.2, or 1.7 before 2023-33).

    Tables: `projections` (one row per occupation) and, when the table links the OOH, `ep_ooh_links`."""
    raw = as_bytes(data)
    workbook = open_workbook(raw, name=name)
    sheet, header_rows = _find_characteristics_sheet(workbook, name=name)
    source = Source(name, sheet)
    rows = sheet_rows(workbook, sheet, name=name)
    table = rows_as_text_frame(rows)
    first, last = header_rows[0], header_rows[-1]
    title = " ".join(" ".join(table.iloc[i]) for i in range(first))
    headers = joined_headers(_filled_header_rows(table, header_rows, workbook.get_sheet_by_name(sheet)))
    shape = layout(headers, title=title, header_row=first + 1, source=source, csv=False)
    body = table.iloc[last + 1 :]
    body.columns = range(body.shape[1])
    body = _table_body(body, shape)
    body = body.assign(source_row=body.index + 1)  # 0-based sheet row -> Excel row
    frame = _occupations(body.reset_index(drop=True), shape, source=source)
    tables = {"projections": frame}
    if "ooh_link" in shape.columns:
        tables["ep_ooh_links"] = read_ooh_links(
            raw,
            frame,
            body["source_row"].to_numpy(),
            column=shape.columns["ooh_link"],
            header=shape.header("ooh_link"),
            source=source,
        )
    return _release(shape, tables)


def _find_characteristics_sheet(workbook: calamine.CalamineWorkbook, *, name: str) -> tuple[str, list[int]]:
    """The sheet holding the worker-characteristics table, found by its content, and its header rows.

    Several sheets share the "Matrix code" header; only this table also has the education
    column, and its title names worker characteristics. In 2023-33 an empty "Table 1.7" says
    the table moved, so names alone would mislead.
    """
    best: tuple[int, str, list[int]] | None = None
    for sheet in workbook.sheet_names:
        rows = [[cell_text(cell) for cell in row] for row in sheet_rows(workbook, sheet, name=name, nrows=15)]
        for index, row in enumerate(rows):
            if not is_header_row(row):
                continue
            title = " ".join(cell for above in rows[:index] for cell in above if cell).lower()
            employment = any(re.match(r"^employment,? \d{4}$", normalize_header(c)) for c in row)
            score = 2 * ("worker characteristics" in title) + employment
            header_rows = [index, index + 1] if _is_second_header_row(rows, index) else [index]
            if best is None or score > best[0]:
                best = (score, sheet, header_rows)
            break
    if best is None:
        raise LayoutError(
            file=name,
            expected="a sheet with the occupational projections and worker characteristics table "
            "(a header row with 'Matrix code' and 'Typical education needed for entry')",
            found=f"sheets {', '.join(workbook.sheet_names)}",
        )
    return best[1], best[2]


def _is_second_header_row(rows: list[list[str]], index: int) -> bool:
    """The row under the header continues it (years, Number, Percent) when it holds no occupation code."""
    if index + 1 >= len(rows) or not any(rows[index + 1]):
        return False
    return normalize_soc_series(pd.Series(rows[index + 1], dtype=str)).isna().all()


def _filled_header_rows(table: pd.DataFrame, header_rows: list[int], sheet: calamine.CalamineSheet) -> list[list[str]]:
    """The header rows with every merged cell's text in each cell it covers."""
    rows = {i: list(table.iloc[i]) for i in header_rows}
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
        if top in rows:
            text = rows[top][left]
            for i in range(top, bottom + 1):
                for j in range(left, right + 1):
                    if i in rows and j < len(rows[i]):
                        rows[i][j] = text
    return [rows[i] for i in header_rows]


def _table_body(body: pd.DataFrame, shape: Layout) -> pd.DataFrame:
    """Data rows up to the footnotes: the first row with a blank code, or a Footnotes/Source/Note line."""
    code = body[shape.columns["code"]]
    first = body.iloc[:, 0]
    end = code.eq("") | first.str.match(r"(?i)^\s*(footnotes?|source|note)\b")
    if end.any():
        body = body.iloc[: end.to_numpy().argmax()]
    return body


# --------------------------------------------------------------------------- query-tool CSV


def read_projections_csv(data: bytes | Path, *, name: str) -> Release:
    """An EP query-tool CSV export (occupationProj_*.csv): table `projections`, as from the workbook.

    The export lists the matrix line items only, and has no self-employment column (left null).
    """
    text = _decode(as_bytes(data))
    source = Source(name, None)
    try:
        table = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LayoutError(
            file=name, expected="a comma-separated table with a header row", found=str(exc).strip()
        ) from exc
    headers = [str(h).strip() for h in table.columns]
    table.columns = range(len(headers))
    table = table.apply(lambda column: column.str.strip())
    shape = layout(headers, title="", header_row=1, source=source, csv=True)
    cells = list(table.columns)
    table = table.assign(source_row=np.arange(2, len(table) + 2))  # header is line 1
    table = table[table[cells].ne("").any(axis=1)]
    title_column = shape.columns["title"]
    # The query tool appends example job titles: "Actors    * Actor Understudy* Actress".
    table[title_column] = table[title_column].str.replace(r"\s*\*.*$", "", regex=True).str.strip()
    body = _table_body(table, shape)
    # The query tool exports the matrix line items only (the 2021-31 export is exactly the
    # workbook's 832 line items), so the type it does not state is known.
    frame = _occupations(body.reset_index(drop=True), shape, source=source, occupation_type="Line item")
    return _release(shape, {"projections": frame})


def _decode(raw: bytes) -> str:
    # The exports are UTF-8 with stray marks; cp1252 keeps an odd legacy file readable.
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


# --------------------------------------------------------------------------- the table's cells


def _occupations(
    body: pd.DataFrame, layout: Layout, *, source: Source, occupation_type: str | None = None
) -> pd.DataFrame:
    """The tidy frame from the table body; body carries "source_row" for error messages.

    occupation_type fills that column when the table has none.
    """
    column = layout.columns

    def cells(key: str) -> pd.Series | None:
        return body[column[key]] if key in column else None

    def fail_first(bad: pd.Series, key: str, expected: str) -> None:
        errors.fail_first(
            body, bad, column[key], expected, file=source.file, sheet=source.sheet, header=layout.header(key)
        )

    soc = normalize_soc_series(body[column["code"]])
    fail_first(soc.isna(), "code", "an SOC code like 29-2072")

    def numbers(key: str, *, optional_cells: bool) -> pd.Series:
        raw = cells(key)
        if raw is None:
            return pd.Series(np.nan, index=body.index, dtype="float64")
        missing = raw.isin(_NOT_AVAILABLE)
        well_formed = raw.str.fullmatch(_NUMBER)
        allowed = well_formed | missing if optional_cells else well_formed
        fail_first(~allowed, key, "a number or '—'" if optional_cells else "a number")
        digits = raw.where(well_formed).str.replace(",", "", regex=False)
        return pd.to_numeric(digits, errors="coerce").astype("float64")

    def persons(key: str, *, optional_cells: bool = False) -> pd.Series:
        # Tables are in thousands with one decimal: 194.8 -> 194800; rounding absorbs float fuzz.
        return (numbers(key, optional_cells=optional_cells) * 1000).round().astype("Int64")

    def categories(key: str, default: str | None = None) -> pd.Series:
        raw = cells(key)
        if raw is None:
            return pd.Series(np.nan if default is None else default, index=body.index, dtype=str)
        # "None" is a real category (no experience or training needed); only the dash means missing.
        return raw.where(~(raw.isin(_NOT_AVAILABLE) | raw.eq(""))).astype(str)

    wage_cells = cells("median_wage")
    if wage_cells is None:
        wage = pd.Series(np.nan, index=body.index, dtype="float64")
        wage_status = pd.Series("not_available", index=body.index, dtype=str)
    else:
        wage, wage_status = _median_wages(wage_cells)
        fail_first(wage_status.eq(""), "median_wage", "a wage, a top code like '>=$239,200', or '—'")
    frame = pd.DataFrame(
        {
            "cycle": layout.cycle,
            "base_year": np.int64(layout.base_year),
            "target_year": np.int64(layout.target_year),
            "soc_code": soc,
            "title": body[column["title"]].str.strip(),
            "occupation_type": categories("occupation_type", occupation_type),
            "level": soc_levels(soc),
            "employment_base": persons("employment_base"),
            "employment_target": persons("employment_target"),
            "change_numeric": persons("change_numeric"),
            "change_percent": numbers("change_percent", optional_cells=False),
            "self_employed_pct": numbers("self_employed_pct", optional_cells=True),
            "openings_annual": persons("openings_annual")
            if "openings_annual" in column
            else pd.array([pd.NA] * len(body), dtype="Int64"),
            "median_wage": wage,
            "median_wage_status": wage_status,
            "education": categories("education"),
            "work_experience": categories("work_experience"),
            "training": categories("training"),
        },
        index=body.index,
    )
    frame = frame.astype({"cycle": str, "soc_code": str, "title": str, "level": str, "median_wage_status": str})
    return validate(
        frame[COLUMNS].reset_index(drop=True),
        PROJECTIONS,
        file=source.file,
        sheet=source.sheet,
        source_rows=body["source_row"].to_numpy(),
    )


def _median_wages(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Median wage and its status: a number, '>=$239,200' (top-coded at that bound) or a dash.

    The status is empty where the cell is none of these.
    """
    plain = raw.str.fullmatch(_NUMBER)
    bound = raw.str.extract(_TOP_CODED_WAGE)
    top_coded = bound[0].notna()
    missing = raw.isin(_NOT_AVAILABLE)
    bound_value = pd.to_numeric(bound[0].str.replace(",", "", regex=False) + bound[1].fillna(""), errors="coerce")
    value = pd.to_numeric(raw.where(plain).str.replace(",", "", regex=False), errors="coerce").astype("float64")
    value = value.where(~top_coded, bound_value).astype("float64")
    status = pd.Series(
        np.select([plain, top_coded, missing], ["published", "top_coded", "not_available"], default=""),
        index=raw.index,
        dtype=str,
    )
    return value, status
