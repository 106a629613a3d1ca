"""The OEWS national zip (oesmYYnat.zip): one wide workbook row per occupation, made long."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from transforms._xlsx import Cell, as_bytes, open_workbook, rows_as_text_frame, sheet_rows
from transforms.errors import LayoutError, fail_first
from transforms.oews.status import MARKS, Cells, Mark, statuses, values, zip_top_code
from transforms.release import Release, whole
from transforms.schemas import OEWS_ESTIMATES, OEWS_OCCUPATIONS, validate
from transforms.soc import LEVELS, normalize_soc_series, prefer_stated_levels
from transforms.vocabulary import ANNUAL_MEASURES, HOURLY_MEASURES, MEASURES, OEWS_STATUSES

__all__ = ["ESTIMATE_COLUMNS", "NATIONAL_AREA", "OCCUPATION_COLUMNS", "ZIP_COLUMN_MEASURES", "read_national_zip"]

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

_NATIONAL_MEMBER = re.compile(r"(?:^|/)national_M(\d{4})_dl\.xlsx$", re.IGNORECASE)
_FINITE_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def read_national_zip(data: bytes | Path, *, name: str) -> Release:
    """Read oesmYYnat.zip (holding oesmYYnat/national_MYYYY_dl.xlsx): the release of that May.

    Tables: oews_occupations and oews_estimates, each one whole frame."""
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
    occupations = occupations.reset_index(drop=True)
    estimates = _zip_estimates(keyed, year, file=file, sheet=sheet).assign(release_id=release_id)
    estimates = estimates.reset_index(drop=True)
    tables = {
        table: validate(frame[columns], schema, file=file, sheet=sheet, source_rows=frame["source_row"].to_numpy())
        for table, frame, columns, schema in (
            ("oews_occupations", occupations, OCCUPATION_COLUMNS, OEWS_OCCUPATIONS),
            ("oews_estimates", estimates, ESTIMATE_COLUMNS, OEWS_ESTIMATES),
        )
    }
    return Release("oews", release_id, f"May {year}", year, {table: whole(frame) for table, frame in tables.items()})


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


def _zip_header_row(rows: list[list[Cell]], *, file: str, sheet: str) -> int:
    for index, row in enumerate(rows[:20]):
        if any(isinstance(cell, str) and cell.strip().upper() == "OCC_CODE" for cell in row):
            return index
    raise LayoutError(
        file=file,
        sheet=sheet,
        column="OCC_CODE",
        expected=f"a header row with the columns {', '.join(REQUIRED_ZIP_COLUMNS)}",
    )


def _zip_table(rows: list[list[Cell]], header_index: int, *, file: str, sheet: str) -> pd.DataFrame:
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
    fail_first(table, soc.isna(), "OCC_CODE", "an SOC code like 29-2072", file=file, sheet=sheet)

    level = table["O_GROUP"].str.lower()
    fail_first(table, ~level.isin(LEVELS), "O_GROUP", f"one of {', '.join(LEVELS)}", file=file, sheet=sheet)

    area = _zip_area_codes(table["AREA"], table["AREA_TYPE"])
    fail_first(table, area.isna(), "AREA", "an OEWS area code with a known AREA_TYPE", file=file, sheet=sheet)

    industry = table["NAICS"].where(~table["NAICS"].str.fullmatch(r"\d{1,5}"), table["NAICS"].str.zfill(6))
    bad_industry = ~industry.str.fullmatch(r"[0-9A-Z-]{6}")
    fail_first(table, bad_industry, "NAICS", "a 6-character industry code", file=file, sheet=sheet)

    flags = {}
    for column in ("ANNUAL", "HOURLY"):
        flag = table[column].str.upper()
        fail_first(table, ~flag.isin(["", "TRUE", "FALSE"]), column, "TRUE or blank", file=file, sheet=sheet)
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


def _zip_estimates(keyed: pd.DataFrame, year: int, *, file: str, sheet: str) -> pd.DataFrame:
    value_columns = [c for c in ZIP_COLUMN_MEASURES if c in keyed.columns]
    ids = ["source_row", "area_code", "industry_code", "soc_code", "annual_only", "hourly_only"]
    long = keyed[ids + value_columns].melt(id_vars=ids, var_name="column", value_name="raw")
    # An empty cell is a figure the file does not carry (JOBS_1000 in the national file): no row.
    long = long[long["raw"].ne("")].reset_index(drop=True)
    long["measure"] = long["column"].map(ZIP_COLUMN_MEASURES)

    hourly = long["measure"].isin(HOURLY_MEASURES).to_numpy()
    annual = long["measure"].isin(ANNUAL_MEASURES).to_numpy()
    mark = long["raw"].map(MARKS).fillna(Mark.NONE).to_numpy(dtype=np.int8)
    cells = Cells(
        number=_finite_numbers(long["raw"]).to_numpy(),
        mark=mark,
        reasoned=np.isin(mark, [Mark.STAR, Mark.HASH]),
        top_coded=mark == Mark.HASH,
        only_annual=long["annual_only"].to_numpy(dtype=bool),
        only_hourly=long["hourly_only"].to_numpy(dtype=bool),
        not_released=np.zeros(len(long), dtype=bool),
        hourly=hourly,
        annual=annual,
    )
    status = statuses(cells)
    unknown = status < 0
    if unknown.any():
        bad = long.iloc[int(unknown.argmax())]
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
    long = long.assign(
        value=values(cells, status, zip_top_code(year)),
        status=pd.Series(np.array(OEWS_STATUSES, dtype=object)[status], dtype=str),
        _order=long["measure"].map(MEASURES.index),
    )
    # File order: each occupation's measures together, in datatype order.
    long = long.sort_values(["source_row", "_order"], kind="stable")
    return long[["source_row", "area_code", "industry_code", "soc_code", "measure", "value", "status"]]


def _finite_numbers(raw: pd.Series) -> pd.Series:
    """float64 where the text is a plain finite number, NaN elsewhere (marks, 'nan', 'inf')."""
    numeric = raw.str.fullmatch(_FINITE_NUMBER.pattern)
    return pd.to_numeric(raw.where(numeric), errors="coerce").astype("float64")
