"""OEWS flat files streamed: a whole all-areas release in bounded memory, as validated chunks.

`read_flatfiles` (transforms.oews) builds one frame of every figure; fine for the national
file, but the whole release has about 6 million figure lines (`oe.data.0.Current` about
330 MB). `stream_flatfiles` reads the same files in chunks of a few hundred thousand lines
and hands on, per chunk, a frame in the shape of `OewsRelease.estimates` whose text columns
are pandas Categoricals (a handful of distinct codes per chunk: no Python string per row).
The small listing files become the dimension frames of the release (areas, industries,
datatypes, footnotes) next to the occupations.

Reading: a block of lines is parsed with pandas' C reader for the short columns (as
categories: one string per distinct value) and numpy for the series ids (straight from the
bytes), never one Python string per line; a block that does not look like BLS's layout goes
through transforms.oews' own reader, so what is accepted and every error message (file, line,
column) are those of `read_flatfiles` (tests/test_analyst_load.py holds both to agree).

Every rule of `read_flatfiles` applies line by line (series ids, marks and footnotes,
top-code bounds, codes listed in the listing files), plus: one release in the whole file
and one line per (area, industry, occupation, datatype). A chunk is only handed on once it
passed; the key check spans the whole file and fails at the end of the stream, so a
consumer must treat the stream as one unit (the warehouse loads it in one transaction).

`oe.series` is never read: the series id carries every key and the listing files carry
every name.

Pure: no DuckDB, no network.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from transforms._series_ids import _BITS_PER_CHAR, SeriesKeys, unpack
from transforms.errors import LayoutError
from transforms.oews import (
    _ANNUAL_DATATYPES as _ANNUAL_DATATYPES_STREAM,
)
from transforms.oews import (
    _DATA_COLUMNS,
    _HOURLY_DATATYPES,
    ESTIMATE_COLUMNS,
    NATIONAL_AREA,
    OCCUPATION_COLUMNS,
    TopCode,
    _check_header,
    _display_name,
    _finite_numbers,
    _flat_occupations,
    _flat_period,
    _flat_release_id,
    _flat_top_code,
    _FlatFigures,
    _parse_figure_chunk,
    _parser_error,
    _read_csv_options,
    _read_tab_table,
)
from transforms.oews import (
    _STATUS_CODES as _STATUS_CODES_STREAM,
)
from transforms.schemas import OEWS_OCCUPATIONS, validate
from transforms.vocabulary import MEASURES, OEWS_STATUSES, RSE_MEASURES, VALUED_STATUSES

__all__ = [
    "AREA_SCOPES",
    "AREA_TYPES",
    "DIMENSION_COLUMNS",
    "REQUIRED_STREAM_FILES",
    "AreaScope",
    "OewsStream",
    "release_fingerprint",
    "stream_flatfiles",
]

AreaScope = Literal["national", "all"]
AREA_SCOPES: tuple[str, ...] = ("national", "all")
AREA_TYPES: tuple[str, ...] = ("national", "state", "metropolitan", "nonmetropolitan")

REQUIRED_STREAM_FILES: tuple[str, ...] = (
    "oe.release",
    "oe.data.0.Current",
    "oe.occupation",
    "oe.area",
    "oe.industry",
    "oe.datatype",
    "oe.footnote",
)

# Lines per chunk: about 28 MB of the data file, 13 chunks for the whole release.
DEFAULT_CHUNK_ROWS = 500_000

DIMENSION_COLUMNS: dict[str, list[str]] = {
    "oews_areas": ["release_id", "area_code", "area_name", "area_type", "areatype_code", "state_code"],
    "oews_industries": ["release_id", "industry_code", "industry_name", "display_level", "sort_sequence"],
    "oews_datatypes": ["release_id", "datatype_code", "datatype_name", "measure"],
    "oews_footnotes": ["release_id", "footnote_code", "footnote_text", "status"],
}

# What a flat-file footnote on a '-' line means for the status (transforms.oews applies it).
_FOOTNOTE_STATUS = {"4": "hourly_only or annual_only", "5": "top_coded", "8": "not_released"}

_MEASURE_DTYPE = pd.CategoricalDtype(list(MEASURES))
_STATUS_DTYPE = pd.CategoricalDtype(list(OEWS_STATUSES))
_RSE_DATATYPES = np.array(sorted(MEASURES.index(m) + 1 for m in RSE_MEASURES))
_VALUED_CODES = np.array(sorted(OEWS_STATUSES.index(s) for s in VALUED_STATUSES))
# Bits of the per-line key used for the uniqueness check (see _KeyLedger).
_ID_BITS, _OCC_BITS, _TYPE_BITS = 16, 20, 5


@dataclass
class OewsStream:
    """One OEWS release read from the flat files, its figures as a single-pass stream of chunks.

    `estimate_chunks` yields frames with the columns of `OewsRelease.estimates` (text columns
    as Categoricals, `value` float64); iterating it reads the data file. It raises LayoutError
    on the first bad line, or at its end when a key repeats; it can be iterated once.
    """

    release_id: str
    period: str
    year: int
    areas: str
    occupations: pd.DataFrame
    dimensions: dict[str, pd.DataFrame]
    estimate_chunks: Iterator[pd.DataFrame]
    form: str = "flatfiles"
    lines_read: int = field(default=0)

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """The small frames of the release, keyed by warehouse table."""
        return {"oews_occupations": self.occupations, **self.dimensions}


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


def stream_flatfiles(
    paths: Mapping[str, Path], *, areas: str = "national", chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> OewsStream:
    """Open the OEWS flat files as a stream: the listings are read now, the figures as iterated.

    areas: "national" keeps area 0000000 (every industry the file has), "all" keeps every
    area. The first chunk is read at once, to name the release before anything is loaded.
    """
    _check_scope(areas)
    missing = [key for key in REQUIRED_STREAM_FILES if key not in paths]
    if missing:
        raise LayoutError(
            file=missing[0],
            expected=f"the OEWS flat files {', '.join(REQUIRED_STREAM_FILES)}",
            found=f"only {', '.join(sorted(paths)) or 'no files'}",
        )
    names = {key: _display_name(key, Path(path)) for key, path in paths.items()}
    path = {key: Path(value) for key, value in paths.items()}
    data_name = names["oe.data.0.Current"]

    occupations = _flat_occupations(path["oe.occupation"], name=names["oe.occupation"])
    listings = _Listings.read(path, names)
    figures = _figure_parts(path["oe.data.0.Current"], data_name, chunk_rows)
    first = next(figures, None)
    if first is None:
        raise LayoutError(file=data_name, row=2, expected="figure lines after the header", found="none")
    release_id = _flat_release_id(first.releases, name=data_name)
    year = int(release_id[:4])
    period = _flat_period(path["oe.release"], release_id, name=names["oe.release"])
    top_code = _flat_top_code(path["oe.footnote"], year, name=names["oe.footnote"])

    occupations = occupations.assign(release_id=release_id)
    occupations = validate(
        occupations[OCCUPATION_COLUMNS].reset_index(drop=True),
        OEWS_OCCUPATIONS,
        file=names["oe.occupation"],
        source_rows=occupations["source_row"].to_numpy(),
    )
    stream = OewsStream(
        release_id=release_id,
        period=period,
        year=year,
        areas=areas,
        occupations=occupations,
        dimensions=listings.dimensions(release_id, areas, names),
        estimate_chunks=iter(()),
    )
    stream.estimate_chunks = _estimate_chunks(
        stream, first, figures, listings, set(occupations["soc_code"]), top_code, data_name
    )
    return stream


def _check_scope(areas: str) -> None:
    if areas not in AREA_SCOPES:
        raise ValueError(f"areas must be one of {', '.join(AREA_SCOPES)}, not {areas!r}")


# --------------------------------------------------------------------------- the figures


def _figure_parts(path: Path, name: str, chunk_rows: int) -> Iterator[_FlatFigures]:
    """The data file's figure lines, at most chunk_rows per part, every line checked.

    Lines are read as bytes, a block at a time. A block in the BLS layout (every line a figure,
    its series id first) is parsed by _fast_figures; a block with anything else (blank lines, a
    wrong field count, a malformed id, value or footnote, padding before an id) goes through the
    reader of transforms.oews instead (_slow_figures), which reads what it can and raises the
    LayoutError read_flatfiles would raise, with the same line number.
    """
    _check_header(path, name=name, columns=_DATA_COLUMNS)
    with open(path, "rb") as file:
        header = file.readline()
        layout = _Layout.of(header)
        line = 2
        carry = b""
        size = max(chunk_rows * _BYTES_PER_LINE, 1 << 16)
        while True:
            data = file.read(max(size - len(carry), 1 << 16))
            block = carry + data
            if not data:
                if not block:
                    return
                lines, carry = (block if block.endswith(b"\n") else block + b"\n"), b""
            else:
                cut = block.rfind(b"\n") + 1
                if cut == 0:
                    carry = block
                    continue
                lines, carry = block[:cut], block[cut:]
                newlines = np.flatnonzero(np.frombuffer(lines, dtype=np.uint8) == _NEWLINE)
                if len(newlines) > chunk_rows:  # exactly chunk_rows lines; the rest waits for the next block
                    cut = int(newlines[chunk_rows - 1]) + 1
                    lines, carry = lines[:cut], lines[cut:] + carry
            figures = (layout is not None and _fast_figures(lines, line, header, layout)) or _slow_figures(
                lines, line, header, name
            )
            line += lines.count(b"\n")
            for begin in range(0, len(figures.source_row), chunk_rows):
                yield _slice(figures, slice(begin, begin + chunk_rows))
            if not data:
                return


# Bytes read per chunk of lines: BLS lines are about 54 bytes; a block then holds a little more
# than chunk_rows lines, and the parsed block is cut into parts of chunk_rows.
_BYTES_PER_LINE = 56
_SPACE, _TAB, _NEWLINE = 32, 9, 10


@dataclass(frozen=True)
class _Layout:
    """Where the wanted columns are among the header's fields."""

    fields: int
    column: dict[str, int]

    @classmethod
    def of(cls, header: bytes) -> _Layout | None:
        try:
            names = [n.strip() for n in header.decode("ascii").rstrip("\r\n").split("\t")]
        except UnicodeDecodeError:
            return None
        if len(set(names)) != len(names) or not set(_DATA_COLUMNS) <= set(names):
            return None  # the pandas reader decides what such a header means
        return cls(len(names), {c: names.index(c) for c in _DATA_COLUMNS})


