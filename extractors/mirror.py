"""A local HTTP server over a folder laid out like bls.gov, so tests and `--mirror` runs go
through the same HTTP code path (headers, status codes, conditional GET) as the real sites.

`https://www.bls.gov/emp/x.xlsx` maps to `{base}/www.bls.gov/emp/x.xlsx`.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from extractors.archive import RawArchive

log = logging.getLogger("extractors.mirror")


@contextmanager
def serve_mirror(root: Path, port: int = 0) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 and yield the base URL, e.g. ``http://127.0.0.1:54321``.

    `port=0` picks a free port. Pass a fixed port when archive entries (keyed by URL)
    must match across runs.
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"mirror folder {root} does not exist")
    handler = type("MirrorHandler", (_MirrorHandler,), {"root": root})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    # A short poll interval so shutdown() on exit returns at once instead of after 0.5 s.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="bls-mirror", daemon=True
    )
    thread.start()
    bound_port = int(server.server_address[1])
    log.debug("serving %s on http://127.0.0.1:%d", root, bound_port)
    try:
        yield f"http://127.0.0.1:{bound_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class FileServingHandler(BaseHTTPRequestHandler):
    """GET and HEAD of files, the way bls.gov answers them; a subclass says how (_serve)."""

    # HTTP/1.1 so a requests.Session keeps its connection alive, as it would with bls.gov.
    protocol_version = "HTTP/1.1"
    sys_version = ""
    # The headers and the body go out as separate writes: with Nagle's algorithm the body waits for
    # the client's delayed ACK of the headers, 40 ms per small file on Linux.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        raise NotImplementedError


def file_under(root: Path, path: str) -> Path | None:
    """The file a (decoded) request path names below root, or None: missing, a directory, or outside root."""
    candidate = (root / path.lstrip("/")).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


class _MirrorHandler(FileServingHandler):
    root: Path
    server_version = "bls-mirror"

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _serve(self, send_body: bool) -> None:
        path = file_under(self.root, unquote(urlsplit(self.path).path))
        if path is None:
            self._send_empty(HTTPStatus.NOT_FOUND)
            return
        stat = path.stat()
        etag, last_modified = file_validators(stat)
        if self._not_modified(etag, stat.st_mtime):
            self._send_empty(HTTPStatus.NOT_MODIFIED, {"ETag": etag, "Last-Modified": last_modified})
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        if send_body:
            with path.open("rb") as fh:
                try:
                    shutil.copyfileobj(fh, self.wfile, 1 << 20)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (e.g. a test's tiny timeout); nothing to report.
                    self.close_connection = True

    def _not_modified(self, etag: str, mtime: float) -> bool:
        return not_modified(self.headers, etag, mtime)

    def _send_empty(self, status: HTTPStatus, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", "0")
        self.end_headers()


def _etag(stat: os.stat_result) -> str:
    # mtime+size changes whenever the file is replaced, without hashing 330 MB per request.
    return '"' + hashlib.sha1(f"{stat.st_mtime_ns}-{stat.st_size}".encode()).hexdigest() + '"'


def file_validators(stat: os.stat_result) -> tuple[str, str]:
    """(ETag, Last-Modified) a careful static server sends for a file."""
    return _etag(stat), formatdate(stat.st_mtime, usegmt=True)


class _RequestHeaders(Protocol):
    def get(self, name: str, /) -> str | None: ...


def not_modified(request_headers: _RequestHeaders, etag: str, mtime: float) -> bool:
    """Whether a conditional GET may be answered 304, as RFC 9110 says."""
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        # When If-None-Match is present, If-Modified-Since is ignored.
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = request_headers.get("If-Modified-Since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since).timestamp()
    except (TypeError, ValueError):
        return False
    return int(mtime) <= since  # HTTP dates have whole-second resolution


class MirrorArchive(RawArchive):
    """A raw archive for runs served from a local mirror: entries are keyed by the bls.gov URL the
    mirror stands for, not by its random local port, so conditional GETs and replays work across runs."""

    def __init__(self, root: Path, mirror_base: str) -> None:
        super().__init__(root)
        self.mirror_base = mirror_base.rstrip("/")

    def canonical(self, url: str) -> str:
        prefix = self.mirror_base + "/"
        return "https://" + url[len(prefix) :] if url.startswith(prefix) else url
