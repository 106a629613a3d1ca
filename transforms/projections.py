"""Employment Projections: the occupation workbook's worker-characteristics table, and query-tool CSVs.

The table moved (Table 1.7 until the 2022-32 workbook, Table 1.2 since 2023-33) and its headers
change wording and dash style from cycle to cycle, so the sheet is found by its content and the
columns by loose header patterns that also yield the projection years.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine as calamine

from transforms._xlsx import as_bytes, open_workbook, rows_as_text_frame, sheet_rows
from transforms.errors import LayoutError
from transforms.schemas import PROJECTIONS, validate
from transforms.soc import normalize_soc_series, soc_levels

__all__ = ["COLUMNS", "ProjectionsRelease", "read_occupation_workbook", "read_projections_csv"]

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
_SPAN = r"(\d{4})-(\d{4}|\d{2})"


@dataclass(frozen=True)
class ProjectionsRelease:
    cycle: str
    base_year: int
    target_year: int
    sheet: str
    occupations: pd.DataFrame


@dataclass(frozen=True)
class _Field:
    """A column of the table: how its (normalised) header reads, and whether a reader needs it."""

    key: str
    pattern: re.Pattern[str]
    label: str  # how to name the column when it is missing; {base} and {yy} are filled in
    in_workbook: bool
    in_csv: bool


def _field(key: str, pattern: str, label: str, *, workbook: bool = True, csv: bool = False) -> _Field:
    return _Field(key, re.compile(pattern), label, workbook, csv)


# Patterns run on headers normalised by _normalize_header: lower case, hyphens for dashes,
# no footnote marks, single spaces.
_FIELDS: tuple[_Field, ...] = (
    _field("title", r"^(?:\d{4} national employment matrix|occupation) title$", "Matrix title", csv=True),
    _field("code", r"^(?:\d{4} national employment matrix|occupation) code$", "Matrix code", csv=True),
    _field("occupation_type", r"^occupation type$", "Occupation type"),
    _field("employment", r"^employment,? (\d{4})$", "Employment, YYYY", csv=True),
    _field(
        "change_numeric",
        rf"^employment change,(?: numeric,)? {_SPAN}$",
        "Employment change, numeric, {base}-{yy}",
        csv=True,
    ),
    _field(
        "change_percent",
        rf"^(?:employment change, percent|percent employment change|employment percent change),? {_SPAN}$",
        "Employment change, percent, {base}-{yy}",
        csv=True,
    ),
    _field("self_employed_pct", r"^percent self[- ]?employed,? (\d{4})$", "Percent self employed, {base}"),
    _field(
        "openings_annual",
        rf"^occupational openings,? {_SPAN},? annual average$",
        "Occupational openings, {base}-{yy} annual average",
    ),
    _field("median_wage", r"^median annual wage,?(?: dollars,)? (\d{4})$", "Median annual wage, dollars, {base}"),
    _field(
        "education",
        r"^typical (?:entry-level )?education(?: needed for entry)?$",
        "Typical education needed for entry",
    ),
    _field("work_experience", r"^work experience in a related occupation$", "Work experience in a related occupation"),
    _field(
        "training",
        r"^typical on-the-job training(?: needed to attain competency in the occupation)?$",
        "Typical on-the-job training needed to attain competency in the occupation",
    ),
)
_SPAN_FIELDS = ("change_numeric", "change_percent", "openings_annual")


@dataclass(frozen=True)
class _Source:
    """Where the table came from, for error messages: row numbers are the source's own."""

    file: str
    sheet: str | None


@dataclass(frozen=True)
class _Layout:
    base_year: int
    target_year: int
    columns: dict[str, str]  # field key -> header text as written (employment_base/_target split out)

    @property
    def cycle(self) -> str:
        return f"{self.base_year}-{self.target_year % 100:02d}"


# --------------------------------------------------------------------------- workbook


def read_occupation_workbook(data: bytes | Path, *, name: str) -> ProjectionsRelease:
    """Read the EP occupation.xlsx worker-characteristics table (Table 1.2, or 1.7 before 2023-33)."""
    workbook = open_workbook(as_bytes(data), name=name)
    sheet, header_index = _find_characteristics_sheet(workbook, name=name)
    source = _Source(name, sheet)
    table = rows_as_text_frame(sheet_rows(workbook, sheet, name=name))
    title = " ".join(" ".join(table.iloc[i]) for i in range(header_index))

    headers = table.iloc[header_index].tolist()
    layout = _layout(headers, title=title, header_row=header_index + 1, source=source, csv=False)
    body = table.iloc[header_index + 1 :]
    body.columns = headers
    body = _table_body(body, layout)
    body = body.assign(source_row=body.index + 1)  # 0-based sheet row -> Excel row
    frame = _occupations(body.reset_index(drop=True), layout, source=source)
    return ProjectionsRelease(
        cycle=layout.cycle,
        base_year=layout.base_year,
        target_year=layout.target_year,
        sheet=sheet,
        occupations=frame,
    )


