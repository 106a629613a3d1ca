"""OEWS (Occupational Employment and Wage Statistics) from its two bulk forms, in one tidy shape.

The national zip (oesmYYnat.zip) is one wide row per occupation; the time-series flat files
(download.bls.gov/pub/time.series/oe/) are one line per series and figure. Both become
`occupations` (one row per SOC code) and long `estimates` (one row per area, industry,
occupation and measure) with a `status` that says why a value is missing or what it bounds.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from transforms._series_ids import SeriesKeys, split_series_ids, unpack
from transforms._xlsx import as_bytes, open_workbook, rows_as_text_frame, sheet_rows
from transforms.errors import LayoutError
from transforms.schemas import OEWS_ESTIMATES, OEWS_OCCUPATIONS, validate
from transforms.soc import LEVELS, normalize_soc_series, prefer_stated_levels
from transforms.vocabulary import ANNUAL_MEASURES, DATATYPE_MEASURES, HOURLY_MEASURES, MEASURES, OEWS_STATUSES

__all__ = [
    "DATATYPE_MEASURES",
    "MEASURES",
    "ZIP_COLUMN_MEASURES",
    "OewsRelease",
    "TopCode",
    "read_flatfiles",
    "read_national_zip",
    "zip_top_code",
]

OCCUPATION_COLUMNS = ["release_id", "soc_code", "title", "level"]
ESTIMATE_COLUMNS = ["release_id", "area_code", "industry_code", "soc_code", "measure", "value", "status"]
NATIONAL_AREA = "0000000"

ZIP_COLUMN_MEASURES: dict[str, str] = {
    "TOT_EMP": "employment",
    "EMP_PRSE": "employment_rse",
    "H_MEAN": "hourly_mean",
    "A_MEAN": "annual_mean",
    "MEAN_PRSE": "wage_rse",
    "H_PCT10": "hourly_p10",
    "H_PCT25": "hourly_p25",
    "H_MEDIAN": "hourly_median",
    "H_PCT75": "hourly_p75",
    "H_PCT90": "hourly_p90",
    "A_PCT10": "annual_p10",
    "A_PCT25": "annual_p25",
    "A_MEDIAN": "annual_median",
    "A_PCT75": "annual_p75",
    "A_PCT90": "annual_p90",
    "JOBS_1000": "jobs_per_1000",
    "LOC_QUOTIENT": "location_quotient",
}
# Blank for national estimates, and absent from some older files: optional.
_OPTIONAL_ZIP_COLUMNS = frozenset({"JOBS_1000", "LOC_QUOTIENT"})
REQUIRED_ZIP_COLUMNS: tuple[str, ...] = (
    "AREA",
    "AREA_TYPE",
    "NAICS",
    "OCC_CODE",
    "OCC_TITLE",
    "O_GROUP",
    *(c for c in ZIP_COLUMN_MEASURES if c not in _OPTIONAL_ZIP_COLUMNS),
    "ANNUAL",
    "HOURLY",
)

REQUIRED_FLATFILES: tuple[str, ...] = ("oe.release", "oe.data.0.Current", "oe.occupation", "oe.footnote")

_NATIONAL_MEMBER = re.compile(r"(?:^|/)national_M(\d{4})_dl\.xlsx$", re.IGNORECASE)
_FINITE_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@dataclass(frozen=True)
class OewsRelease:
    release_id: str
    period: str
    year: int
    occupations: pd.DataFrame
    estimates: pd.DataFrame
    form: str


@dataclass(frozen=True)
class TopCode:
    """The published lower bounds behind a top-coded wage."""

    hourly: float
    annual: float


def zip_top_code(year: int) -> TopCode:
    # BLS raised the top code with the May 2022 estimates; it stopped top-coding in May 2025.
    return TopCode(115.0, 239_200.0) if year >= 2022 else TopCode(100.0, 208_000.0)


# --------------------------------------------------------------------------- national zip


def read_national_zip(data: bytes | Path, *, name: str) -> OewsRelease:
    """Read oesmYYnat.zip (holding oesmYYnat/national_MYYYY_dl.xlsx) into an OewsRelease."""
    member, year, content = _national_member(as_bytes(data), name=name)
    release_id = f"{year}A01"
    file = f"{name} ({member})"

    workbook = open_workbook(content, name=file)
    sheet = _national_sheet(workbook.sheet_names, member)
    rows = sheet_rows(workbook, sheet, name=file)
    header_index = _zip_header_row(rows, file=file, sheet=sheet)
    table = _zip_table(rows, header_index, file=file, sheet=sheet)

    keyed = _zip_keys(table, file=file, sheet=sheet)
    keyed = _drop_repeated_codes(keyed, file=file, sheet=sheet)

    occupations = keyed[["soc_code", "OCC_TITLE", "level", "source_row"]].drop_duplicates("soc_code")
    occupations = occupations.rename(columns={"OCC_TITLE": "title"}).assign(release_id=release_id)
    estimates = _zip_estimates(keyed, zip_top_code(year), file=file, sheet=sheet).assign(release_id=release_id)

    return _release(
        release_id=release_id,
        period=f"May {year}",
        year=year,
        occupations=occupations,
        estimates=estimates,
        form="national_zip",
        file=file,
        sheet=sheet,
    )


def _national_member(raw: bytes, *, name: str) -> tuple[str, int, bytes]:
    """The national workbook in the zip: its name, the survey year its name states, its bytes."""
    expected = "a zip archive holding oesmYYnat/national_MYYYY_dl.xlsx"
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [(n, m) for n in archive.namelist() if (m := _NATIONAL_MEMBER.search(n))]
            if len(members) != 1:
                listing = ", ".join(archive.namelist()) or "an empty archive"
                raise LayoutError(file=name, expected=expected, found=listing)
            ((member, match),) = members
            return member, int(match.group(1)), archive.read(member)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise LayoutError(file=name, expected=expected, found=f"{type(exc).__name__}: {exc}") from exc


def _national_sheet(sheet_names: list[str], member: str) -> str:
    # The data sheet is named after the file; other sheets are field descriptions and filler.
    stem = Path(member).stem.lower()
    return next((s for s in sheet_names if s.lower() == stem), sheet_names[0] if sheet_names else "")


def _zip_header_row(rows: list[list[object]], *, file: str, sheet: str) -> int:
    for index, row in enumerate(rows[:20]):
        if any(isinstance(cell, str) and cell.strip().upper() == "OCC_CODE" for cell in row):
            return index
    raise LayoutError(
        file=file,
        sheet=sheet,
        column="OCC_CODE",
        expected=f"a header row with the columns {', '.join(REQUIRED_ZIP_COLUMNS)}",
    )


def _zip_table(rows: list[list[object]], header_index: int, *, file: str, sheet: str) -> pd.DataFrame:
    frame = rows_as_text_frame(rows[header_index:])
    frame.columns = [str(c).strip().upper() for c in frame.iloc[0]]
    missing = [c for c in REQUIRED_ZIP_COLUMNS if c not in frame.columns]
    if missing:
        raise LayoutError(
            file=file,
            sheet=sheet,
            row=header_index + 1,
            column=missing[0],
            expected=f"the columns {', '.join(REQUIRED_ZIP_COLUMNS)} (missing: {', '.join(missing)})",
        )
    frame = frame.iloc[1:].loc[:, ~frame.columns.duplicated()]
    frame = frame[frame.ne("").any(axis=1)]
    # 0-based sheet row -> the row number Excel shows.
    frame.insert(0, "source_row", frame.index + header_index + 1)
    return frame.reset_index(drop=True)


def _zip_keys(table: pd.DataFrame, *, file: str, sheet: str) -> pd.DataFrame:
    soc = normalize_soc_series(table["OCC_CODE"])
    _fail_first(table, soc.isna(), "OCC_CODE", "an SOC code like 29-2072", file=file, sheet=sheet)

    level = table["O_GROUP"].str.lower()
    _fail_first(table, ~level.isin(LEVELS), "O_GROUP", f"one of {', '.join(LEVELS)}", file=file, sheet=sheet)

    area = _zip_area_codes(table["AREA"], table["AREA_TYPE"])
    _fail_first(table, area.isna(), "AREA", "an OEWS area code with a known AREA_TYPE", file=file, sheet=sheet)

    industry = table["NAICS"].where(~table["NAICS"].str.fullmatch(r"\d{1,5}"), table["NAICS"].str.zfill(6))
    bad_industry = ~industry.str.fullmatch(r"[0-9A-Z-]{6}")
    _fail_first(table, bad_industry, "NAICS", "a 6-character industry code", file=file, sheet=sheet)

    flags = {}
    for column in ("ANNUAL", "HOURLY"):
        flag = table[column].str.upper()
        _fail_first(table, ~flag.isin(["", "TRUE", "FALSE"]), column, "TRUE or blank", file=file, sheet=sheet)
        flags[column] = flag.eq("TRUE")

    return table.assign(
        soc_code=soc,
        level=prefer_stated_levels(level, soc),
        area_code=area,
        industry_code=industry,
        annual_only=flags["ANNUAL"],
        hourly_only=flags["HOURLY"],
    )


def _zip_area_codes(area: pd.Series, area_type: pd.Series) -> pd.Series:
    """The zip's AREA as the 7-digit flat-file area code (NaN where it cannot be mapped)."""
    digits = area.where(area.str.fullmatch(r"\d{1,7}"))
    conditions = [area_type.eq("1"), area_type.isin(["2", "3"]), area_type.isin(["4", "6"])]
    choices = [
        pd.Series(NATIONAL_AREA, index=area.index, dtype=str),
        digits.str.zfill(2) + "00000",  # states and territories: FIPS then zeros
        digits.str.zfill(7),  # metropolitan and nonmetropolitan areas
    ]
    mapped = pd.Series(np.nan, index=area.index, dtype=str)
    for condition, choice in zip(conditions, choices, strict=True):
        mapped = mapped.where(~condition, choice)
    return mapped.where(mapped.str.fullmatch(r"\d{7}"))


