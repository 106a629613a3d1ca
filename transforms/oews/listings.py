"""The small OEWS flat files that name every code: occupations, areas, industries, datatypes, footnotes,
and the release names (oe.release). They become the release's dimension tables and the vocabularies
the data file's series ids are checked against."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from transforms.errors import LayoutError, fail_first
from transforms.oews.status import TopCode, zip_top_code
from transforms.oews.tabfiles import TabFile
from transforms.soc import normalize_soc_series, prefer_stated_levels
from transforms.vocabulary import MEASURES

__all__ = ["DIMENSION_COLUMNS", "NATIONAL_AREA", "Listings", "release_period", "top_code"]

NATIONAL_AREA = "0000000"
OCCUPATION_COLUMNS = ["release_id", "soc_code", "title", "level"]
DIMENSION_COLUMNS: dict[str, list[str]] = {
    "oews_areas": ["release_id", "area_code", "area_name", "area_type", "areatype_code", "state_code"],
    "oews_industries": ["release_id", "industry_code", "industry_name", "display_level", "sort_sequence"],
    "oews_datatypes": ["release_id", "datatype_code", "datatype_name", "measure"],
    "oews_footnotes": ["release_id", "footnote_code", "footnote_text", "status"],
}
# What a flat-file footnote on a '-' line means for the status (transforms.oews.status applies it).
_FOOTNOTE_STATUS = {"4": "hourly_only or annual_only", "5": "top_coded", "8": "not_released"}

# (file, column, pattern, expected) of every listing cell that is a code or a name.
_CELL_RULES = [
    ("oe.area", "area_code", r"\d{7}", "a 7-digit area code"),
    ("oe.area", "areatype_code", r"[NSM]", "an area type N, S or M"),
    ("oe.area", "area_name", r".+", "an area name"),
    ("oe.occupation", "occupation_name", r".+", "an occupation title"),
    ("oe.industry", "industry_code", r"[0-9A-Z-]{6}", "a 6-character industry code"),
    ("oe.industry", "industry_name", r".+", "an industry name"),
    ("oe.industry", "display_level", r"\d", "a display level 0-9"),
    ("oe.industry", "sort_sequence", r"\d+|", "a whole sort sequence number"),
    ("oe.datatype", "datatype_code", r"\d{2}", "a 2-digit datatype code"),
    ("oe.footnote", "footnote_code", r"\d+", "a footnote number"),
]
_KEYS = {"oe.area": "area_code", "oe.industry": "industry_code", "oe.datatype": "datatype_code"}
_COLUMNS = {
    "oe.area": ("area_code", "area_name", "areatype_code", "state_code"),
    "oe.industry": ("industry_code", "industry_name", "display_level", "sort_sequence"),
    "oe.datatype": ("datatype_code", "datatype_name"),
    "oe.footnote": ("footnote_code", "footnote_text"),
    "oe.occupation": ("occupation_code", "occupation_name", "display_level"),
}


@dataclass(frozen=True)
class Listings:
    """The listing files as checked tables; `occupations` has its codes as NN-NNNN and its levels."""

    tables: dict[str, pd.DataFrame]  # keyed by BLS file name
    occupations: pd.DataFrame  # source_row, soc_code, title, level
    names: Mapping[str, str]  # BLS file name -> how errors name it

    @classmethod
    def read(cls, files: Mapping[str, TabFile], con: duckdb.DuckDBPyConnection | None = None) -> Listings:
        tables = {key: files[key].read_table(columns, con) for key, columns in _COLUMNS.items()}
        names = {key: files[key].name for key in files}
        for key, column, pattern, expected in _CELL_RULES:
            fail_first(tables[key], ~tables[key][column].str.fullmatch(pattern), column, expected, file=names[key])
        for key, column in {**_KEYS, "oe.footnote": "footnote_code"}.items():
            repeated = tables[key][column].duplicated()
            fail_first(tables[key], repeated, column, "each code listed once", file=names[key])
        datatypes = tables["oe.datatype"]
        known = datatypes["datatype_code"].isin([f"{i:02d}" for i in range(1, len(MEASURES) + 1)])
        fail_first(datatypes, ~known, "datatype_code", f"a datatype code 01-{len(MEASURES)}", file=names["oe.datatype"])
        return cls(tables, _occupations(tables["oe.occupation"], name=names["oe.occupation"]), names)

    def codes(self, key: str) -> list[str]:
        """The codes a listing file names, in its order (oe.occupation's as NN-NNNN)."""
        if key == "oe.occupation":
            return list(self.occupations["soc_code"])
        return list(self.tables[key][_KEYS[key]])

    def frames(self, release_id: str, areas: str) -> dict[str, pd.DataFrame]:
        """The dimension tables of the release (`areas` "national" keeps the nation's row only)."""
        occupations = self.occupations.assign(release_id=release_id).reset_index(drop=True)
        frames = {
            "oews_occupations": occupations[OCCUPATION_COLUMNS],
            "oews_areas": _areas(self.tables["oe.area"], national=areas == "national"),
            "oews_industries": _industries(self.tables["oe.industry"]),
            "oews_datatypes": pd.DataFrame(
                {
                    "datatype_code": self.tables["oe.datatype"]["datatype_code"],
                    "datatype_name": self.tables["oe.datatype"]["datatype_name"],
                    "measure": [MEASURES[int(c) - 1] for c in self.tables["oe.datatype"]["datatype_code"]],
                }
            ),
            "oews_footnotes": pd.DataFrame(
                {
                    "footnote_code": self.tables["oe.footnote"]["footnote_code"],
                    "footnote_text": self.tables["oe.footnote"]["footnote_text"],
                    "status": [_FOOTNOTE_STATUS.get(c) for c in self.tables["oe.footnote"]["footnote_code"]],
                }
            ),
        }
        for table, columns in DIMENSION_COLUMNS.items():
            frames[table] = frames[table].assign(release_id=release_id)[columns].reset_index(drop=True)
        return frames


def _areas(table: pd.DataFrame, *, national: bool) -> pd.DataFrame:
    if national:
        table = table[table["area_code"].eq(NATIONAL_AREA)]
    area_type = np.select(
        [
            table["areatype_code"].eq("N"),
            table["areatype_code"].eq("S"),
            table["area_name"].str.contains("nonmetropolitan", case=False, regex=False),
        ],
        ["national", "state", "nonmetropolitan"],
        default="metropolitan",
    )
    return pd.DataFrame(
        {
            "area_code": table["area_code"].to_numpy(dtype=object),
            "area_name": table["area_name"].to_numpy(dtype=object),
            "area_type": area_type.astype(object),
            "areatype_code": table["areatype_code"].to_numpy(dtype=object),
            "state_code": table["state_code"].replace("", None).to_numpy(dtype=object),
        }
    )


def _industries(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "industry_code": table["industry_code"].to_numpy(dtype=object),
            "industry_name": table["industry_name"].to_numpy(dtype=object),
            "display_level": table["display_level"].astype("int64").to_numpy(),
            "sort_sequence": pd.to_numeric(table["sort_sequence"], errors="coerce").astype("Int64"),
        }
    )