def _slice(figures: _FlatFigures, part: slice) -> _FlatFigures:
    if part.start == 0 and part.stop >= len(figures.source_row):
        return figures
    keys = figures.keys
    return _FlatFigures(
        source_row=figures.source_row[part],
        keys=type(keys)(
            area=keys.area[part],
            industry=keys.industry[part],
            occupation=keys.occupation[part],
            datatype=keys.datatype[part],
        ),
        value=figures.value[part],
        status=figures.status[part],
        needs_bound=figures.needs_bound[part],
        releases=figures.releases,
    )


def _slow_figures(lines: bytes, first_line: int, header: bytes, name: str) -> _FlatFigures:
    """transforms.oews' own parse of a block of lines, numbered as in the whole file."""
    options = _read_csv_options(_DATA_COLUMNS)
    try:
        chunk = pd.read_csv(io.BytesIO(header + lines), **options)
    except pd.errors.ParserError as exc:
        error = _parser_error(exc, name=name)
        raise LayoutError(
            file=name,
            row=None if error.row is None else error.row + first_line - 2,
            expected=error.expected,
            found=error.found,
        ) from exc
    chunk.columns = [c.strip() for c in chunk.columns]
    chunk.index = chunk.index + (first_line - 2)  # _parse_figure_chunk numbers lines index + 2
    return _parse_figure_chunk(chunk, name=name)