def _drop_repeated_codes(keyed: pd.DataFrame, *, file: str, sheet: str) -> pd.DataFrame:
    """Keep one row per code where OEWS lists a code as both broad and detailed.

    OEWS repeats a broad code it publishes in place of its detailed occupations
    (13-1020 broad and 13-1020 detailed); the two rows must carry the same figures.
    """
    key = ["area_code", "industry_code", "soc_code"]
    repeated = keyed[keyed.duplicated(key, keep=False)]
    if repeated.empty:
        return keyed
    figures = [c for c in ZIP_COLUMN_MEASURES if c in keyed.columns] + ["ANNUAL", "HOURLY"]
    first = repeated.groupby(key, sort=False)[figures].transform("first")
    differs = repeated[figures].ne(first)
    if differs.any(axis=None):
        position = differs.any(axis=1).to_numpy().argmax()
        column = figures[differs.iloc[position].to_numpy().argmax()]
        bad = repeated.iloc[position]
        raise LayoutError(
            file=file,
            sheet=sheet,
            row=int(bad["source_row"]),
            column=column,
            expected=f"the same figures as the other row of the repeated code {bad['soc_code']}",
            found=bad[column],
        )
    # Prefer the most detailed reading of the code: it is the one that is a line item.
    rank = keyed["level"].map({level: -i for i, level in enumerate(LEVELS)})
    kept = keyed.assign(_rank=rank).sort_values([*key, "_rank"], kind="stable").drop_duplicates(key)
    return kept.sort_values("source_row").drop(columns="_rank").reset_index(drop=True)


