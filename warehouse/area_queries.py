"""Read-only questions the area sheets ask the warehouse, answered as typed rows: which OEWS areas the
sheets' release holds figures for, and each area's cross-industry figures of every occupation.

Only a release loaded with `--oews-form flatfiles --oews-areas all` has areas besides the nation.
Like warehouse.sheet_queries, this is the only place that knows the SQL column names; None stands
for SQL NULL and every figure comes with its status, whose reason BLS words in its footnotes
(oews_footnotes) or, for `*` and `**`, in the legend of its tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import duckdb

from warehouse.sheet_queries import PERCENTILES, SHOWN_STATUSES, Wage, _rows

AREA_TYPES = ("state", "metropolitan", "nonmetropolitan")
AREA_GROUPS: dict[str, tuple[str, ...]] = {
    "none": (),
    "states": ("state",),
    "metros": ("metropolitan",),
    "all": AREA_TYPES,
}

# FIPS state code -> USPS code, for the 54 state-level OEWS areas (states, DC, Guam, Puerto Rico,
# the Virgin Islands).
POSTAL = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE",
    "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA",
    "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN",
    "28": "MS", "29": "MO", "30": "MT", "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM",
    "36": "NY", "37": "NC", "38": "ND", "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI",
    "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA",
    "54": "WV", "55": "WI", "56": "WY", "66": "GU", "72": "PR", "78": "VI",
}  # fmt: skip

# Reasons BLS gives in the legend of its tables rather than in oe.footnote.
LEGEND_REASONS = {
    "wage_not_available": "Wage estimate not available.",
    "employment_not_available": "Employment estimate not available.",
    "hourly_only": "Wages for some occupations that do not generally work year-round, full time, are reported "
    "either as hourly wages or annual salaries depending on how they are typically paid.",
    "not_released": "Estimate not released.",
}
NO_ESTIMATE = "no_estimate"  # no figure line at all for the occupation in the area
NO_ESTIMATE_REASON = "BLS published no estimate for this occupation in this area."


class AreaSelectionError(ValueError):
    """--area/--areas named no area of the warehouse's OEWS release."""


@dataclass(frozen=True, slots=True)
class AreaRow:
    code: str  # 7 digits: SS00000 a state, 00NNNNN a metropolitan area, SS0000N a nonmetropolitan area
    name: str  # as BLS lists it: Texas, Dallas-Fort Worth-Arlington, TX
    type: str  # state | metropolitan | nonmetropolitan
    state_code: str  # FIPS

    @property
    def postal(self) -> str | None:
        return POSTAL.get(self.state_code) if self.type == "state" else None

    @property
    def key(self) -> str:
        """The area's part of a sheet key: TX for a state, the area code otherwise."""
        return self.postal or self.code

    @property
    def folder(self) -> str:
        """Its folder under areas/: tx for a state, the area code otherwise (names change, codes do not)."""
        return (self.postal or self.code).lower()

    @property
    def place(self) -> str:
        """The area in a sentence: 'Texas', 'the Eastern Wyoming nonmetropolitan area'."""
        return f"the {self.name}" if self.type == "nonmetropolitan" else self.name


