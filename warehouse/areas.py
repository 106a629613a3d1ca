"""All-area OEWS releases as a stream of chunks (transforms.oews_stream), loaded by the one loader.

Kept while the OEWS transforms move to the Release contract; `warehouse.load_release` does the work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import pandas as pd

from transforms.release import Release, whole
from warehouse.load import LoadError, ReleaseRecord, load_release

OEWS_FRAME_TABLES = ("oews_occupations", "oews_areas", "oews_industries", "oews_datatypes", "oews_footnotes")


def load_release_chunks(
    con: duckdb.DuckDBPyConnection,
    record: ReleaseRecord,
    frames: Mapping[str, pd.DataFrame],
    estimate_chunks: Iterable[pd.DataFrame],
) -> dict[str, int]:
    """Replace an OEWS release with `frames` (occupations and dimensions) and the chunks of its figures."""
    if record.source != "oews":
        raise LoadError(f"load_release_chunks loads OEWS releases, not {record.source!r}")
    if "oews_occupations" not in frames:
        raise LoadError(
            f"oews {record.release_id}: expected frames for {sorted(OEWS_FRAME_TABLES)}, got {sorted(frames)}"
        )
    tables = {name: whole(frame) for name, frame in frames.items()}
    tables["oews_estimates"] = estimate_chunks
    release = Release("oews", record.release_id, record.period, record.reference_year, tables)
    counts = load_release(con, record, release)
    return counts


def load_oews_stream(con: duckdb.DuckDBPyConnection, record: ReleaseRecord, stream) -> dict[str, int]:
    """Load a transforms.oews_stream.OewsStream: its frames and its chunks, in one transaction."""
    if stream.release_id != record.release_id:
        raise LoadError(f"record names release {record.release_id}, the stream holds {stream.release_id}")
    return load_release_chunks(con, record, stream.frames, stream.estimate_chunks)