def _zip_estimates(keyed: pd.DataFrame, top_code: TopCode, *, file: str, sheet: str) -> pd.DataFrame:
    value_columns = [c for c in ZIP_COLUMN_MEASURES if c in keyed.columns]
    ids = ["source_row", "area_code", "industry_code", "soc_code", "annual_only", "hourly_only"]
    long = keyed[ids + value_columns].melt(id_vars=ids, var_name="column", value_name="raw")
    # An empty cell is a figure the file does not carry (JOBS_1000 in the national file): no row.
    long = long[long["raw"].ne("")].reset_index(drop=True)
    long["measure"] = long["column"].map(ZIP_COLUMN_MEASURES)

    value = _finite_numbers(long["raw"])
    hourly = long["measure"].isin(HOURLY_MEASURES)
    annual = long["measure"].isin(ANNUAL_MEASURES)
    wage = hourly | annual
    star = long["raw"].eq("*")
    status = pd.Series(
        np.select(
            [
                value.notna(),
                long["raw"].eq("#") & wage,
                star & hourly & long["annual_only"],
                star & annual & long["hourly_only"],
                star,
                long["raw"].eq("**"),
            ],
            ["published", "top_coded", "annual_only", "hourly_only", "wage_not_available", "employment_not_available"],
            default="",
        ),
        index=long.index,
        dtype=str,
    )
    unknown = status.eq("")
    if unknown.any():
        bad = long[unknown].iloc[0]
        raise LayoutError(
            file=file,
            sheet=sheet,
            row=int(bad["source_row"]),
            column=str(bad["column"]),
            expected="a number or one of the OEWS marks * ** #"
            if bad["measure"] in HOURLY_MEASURES | ANNUAL_MEASURES
            else "a number or one of the OEWS marks * **",
            found=str(bad["raw"]),
        )
    top_coded = status.eq("top_coded")
    value = value.mask(top_coded, np.where(hourly, top_code.hourly, top_code.annual))
    long = long.assign(value=value, status=status, _order=long["measure"].map(MEASURES.index))
    # File order: each occupation's measures together, in datatype order.
    long = long.sort_values(["source_row", "_order"], kind="stable")
    return long[["source_row", "area_code", "industry_code", "soc_code", "measure", "value", "status"]]