class AreaFigures:
    """One occupation's cross-industry OEWS figures in one area: a row of area_facts' query (area code,
    SOC code, then each of _MEASURES as value, status), its cells made Wages when first read. A publish
    reads tens of thousands of rows; a night where nothing in the areas changed needs only their
    signatures, and a render worker only the rows of the areas it builds."""

    __slots__ = ("row", "_signature", "_cells", "_annual", "_hourly")

    def __init__(self, row: tuple):
        self.row = row  # values are floats or None (SQL NULL); statuses NO_ESTIMATE where BLS gave none
        self._signature: tuple | None = None
        self._cells: list[Wage] | None = None
        self._annual: dict[str, Wage] | None = None
        self._hourly: dict[str, Wage] | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AreaFigures) and other.row == self.row

    def __hash__(self) -> int:
        return hash(self.row)

    def __repr__(self) -> str:
        return f"AreaFigures({self.row!r})"

    @property
    def area_code(self) -> str:
        return self.row[0]

    @property
    def soc_code(self) -> str:
        return self.row[1]

    def _wages(self) -> list[Wage]:
        if self._cells is None:
            self._cells = [Wage(value, status) for value, status in self.signature()]
        return self._cells

    @property
    def employment(self) -> Wage:
        return self._wages()[0]

    @property
    def jobs_per_1000(self) -> Wage:
        return self._wages()[1]

    @property
    def location_quotient(self) -> Wage:
        return self._wages()[2]

    @property
    def annual(self) -> Mapping[str, Wage]:
        if self._annual is None:
            self._annual = dict(zip(PERCENTILES, self._wages()[3 : 3 + len(PERCENTILES)], strict=True))
        return self._annual

    @property
    def hourly(self) -> Mapping[str, Wage]:
        if self._hourly is None:
            self._hourly = dict(zip(PERCENTILES, self._wages()[3 + len(PERCENTILES) :], strict=True))
        return self._hourly

    def signature(self) -> tuple:
        """Its values and statuses as plain tuples: cheap to compare and hash."""
        if self._signature is None:
            self._signature = tuple(zip(self.row[2::2], self.row[3::2], strict=True))
        return self._signature


@dataclass
class AreaFacts:
    """What the area sheets of one publish read: the areas chosen and their figures."""

    release_id: str
    areas: dict[str, AreaRow]  # code -> area, in the order the sheets are listed
    figures: dict[tuple[str, str], AreaFigures]  # (area code, SOC code) -> figures
    reasons: dict[str, str] = field(default_factory=dict)  # status -> BLS's words for it

    def reason(self, status: str | None) -> str:
        if status is None or status == NO_ESTIMATE:
            return NO_ESTIMATE_REASON
        return self.reasons.get(status) or LEGEND_REASONS.get(status) or f"BLS status {status}."

    def __reduce__(self) -> tuple:
        """Pickled as rows of plain values (as area_facts' query gives them): the render workers' copy
        of every area's figures is a tenth of the time to pickle and unpickle as objects."""
        rows = [f.row for f in self.figures.values()]
        return (_area_facts_from_rows, (self.release_id, self.areas, rows, self.reasons))


def _sheet_oews_release(con: duckdb.DuckDBPyConnection, as_of: int | None) -> str | None:
    row = con.execute("SELECT release_id FROM sheet_releases(?) WHERE source = 'oews'", [as_of]).fetchone()
    return row[0] if row else None


def area_list(con: duckdb.DuckDBPyConnection, as_of: int | None = None) -> dict[str, AreaRow]:
    """Every area (not the nation) the sheets' OEWS release has figures for: code -> area, states
    first, then metropolitan and nonmetropolitan areas, each by name."""
    release = _sheet_oews_release(con, as_of)
    if release is None:
        return {}
    sql = """SELECT a.area_code, a.area_name, a.area_type, a.state_code FROM oews_areas a
             WHERE a.release_id = ? AND a.area_type IN ('state', 'metropolitan', 'nonmetropolitan')
               AND EXISTS (SELECT 1 FROM oews_estimates e WHERE e.release_id = a.release_id
                           AND e.area_code = a.area_code AND e.industry_code = '000000')"""
    rows = [
        AreaRow(r["area_code"], r["area_name"], r["area_type"], r["state_code"]) for r in _rows(con, sql, [release])
    ]
    rows.sort(key=lambda a: (AREA_TYPES.index(a.type), a.name.casefold(), a.code))
    return {a.code: a for a in rows}


def resolve_area(areas: Mapping[str, AreaRow], text: str) -> AreaRow:
    """An area by USPS code (TX), FIPS code (48), 7-digit area code or its name as BLS lists it
    (case-insensitive): AreaSelectionError naming what was expected otherwise."""
    wanted = text.strip()
    folded = wanted.casefold()
    for area in areas.values():
        if area.type == "state" and folded in ((area.postal or "").casefold(), area.state_code):
            return area
        if wanted == area.code or folded == area.name.casefold():
            return area
    if not areas:
        raise AreaSelectionError(
            f"no area {wanted!r}: the warehouse's OEWS release holds the nation only; load every area with "
            "`bls-refresh run --oews-form flatfiles --oews-areas all`"
        )
    raise AreaSelectionError(
        f"no area {wanted!r} in the warehouse's OEWS release: expected a state's postal code (TX), its FIPS "
        "code (48), a 7-digit OEWS area code (0019100) or an area's name as BLS lists it "
        "(e.g. 'Dallas-Fort Worth-Arlington, TX')"
    )