def _find_characteristics_sheet(workbook: calamine.CalamineWorkbook, *, name: str) -> tuple[str, int]:
    """The sheet holding the worker-characteristics table, found by its content, and its header row.

    Several sheets share the "Matrix code" header; only this table also has the education
    column, and its title names worker characteristics. In 2023-33 an empty "Table 1.7" says
    the table moved, so names alone would mislead.
    """
    best: tuple[int, str, int] | None = None
    for sheet in workbook.sheet_names:
        rows = sheet_rows(workbook, sheet, name=name, nrows=15)
        for index, row in enumerate(rows):
            cells = [_normalize_header(str(cell)) for cell in row if isinstance(cell, str)]
            if not (any(c.endswith("matrix code") for c in cells) and "typical education needed for entry" in cells):
                continue
            title = " ".join(str(cell) for above in rows[:index] for cell in above if cell).lower()
            score = 2 * ("worker characteristics" in title) + any(re.match(r"^employment,? \d{4}$", c) for c in cells)
            if best is None or score > best[0]:
                best = (score, sheet, index)
            break
    if best is None:
        raise LayoutError(
            file=name,
            expected="a sheet with the occupational projections and worker characteristics table "
            "(a header row with 'Matrix code' and 'Typical education needed for entry')",
            found=f"sheets {', '.join(workbook.sheet_names)}",
        )
    return best[1], best[2]


def _table_body(body: pd.DataFrame, layout: _Layout) -> pd.DataFrame:
    """Data rows up to the footnotes: the first row with a blank code, or a Footnotes/Source/Note line."""
    code = body[layout.columns["code"]]
    first = body.iloc[:, 0]
    end = code.eq("") | first.str.match(r"(?i)^\s*(footnotes?|source|note)\b")
    if end.any():
        body = body.iloc[: end.to_numpy().argmax()]
    return body


# --------------------------------------------------------------------------- query-tool CSV


def read_projections_csv(data: bytes | Path, *, name: str) -> ProjectionsRelease:
    """Read an EP query-tool CSV export (occupationProj_*.csv) into the workbook's frame shape.

    The export lists the matrix line items only, and has no self-employment column (left null).
    """
    text = _decode(as_bytes(data))
    source = _Source(name, None)
    try:
        table = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LayoutError(
            file=name, expected="a comma-separated table with a header row", found=str(exc).strip()
        ) from exc
    headers = [str(h).strip() for h in table.columns]
    table.columns = headers
    table = table.apply(lambda column: column.str.strip())
    layout = _layout(headers, title="", header_row=1, source=source, csv=True)
    table = table.assign(source_row=np.arange(2, len(table) + 2))  # header is line 1
    table = table[table[headers].ne("").any(axis=1)]
    title_column = layout.columns["title"]
    # The query tool appends example job titles: "Actors    * Actor Understudy* Actress".
    table[title_column] = table[title_column].str.replace(r"\s*\*.*$", "", regex=True).str.strip()
    body = _table_body(table, layout)
    # The query tool exports the matrix line items only (the 2021-31 export is exactly the
    # workbook's 832 line items), so the type it does not state is known.
    frame = _occupations(body.reset_index(drop=True), layout, source=source, occupation_type="Line item")
    return ProjectionsRelease(
        cycle=layout.cycle, base_year=layout.base_year, target_year=layout.target_year, sheet="", occupations=frame
    )


def _decode(raw: bytes) -> str:
    # The exports are UTF-8 with stray marks; cp1252 keeps an odd legacy file readable.
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


# --------------------------------------------------------------------------- shared


def _normalize_header(text: str) -> str:
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"\[\d+\]|\(\d+\)", "", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip().strip(",").strip().lower()


def _years_of_span(start: str, end: str) -> tuple[int, int]:
    base = int(start)
    if len(end) == 4:
        return base, int(end)
    target = base // 100 * 100 + int(end)
    return base, target if target > base else target + 100


_Matches = dict[str, list[tuple[str, tuple[str, ...]]]]  # field key -> (header as written, regex groups)