# --------------------------------------------------------------------------- flat files

_DATA_COLUMNS = ("series_id", "year", "period", "value", "footnote_codes")
# Rows per read: bounds the memory of Python string objects for an all-areas release.
_CHUNK_ROWS = 500_000
_STATUS_CODES = {status: code for code, status in enumerate(OEWS_STATUSES)}
_DATATYPE_OF = {measure: int(code) for code, measure in DATATYPE_MEASURES.items()}
_HOURLY_DATATYPES = np.array(sorted(_DATATYPE_OF[m] for m in HOURLY_MEASURES))
_ANNUAL_DATATYPES = np.array(sorted(_DATATYPE_OF[m] for m in ANNUAL_MEASURES))


@dataclass(frozen=True)
class _FlatFigures:
    """The data file as compact arrays, one element per figure line."""

    source_row: np.ndarray
    keys: SeriesKeys
    value: np.ndarray  # float64, NaN where the line has a mark instead of a number
    status: np.ndarray  # int8 index into OEWS_STATUSES
    needs_bound: np.ndarray  # top-coded lines without a number: the footnote's bound goes there
    releases: frozenset[tuple[str, str]]  # (year, period) pairs seen

    @staticmethod
    def concat(parts: Sequence[_FlatFigures]) -> _FlatFigures:
        def join(get: Callable[[_FlatFigures], np.ndarray]) -> np.ndarray:
            return np.concatenate([get(p) for p in parts])

        return _FlatFigures(
            source_row=join(lambda p: p.source_row),
            keys=SeriesKeys(
                area=join(lambda p: p.keys.area),
                industry=join(lambda p: p.keys.industry),
                occupation=join(lambda p: p.keys.occupation),
                datatype=join(lambda p: p.keys.datatype),
            ),
            value=join(lambda p: p.value),
            status=join(lambda p: p.status),
            needs_bound=join(lambda p: p.needs_bound),
            releases=frozenset().union(*(p.releases for p in parts)),
        )