def select_areas(areas: Mapping[str, AreaRow], selection: str | Iterable[str] | None) -> dict[str, AreaRow]:
    """The areas of `selection`: none|states|metros|all, or areas named as resolve_area takes them."""
    if selection is None:
        return {}
    if isinstance(selection, str):
        if selection not in AREA_GROUPS:
            raise AreaSelectionError(f"--areas {selection!r}: expected one of {', '.join(AREA_GROUPS)}")
        types = AREA_GROUPS[selection]
        return {code: a for code, a in areas.items() if a.type in types}
    chosen = {resolve_area(areas, text).code for text in selection}
    return {code: a for code, a in areas.items() if code in chosen}


_MEASURES = ("employment", "jobs_per_1000", "location_quotient") + tuple(
    f"{basis}_{k}" for basis in ("annual", "hourly") for k in PERCENTILES
)


def _area_facts_from_rows(
    release_id: str, areas: dict[str, AreaRow], rows: list[tuple], reasons: dict[str, str]
) -> AreaFacts:
    figures = {(r[0], r[1]): AreaFigures(r) for r in rows}
    return AreaFacts(release_id, areas, figures, reasons)


def status_reasons(con: duckdb.DuckDBPyConnection, release_id: str) -> dict[str, str]:
    """status -> the footnote text BLS gives for it in the release (footnote 4 covers two statuses)."""
    sql = "SELECT status, footnote_text FROM oews_footnotes WHERE release_id = ? AND status IS NOT NULL"
    out: dict[str, str] = {}
    for r in _rows(con, sql, [release_id]):
        for status in str(r["status"]).split(" or "):
            out[status.strip()] = r["footnote_text"]
    return out


def area_facts(
    con: duckdb.DuckDBPyConnection,
    selection: str | Iterable[str] | None,
    soc_codes: Iterable[str],
    as_of: int | None = None,
) -> AreaFacts | None:
    """The figures of the chosen areas for the given occupations (those with a national sheet), keeping
    only the (area, occupation) pairs with at least one published figure. None without an OEWS release
    or when the selection is none."""
    release = _sheet_oews_release(con, as_of)
    if release is None or selection is None or selection == "none":
        return None
    chosen = select_areas(area_list(con, as_of), selection)
    codes = sorted(set(soc_codes))
    # each measure as value, status (no status: no figure line); only the pairs with a figure shown
    # (Wage.shown): a sheet of none would say nothing
    columns = ", ".join(f"{m}, coalesce(nullif({m}_status, ''), '{NO_ESTIMATE}')" for m in _MEASURES)
    shown = " OR ".join(f"({m} IS NOT NULL AND {m}_status IN {SHOWN_STATUSES!r})" for m in _MEASURES)
    sql = f"""SELECT area_code, soc_code, {columns}
              FROM oews_figures
              WHERE release_id = ? AND industry_code = '000000' AND area_code IN (SELECT unnest(?))
                AND soc_code IN (SELECT unnest(?)) AND ({shown})
              ORDER BY soc_code, area_code"""
    figures = {}
    if chosen:
        for r in con.execute(sql, [release, list(chosen), codes]).fetchall():
            figures[(r[0], r[1])] = AreaFigures(r)
    return AreaFacts(release, dict(chosen), figures, status_reasons(con, release))


__all__ = [
    "AREA_GROUPS",
    "AREA_TYPES",
    "AreaFacts",
    "AreaFigures",
    "AreaRow",
    "AreaSelectionError",
    "area_facts",
    "area_list",
    "resolve_area",
    "select_areas",
    "status_reasons",
]
