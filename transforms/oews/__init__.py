"""OEWS (Occupational Employment and Wage Statistics) from its two bulk forms, as one kind of Release.

* `read_national_zip(data, name=...)`: the special-requests national zip (oesmYYnat.zip), one wide
  workbook row per occupation;
* `read_flatfiles(paths, areas=..., chunk_rows=...)`: the time-series flat files
  (download.bls.gov/pub/time.series/oe/), the nation or every area, streamed.

Both give `Release("oews", "2025A01", "May 2025", 2025, tables)`: `oews_occupations` (one row per
SOC code) and `oews_estimates` (one row per area, industry, occupation and measure, with a
`status` that says why a value is missing or what it bounds, by the rules of
transforms.oews.status); the flat files add `oews_areas`, `oews_industries`, `oews_datatypes`
and `oews_footnotes`.
"""

from typing import TYPE_CHECKING, Any

from transforms.oews.flatfiles import (
    AREA_SCOPES,
    DEFAULT_CHUNK_ROWS,
    REQUIRED_FLATFILES,
    AreaScope,
    read_flatfiles,
    release_fingerprint,
)
from transforms.oews.status import TopCode, zip_top_code
from transforms.vocabulary import DATATYPE_MEASURES, MEASURES

if TYPE_CHECKING:
    from transforms.oews.national_zip import (
        ESTIMATE_COLUMNS,
        OCCUPATION_COLUMNS,
        ZIP_COLUMN_MEASURES,
        read_national_zip,
    )

# The zip reader validates with pandera, whose import (0.15 s) a night reading the flat files does without.
_ZIP_NAMES = ("ESTIMATE_COLUMNS", "OCCUPATION_COLUMNS", "ZIP_COLUMN_MEASURES", "read_national_zip")


def __getattr__(name: str) -> Any:
    if name in _ZIP_NAMES:
        from transforms.oews import national_zip

        return getattr(national_zip, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AREA_SCOPES",
    "DATATYPE_MEASURES",
    "DEFAULT_CHUNK_ROWS",
    "ESTIMATE_COLUMNS",
    "MEASURES",
    "OCCUPATION_COLUMNS",
    "REQUIRED_FLATFILES",
    "ZIP_COLUMN_MEASURES",
    "AreaScope",
    "TopCode",
    "read_flatfiles",
    "read_national_zip",
    "release_fingerprint",
    "zip_top_code",
]