def read_flatfiles(paths: Mapping[str, Path]) -> OewsRelease:
    """Read the OEWS time-series flat files (oe.*) into an OewsRelease.

    paths maps the BLS file names to local paths; "oe.release", "oe.data.0.Current",
    "oe.occupation" and "oe.footnote" are required, "oe.area", "oe.industry" and
    "oe.datatype" are cross-checked when given. Works on the national files and on an
    all-areas release (millions of lines) alike.
    """
    missing = [key for key in REQUIRED_FLATFILES if key not in paths]
    if missing:
        raise LayoutError(
            file=missing[0],
            expected=f"the OEWS flat files {', '.join(REQUIRED_FLATFILES)}",
            found=f"only {', '.join(sorted(paths)) or 'no files'}",
        )
    names = {key: _display_name(key, Path(path)) for key, path in paths.items()}
    data_name = names["oe.data.0.Current"]

    figures = _read_flat_figures(Path(paths["oe.data.0.Current"]), name=data_name)
    release_id = _flat_release_id(figures.releases, name=data_name)
    period = _flat_period(Path(paths["oe.release"]), release_id, name=names["oe.release"])
    year = int(release_id[:4])
    top_code = _flat_top_code(Path(paths["oe.footnote"]), year, name=names["oe.footnote"])
    occupations = _flat_occupations(Path(paths["oe.occupation"]), name=names["oe.occupation"])

    listings = {"occupation": set(occupations["soc_code"])}
    for key, kind, column in (
        ("oe.area", "area", "area_code"),
        ("oe.industry", "industry", "industry_code"),
        ("oe.datatype", "datatype", "datatype_code"),
    ):
        if key in paths:
            listings[kind] = set(_read_tab_table(Path(paths[key]), name=names[key], columns=(column,))[column])
    estimates = _flat_estimates(figures, top_code, listings, name=data_name).assign(release_id=release_id)

    return _release(
        release_id=release_id,
        period=period,
        year=year,
        occupations=occupations.assign(release_id=release_id),
        estimates=estimates,
        form="flatfiles",
        file=data_name,
        sheet=None,
        occupations_file=names["oe.occupation"],
    )


def _display_name(key: str, path: Path) -> str:
    return key if path.name == key else f"{key} ({path.name})"


def _read_csv_options(columns: tuple[str, ...]) -> dict[str, object]:
    wanted = set(columns)
    return {
        "sep": "\t",
        "dtype": str,
        "usecols": lambda header: header.strip() in wanted,
        "keep_default_na": False,
        "na_filter": False,
        "quoting": csv.QUOTE_NONE,
        # Keep blank lines as rows so that row position + 2 stays the line number.
        "skip_blank_lines": False,
        "encoding": "utf-8",
        "encoding_errors": "replace",
    }


def _check_header(path: Path, *, name: str, columns: tuple[str, ...]) -> None:
    try:
        header = pd.read_csv(
            path, sep="\t", nrows=0, quoting=csv.QUOTE_NONE, encoding="utf-8", encoding_errors="replace"
        )
    except pd.errors.EmptyDataError as exc:
        raise LayoutError(file=name, expected="a tab-separated table with a header row", found="an empty file") from exc
    present = {str(c).strip() for c in header.columns}
    missing = [c for c in columns if c not in present]
    if missing:
        raise LayoutError(file=name, row=1, column=missing[0], expected=f"a header with {', '.join(columns)}")


def _parser_error(exc: pd.errors.ParserError, *, name: str) -> LayoutError:
    line = re.search(r"line (\d+)", str(exc))
    return LayoutError(
        file=name,
        row=int(line.group(1)) if line else None,
        expected="a tab-separated line with as many fields as the header",
        found=str(exc).strip(),
    )


