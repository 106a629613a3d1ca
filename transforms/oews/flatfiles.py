"""The OEWS time-series flat files (download.bls.gov/pub/time.series/oe/), streamed as validated chunks.

The data file is one line per series and figure: about 16,500 lines for the nation, 6 million
(`oe.data.0.Current` about 330 MB) for the whole release. DuckDB's CSV reader parses it in parallel
and, in the same pass, splits every series id into its codes: each code is cast to an ENUM built
from its listing file, so a code the listing does not name comes out NULL and every code reaches
pandas as a small integer (a Categorical), never as a Python string. numpy then applies the status
rules (transforms.oews.status) and the checks of the estimates schema to each chunk. A chunk is
only handed on once every line in it passed; a line that did not is traced back to the file and
named with its column and what was expected.

`oe.series` is never read: the series id carries every key and the listing files carry every name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
import pandas as pd

from transforms.errors import LayoutError
from transforms.oews.listings import NATIONAL_AREA, Listings, release_period, top_code
from transforms.oews.status import Cells, Mark, TopCode, measure_kinds, statuses, values
from transforms.oews.tabfiles import LineFinder, TabFile
from transforms.release import Release, whole
from transforms.vocabulary import MEASURES, OEWS_STATUSES, RSE_MEASURES

__all__ = [
    "AREA_SCOPES",
    "DEFAULT_CHUNK_ROWS",
    "REQUIRED_FLATFILES",
    "AreaScope",
    "read_flatfiles",
    "release_fingerprint",
]

AreaScope = Literal["national", "all"]
AREA_SCOPES: tuple[str, ...] = ("national", "all")
REQUIRED_FLATFILES: tuple[str, ...] = (
    "oe.release",
    "oe.data.0.Current",
    "oe.occupation",
    "oe.area",
    "oe.industry",
    "oe.datatype",
    "oe.footnote",
)
# Lines per chunk, at most; DuckDB hands rows on in vectors of 2,048.
DEFAULT_CHUNK_ROWS = 262_144
_VECTOR = 2048
DATA = "oe.data.0.Current"
_DATA_COLUMNS = ("series_id", "year", "period", "value", "footnote_codes")
_SERIES_ID = re.compile(r"OEU[A-Z]\d{7}[0-9A-Z-]{6}\d{8}")
_VALUE_EXPECTED = "a number, '-' with footnote 4, 5 or 8 (as the datatype allows), '*' or '**'"

_MEASURE_DTYPE = pd.CategoricalDtype(list(MEASURES))
_STATUS_DTYPE = pd.CategoricalDtype(list(OEWS_STATUSES))
_RSE = np.array([m in RSE_MEASURES for m in MEASURES])


def read_flatfiles(
    paths: Mapping[str, Path | str], *, areas: str = "national", chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> Release:
    """The OEWS release in the flat files: paths maps the BLS file names (REQUIRED_FLATFILES) to files.

    areas: "national" keeps area 0000000 (every industry the file has), "all" every area. The
    listing files are read and checked now; oews_estimates is read as it is iterated (each
    iteration reads the data file again), in chunks of at most chunk_rows lines, and raises
    LayoutError on the first bad line, or at its end when a series repeats: a consumer must
    treat the iteration as one unit (the warehouse loads it in one transaction).
    """
    _check_scope(areas)
    missing = [key for key in REQUIRED_FLATFILES if key not in paths]
    if missing:
        raise LayoutError(
            file=missing[0],
            expected=f"the OEWS flat files {', '.join(REQUIRED_FLATFILES)}",
            found=f"only {', '.join(sorted(paths)) or 'no files'}",
        )
    files = {key: TabFile(paths[key], name=_display_name(key, Path(paths[key]))) for key in REQUIRED_FLATFILES}
    data = files[DATA]
    data.fields(_DATA_COLUMNS)
    with duckdb.connect() as con:  # one engine for the small files and the data file's first lines
        listings = Listings.read(files, con)
        year, period = _first_release(data, con)
        release_id = f"{year}{period}"
        described = release_period(files["oe.release"], release_id, con)
    figures = _Figures(data, listings, release_id, areas, top_code(listings, int(year)), chunk_rows)
    tables = {table: whole(frame) for table, frame in listings.frames(release_id, areas).items()}
    return Release("oews", release_id, described, int(year), {**tables, "oews_estimates": figures})


def release_fingerprint(files_sha256: str, areas: str) -> str:
    """The archive hash a release is recorded under, given the load's area scope.

    National loads keep the files' own hash (what earlier runs recorded), so an unchanged
    file is still recognised; an all-areas load of the same files is a different load and
    gets a different fingerprint, so switching the setting reloads once.
    """
    _check_scope(areas)
    if areas == "national":
        return files_sha256
    return hashlib.sha256(f"{files_sha256}\nareas={areas}".encode()).hexdigest()


def _check_scope(areas: str) -> None:
    if areas not in AREA_SCOPES:
        raise ValueError(f"areas must be one of {', '.join(AREA_SCOPES)}, not {areas!r}")


def _display_name(key: str, path: Path) -> str:
    return key if path.name == key else f"{key} ({path.name})"


def _first_release(data: TabFile, con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """(year, period) of the first figure line: the release every line must belong to."""
    names = data.fields(_DATA_COLUMNS)
    with data.reading(con) as engine:
        head = engine.execute(
            f"SELECT coalesce(trim({names['series_id']}), '') AS s, coalesce(trim({names['year']}), '') AS y, "
            f"coalesce(trim({names['period']}), '') AS p FROM {data.source(sequential=True)} LIMIT 100",
            {"path": str(data.path)},
        ).df()
    figures = head[head["s"].ne("")]
    if figures.empty:
        raise LayoutError(file=data.name, row=2, expected="figure lines after the header", found="none")
    year, period = figures["y"].iloc[0], figures["p"].iloc[0]
    if not (re.fullmatch(r"\d{4}", year) and re.fullmatch(r"A\d{2}", period)):
        raise LayoutError(
            file=data.name,
            row=LineFinder(data.path).find(int(figures.index[0]))[0],
            column="year, period",
            expected="one annual release (a year and a period like A01)",
            found=f"{year} {period}",
        )
    return year, period


@dataclass(frozen=True)
class _Vocabulary:
    """A listing as a DuckDB ENUM (what the series id holds) and as the Categorical handed on."""

    enum: str
    in_id: list[str]  # the ENUM's values, sorted as series ids sort
    dtype: pd.CategoricalDtype  # the codes as the warehouse writes them, in the same order

    @classmethod
    def of(cls, enum: str, pairs: list[tuple[str, str]]) -> _Vocabulary:
        pairs = sorted(pairs)
        return cls(enum, [p[0] for p in pairs], pd.CategoricalDtype([p[1] for p in pairs]))

    def create(self, con) -> None:
        listed = ", ".join("'" + value.replace("'", "''") + "'" for value in self.in_id)
        con.execute(f"CREATE TYPE {self.enum} AS ENUM ({listed})")


class _Figures:
    """oews_estimates of a flat-file release: iterating reads the data file, chunk by chunk."""

    def __init__(
        self, data: TabFile, listings: Listings, release_id: str, areas: str, bound: TopCode, chunk_rows: int
    ) -> None:
        self.data, self.listings, self.release_id, self.scope, self.bound = data, listings, release_id, areas, bound
        self.vectors = max(1, chunk_rows // _VECTOR)
        self.area_types = dict(zip(listings.codes("oe.area"), listings.tables["oe.area"]["areatype_code"], strict=True))
        self.area_codes = _Vocabulary.of("oews_area", [(f"OEU{t}{a}", a) for a, t in self.area_types.items()])
        self.industry_codes = _Vocabulary.of("oews_industry", [(c, c) for c in listings.codes("oe.industry")])
        self.occupation_codes = _Vocabulary.of(
            "oews_occupation", [(c.replace("-", ""), c) for c in listings.codes("oe.occupation")]
        )
        self.datatype_codes = _Vocabulary.of("oews_datatype", [(c, c) for c in listings.codes("oe.datatype")])
        self.measure_of = np.array([int(c) - 1 for c in self.datatype_codes.in_id], dtype=np.int8)
        self.national = self.area_codes.dtype.categories.get_loc(NATIONAL_AREA)
        self.release_dtype = pd.CategoricalDtype([release_id])

    def __iter__(self) -> Iterator[pd.DataFrame]:
        order = _SeriesOrder(self)
        lines = LineFinder(self.data.path)
        try:
            for offset, batch in self._batches():
                frame, keys, rows = self._chunk(batch, offset, lines)
                order.add(keys, rows)
                if len(frame):
                    yield frame
            order.finish()
        finally:
            lines.close()

    def _batches(self) -> Iterator[tuple[int, pd.DataFrame]]:
        """(row offset, batch) of the data file's rows, as DuckDB returns them, in file order."""
        names = self.data.fields(_DATA_COLUMNS)
        year, period = self.release_id[:4], self.release_id[4:]
        with self.data.reading() as con:
            for vocabulary in (self.area_codes, self.industry_codes, self.occupation_codes, self.datatype_codes):
                vocabulary.create(con)
            # Most cells need no trimming: BLS pads ids on the right (substr ignores it), DuckDB's
            # number cast ignores spaces, empty footnotes are NULL; trimming every cell costs more.
            # (nullif also keeps DuckDB 2.0 from pushing TRY_CAST into the CSV reader as a strict cast.)
            con.execute(
                f"""
                SELECT
                    TRY_CAST(substr(s, 1, 11) AS oews_area) AS area,
                    TRY_CAST(substr(s, 12, 6) AS oews_industry) AS industry,
                    TRY_CAST(substr(s, 18, 6) AS oews_occupation) AS occupation,
                    TRY_CAST(rtrim(substr(s, 24)) AS oews_datatype) AS datatype,
                    TRY_CAST(nullif(v, '') AS DOUBLE) AS number,
                    (CASE WHEN TRY_CAST(nullif(v, '') AS DOUBLE) IS NOT NULL THEN 0
                          ELSE CASE trim(v) WHEN '-' THEN 1 WHEN '*' THEN 2 WHEN '**' THEN 3 WHEN '#' THEN 4
                          ELSE 0 END END)::UTINYINT AS mark,
                    (CASE WHEN n IS NULL THEN 0 ELSE regexp_matches(n, '(^|\\D)4(\\D|$)')::UTINYINT
                        + 2 * regexp_matches(n, '(^|\\D)5(\\D|$)')::UTINYINT
                        + 4 * regexp_matches(n, '(^|\\D)8(\\D|$)')::UTINYINT END)::UTINYINT AS notes,
                    ((y = $year OR trim(y) = $year) AND (p = $period OR trim(p) = $period)) IS TRUE AS this_release
                FROM (
                    SELECT CASE WHEN starts_with(s, ' ') THEN ltrim(s) ELSE s END AS s, y, p, v, n
                    FROM (
                        SELECT {names["series_id"]} AS s, {names["year"]} AS y, {names["period"]} AS p,
                               {names["value"]} AS v, {names["footnote_codes"]} AS n
                        FROM {self.data.source()}
                    )
                )
                """,
                {"path": str(self.data.path), "year": year, "period": period},
            )
            offset = 0
            while not (batch := con.fetch_df_chunk(self.vectors)).empty:
                yield offset, batch
                offset += len(batch)

    def _chunk(
        self, batch: pd.DataFrame, offset: int, lines: LineFinder
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """The chunk handed on, and the series keys and rows of its figure lines (for _SeriesOrder)."""
        area, industry, occupation, datatype = (
            batch[c].cat.codes.to_numpy() for c in ("area", "industry", "occupation", "datatype")
        )
        measure = self.measure_of[datatype]
        hourly, annual = measure_kinds(measure)
        notes = batch["notes"].to_numpy()
        mark = batch["mark"].to_numpy()
        cells = Cells(
            number=batch["number"].to_numpy(),
            mark=mark,
            reasoned=mark == Mark.DASH,
            top_coded=(notes & 2) != 0,
            only_annual=(notes & 1) != 0,
            only_hourly=(notes & 1) != 0,
            not_released=(notes & 4) != 0,
            hourly=hourly,
            annual=annual,
        )
        status = statuses(cells)
        value = values(cells, status, self.bound)
        unlisted = (area < 0) | (industry < 0) | (occupation < 0) | (datatype < 0)
        bad = unlisted | ~batch["this_release"].to_numpy(dtype=bool) | (status < 0)
        bad |= (value < 0) | (_RSE[measure] & (value > 100))
        figure = ~bad if not bad.any() else ~self._blank_lines(batch, bad, offset, lines, status, value)

        keep = figure & (area == self.national) if self.scope == "national" else figure
        frame = pd.DataFrame(
            {
                "release_id": _categorical(np.zeros(int(keep.sum()), dtype=np.int8), self.release_dtype),
                "area_code": _categorical(area[keep], self.area_codes.dtype),
                "industry_code": _categorical(industry[keep], self.industry_codes.dtype),
                "soc_code": _categorical(occupation[keep], self.occupation_codes.dtype),
                "measure": _categorical(measure[keep], _MEASURE_DTYPE),
                "value": value[keep],
                "status": _categorical(status[keep], _STATUS_DTYPE),
            }
        )
        rows = offset + np.flatnonzero(figure)
        return frame, self.series_keys(area, industry, occupation, datatype)[figure], rows

    def series_keys(self, area, industry, occupation, datatype) -> np.ndarray:
        """One int64 per line, ordered as the series ids are."""
        n_industries, n_occupations = len(self.industry_codes.in_id), len(self.occupation_codes.in_id)
        key = area.astype(np.int64) * n_industries + industry
        return (key * n_occupations + occupation) * len(self.datatype_codes.in_id) + datatype

    def _blank_lines(self, batch, bad, offset, lines, status, value) -> np.ndarray:
        """Which flagged rows are blank lines (skipped); raises for the first one that is not."""
        blank = np.zeros(len(batch), dtype=bool)
        for position in np.flatnonzero(bad):
            line, text = lines.find(offset + int(position))
            if not text.replace("\t", "").strip():
                blank[position] = True
                continue
            raise self._line_error(batch.iloc[position], line, text, status[position], value[position])
        return blank

    def _line_error(self, row: pd.Series, line: int, text: str, status: int, value: float) -> LayoutError:
        """What is wrong with a flagged line, named as precisely as the line allows."""
        fields = [f.strip() for f in text.split("\t")]
        header = self.data.header
        cell = {c: fields[header.index(c)] if header.index(c) < len(fields) else None for c in _DATA_COLUMNS}

        def error(column: str, expected: str, found: str | None) -> LayoutError:
            return LayoutError(file=self.data.name, row=line, column=column, expected=expected, found=found)

        absent = [c for c in _DATA_COLUMNS if cell[c] is None]
        if absent:
            expected = f"a {absent[0]} field (the header has {len(header)} tab-separated fields)"
            return error(absent[0], expected, f"{len(fields)} fields")
        series = cell["series_id"] or ""
        if not _SERIES_ID.fullmatch(series):
            return error("series_id", "an OEWS series id like OEUN000000000000029207213", series)
        if not 1 <= int(series[23:]) <= len(MEASURES):
            return error("series_id", f"a datatype code 01-{len(MEASURES)} at the end of the series id", series)
        for column, listing, code, found in (
            ("area", "oe.area", "an area code", series[4:11]),
            ("industry", "oe.industry", "an industry code", series[11:17]),
            ("occupation", "oe.occupation", "an occupation code", f"{series[17:19]}-{series[19:23]}"),
            ("datatype", "oe.datatype", "a datatype code", series[23:]),
        ):
            if pd.isna(row[column]):
                if column == "area" and found in self.area_types:
                    letter = self.area_types[found]
                    return error("series_id", f"the area type {letter} that oe.area gives area {found}", series[3])
                return error("series_id", f"{code} listed in {listing}", found)
        if not row["this_release"]:
            releases = sorted({f"{cell['year']} {cell['period']}", f"{self.release_id[:4]} {self.release_id[4:]}"})
            return error("year, period", "one annual release (a year and a period like A01)", ", ".join(releases))
        found = f"{cell['value']} (footnote_codes {cell['footnote_codes']!r})"
        if status < 0:
            return error("value", _VALUE_EXPECTED, found)
        if value < 0:
            return error("value", "a value >= 0", found)
        if value > 100:  # flagged for a relative standard error only
            return error("value", "a relative standard error between 0 and 100 percent", found)
        return error("value", "a figure the estimates schema accepts", found)


def _categorical(codes: np.ndarray, dtype: pd.CategoricalDtype) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


class _SeriesOrder:
    """One line per series (area, industry, occupation, datatype).

    BLS writes the file sorted by series id, so a repeat would follow its original and checking
    that every key is above the one before suffices, in one pass. A file out of that order is
    checked whole at its end: its keys are read again and sorted.
    """

    def __init__(self, figures: _Figures) -> None:
        self.figures = figures
        self.last_key, self.last_row = -1, -1
        self.in_order = True

    def add(self, keys: np.ndarray, rows: np.ndarray) -> None:
        if not self.in_order or not len(keys):
            return
        steps = np.diff(keys, prepend=self.last_key)
        if (steps <= 0).any():
            first = int(np.argmax(steps <= 0))
            if steps[first] == 0:
                self._fail(int(rows[first]), int(rows[first - 1]) if first else self.last_row)
            self.in_order = False
            return
        self.last_key, self.last_row = int(keys[-1]), int(rows[-1])

    def finish(self) -> None:
        if self.in_order:
            return
        keys, rows = [], []
        for offset, batch in self.figures._batches():
            codes = [batch[c].cat.codes.to_numpy() for c in ("area", "industry", "occupation", "datatype")]
            # Every line passed when the chunks were made; blank ones have no codes.
            figure = (np.stack(codes) >= 0).all(axis=0)
            keys.append(self.figures.series_keys(*codes)[figure])
            rows.append(offset + np.flatnonzero(figure))
        key, row = np.concatenate(keys), np.concatenate(rows)
        order = np.argsort(key, kind="stable")
        repeated = np.flatnonzero(key[order][1:] == key[order][:-1])
        if repeated.size:
            # The repeat that comes first in the file, and the line it repeats.
            second = order[repeated + 1]
            position = second[np.argmin(row[second])]
            original = order[np.searchsorted(key[order], key[position])]
            self._fail(int(row[position]), int(row[original]))

    def _fail(self, row: int, original: int) -> None:
        lines = LineFinder(self.figures.data.path)
        try:
            first_line = lines.find(original)[0]
            line, text = lines.find(row)
        finally:
            lines.close()
        raise LayoutError(
            file=self.figures.data.name,
            row=line,
            column="series_id",
            expected="one line per series (area, industry, occupation, datatype)",
            found=f"{text.split(chr(9))[0].strip()} again, first on line {first_line}",
        )