def _layout(headers: Sequence[str], *, title: str, header_row: int, source: _Source, csv: bool) -> _Layout:
    """Map headers to fields and derive the projection years, checking they all agree."""
    matches = _match_headers(headers)
    base, target = _projection_years(matches, title, header_row=header_row, source=source)
    columns = _field_columns(matches, base, target, header_row=header_row, source=source, csv=csv)
    return _Layout(base, target, columns)


def _match_headers(headers: Sequence[str]) -> _Matches:
    matches: _Matches = {}
    for header in headers:
        normalized = _normalize_header(header)
        for field in _FIELDS:
            match = field.pattern.match(normalized)
            if match:
                matches.setdefault(field.key, []).append((header, match.groups()))
                break
    return matches


def _projection_years(matches: _Matches, title: str, *, header_row: int, source: _Source) -> tuple[int, int]:
    """Base and target year, from every header that states the cycle and from the title; all must agree."""
    spans = [(header, _years_of_span(*groups)) for key in _SPAN_FIELDS for header, groups in matches.get(key, [])]
    employment_years = sorted(int(groups[0]) for _, groups in matches.get("employment", []))
    if spans:
        base, target = spans[0][1]
    elif len(employment_years) == 2:
        base, target = employment_years
    else:
        raise LayoutError(
            file=source.file,
            sheet=source.sheet,
            row=header_row,
            expected="headers that state the projection cycle, like 'Employment change, numeric, 2024-34'",
        )
    cycle = f"{base}-{target % 100:02d}"
    for header, years in spans:
        if years != (base, target):
            raise LayoutError(
                file=source.file,
                sheet=source.sheet,
                row=header_row,
                column=header,
                expected=f"the cycle {cycle} that the other headers state",
                found=header,
            )
    title_span = re.search(r"(\d{4})\s*[-\u2010-\u2015]\s*(\d{4}|\d{2})\b", title)
    if title_span and _years_of_span(*title_span.groups()) != (base, target):
        raise LayoutError(
            file=source.file,
            sheet=source.sheet,
            row=1,
            expected=f"a title naming the cycle {cycle} of the headers",
            found=title.strip(),
        )
    return base, target


def _field_columns(
    matches: _Matches, base: int, target: int, *, header_row: int, source: _Source, csv: bool
) -> dict[str, str]:
    """The header of each field; a missing or doubled one is named as it should read."""
    yy = f"{target % 100:02d}"

    def fail(column: str, expected: str, found: str | None = None) -> LayoutError:
        return LayoutError(
            file=source.file, sheet=source.sheet, row=header_row, column=column, expected=expected, found=found
        )

    employment = matches.get("employment", [])
    columns: dict[str, str] = {}
    for key, year, role in (("employment_base", base, "base"), ("employment_target", target, "target")):
        headers = [header for header, groups in employment if int(groups[0]) == year]
        if len(headers) != 1:
            raise fail(
                f"Employment, {year}",
                f"one column headed 'Employment, {year}' ({role} year of the {base}-{yy} projections)",
                ", ".join(headers) or None,
            )
        columns[key] = headers[0]

    for field in _FIELDS:
        if field.key == "employment":
            continue
        label = field.label.format(base=base, yy=yy)
        found = matches.get(field.key, [])
        if len(found) > 1:
            raise fail(label, f"one column headed like '{label}'", ", ".join(header for header, _ in found))
        if not found:
            if field.in_csv if csv else field.in_workbook:
                raise fail(label, f"a column headed like '{label}'")
            continue
        header, groups = found[0]
        if field.key == "self_employed_pct" and int(groups[0]) != base:
            raise fail(header, f"the base year {base} in '{label}'", header)
        columns[field.key] = header
    return columns


def _occupations(
    body: pd.DataFrame, layout: _Layout, *, source: _Source, occupation_type: str | None = None
) -> pd.DataFrame:
    """The tidy frame from the table body; body carries "source_row" for error messages.

    occupation_type fills that column when the table has none.
    """
    column = layout.columns

    def cells(key: str) -> pd.Series | None:
        return body[column[key]] if key in column else None

    def fail_first(bad: pd.Series, key: str, expected: str) -> None:
        if bad.any():
            position = bad.to_numpy().argmax()
            raise LayoutError(
                file=source.file,
                sheet=source.sheet,
                row=int(body["source_row"].iloc[position]),
                column=column[key],
                expected=expected,
                found=str(body[column[key]].iloc[position]),
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