def _read_tab_table(path: Path, *, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """A small BLS tab-separated table, fields stripped, with "source_row" (the line number)."""
    _check_header(path, name=name, columns=columns)
    try:
        table = pd.read_csv(path, **_read_csv_options(columns))
    except pd.errors.ParserError as exc:
        raise _parser_error(exc, name=name) from exc
    table.columns = [c.strip() for c in table.columns]
    table = table[list(columns)]
    for column in columns:
        table[column] = table[column].fillna("").str.strip()
    table.insert(0, "source_row", np.arange(2, len(table) + 2, dtype=np.int64))
    return table[table[list(columns)].ne("").any(axis=1)].reset_index(drop=True)


def _read_flat_figures(path: Path, *, name: str) -> _FlatFigures:
    _check_header(path, name=name, columns=_DATA_COLUMNS)
    parts = []
    try:
        for chunk in pd.read_csv(path, chunksize=_CHUNK_ROWS, **_read_csv_options(_DATA_COLUMNS)):
            chunk.columns = [c.strip() for c in chunk.columns]
            parts.append(_parse_figure_chunk(chunk, name=name))
    except pd.errors.ParserError as exc:
        raise _parser_error(exc, name=name) from exc
    figures = _FlatFigures.concat(parts) if parts else None
    if figures is None or len(figures.source_row) == 0:
        raise LayoutError(file=name, row=2, expected="figure lines after the header", found="none")
    return figures


def _stripped(raw: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes and stripped distinct values of a column: string work once per distinct value."""
    codes, uniques = pd.factorize(raw.fillna(""), use_na_sentinel=False)
    return codes, pd.Series(uniques, dtype=str).str.strip()


def _parse_figure_chunk(chunk: pd.DataFrame, *, name: str) -> _FlatFigures:
    source_row = chunk.index.to_numpy(dtype=np.int64) + 2
    keys, malformed, blank_id = split_series_ids(chunk["series_id"])
    value_codes, value_text = _stripped(chunk["value"])
    note_codes, note_text = _stripped(chunk["footnote_codes"])
    year_codes, year_text = _stripped(chunk["year"])
    period_codes, period_text = _stripped(chunk["period"])

    blank = (
        blank_id
        & value_text.eq("").to_numpy(dtype=bool)[value_codes]
        & note_text.eq("").to_numpy(dtype=bool)[note_codes]
        & year_text.eq("").to_numpy(dtype=bool)[year_codes]
        & period_text.eq("").to_numpy(dtype=bool)[period_codes]
    )
    keep = ~blank

    def fail_first(bad: np.ndarray, column: str, expected: str) -> None:
        bad = bad & keep
        if bad.any():
            position = int(bad.argmax())
            found = str(chunk[column].iloc[position]).strip()
            if column == "value":
                found += f" (footnote_codes {str(chunk['footnote_codes'].iloc[position]).strip()!r})"
            raise LayoutError(file=name, row=int(source_row[position]), column=column, expected=expected, found=found)

    fail_first(malformed, "series_id", "an OEWS series id like OEUN000000000000029207213")
    unknown_datatype = (keys.datatype < 1) | (keys.datatype > len(MEASURES))
    fail_first(unknown_datatype, "series_id", "a datatype code 01-17 at the end of the series id")

    def per_row(flags: pd.Series, codes: np.ndarray) -> np.ndarray:
        return flags.to_numpy(dtype=bool)[codes]

    number = _finite_numbers(value_text).to_numpy()[value_codes]
    # Footnote codes may be a list ("4,5"): match a code as a whole token.
    note = {code: per_row(note_text.str.contains(rf"(?<!\d){code}(?!\d)", regex=True), note_codes) for code in "458"}
    hourly = np.isin(keys.datatype, _HOURLY_DATATYPES)
    annual = np.isin(keys.datatype, _ANNUAL_DATATYPES)
    has_number = ~np.isnan(number)
    dash = per_row(value_text.eq("-"), value_codes)
    rules = [
        (has_number & note["5"] & (hourly | annual), "top_coded"),
        (has_number, "published"),
        (dash & note["8"], "not_released"),
        (dash & note["5"] & (hourly | annual), "top_coded"),
        (dash & note["4"] & hourly, "annual_only"),
        (dash & note["4"] & annual, "hourly_only"),
        (per_row(value_text.eq("*"), value_codes), "wage_not_available"),
        (per_row(value_text.eq("**"), value_codes), "employment_not_available"),
    ]
    status = np.select([r for r, _ in rules], [_STATUS_CODES[s] for _, s in rules], default=-1).astype(np.int8)
    fail_first(status < 0, "value", "a number, '-' with footnote 4, 5 or 8 (as the datatype allows), '*' or '**'")

    pairs = pd.unique(year_codes[keep].astype(np.int64) * len(period_text) + period_codes[keep])
    releases = frozenset(
        (year_text.iloc[pair // len(period_text)], period_text.iloc[pair % len(period_text)]) for pair in pairs
    )
    return _FlatFigures(
        source_row=source_row[keep],
        keys=SeriesKeys(
            area=keys.area[keep],
            industry=keys.industry[keep],
            occupation=keys.occupation[keep],
            datatype=keys.datatype[keep],
        ),
        value=number[keep],
        status=status[keep],
        needs_bound=(status == _STATUS_CODES["top_coded"])[keep] & ~has_number[keep],
        releases=releases,
    )


def _flat_release_id(releases: frozenset[tuple[str, str]], *, name: str) -> str:
    valid = all(re.fullmatch(r"\d{4}", y) and re.fullmatch(r"A\d{2}", p) for y, p in releases)
    if len(releases) != 1 or not valid:
        found = ", ".join(f"{y} {p}" for y, p in sorted(releases)[:5])
        raise LayoutError(
            file=name, column="year, period", expected="one annual release (a year and a period like A01)", found=found
        )
    ((year, period),) = releases
    return f"{year}{period}"


def _flat_period(path: Path, release_id: str, *, name: str) -> str:
    releases = _read_tab_table(path, name=name, columns=("release_date", "description"))
    match = releases[releases["release_date"].eq(release_id)]
    if match.empty or not match["description"].iloc[0]:
        listed = ", ".join(releases["release_date"]) or "no releases"
        raise LayoutError(file=name, column="release_date", expected=f"a row for release {release_id}", found=listed)
    return str(match["description"].iloc[0])


def _flat_top_code(path: Path, year: int, *, name: str) -> TopCode:
    """Bounds of footnote 5 ("equal to or greater than $115.00 per hour or $239,200 per year")."""
    notes = _read_tab_table(path, name=name, columns=("footnote_code", "footnote_text"))
    default = zip_top_code(year)
    text = " ".join(notes.loc[notes["footnote_code"].eq("5"), "footnote_text"])
    hourly = re.search(r"\$\s*([\d,]+(?:\.\d+)?)\s*(?:per|an|/)\s*hour", text)
    annual = re.search(r"\$\s*([\d,]+(?:\.\d+)?)\s*(?:per|a|/)\s*year", text)
    return TopCode(
        hourly=float(hourly.group(1).replace(",", "")) if hourly else default.hourly,
        annual=float(annual.group(1).replace(",", "")) if annual else default.annual,
    )


def _flat_estimates(
    figures: _FlatFigures, top_code: TopCode, listings: Mapping[str, set[str]], *, name: str
) -> pd.DataFrame:
    keys = figures.keys
    columns = {
        "area": _text_column(keys.area, lambda keys: [f"{k:07d}" for k in keys]),
        "industry": _text_column(keys.industry, lambda keys: unpack(keys, 6)),
        "occupation": _text_column(keys.occupation, lambda keys: [f"{k // 10000:02d}-{k % 10000:04d}" for k in keys]),
        "datatype": _text_column(keys.datatype, lambda keys: [f"{k:02d}" for k in keys]),
    }
    listing_files = {
        "occupation": "oe.occupation",
        "area": "oe.area",
        "industry": "oe.industry",
        "datatype": "oe.datatype",
    }
    for kind, listed in listings.items():
        codes, text = columns[kind]
        unlisted = ~np.isin(text, list(listed))
        if unlisted.any():
            position = int(unlisted[codes].argmax())
            raise LayoutError(
                file=name,
                row=int(figures.source_row[position]),
                column="series_id",
                expected=f"a {kind} code listed in {listing_files[kind]}",
                found=str(text[codes[position]]),
            )

    hourly = np.isin(keys.datatype, _HOURLY_DATATYPES)
    value = np.where(figures.needs_bound, np.where(hourly, top_code.hourly, top_code.annual), figures.value)

    def take(kind: str) -> pd.Series:
        codes, text = columns[kind]
        return pd.Series(text[codes], dtype=str)

    return pd.DataFrame(
        {
            "source_row": figures.source_row,
            "area_code": take("area"),
            "industry_code": take("industry"),
            "soc_code": take("occupation"),
            "measure": pd.Series(np.array(MEASURES, dtype=object)[keys.datatype - 1], dtype=str),
            "value": value.astype("float64"),
            "status": pd.Series(np.array(OEWS_STATUSES, dtype=object)[figures.status], dtype=str),
        }
    )


def _text_column(keys: np.ndarray, render: Callable[[np.ndarray], list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Codes into the rendered text of the distinct keys; rendering runs once per distinct key."""
    codes, uniques = pd.factorize(keys)
    return codes, np.array(render(uniques), dtype=object)


def _flat_occupations(path: Path, *, name: str) -> pd.DataFrame:
    table = _read_tab_table(path, name=name, columns=("occupation_code", "occupation_name", "display_level"))
    soc = normalize_soc_series(table["occupation_code"])
    _fail_first(table, soc.isna(), "occupation_code", "a 6-digit SOC code", file=name)
    level = _display_levels(table["display_level"], soc)
    _fail_first(table, level.isna(), "display_level", "a display level 0-3", file=name)
    level = prefer_stated_levels(level, soc)
    return pd.DataFrame(
        {"source_row": table["source_row"], "soc_code": soc, "title": table["occupation_name"], "level": level}
    )


def _display_levels(display_level: pd.Series, soc: pd.Series) -> pd.Series:
    # Level 0 holds both the all-occupations total and the major groups.
    by_level = display_level.map({"1": "minor", "2": "broad", "3": "detailed"})
    top = np.where(soc.eq("00-0000"), "total", "major")
    return by_level.mask(display_level.eq("0"), pd.Series(top, index=soc.index, dtype=str))


# --------------------------------------------------------------------------- shared


def _finite_numbers(raw: pd.Series) -> pd.Series:
    """float64 where the text is a plain finite number, NaN elsewhere (marks, 'nan', 'inf')."""
    numeric = raw.str.fullmatch(_FINITE_NUMBER.pattern)
    return pd.to_numeric(raw.where(numeric), errors="coerce").astype("float64")


def _fail_first(
    frame: pd.DataFrame, bad: pd.Series, column: str, expected: str, *, file: str, sheet: str | None = None
) -> None:
    """Raise for the first flagged row of a frame that carries "source_row"."""
    if not bad.any():
        return
    position = bad.to_numpy().argmax()
    found = frame[column].iloc[position] if column in frame.columns else None
    raise LayoutError(
        file=file,
        sheet=sheet,
        row=int(frame["source_row"].iloc[position]),
        column=column,
        expected=expected,
        found=None if found is None else str(found),
    )


def _release(
    *,
    release_id: str,
    period: str,
    year: int,
    occupations: pd.DataFrame,
    estimates: pd.DataFrame,
    form: str,
    file: str,
    sheet: str | None,
    occupations_file: str | None = None,
) -> OewsRelease:
    occupations = occupations.reset_index(drop=True)
    estimates = estimates.reset_index(drop=True)
    occupations = validate(
        occupations[OCCUPATION_COLUMNS],
        OEWS_OCCUPATIONS,
        file=occupations_file or file,
        sheet=sheet,
        source_rows=occupations["source_row"].to_numpy(),
    )
    estimates = validate(
        estimates[ESTIMATE_COLUMNS],
        OEWS_ESTIMATES,
        file=file,
        sheet=sheet,
        source_rows=estimates["source_row"].to_numpy(),
    )
    return OewsRelease(
        release_id=release_id, period=period, year=year, occupations=occupations, estimates=estimates, form=form
    )
