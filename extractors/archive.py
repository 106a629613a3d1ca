"""Raw archive: every downloaded body kept on disk, plus an append-only manifest of requests.

Layout: ``root/<host>/<url path>/<fetched-at UTC>-<sha256[:12]>/<basename>`` and
``root/manifest.jsonl`` (one JSON object per request, status 200 or 304).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from .records import FetchResult

log = logging.getLogger("extractors.archive")

Body = bytes | bytearray | memoryview | BinaryIO | Iterable[bytes]

MANIFEST_NAME = "manifest.jsonl"
# Temp files live under root so os.replace never crosses a filesystem boundary.
PARTIAL_DIR = ".partial"
_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class RawArchive:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.manifest_path = self.root / MANIFEST_NAME
        self._lock = threading.RLock()
        self._entries: list[dict] = []
        self._by_url: dict[str, list[dict]] = {}
        self._manifest_offset = 0  # bytes of the manifest already read into the index

    # ---- reading -------------------------------------------------------------

    def entries(self) -> list[dict]:
        with self._lock:
            self._refresh_index()
            return [dict(entry) for entry in self._entries]

    def latest(self, url: str) -> FetchResult | None:
        """Newest manifest entry for `url` whose file is still on disk with its recorded size."""
        with self._lock:
            self._refresh_index()
            for entry in reversed(self._by_url.get(url, [])):
                if self._file_is_usable(entry):
                    return self._result_from_entry(entry)
        return None

    # ---- writing -------------------------------------------------------------

    def store(
        self,
        url: str,
        body: Body,
        status: int,
        headers: Mapping[str, str],
        fetched_at: datetime,
        *,
        bytes_downloaded: int | Callable[[], int] | None = None,
    ) -> FetchResult:
        """Archive a response body (bytes, a binary file or an iterator of chunks) and record it.

        `bytes_downloaded` defaults to the body size. The HTTP client passes a callable read
        after the body is consumed, because only then is the count off the wire known (it
        differs from the size when the body came compressed).
        """
        _require_utc(fetched_at)
        with self._partial_file() as (tmp, tmp_path):
            sha256, size = _copy_and_hash(body, tmp)
            with self._lock:
                self._refresh_index()
                existing = self._same_content(url, sha256, size)
                if existing is not None:
                    # Identical bytes: keep one copy on disk, still record the request.
                    rel_path = existing["path"]
                else:
                    rel_path = self._version_path(url, fetched_at, sha256)
                    final = self.root / rel_path
                    final.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(tmp_path, final)
                transferred = _resolve_count(bytes_downloaded, default=size)
                entry = _entry(url, fetched_at, status, headers, transferred, size, sha256, rel_path)
                self._append_manifest(entry)
                return self._result_from_entry(entry)

    def record_not_modified(
        self, url: str, previous: FetchResult, headers: Mapping[str, str], fetched_at: datetime
    ) -> FetchResult:
        """Record a 304: the body on disk is still current, so the entry points at `previous.path`."""
        _require_utc(fetched_at)
        # A 304 may carry refreshed validators; keep the old ones when it does not.
        validators = {
            "ETag": _header(headers, "ETag") or previous.etag,
            "Last-Modified": _header(headers, "Last-Modified") or previous.last_modified,
        }
        entry = _entry(
            url,
            fetched_at,
            304,
            validators,
            0,
            previous.size,
            previous.sha256,
            self._relative(previous.path),
        )
        with self._lock:
            self._append_manifest(entry)
        return self._result_from_entry(entry)

    # ---- index ---------------------------------------------------------------

    def _refresh_index(self) -> None:
        """Read only the manifest lines appended since the last call (by us or another process)."""
        try:
            size = self.manifest_path.stat().st_size
        except FileNotFoundError:
            return
        if size < self._manifest_offset:  # manifest replaced or truncated: start over
            self._entries, self._by_url, self._manifest_offset = [], {}, 0
        if size == self._manifest_offset:
            return
        with self.manifest_path.open("rb") as fh:
            fh.seek(self._manifest_offset)
            chunk = fh.read(size - self._manifest_offset)
        # A line still being written (no newline yet) is left for the next refresh.
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self._manifest_offset += len(complete)
        for raw_line in complete.splitlines():
            self._index_line(raw_line)

    def _index_line(self, raw_line: bytes) -> None:
        if not raw_line.strip():
            return
        try:
            entry = json.loads(raw_line)
        except json.JSONDecodeError:
            # A crash can tear the last line; one lost record must not hide all the others.
            log.warning("skipping unreadable line in %s: %r", self.manifest_path, raw_line[:200])
            return
        self._entries.append(entry)
        self._by_url.setdefault(entry["url"], []).append(entry)

    def _same_content(self, url: str, sha256: str, size: int) -> dict | None:
        for entry in reversed(self._by_url.get(url, [])):
            if entry["sha256"] == sha256 and entry["size"] == size and self._file_is_usable(entry):
                return entry
        return None

    def _file_is_usable(self, entry: dict) -> bool:
        try:
            return (self.root / entry["path"]).stat().st_size == entry["size"]
        except OSError:
            return False

    def _result_from_entry(self, entry: dict) -> FetchResult:
        return FetchResult(
            url=entry["url"],
            path=self.root / entry["path"],
            sha256=entry["sha256"],
            fetched_at=datetime.fromisoformat(entry["fetched_at"]),
            status=entry["status"],
            etag=entry["etag"],
            last_modified=entry["last_modified"],
            bytes_downloaded=entry["bytes"],
            size=entry["size"],
            unchanged=entry["status"] == 304,
        )

    # ---- disk ----------------------------------------------------------------

    def _append_manifest(self, entry: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        line = json.dumps(entry, sort_keys=True).encode() + b"\n"
        fd = os.open(self.manifest_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if _ends_without_newline(fd):
                line = b"\n" + line  # never glue our record onto a torn one
            os.write(fd, line)  # one write call, so concurrent appenders do not interleave
            os.fsync(fd)
        finally:
            os.close(fd)
        self._refresh_index()

    def _partial_file(self) -> _PartialFile:
        partial_dir = self.root / PARTIAL_DIR
        partial_dir.mkdir(parents=True, exist_ok=True)
        return _PartialFile(partial_dir)

    def _version_path(self, url: str, fetched_at: datetime, sha256: str) -> str:
        host, segments, basename = _url_parts(url)
        stamp = fetched_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return "/".join([host, *segments, f"{stamp}-{sha256[:12]}", basename])

    def _relative(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.root.resolve()).as_posix()


class _PartialFile:
    """A temp file that is fsynced before use and deleted unless the caller moved it away."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def __enter__(self) -> tuple[BinaryIO, Path]:
        fd, name = tempfile.mkstemp(dir=self._directory, suffix=".part")
        self._path = Path(name)
        self._file = os.fdopen(fd, "wb")
        return self._file, self._path

    def __exit__(self, *exc_info: object) -> None:
        if not self._file.closed:
            self._file.close()
        self._path.unlink(missing_ok=True)