def _occupations(table: pd.DataFrame, *, name: str) -> pd.DataFrame:
    soc = normalize_soc_series(table["occupation_code"])
    fail_first(table, soc.isna(), "occupation_code", "a 6-digit SOC code", file=name)
    # Level 0 holds both the all-occupations total and the major groups.
    level = table["display_level"].map({"1": "minor", "2": "broad", "3": "detailed"})
    top = pd.Series(np.where(soc.eq("00-0000"), "total", "major"), index=soc.index, dtype=str)
    level = level.mask(table["display_level"].eq("0"), top)
    fail_first(table, level.isna(), "display_level", "a display level 0-3", file=name)
    fail_first(table, soc.duplicated(), "occupation_code", "each code listed once", file=name)
    return pd.DataFrame(
        {
            "source_row": table["source_row"],
            "soc_code": soc,
            "title": table["occupation_name"],
            "level": prefer_stated_levels(level, soc),
        }
    )


def release_period(file: TabFile, release_id: str, con: duckdb.DuckDBPyConnection | None = None) -> str:
    """How BLS names the release in oe.release ('May 2025' for 2025A01)."""
    releases = file.read_table(("release_date", "description"), con)
    match = releases[releases["release_date"].eq(release_id)]
    if match.empty or not match["description"].iloc[0]:
        listed = ", ".join(releases["release_date"]) or "no releases"
        raise LayoutError(
            file=file.name, column="release_date", expected=f"a row for release {release_id}", found=listed
        )
    return str(match["description"].iloc[0])


def top_code(listings: Listings, year: int) -> TopCode:
    """Bounds of footnote 5 ("equal to or greater than $115.00 per hour or $239,200 per year")."""
    notes = listings.tables["oe.footnote"]
    default = zip_top_code(year)
    text = " ".join(notes.loc[notes["footnote_code"].eq("5"), "footnote_text"])
    hourly = re.search(r"\$\s*([\d,]+(?:\.\d+)?)\s*(?:per|an|/)\s*hour", text)
    annual = re.search(r"\$\s*([\d,]+(?:\.\d+)?)\s*(?:per|a|/)\s*year", text)
    return TopCode(
        hourly=float(hourly.group(1).replace(",", "")) if hourly else default.hourly,
        annual=float(annual.group(1).replace(",", "")) if annual else default.annual,
    )
