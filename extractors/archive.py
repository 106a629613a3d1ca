"""Raw archive: every downloaded body kept on disk, plus an append-only manifest of requests.

Layout: ``root/<host>/<url path>/<fetched-at UTC>-<sha256[:12]>/<basename>`` and
``root/manifest.jsonl``: one JSON object per request (status 200 or 304), and one per distrust
mark (``"event": "distrust"``, see `RawArchive.distrust`), which `entries()` leaves out.

Only whole files get a name and a manifest line: a body is streamed (and hashed in the same pass)
into ``root/.partial/*.part`` (extractors.partial), checked (a zip or xlsx must have an intact
central directory), made durable, then renamed.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import threading
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import IncompleteBody, StorageError
from .partial import Body, PartialFile, copy_and_hash, remove_leftover_partials
from .records import Distrust, FetchResult

log = logging.getLogger("extractors.archive")

MANIFEST_NAME = "manifest.jsonl"
# Temp files live under root so os.replace never crosses a filesystem boundary.
PARTIAL_DIR = ".partial"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
# Bodies that are zip containers: truncation shows as a missing or damaged central directory.
CONTAINER_SUFFIXES = (".zip", ".xlsx", ".xlsm")
_LOCAL_HEADER = 30  # bytes of a zip local file header before its name and extra field


class RawArchive:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.manifest_path = self.root / MANIFEST_NAME
        self._lock = threading.RLock()
        self._entries: list[dict] = []
        self._by_url: dict[str, list[dict]] = {}
        self._distrusted: dict[str, dict] = {}
        self._manifest_offset = 0  # bytes of the manifest already read into the index
        self.removed_partials = remove_leftover_partials(self.root / PARTIAL_DIR)

    def canonical(self, url: str) -> str:
        """The URL entries are kept under; subclasses map stand-in servers to the URLs they stand for."""
        return url

    # ---- reading -------------------------------------------------------------

    def entries(self) -> list[dict]:
        """One dict per request (status 200 or 304), oldest first."""
        with self._lock:
            self._refresh_index()
            return [dict(entry) for entry in self._entries]

    def latest(self, url: str) -> FetchResult | None:
        """Newest manifest entry for `url` whose file is still on disk with its recorded size."""
        url = self.canonical(url)
        with self._lock:
            self._refresh_index()
            for entry in reversed(self._by_url.get(url, [])):
                if self._file_is_usable(entry):
                    return self._result_from_entry(entry)
        return None

    def distrusted(self, url: str) -> Distrust | None:
        """The mark on `url` if its archived copy was distrusted and no whole body replaced it since."""
        url = self.canonical(url)
        with self._lock:
            self._refresh_index()
            mark = self._distrusted.get(url)
        if mark is None:
            return None
        return Distrust(mark["url"], mark["reason"], datetime.fromisoformat(mark["marked_at"]), mark["sha256"])

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

        Raises IncompleteBody (nothing recorded) when a .zip/.xlsx body is not a whole container,
        StorageError when the disk refuses the write (full, read-only, no permission); an error
        raised by the body iterator itself (the network) propagates unchanged.
        """
        _require_utc(fetched_at)
        url = self.canonical(url)
        with self._partial_file(url) as (tmp, tmp_path):
            sha256, size = copy_and_hash(body, tmp, lambda exc: StorageError.from_os_error(url, tmp_path, exc))
            if _is_container(url):
                problem = container_problem(tmp_path)
                if problem is not None:
                    raise IncompleteBody(url, f"{problem} ({size:,} bytes received)")
            with self._lock:
                self._refresh_index()
                existing = self._same_content(url, sha256, size)
                created: Path | None = None
                if existing is not None:
                    # Identical bytes: keep one copy on disk, still record the request.
                    rel_path = existing["path"]
                else:
                    rel_path = self._version_path(url, fetched_at, sha256)
                    created = self.root / rel_path
                    with self._writing(url, created):
                        created.parent.mkdir(parents=True, exist_ok=True)
                        os.replace(tmp_path, created)
                transferred = _resolve_count(bytes_downloaded, default=size)
                entry = _entry(url, fetched_at, status, headers, transferred, size, sha256, rel_path)
                try:
                    self._append_manifest(entry)
                except StorageError:
                    if created is not None:  # no manifest line: do not leave an orphan file behind
                        with suppress(OSError):
                            created.unlink(missing_ok=True)
                    raise
                return self._result_from_entry(entry)

    def record_not_modified(
        self, url: str, previous: FetchResult, headers: Mapping[str, str], fetched_at: datetime
    ) -> FetchResult:
        """Record a 304: the body on disk is still current, so the entry points at `previous.path`."""
        _require_utc(fetched_at)
        url = self.canonical(url)
        # A 304 may carry refreshed validators; keep the old ones when it does not.
        validators = {
            "ETag": _header(headers, "ETag") or previous.etag,
            "Last-Modified": _header(headers, "Last-Modified") or previous.last_modified,
        }
        rel_path = self._relative(previous.path)
        entry = _entry(url, fetched_at, 304, validators, 0, previous.size, previous.sha256, rel_path)
        with self._lock:
            self._append_manifest(entry)
        return self._result_from_entry(entry)

    def distrust(self, url: str, reason: str) -> Distrust:
        """Mark the archived copy of `url` as not to be trusted: it failed to parse (a body closed
        early without Content-Length is only found out that way). The next live fetch of `url`
        sends no validators, so the server answers with a whole body instead of 304; that body
        (a new 200 entry) clears the mark. The mark is a manifest line, so it outlives the process.
        Replay (ArchiveClient) refuses a distrusted URL rather than hand the same bytes back."""
        url = self.canonical(url)
        if not reason.strip():
            raise ValueError("distrust needs a reason (what failed to parse)")
        marked_at = datetime.now(UTC)
        with self._lock:
            current = self.latest(url)
            sha256 = current.sha256 if current else None
            mark = {
                "event": "distrust",
                "url": url,
                "reason": reason,
                "marked_at": marked_at.isoformat(),
                "sha256": sha256,
            }
            self._append_manifest(mark)
        log.warning("archived copy of %s distrusted (%s): the next fetch will be unconditional", url, reason)
        return Distrust(url, reason, marked_at, sha256)

    # ---- index ---------------------------------------------------------------

    def _refresh_index(self) -> None:
        """Read only the manifest lines appended since the last call (by us or another process)."""
        try:
            size = self.manifest_path.stat().st_size
        except FileNotFoundError:
            return
        if size < self._manifest_offset:  # manifest replaced or truncated: start over
            self._entries, self._by_url, self._distrusted, self._manifest_offset = [], {}, {}, 0
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
        if entry.get("event") == "distrust":
            self._distrusted[entry["url"]] = entry
            return
        if entry["status"] == 200:
            self._distrusted.pop(entry["url"], None)  # a whole new body replaced the distrusted one
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
        line = json.dumps(entry, sort_keys=True).encode() + b"\n"
        with self._writing(entry["url"], self.manifest_path):
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.manifest_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                if _ends_without_newline(fd):
                    line = b"\n" + line  # never glue our record onto a torn one
                # One write call, so concurrent appenders do not interleave.
                if os.write(fd, line) != len(line):  # a disk with a few bytes left writes part of it
                    raise OSError(errno.ENOSPC, "short write", str(self.manifest_path))
                os.fsync(fd)
            finally:
                os.close(fd)
        self._refresh_index()

    def _partial_file(self, url: str) -> PartialFile:
        partial_dir = self.root / PARTIAL_DIR
        with self._writing(url, partial_dir):
            partial_dir.mkdir(parents=True, exist_ok=True)
        return PartialFile(partial_dir, lambda exc: StorageError.from_os_error(url, partial_dir, exc))

    @contextmanager
    def _writing(self, url: str | None, path: Path) -> Iterator[None]:
        """Disk errors (full, read-only, no permission) as a StorageError naming the path and the fix.
        Only file operations may run inside: network errors are OSErrors too."""
        try:
            yield
        except StorageError:
            raise
        except OSError as exc:
            raise StorageError.from_os_error(url, path, exc) from exc

    def _version_path(self, url: str, fetched_at: datetime, sha256: str) -> str:
        host, segments, basename = _url_parts(url)
        stamp = fetched_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return "/".join([host, *segments, f"{stamp}-{sha256[:12]}", basename])

    def _relative(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.root.resolve()).as_posix()


