"""All-area OEWS releases: the fact table loaded from a stream of chunks, with the release's dimensions.

`load_release` (warehouse.load) takes whole frames; an all-areas release is millions of rows, so
here the estimates arrive as an iterable of chunks (transforms.oews_stream) and are appended in
the same single transaction as the occupations, the dimensions (oews_areas, oews_industries,
oews_datatypes, oews_footnotes) and the releases row. Same contract as load_release: the
release's rows are replaced, other releases are untouched, and any failure (including one raised
by the stream itself half-way through the file) rolls everything back.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

import duckdb
import pandas as pd

from warehouse.load import LoadError, ReleaseRecord, _upsert_release, table_columns

# Tables of an OEWS release besides oews_estimates, with their release column.
OEWS_FRAME_TABLES: dict[str, str] = {
    "oews_occupations": "release_id",
    "oews_areas": "release_id",
    "oews_industries": "release_id",
    "oews_datatypes": "release_id",
    "oews_footnotes": "release_id",
}
FACT_TABLE = "oews_estimates"
_CHUNK_VIEW = "_incoming_oews_chunk"


def load_release_chunks(
    con: duckdb.DuckDBPyConnection,
    record: ReleaseRecord,
    frames: Mapping[str, pd.DataFrame],
    estimate_chunks: Iterable[pd.DataFrame],
) -> dict[str, int]:
    """Replace an OEWS release with `frames` (occupations and dimensions) and the chunks of its figures.

    frames: one frame per table of OEWS_FRAME_TABLES (oews_occupations required; a missing
    dimension is loaded empty). estimate_chunks: frames with the columns of oews_estimates, text
    columns as str or Categorical, each holding only this release. One transaction, all or
    nothing; returns the rows loaded per table.
    """
    if record.source != "oews":
        raise LoadError(f"load_release_chunks loads OEWS releases, not {record.source!r}")
    unknown = set(frames) - set(OEWS_FRAME_TABLES)
    if unknown or "oews_occupations" not in frames:
        raise LoadError(
            f"oews {record.release_id}: expected frames for {sorted(OEWS_FRAME_TABLES)} "
            f"(oews_occupations required), got {sorted(frames)}"
        )
    for table, frame in frames.items():
        _check_frame(con, record, table, frame)

    fact_columns = table_columns(con, FACT_TABLE)
    counts: dict[str, int] = {}
    con.begin()
    try:
        for table, key in OEWS_FRAME_TABLES.items():
            con.execute(f"DELETE FROM {table} WHERE {key} = ?", [record.release_id])
            frame = frames.get(table)
            counts[table] = 0 if frame is None else _insert(con, table, frame)
        con.execute(f"DELETE FROM {FACT_TABLE} WHERE release_id = ?", [record.release_id])
        counts[FACT_TABLE] = 0
        with _read_ahead(estimate_chunks) as chunks, _threads_beside_one_reader(con):
            for number, chunk in enumerate(chunks, start=1):
                _check_chunk(record, chunk, fact_columns, number)
                counts[FACT_TABLE] += _insert_chunk(con, chunk, fact_columns)
        if counts[FACT_TABLE] == 0:
            raise LoadError(f"oews {record.release_id}: the stream held no figures for the chosen areas")
        _upsert_release(con, record, counts)
        con.commit()
    except BaseException as exc:
        con.rollback()
        if not isinstance(exc, Exception):
            raise
        raise LoadError(
            f"loading oews {record.release_id} failed and was rolled back (the warehouse is unchanged): {exc}"
        ) from exc
    return counts


def load_oews_stream(con: duckdb.DuckDBPyConnection, record: ReleaseRecord, stream) -> dict[str, int]:
    """Load a transforms.oews_stream.OewsStream: its frames and its chunks, in one transaction."""
    if stream.release_id != record.release_id:
        raise LoadError(f"record names release {record.release_id}, the stream holds {stream.release_id}")
    return load_release_chunks(con, record, stream.frames, stream.estimate_chunks)


def _check_frame(con, record: ReleaseRecord, table: str, frame: pd.DataFrame) -> None:
    missing = [c for c in table_columns(con, table) if c not in frame.columns]
    if missing:
        raise LoadError(f"oews {record.release_id}: frame for {table} lacks columns {missing}")
    stray = set(frame["release_id"].unique()) - {record.release_id}
    if stray:
        raise LoadError(f"oews {record.release_id}: {table}.release_id holds other releases {sorted(stray)}")


def _check_chunk(record: ReleaseRecord, chunk: pd.DataFrame, columns: list[str], number: int) -> None:
    missing = [c for c in columns if c not in chunk.columns]
    if missing:
        raise LoadError(f"oews {record.release_id}: estimates chunk {number} lacks columns {missing}")
    release = chunk["release_id"]
    if isinstance(release.dtype, pd.CategoricalDtype):
        codes = pd.unique(release.cat.codes)
        present = [release.cat.categories[c] if c >= 0 else None for c in codes]
    else:
        present = release.unique()
    stray = set(present) - {record.release_id}
    if stray:
        raise LoadError(f"oews {record.release_id}: estimates chunk {number} holds other releases {sorted(stray)}")


def _insert_chunk(con, frame: pd.DataFrame, columns: list[str]) -> int:
    """Append a chunk whose text columns may be Categoricals: DuckDB scans only numeric arrays (the
    codes, which needs no Python objects and little of the GIL) and looks the text up in each
    column's short list of categories, bound as a parameter."""
    categorical = [c for c in columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not categorical:
        return _insert(con, FACT_TABLE, frame, columns)
    scanned = pd.DataFrame(
        {c: (frame[c].cat.codes.to_numpy() if c in categorical else frame[c].to_numpy()) for c in columns}
    )
    expressions, lists = [], []
    for c in columns:
        if c in categorical:
            lists.append(list(frame[c].cat.categories))
            # codes are 0-based, -1 for a missing value (NULL: the NOT NULL columns refuse it)
            expressions.append(f'CASE WHEN "{c}" >= 0 THEN (${len(lists)}::VARCHAR[])["{c}" + 1] END')
        else:
            expressions.append(f'"{c}"')
    quoted = ", ".join(f'"{c}"' for c in columns)
    con.register(_CHUNK_VIEW, scanned)
    try:
        con.execute(f"INSERT INTO {FACT_TABLE} ({quoted}) SELECT {', '.join(expressions)} FROM {_CHUNK_VIEW}", lists)
    finally:
        con.unregister(_CHUNK_VIEW)
    return len(frame)


def _insert(con, table: str, frame: pd.DataFrame, columns: list[str] | None = None) -> int:
    columns = columns or table_columns(con, table)
    quoted = ", ".join(f'"{c}"' for c in columns)
    con.register(_CHUNK_VIEW, frame[columns])
    try:
        con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM {_CHUNK_VIEW}")
    finally:
        con.unregister(_CHUNK_VIEW)
    return len(frame)


_DONE = object()


@contextmanager
def _threads_beside_one_reader(con) -> Iterator[None]:
    """DuckDB threads for the appends: every core but the one the chunk reader needs (the reader
    and DuckDB's scan of a chunk also share Python's GIL, so more threads only contend)."""
    previous = con.execute("SELECT current_setting('threads')").fetchone()[0]
    wanted = max(1, (os.cpu_count() or 2) - 1)
    if wanted >= int(previous):
        yield
        return
    con.execute(f"SET threads = {wanted}")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(previous)}")


@contextmanager
def _read_ahead(chunks: Iterable[pd.DataFrame], depth: int = 1) -> Iterator[Iterator[pd.DataFrame]]:
    """Produce the next chunk in a thread while DuckDB inserts this one.

    Reading and parsing (pandas' C reader, numpy) and DuckDB's insert both release the GIL, so
    the two overlap. At most `depth` chunks wait in the queue. An exception of the producer is
    raised in the consumer; leaving the block early stops the producer.
    """
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        handoff.put((chunk, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            item = (_DONE, None)
        except BaseException as exc:  # handed to the consumer, raised there
            item = (_DONE, exc)
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def consume() -> Iterator[pd.DataFrame]:
        while True:
            chunk, error = handoff.get()
            if error is not None:
                raise error
            if chunk is _DONE:
                return
            yield chunk

    worker = threading.Thread(target=produce, name="oews-chunk-reader", daemon=True)
    worker.start()
    try:
        yield consume()
    finally:
        stop.set()
        worker.join()
