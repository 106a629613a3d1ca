"""The record every fetch returns, whatever client produced it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class FetchResult:
    url: str  # the URL requested
    path: Path  # the archived file holding the body (for a 304: the earlier archived copy)
    sha256: str  # of the file's bytes
    fetched_at: datetime  # tz-aware UTC, when this request was made
    status: int  # 200 or 304
    etag: str | None
    last_modified: str | None
    bytes_downloaded: int  # body bytes transferred in this request (0 on 304)
    size: int  # size of the archived file
    unchanged: bool  # True when the server answered 304 (or replay)


@dataclass(frozen=True)
class Distrust:
    """A mark on a URL's archived copy: it failed to parse, so the next fetch is unconditional."""

    url: str
    reason: str  # what the transform said, e.g. "XLSX: File is not a zip file"
    marked_at: datetime  # tz-aware UTC
    sha256: str | None  # of the copy distrusted (None if the URL had no archived copy)