def _is_container(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(CONTAINER_SUFFIXES)


def container_problem(path: Path) -> str | None:
    """Why the zip (or xlsx) at `path` is not whole, or None. Reads the central directory and each
    member's local header, not the members themselves: a cut body loses the directory at the end,
    and a damaged one points at headers that are not there."""
    try:
        with zipfile.ZipFile(path) as container, path.open("rb") as raw:
            members = container.infolist()
            if not members:
                return "the zip container holds no file"
            directory_at = getattr(container, "start_dir", path.stat().st_size)
            for info in members:
                raw.seek(info.header_offset)
                header = raw.read(_LOCAL_HEADER)
                if len(header) < _LOCAL_HEADER or header[:4] != b"PK\x03\x04":
                    return f"member {info.filename} has no local header at offset {info.header_offset}"
                name_len, extra_len = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
                end = info.header_offset + _LOCAL_HEADER + name_len + extra_len + info.compress_size
                if end > directory_at:
                    return f"member {info.filename} runs past the central directory (ends at {end}, directory at {directory_at})"
    except zipfile.BadZipFile as exc:
        return f"not a whole zip container: {exc}"
    except (EOFError, ValueError, NotImplementedError) as exc:
        return f"unreadable zip container: {exc}"
    return None


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
    headers: Mapping[str, str | None],
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


def _header(headers: Mapping[str, str | None], name: str) -> str | None:
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