def _fast_figures(lines: bytes, first_line: int, header: bytes, layout: _Layout) -> _FlatFigures | None:
    """The figures of a block of well-formed BLS lines; None when the block is not one (then
    _slow_figures reads it and names what is wrong).

    pandas' C reader takes the short columns as categories (a string per distinct value, not per
    line) and numpy takes the series ids straight from the bytes (they open every line); the
    rules are those of transforms.oews._parse_figure_chunk, applied once per distinct text.
    """
    if layout.column["series_id"] != 0:
        return None
    try:
        chunk = pd.read_csv(io.BytesIO(header + lines), **_SHORT_COLUMNS)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
        return None
    raw = np.frombuffer(lines, dtype=np.uint8)
    newlines = np.flatnonzero(raw == _NEWLINE)
    n = len(newlines)
    if len(chunk) != n or n == 0:
        return None
    starts = np.empty(n, dtype=np.int64)
    starts[0] = 0
    starts[1:] = newlines[:-1] + 1
    if (newlines - starts <= _ID_LENGTH).any():
        return None  # blank or short lines
    keys = _series_keys(raw, starts)
    if keys is None or not _only_padding_after_ids(raw, starts, newlines):
        return None

    chunk.columns = [c.strip() for c in chunk.columns]
    value_codes, value_text = _category_text(chunk["value"])
    note_codes, note_text = _category_text(chunk["footnote_codes"])
    year_codes, year_text = _category_text(chunk["year"])
    period_codes, period_text = _category_text(chunk["period"])

    number = _finite_numbers(value_text).to_numpy()[value_codes]
    note = {
        code: note_text.str.contains(rf"(?<!\d){code}(?!\d)", regex=True).to_numpy(dtype=bool)[note_codes]
        for code in "458"
    }
    hourly = np.isin(keys.datatype, _HOURLY_DATATYPES)
    annual = np.isin(keys.datatype, _ANNUAL_DATATYPES_STREAM)
    has_number = ~np.isnan(number)
    dash = value_text.eq("-").to_numpy(dtype=bool)[value_codes]
    rules = [
        (has_number & note["5"] & (hourly | annual), "top_coded"),
        (has_number, "published"),
        (dash & note["8"], "not_released"),
        (dash & note["5"] & (hourly | annual), "top_coded"),
        (dash & note["4"] & hourly, "annual_only"),
        (dash & note["4"] & annual, "hourly_only"),
        (value_text.eq("*").to_numpy(dtype=bool)[value_codes], "wage_not_available"),
        (value_text.eq("**").to_numpy(dtype=bool)[value_codes], "employment_not_available"),
    ]
    status = np.select([r for r, _ in rules], [_STATUS_CODES_STREAM[s] for _, s in rules], default=-1).astype(np.int8)
    if (status < 0).any():
        return None

    pairs = pd.unique(year_codes.astype(np.int64) * len(period_text) + period_codes)
    releases = frozenset(
        (year_text.iloc[pair // len(period_text)], period_text.iloc[pair % len(period_text)]) for pair in pairs
    )
    return _FlatFigures(
        source_row=first_line + np.arange(n, dtype=np.int64),
        keys=keys,
        value=number,
        status=status,
        needs_bound=(status == _STATUS_CODES_STREAM["top_coded"]) & ~has_number,
        releases=releases,
    )


_ID_LENGTH = 25
# The columns besides the series id, each as categories of its raw text.
_SHORT_COLUMNS = {
    **_read_csv_options(_DATA_COLUMNS),
    "usecols": lambda header: header.strip() in set(_DATA_COLUMNS) - {"series_id"},
    "dtype": "category",
    "low_memory": False,
}
# Byte classes of the id positions: digit, upper-case letter, hyphen.
_DIGIT, _UPPER, _HYPHEN = 1, 2, 4
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[ord("0") : ord("9") + 1] = _DIGIT
_CLASS[ord("A") : ord("Z") + 1] = _UPPER
_CLASS[ord("-")] = _HYPHEN
# OEU + area type letter + area (7 digits) + industry (6 of digit, letter, hyphen) + occupation and datatype (8 digits).
_ID_CLASSES = np.array([_UPPER] * 4 + [_DIGIT] * 7 + [_DIGIT | _UPPER | _HYPHEN] * 6 + [_DIGIT] * 8, dtype=np.uint8)


def _series_keys(raw: np.ndarray, starts: np.ndarray) -> SeriesKeys | None:
    """Keys of the 25-byte series ids opening each line (the rules of transforms._series_ids);
    None if one is malformed. One byte position at a time: no (lines x 25) matrix."""
    valid = np.ones(len(starts), dtype=bool)
    area = np.zeros(len(starts), dtype=np.int64)
    industry = np.zeros(len(starts), dtype=np.int64)
    occupation = np.zeros(len(starts), dtype=np.int64)
    datatype = np.zeros(len(starts), dtype=np.int64)
    for j in range(_ID_LENGTH):
        byte = raw[starts + j]
        if j < 3:
            valid &= byte == ord("OEU"[j])
        else:
            valid &= (_CLASS[byte] & _ID_CLASSES[j]) != 0
        if 4 <= j < 11:
            area = area * 10 + (byte - ord("0"))
        elif 11 <= j < 17:
            industry = (industry << _BITS_PER_CHAR) | byte
        elif 17 <= j < 23:
            occupation = occupation * 10 + (byte - ord("0"))
        elif j >= 23:
            datatype = datatype * 10 + (byte - ord("0"))
    if not valid.all() or ((datatype < 1) | (datatype > len(MEASURES))).any():
        return None
    return SeriesKeys(area=area, industry=industry, occupation=occupation, datatype=datatype)


def _only_padding_after_ids(raw: np.ndarray, starts: np.ndarray, newlines: np.ndarray) -> bool:
    """After each 25-byte id, spaces up to the first tab of the line (BLS pads ids to 30)."""
    position = starts + _ID_LENGTH
    open_ = np.ones(len(starts), dtype=bool)
    for _ in range(_MAX_ID_PADDING + 1):
        byte = raw[position]
        ended = open_ & (byte == _TAB)
        if (open_ & ~ended & ((byte != _SPACE) | (position >= newlines))).any():
            return False
        open_ &= ~ended
        if not open_.any():
            return True
        position = np.where(open_, position + 1, position)
    return False


_MAX_ID_PADDING = 39


def _category_text(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes and stripped distinct texts of a categorical column (what _stripped gives on text)."""
    categorical = column.cat
    text = pd.Series(categorical.categories.astype(str), dtype=str).str.strip()
    return categorical.codes.to_numpy(), text


def _estimate_chunks(
    stream: OewsStream,
    first: _FlatFigures,
    rest: Iterator[_FlatFigures],
    listings: _Listings,
    occupation_codes: set[str],
    top_code: TopCode,
    name: str,
) -> Iterator[pd.DataFrame]:
    ledger = _KeyLedger()
    release_id = stream.release_id
    parts = _chain(first, rest)
    for figures in parts:
        if figures.releases and _flat_release_id(figures.releases, name=name) != release_id:
            found = ", ".join(f"{y} {p}" for y, p in sorted(figures.releases))
            raise LayoutError(
                file=name,
                row=int(figures.source_row[0]),
                column="year, period",
                expected=f"every line of release {release_id}",
                found=found,
            )
        stream.lines_read += len(figures.source_row)
        if stream.areas == "national":
            figures = _subset(figures, figures.keys.area == int(NATIONAL_AREA))
        if len(figures.source_row) == 0:
            continue
        frame = _chunk_frame(figures, release_id, listings, occupation_codes, top_code, name)
        ledger.add(figures, name)
        yield frame
    ledger.check(name)


def _chain(first: _FlatFigures, rest: Iterator[_FlatFigures]) -> Iterator[_FlatFigures]:
    yield first
    yield from rest


def _subset(figures: _FlatFigures, keep: np.ndarray) -> _FlatFigures:
    keys = figures.keys
    return _FlatFigures(
        source_row=figures.source_row[keep],
        keys=type(keys)(
            area=keys.area[keep],
            industry=keys.industry[keep],
            occupation=keys.occupation[keep],
            datatype=keys.datatype[keep],
        ),
        value=figures.value[keep],
        status=figures.status[keep],
        needs_bound=figures.needs_bound[keep],
        releases=figures.releases,
    )


def _categorical(
    keys: np.ndarray, render, listed: set[str] | None, kind: str, listing: str, figures: _FlatFigures, name: str
) -> pd.Categorical:
    """Codes of the distinct keys, rendered once each; every rendered code must be listed."""
    codes, uniques = pd.factorize(keys)
    text = render(uniques)
    if listed is not None:
        unlisted = [i for i, t in enumerate(text) if t not in listed]
        if unlisted:
            position = int(np.isin(codes, unlisted).argmax())
            raise LayoutError(
                file=name,
                row=int(figures.source_row[position]),
                column="series_id",
                expected=f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} code listed in {listing}",
                found=text[codes[position]],
            )
    return pd.Categorical.from_codes(codes, categories=pd.Index(text, dtype=object))


def _chunk_frame(
    figures: _FlatFigures,
    release_id: str,
    listings: _Listings,
    occupation_codes: set[str],
    top_code: TopCode,
    name: str,
) -> pd.DataFrame:
    keys = figures.keys
    area = _categorical(keys.area, lambda u: [f"{k:07d}" for k in u], listings.areas, "area", "oe.area", figures, name)
    industry = _categorical(
        keys.industry, lambda u: unpack(u, 6), listings.industries, "industry", "oe.industry", figures, name
    )
    soc = _categorical(
        keys.occupation,
        lambda u: [f"{k // 10000:02d}-{k % 10000:04d}" for k in u],
        occupation_codes,
        "occupation",
        "oe.occupation",
        figures,
        name,
    )
    _categorical(
        keys.datatype, lambda u: [f"{k:02d}" for k in u], listings.datatypes, "datatype", "oe.datatype", figures, name
    )

    hourly = np.isin(keys.datatype, _HOURLY_DATATYPES)
    value = np.where(figures.needs_bound, np.where(hourly, top_code.hourly, top_code.annual), figures.value)
    _check_values(figures, value, name)
    return pd.DataFrame(
        {
            "release_id": pd.Categorical.from_codes(
                np.zeros(len(value), dtype=np.int8), categories=pd.Index([release_id], dtype=object)
            ),
            "area_code": area,
            "industry_code": industry,
            "soc_code": soc,
            "measure": pd.Categorical.from_codes(keys.datatype - 1, dtype=_MEASURE_DTYPE),
            "value": value.astype("float64"),
            "status": pd.Categorical.from_codes(figures.status, dtype=_STATUS_DTYPE),
        },
        columns=ESTIMATE_COLUMNS,
    )


def _check_values(figures: _FlatFigures, value: np.ndarray, name: str) -> None:
    """The row rules of the OEWS_ESTIMATES schema, on arrays."""
    valued = np.isin(figures.status, _VALUED_CODES)
    rules = [
        (np.isnan(value) == valued, "a value exactly when the status is published or top_coded"),
        (value < 0, "a value >= 0"),
        (
            np.isin(figures.keys.datatype, _RSE_DATATYPES) & (value > 100),
            "a relative standard error between 0 and 100 percent",
        ),
    ]
    for bad, expected in rules:
        if bad.any():
            position = int(bad.argmax())
            raise LayoutError(
                file=name,
                row=int(figures.source_row[position]),
                column="value",
                expected=expected,
                found=f"{value[position]!r} ({OEWS_STATUSES[figures.status[position]]})",
            )


class _KeyLedger:
    """One compact integer per kept line, to find a repeated series once the file has been read.

    The area and industry keys are numbered in order of appearance (16 bits each; a release
    has about 600 areas and 450 industries), the occupation is its 6 digits, the datatype
    1..17: together 57 bits of an int64.
    """

    def __init__(self) -> None:
        self._area_ids: dict[int, int] = {}
        self._industry_ids: dict[int, int] = {}
        self._keys: list[np.ndarray] = []
        self._rows: list[np.ndarray] = []

    @staticmethod
    def _number(keys: np.ndarray, ids: dict[int, int], kind: str, name: str) -> np.ndarray:
        codes, uniques = pd.factorize(keys)
        numbered = np.array([ids.setdefault(int(u), len(ids)) for u in uniques], dtype=np.int64)
        if len(ids) >= 1 << _ID_BITS:
            raise LayoutError(
                file=name, expected=f"fewer than {1 << _ID_BITS} distinct {kind} codes", found=str(len(ids))
            )
        return numbered[codes]

    def add(self, figures: _FlatFigures, name: str) -> None:
        keys = figures.keys
        area = self._number(keys.area, self._area_ids, "area", name)
        industry = self._number(keys.industry, self._industry_ids, "industry", name)
        packed = (
            (((area << _ID_BITS) | industry) << (_OCC_BITS + _TYPE_BITS))
            | (keys.occupation.astype(np.int64) << _TYPE_BITS)
            | keys.datatype.astype(np.int64)
        )
        self._keys.append(packed)
        self._rows.append(figures.source_row.astype(np.int64))

    def check(self, name: str) -> None:
        if not self._keys:
            return
        keys = np.concatenate(self._keys)
        order = np.argsort(keys, kind="stable")
        ranked = keys[order]
        repeated = np.flatnonzero(ranked[1:] == ranked[:-1])
        if repeated.size == 0:
            return
        rows = np.concatenate(self._rows)
        # Blame the repeat that comes first in the file, and name the line it repeats
        # (argsort is stable: equal keys stay in file order).
        second = order[repeated + 1]
        position = second[np.argmin(rows[second])]
        original = order[np.searchsorted(ranked, keys[position])]
        raise LayoutError(
            file=name,
            row=int(rows[position]),
            column="series_id",
            expected="one line per series (area, industry, occupation, datatype)",
            found=f"the series of line {int(rows[original])} again",
        )


# --------------------------------------------------------------------------- the listings


@dataclass(frozen=True)
class _Listings:
    """The small flat files naming every code: oe.area, oe.industry, oe.datatype, oe.footnote."""

    area_table: pd.DataFrame
    industry_table: pd.DataFrame
    datatype_table: pd.DataFrame
    footnote_table: pd.DataFrame

    @property
    def areas(self) -> set[str]:
        return set(self.area_table["area_code"])

    @property
    def industries(self) -> set[str]:
        return set(self.industry_table["industry_code"])

    @property
    def datatypes(self) -> set[str]:
        return set(self.datatype_table["datatype_code"])

    @classmethod
    def read(cls, path: Mapping[str, Path], names: Mapping[str, str]) -> _Listings:
        areas = _read_tab_table(
            path["oe.area"],
            name=names["oe.area"],
            columns=("area_code", "area_name", "areatype_code", "state_code"),
        )
        industries = _read_tab_table(
            path["oe.industry"],
            name=names["oe.industry"],
            columns=("industry_code", "industry_name", "display_level", "sort_sequence"),
        )
        datatypes = _read_tab_table(
            path["oe.datatype"], name=names["oe.datatype"], columns=("datatype_code", "datatype_name")
        )
        footnotes = _read_tab_table(
            path["oe.footnote"], name=names["oe.footnote"], columns=("footnote_code", "footnote_text")
        )
        listings = cls(areas, industries, datatypes, footnotes)
        listings._check(names)
        return listings

    def _check(self, names: Mapping[str, str]) -> None:
        checks = [
            (self.area_table, "oe.area", "area_code", r"\d{7}", "a 7-digit area code"),
            (self.area_table, "oe.area", "areatype_code", r"[NSM]", "an area type N, S or M"),
            (self.area_table, "oe.area", "area_name", r".+", "an area name"),
            (self.industry_table, "oe.industry", "industry_code", r"[0-9A-Z-]{6}", "a 6-character industry code"),
            (self.industry_table, "oe.industry", "industry_name", r".+", "an industry name"),
            (self.industry_table, "oe.industry", "display_level", r"\d", "a display level 0-9"),
            (self.industry_table, "oe.industry", "sort_sequence", r"\d+|", "a whole sort sequence number"),
            (self.datatype_table, "oe.datatype", "datatype_code", r"\d{2}", "a 2-digit datatype code"),
            (self.footnote_table, "oe.footnote", "footnote_code", r"\d+", "a footnote number"),
        ]
        for table, key, column, pattern, expected in checks:
            bad = ~table[column].str.fullmatch(pattern)
            if bad.any():
                position = int(bad.to_numpy().argmax())
                raise LayoutError(
                    file=names[key],
                    row=int(table["source_row"].iloc[position]),
                    column=column,
                    expected=expected,
                    found=str(table[column].iloc[position]),
                )
        for table, key, column in (
            (self.area_table, "oe.area", "area_code"),
            (self.industry_table, "oe.industry", "industry_code"),
            (self.datatype_table, "oe.datatype", "datatype_code"),
            (self.footnote_table, "oe.footnote", "footnote_code"),
        ):
            repeated = table[column].duplicated()
            if repeated.any():
                position = int(repeated.to_numpy().argmax())
                raise LayoutError(
                    file=names[key],
                    row=int(table["source_row"].iloc[position]),
                    column=column,
                    expected="each code listed once",
                    found=str(table[column].iloc[position]),
                )
        unknown = ~self.datatype_table["datatype_code"].isin([f"{i:02d}" for i in range(1, len(MEASURES) + 1)])
        if unknown.any():
            position = int(unknown.to_numpy().argmax())
            raise LayoutError(
                file=names["oe.datatype"],
                row=int(self.datatype_table["source_row"].iloc[position]),
                column="datatype_code",
                expected=f"a datatype code 01-{len(MEASURES)}",
                found=str(self.datatype_table["datatype_code"].iloc[position]),
            )

    def dimensions(self, release_id: str, areas: str, names: Mapping[str, str]) -> dict[str, pd.DataFrame]:
        area = self.area_table
        if areas == "national":
            area = area[area["area_code"].eq(NATIONAL_AREA)]
        area_type = np.select(
            [
                area["areatype_code"].eq("N"),
                area["areatype_code"].eq("S"),
                area["area_name"].str.contains("nonmetropolitan", case=False, regex=False),
            ],
            ["national", "state", "nonmetropolitan"],
            default="metropolitan",
        )
        frames = {
            "oews_areas": pd.DataFrame(
                {
                    "release_id": release_id,
                    "area_code": area["area_code"].to_numpy(dtype=object),
                    "area_name": area["area_name"].to_numpy(dtype=object),
                    "area_type": area_type.astype(object),
                    "areatype_code": area["areatype_code"].to_numpy(dtype=object),
                    "state_code": area["state_code"].replace("", None).to_numpy(dtype=object),
                }
            ),
            "oews_industries": pd.DataFrame(
                {
                    "release_id": release_id,
                    "industry_code": self.industry_table["industry_code"].to_numpy(dtype=object),
                    "industry_name": self.industry_table["industry_name"].to_numpy(dtype=object),
                    "display_level": self.industry_table["display_level"].astype("int64").to_numpy(),
                    "sort_sequence": pd.to_numeric(self.industry_table["sort_sequence"], errors="coerce").astype(
                        "Int64"
                    ),
                }
            ),
            "oews_datatypes": pd.DataFrame(
                {
                    "release_id": release_id,
                    "datatype_code": self.datatype_table["datatype_code"].to_numpy(dtype=object),
                    "datatype_name": self.datatype_table["datatype_name"].to_numpy(dtype=object),
                    "measure": [MEASURES[int(c) - 1] for c in self.datatype_table["datatype_code"]],
                }
            ),
            "oews_footnotes": pd.DataFrame(
                {
                    "release_id": release_id,
                    "footnote_code": self.footnote_table["footnote_code"].to_numpy(dtype=object),
                    "footnote_text": self.footnote_table["footnote_text"].to_numpy(dtype=object),
                    "status": [_FOOTNOTE_STATUS.get(c) for c in self.footnote_table["footnote_code"]],
                }
            ),
        }
        return {table: frame[DIMENSION_COLUMNS[table]].reset_index(drop=True) for table, frame in frames.items()}