def _copy_and_hash(body: Body, tmp: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in _chunks(body):
        if not chunk:
            continue
        digest.update(chunk)
        tmp.write(chunk)
        size += len(chunk)
    tmp.flush()
    os.fsync(tmp.fileno())  # the bytes must be durable before the file gets its final name
    tmp.close()
    return digest.hexdigest(), size


def _chunks(body: Body) -> Iterator[bytes]:
    if isinstance(body, (bytes, bytearray, memoryview)):
        yield bytes(body)
    elif hasattr(body, "read"):
        yield from iter(lambda: body.read(_CHUNK), b"")
    else:
        yield from body


def _url_parts(url: str) -> tuple[str, list[str], str]:
    """Filesystem-safe (host, path segments, basename) for a URL."""
    parts = urlsplit(url)
    host = _safe_segment(parts.netloc or parts.scheme or "no-host")  # file:// URLs go under "file"
    segments = [_safe_segment(unquote(s)) for s in parts.path.split("/") if s]
    if parts.query:
        query_tag = hashlib.sha1(parts.query.encode()).hexdigest()[:10]
        segments = [*(segments or ["index"]), f"query-{query_tag}"]
    basename = next((s for s in reversed(segments) if not s.startswith("query-")), "index")
    return host, segments or ["index"], basename


def _safe_segment(segment: str) -> str:
    cleaned = _UNSAFE.sub("_", segment)
    return "_" if cleaned in ("", ".", "..") else cleaned


def _entry(
    url: str,
    fetched_at: datetime,
    status: int,
    headers: Mapping[str, str],
    bytes_downloaded: int,
    size: int,
    sha256: str,
    rel_path: str,
) -> dict:
    return {
        "url": url,
        "fetched_at": fetched_at.astimezone(UTC).isoformat(),
        "status": status,
        "etag": _header(headers, "ETag"),
        "last_modified": _header(headers, "Last-Modified"),
        "bytes": bytes_downloaded,
        "size": size,
        "sha256": sha256,
        "path": rel_path,
    }


def _header(headers: Mapping[str, str], name: str) -> str | None:
    # Plain dicts are accepted too, so look the name up case-insensitively.
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted and value), None)


def _ends_without_newline(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"


def _resolve_count(count: int | Callable[[], int] | None, default: int) -> int:
    if count is None:
        return default
    return count() if callable(count) else count


def _require_utc(fetched_at: datetime) -> None:
    if fetched_at.tzinfo is None:
        raise ValueError("fetched_at must be timezone-aware (UTC)")
