"""BLS tab-separated files read with DuckDB's CSV reader, every failure a LayoutError with its line.

BLS pads cells with spaces (ids to 30 characters, values right-aligned in 12) and quotes nothing,
so every field is read as text with quoting off and stripped. DuckDB parses in parallel and keeps
the file's order; it returns one row per line after the header except empty lines, which is how a
row is traced back to its line when something must be named (`LineFinder`, only on that path).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import duckdb
import numpy as np
import pandas as pd

from transforms.errors import LayoutError

__all__ = ["LineFinder", "TabFile"]

_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_FIELD_COUNT = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


class TabFile:
    """One BLS flat file: its header, checked against the columns a reader needs, and its rows."""

    def __init__(self, path: Path | str, *, name: str) -> None:
        self.path = Path(path)
        self.name = name
        self.header = self._read_header()

    def _read_header(self) -> list[str]:
        try:
            with open(self.path, "rb") as file:
                first = file.readline()
        except OSError as exc:
            raise LayoutError(file=self.name, expected="a readable file", found=str(exc)) from exc
        if not first.strip():
            raise LayoutError(file=self.name, row=1, expected="a tab-separated header row", found="an empty line")
        try:
            text = first.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LayoutError(file=self.name, row=1, expected="a UTF-8 header row", found=repr(first[:60])) from exc
        return [field.strip() for field in text.rstrip("\r\n").split("\t")]

    def fields(self, columns: Sequence[str]) -> dict[str, str]:
        """The SQL name (c0, c1, ...) of each wanted column; the header must name each once."""
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise LayoutError(
                file=self.name,
                row=1,
                column=missing[0],
                expected=f"a header with {', '.join(columns)}",
                found=", ".join(self.header),
            )
        doubled = [c for c in columns if self.header.count(c) > 1]
        if doubled:
            raise LayoutError(file=self.name, row=1, column=doubled[0], expected="each column named once in the header")
        return {c: f"c{self.header.index(c)}" for c in columns}

    def source(self, *, sequential: bool = False) -> str:
        """The read_csv call over this file (its path is the query's parameter $path). `sequential`
        reads from the start in small buffers: what a small file or the first lines of a big one need."""
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(self.header)))
        small = ", parallel = false, buffer_size = 1048576" if sequential else ""
        return (
            "read_csv($path, delim = '\t', header = true, auto_detect = false, quote = '', escape = '', "
            f"null_padding = true, columns = {{{columns}}}{small})"
        )

    @contextmanager
    def reading(self, con: duckdb.DuckDBPyConnection | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """An in-memory DuckDB for reading this file (`con`, or a private one); its CSV errors come out
        as LayoutErrors."""
        own = con is None
        engine = duckdb.connect() if con is None else con
        try:
            yield engine
        except duckdb.Error as exc:
            raise self.layout_error(exc) from exc
        finally:
            if own:
                engine.close()

    def read_table(self, columns: Sequence[str], con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
        """A small table: the wanted columns as stripped text, blank rows dropped, "source_row" its line."""
        names = self.fields(columns)
        select = ", ".join(f"coalesce(trim({names[c]}), '') AS \"{c}\"" for c in columns)
        with self.reading(con) as engine:
            query = f"SELECT {select} FROM {self.source(sequential=True)}"
            table = engine.execute(query, {"path": str(self.path)}).df()
        lines = LineFinder(self.path)
        try:
            table.insert(0, "source_row", lines.lines_of(range(len(table))))
        finally:
            lines.close()
        return table[table[list(columns)].ne("").any(axis=1)].reset_index(drop=True)

    def layout_error(self, exc: duckdb.Error) -> LayoutError:
        """What DuckDB's CSV reader refused, as a LayoutError naming the line."""
        text = str(exc)
        line = _CSV_LINE.search(text)
        counts = _FIELD_COUNT.search(text)
        if counts:
            return LayoutError(
                file=self.name,
                row=int(line.group(1)) if line else None,
                expected=f"a tab-separated line with the header's {counts.group(1)} fields",
                found=f"{counts.group(2)} fields",
            )
        if "unicode" in text.lower():
            return LayoutError(
                file=self.name,
                row=int(line.group(1)) if line else None,
                expected="UTF-8 text",
                found="bytes that are not UTF-8",
            )
        stray = None if line else self._first_stray_carriage_return()
        return LayoutError(
            file=self.name,
            row=int(line.group(1)) if line else stray,
            expected="tab-separated lines, each ending with one line break",
            found="a carriage return inside the line" if stray else text.split("\n", 1)[0],
        )

    def _first_stray_carriage_return(self) -> int | None:
        # DuckDB names no line when a carriage return stands inside a line (mixed line endings).
        with open(self.path, "rb") as file:
            ending = b"\r\n" if file.readline().endswith(b"\r\n") else b"\n"
            for number, raw in enumerate(file, start=2):
                if b"\r" in (raw[: -len(ending)] if raw.endswith(ending) else raw):
                    return number
        return None


class LineFinder:
    """The file line of rows DuckDB returned (0-based, in file order), and the line's text.

    Reads forward from where the last lookup stopped, so a reader naming several rows in order
    reads the file once; a lookup behind it starts over.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: BinaryIO | None = None
        self._line = 1
        self._row = -1
        self._text = ""

    def find(self, row: int) -> tuple[int, str]:
        if self._file is None or row < self._row:
            self._restart()
        if row == self._row:
            return self._line, self._text
        assert self._file is not None
        for raw in self._file:
            self._line += 1
            if raw in (b"\n", b"\r\n"):
                continue  # DuckDB returns no row for an empty line
            self._row += 1
            if self._row == row:
                self._text = raw.decode("utf-8", "replace").rstrip("\r\n")
                return self._line, self._text
        raise LookupError(f"{self.path} has no data row {row}")

    def lines_of(self, rows: range | Sequence[int]) -> np.ndarray:
        return np.array([self.find(row)[0] for row in rows], dtype=np.int64)

    def _restart(self) -> None:
        self.close()
        self._file = open(self.path, "rb")
        self._file.readline()
        self._line, self._row, self._text = 1, -1, ""

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __del__(self) -> None:
        self.close()
