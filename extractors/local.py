"""Files already on disk (earlier releases kept elsewhere) brought into the raw archive like a fetch."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path

from extractors.archive import RawArchive
from extractors.records import FetchResult


def archive_local_file(archive: RawArchive, path: Path) -> FetchResult:
    """Archive `path` under its file:// URL so a backfilled release has the same provenance as a fetched one."""
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file to load")
    headers = {"Last-Modified": formatdate(path.stat().st_mtime, usegmt=True)}
    with path.open("rb") as body:
        return archive.store(path.as_uri(), body, 200, headers, datetime.now(UTC))
