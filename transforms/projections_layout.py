"""The headers of the EP worker-characteristics table, declared once: what each column's header reads
like, which reader needs it, and how the projection years are read from them.

The table moved (Table 1.7 until the 2022-32 workbook, Table 1.2 since 2023-33) and its headers
change wording and dash style from cycle to cycle. The 2019-29 Table 1.7 also splits its header over
two rows ("Employment" over "2019" and "2029", "Employment change, 2019-29" over "Number" and
"Percent", one merged "title and code" cell over two columns): the rows are joined per column into
the one-row form ("Employment, 2019") before the patterns below are applied.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from transforms.errors import LayoutError

_SPAN = r"(\d{4})-(\d{4}|\d{2})"


@dataclass(frozen=True)
class Field:
    """A column of the table: how its (normalised) header reads, and whether a reader needs it."""

    key: str
    pattern: re.Pattern[str]
    label: str  # how to name the column when it is missing; {base} and {yy} are filled in
    in_workbook: bool
    in_csv: bool


def _field(key: str, pattern: str, label: str, *, workbook: bool = True, csv: bool = False) -> Field:
    return Field(key, re.compile(pattern), label, workbook, csv)


# Patterns run on headers normalised by normalize_header: lower case, hyphens for dashes,
# no footnote marks, single spaces.
FIELDS: tuple[Field, ...] = (
    _field("title", r"^(?:\d{4} national employment matrix|occupation) title$", "Matrix title", csv=True),
    _field("code", r"^(?:\d{4} national employment matrix|occupation) code$", "Matrix code", csv=True),
    # 2019-29: one header merged over both columns, the title first.
    _field(
        "title_and_code", r"^\d{4} national employment matrix title and code$", "Matrix title and code", workbook=False
    ),
    _field("occupation_type", r"^occupation type$", "Occupation type"),
    _field("employment", r"^employment,? (\d{4})$", "Employment, YYYY", csv=True),
    _field(
        "change_numeric",
        rf"^employment change,(?: numeric,)? {_SPAN}(?:, number)?$",
        "Employment change, numeric, {base}-{yy}",
        csv=True,
    ),
    _field(
        "change_percent",
        rf"^(?:(?:employment change, percent|percent employment change|employment percent change),? {_SPAN}"
        rf"|employment change, {_SPAN}, percent)$",
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
    # The hyperlinks to the OOH profiles (since the 2023-33 workbook).
    _field("ooh_link", r"^related occupational outlook handbook\b.*$", "Related OOH content", workbook=False),
)
_SPAN_FIELDS = ("change_numeric", "change_percent", "openings_annual")


@dataclass(frozen=True)
class Source:
    """Where the table came from, for error messages: row numbers are the source's own."""

    file: str
    sheet: str | None


@dataclass(frozen=True)
class Layout:
    base_year: int
    target_year: int
    columns: dict[str, int]  # field key -> column position (employment_base/_target split out)
    headers: list[str]  # every column's header as written

    @property
    def cycle(self) -> str:
        return f"{self.base_year}-{self.target_year % 100:02d}"

    def header(self, key: str) -> str:
        return self.headers[self.columns[key]]


def normalize_header(text: str) -> str:
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"\[\d+\]|\(\d+\)", "", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip().strip(",").strip().lower()


def is_header_row(cells: Sequence[str]) -> bool:
    """A row naming the occupation code column and the education column: the table's (first) header row."""
    keys = {key for key, _ in _match_each(cells)}
    return bool(keys & {"code", "title_and_code"}) and "education" in keys


def joined_headers(rows: Sequence[Sequence[str]]) -> list[str]:
    """One header per column from header rows whose merged cells are filled in: the distinct
    non-empty texts of the column, top to bottom, joined with ', '."""
    width = max(len(row) for row in rows)
    columns = [[row[j] if j < len(row) else "" for row in rows] for j in range(width)]
    return [", ".join(dict.fromkeys(text for text in column if text)) for column in columns]


def years_of_span(start: str, end: str) -> tuple[int, int]:
    base = int(start)
    if len(end) == 4:
        return base, int(end)
    target = base // 100 * 100 + int(end)
    return base, target if target > base else target + 100


_Matches = dict[str, list[tuple[int, tuple[str, ...]]]]  # field key -> (column position, regex groups)


def _match_each(headers: Sequence[str]) -> list[tuple[str, tuple[int, tuple[str, ...]]]]:
    found = []
    for position, header in enumerate(headers):
        normalized = normalize_header(header)
        for field in FIELDS:
            match = field.pattern.match(normalized)
            if match:
                groups = tuple(g for g in match.groups() if g is not None)
                found.append((field.key, (position, groups)))
                break
    return found


def layout(headers: Sequence[str], *, title: str, header_row: int, source: Source, csv: bool) -> Layout:
    """Map headers to fields and derive the projection years, checking they all agree."""
    matches: _Matches = {}
    for key, match in _match_each(headers):
        matches.setdefault(key, []).append(match)
    base, target = _projection_years(matches, list(headers), title, header_row=header_row, source=source)
    columns = _field_columns(matches, list(headers), base, target, header_row=header_row, source=source, csv=csv)
    return Layout(base, target, columns, list(headers))


def _projection_years(
    matches: _Matches, headers: list[str], title: str, *, header_row: int, source: Source
) -> tuple[int, int]:
    """Base and target year, from every header that states the cycle and from the title; all must agree."""
    spans = [(headers[pos], years_of_span(*groups)) for key in _SPAN_FIELDS for pos, groups in matches.get(key, [])]
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
    if title_span and years_of_span(*title_span.groups()) != (base, target):
        raise LayoutError(
            file=source.file,
            sheet=source.sheet,
            row=1,
            expected=f"a title naming the cycle {cycle} of the headers",
            found=title.strip(),
        )
    return base, target


def _field_columns(
    matches: _Matches, headers: list[str], base: int, target: int, *, header_row: int, source: Source, csv: bool
) -> dict[str, int]:
    """The column of each field; a missing or doubled one is named as it should read."""
    yy = f"{target % 100:02d}"

    def fail(column: str, expected: str, found: str | None = None) -> LayoutError:
        return LayoutError(
            file=source.file, sheet=source.sheet, row=header_row, column=column, expected=expected, found=found
        )

    employment = matches.get("employment", [])
    columns: dict[str, int] = {}
    for key, year, role in (("employment_base", base, "base"), ("employment_target", target, "target")):
        positions = [pos for pos, groups in employment if int(groups[0]) == year]
        if len(positions) != 1:
            raise fail(
                f"Employment, {year}",
                f"one column headed 'Employment, {year}' ({role} year of the {base}-{yy} projections)",
                ", ".join(headers[pos] for pos in positions) or None,
            )
        columns[key] = positions[0]

    merged = [pos for pos, _ in matches.get("title_and_code", [])]
    if "title" not in matches and "code" not in matches and len(merged) == 2 and merged[1] == merged[0] + 1:
        columns["title"], columns["code"] = merged
    for field in FIELDS:
        if field.key in ("employment", "title_and_code") or field.key in columns:
            continue
        label = field.label.format(base=base, yy=yy)
        found = matches.get(field.key, [])
        if len(found) > 1:
            raise fail(label, f"one column headed like '{label}'", ", ".join(headers[pos] for pos, _ in found))
        if not found:
            if field.in_csv if csv else field.in_workbook:
                raise fail(label, f"a column headed like '{label}'")
            continue
        position, groups = found[0]
        if field.key == "self_employed_pct" and int(groups[0]) != base:
            raise fail(headers[position], f"the base year {base} in '{label}'", headers[position])
        columns[field.key] = position
    return columns
