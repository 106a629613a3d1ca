"""HTTP clients: a polite live client for bls.gov and a replay client over the raw archive."""

from __future__ import annotations

import dataclasses
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol, runtime_checkable

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from .archive import RawArchive
from .errors import (
    DeadlineExceeded,
    FetchError,
    Forbidden,
    IncompleteBody,
    NotFound,
    TransientFetchError,
    UntrustedCopy,
)
from .records import FetchResult

log = logging.getLogger("extractors.http")

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
_GONE_STATUSES = frozenset({404, 410})
# Errors that a later attempt may not hit; SSLError is a ConnectionError but never heals by waiting.
_RETRYABLE_EXCEPTIONS = (
    requests.exceptions.Timeout,
    requests.exceptions.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class HttpConfig:
    user_agent: str  # already composed by the settings layer, carries the contact address
    timeout: float = 30.0  # seconds (connect and read)
    max_retries: int = 4
    backoff_factor: float = 1.0  # seconds; exponential with jitter
    max_backoff: float = 60.0
    max_retry_after: float = 300.0  # never sleep longer than this for a Retry-After
    delay: float = 0.0  # politeness delay between consecutive requests of this client
    # Seconds one attempt may take from request to last byte. The socket timeout bounds each
    # read; a server trickling bytes never trips it, this does (checked between reads, so it
    # can be overrun by at most one `timeout`). Not retried by the client: see DeadlineExceeded.
    deadline: float = 600.0

    def __post_init__(self) -> None:
        if not self.user_agent.strip():
            # An empty UA falls back to python-requests', which BLS answers with 403.
            raise ValueError("HttpConfig.user_agent is empty: it must carry a contact address")
        if self.timeout <= 0:
            raise ValueError("HttpConfig.timeout must be positive")
        if self.deadline <= 0:
            raise ValueError("HttpConfig.deadline must be positive")
        if self.max_retries < 0:
            raise ValueError("HttpConfig.max_retries must be >= 0")
        for name in ("backoff_factor", "max_backoff", "max_retry_after", "delay"):
            if getattr(self, name) < 0:
                raise ValueError(f"HttpConfig.{name} must be >= 0")


@runtime_checkable
class Fetcher(Protocol):
    def fetch(self, url: str, *, conditional: bool = True) -> FetchResult: ...


class _RetryableFailure(Exception):
    """One attempt failed in a way that a later attempt may not."""

    def __init__(self, status: int | None, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.retry_after = retry_after


class PoliteClient:
    """Live client: identifies itself, waits between requests, retries what is worth retrying,
    asks only for what changed (conditional GET) and streams every body into the archive."""

    def __init__(
        self,
        config: HttpConfig,
        archive: RawArchive,
        sleep: Callable[[float], None] = time.sleep,
        *,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.archive = archive
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._clock = clock
        self._session = self._make_session()
        self._lock = threading.Lock()
        self._last_request_at: float | None = None
        self.requests_made = 0
        self.bytes_downloaded = 0
        self.not_modified = 0

    def fetch(self, url: str, *, conditional: bool = True) -> FetchResult:
        """Fetch `url` into the archive. Conditional (If-None-Match/If-Modified-Since from the archived
        copy) unless `conditional` is False or the archived copy was distrusted (RawArchive.distrust)."""
        previous = self.archive.latest(url) if conditional else None
        mark = self.archive.distrusted(url) if previous is not None else None
        if mark is not None:
            log.info("GET %s: archived copy distrusted (%s); asking for the whole file", url, mark.reason)
            previous = None
        headers = _conditional_headers(previous)
        attempts = self.config.max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return self._attempt(url, headers, previous, attempt, attempts)
            except _RetryableFailure as failure:
                if attempt == attempts:
                    raise TransientFetchError(url, failure.status, attempts, failure.reason) from None
                wait = self._wait_before_retry(attempt, failure.retry_after)
                log.warning(
                    "GET %s failed (%s); retry %d/%d in %.1fs",
                    url,
                    failure.reason,
                    attempt,
                    self.config.max_retries,
                    wait,
                )
                self._sleep(wait)
        raise AssertionError("unreachable: the loop returns or raises")

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- one attempt ---------------------------------------------------------

    def _attempt(
        self,
        url: str,
        headers: dict[str, str],
        previous: FetchResult | None,
        attempt: int,
        attempts: int,
    ) -> FetchResult:
        self._wait_for_politeness()
        fetched_at = datetime.now(UTC)
        deadline_at = self._clock() + self.config.deadline
        # A first attempt is routine; a retry is news.
        level = logging.INFO if attempt > 1 else logging.DEBUG
        log.log(level, "GET %s (attempt %d/%d%s)", url, attempt, attempts, ", conditional" if headers else "")
        self._count(requests_made=1)
        timeout = (self.config.timeout, self.config.timeout)
        try:
            with self._session.get(url, headers=headers, timeout=timeout, stream=True) as response:
                return self._handle_response(url, response, previous, fetched_at, deadline_at)
        except IncompleteBody as exc:
            # A cut body, or a zip/xlsx without its central directory: the next attempt may be whole.
            raise _RetryableFailure(200, exc.problem) from exc
        except requests.exceptions.SSLError as exc:
            raise FetchError(url, None, f"TLS error fetching {url}: {exc}") from exc
        except _RETRYABLE_EXCEPTIONS as exc:
            raise _RetryableFailure(None, f"{type(exc).__name__}: {exc}") from exc
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
        ) as exc:
            raise FetchError(url, None, f"bad URL {url!r} ({exc}); check the base URL setting") from exc
        except requests.exceptions.RequestException as exc:
            # Anything else (e.g. a corrupt compressed body) is not helped by asking again.
            raise FetchError(url, None, f"fetching {url} failed: {type(exc).__name__}: {exc}") from exc

    def _handle_response(
        self,
        url: str,
        response: requests.Response,
        previous: FetchResult | None,
        fetched_at: datetime,
        deadline_at: float,
    ) -> FetchResult:
        status = response.status_code
        if status == 200:
            return self._store_body(url, response, fetched_at, deadline_at)
        if status == 304 and previous is not None:
            self._count(not_modified=1)
            log.debug("GET %s: 304 not modified, keeping %s", url, previous.path)
            return self.archive.record_not_modified(url, previous, response.headers, fetched_at)
        if status == 403:
            raise Forbidden(url)
        if status in _GONE_STATUSES:
            raise NotFound(url, status)
        if status in RETRYABLE_STATUSES:
            raise _RetryableFailure(status, f"HTTP {status}", _retry_after_seconds(response.headers.get("Retry-After")))
        raise FetchError(url, status, f"{url} answered unexpected HTTP {status} {response.reason}")

    def _store_body(
        self, url: str, response: requests.Response, fetched_at: datetime, deadline_at: float
    ) -> FetchResult:
        result = self.archive.store(
            url,
            self._whole_body(url, response, deadline_at),
            response.status_code,
            response.headers,
            fetched_at,
            bytes_downloaded=lambda: _wire_bytes(response),
        )
        self._count(bytes_downloaded=result.bytes_downloaded)
        log.info("GET %s: 200, %d bytes -> %s", url, result.size, result.path)
        return result

    def _whole_body(self, url: str, response: requests.Response, deadline_at: float) -> Iterator[bytes]:
        """The decoded body, chunk by chunk as it arrives; raises DeadlineExceeded past the deadline
        and IncompleteBody when fewer bytes came than Content-Length announced.

        read1 returns as soon as any bytes are in (iter_content waits to fill each chunk, which
        at a trickle's pace would hold one read for hours), so the deadline is checked often."""
        raw = response.raw
        expected = _announced_length(response)
        try:
            while True:
                if self._clock() > deadline_at:
                    raise DeadlineExceeded(url, int(raw.tell()), self.config.deadline, expected)
                chunk = raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    break
                yield chunk
        # The same translation as requests' iter_content, so _attempt's retry rules apply as they did.
        except urllib3.exceptions.ProtocolError as exc:
            raise requests.exceptions.ChunkedEncodingError(exc) from exc
        except urllib3.exceptions.DecodeError as exc:
            raise requests.exceptions.ContentDecodingError(exc) from exc
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.exceptions.ConnectionError(exc) from exc
        except urllib3.exceptions.SSLError as exc:
            raise requests.exceptions.SSLError(exc) from exc
        received = int(raw.tell())
        if expected is not None and received < expected:
            # urllib3 normally raises first (enforce_content_length); this holds whatever the adapter.
            raise IncompleteBody(url, f"body cut short: {received:,} of {expected:,} bytes (Content-Length)")

    # ---- pacing --------------------------------------------------------------

    def _wait_for_politeness(self) -> None:
        with self._lock:
            now = self._clock()
            if self._last_request_at is not None and self.config.delay > 0:
                remaining = self.config.delay - (now - self._last_request_at)
                if remaining > 0:
                    log.debug("politeness delay %.2fs", remaining)
                    self._sleep(remaining)
                    now = self._clock()
            self._last_request_at = now

    def _wait_before_retry(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.config.max_retry_after)
        # Exponential backoff with "equal jitter": half fixed, half random, so clients that
        # failed together do not come back together yet never retry immediately.
        ceiling = min(self.config.max_backoff, self.config.backoff_factor * 2 ** (attempt - 1))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def _count(self, *, requests_made: int = 0, bytes_downloaded: int = 0, not_modified: int = 0) -> None:
        with self._lock:
            self.requests_made += requests_made
            self.bytes_downloaded += bytes_downloaded
            self.not_modified += not_modified

    def _make_session(self) -> requests.Session:
        session = requests.Session()
        session.headers["User-Agent"] = self.config.user_agent
        # Retries are ours (Retry-After cap, injectable sleep, counting), so urllib3 must not retry.
        adapter = HTTPAdapter(max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        log.debug("HTTP client User-Agent: %s", self.config.user_agent)
        return session


class ArchiveClient:
    """Replay client: answers every fetch from the raw archive, never touching the network."""

    def __init__(self, archive: RawArchive) -> None:
        self.archive = archive
        # Same counters as PoliteClient so run reports need not care which client ran.
        self.requests_made = 0
        self.bytes_downloaded = 0
        self.not_modified = 0

    def fetch(self, url: str, *, conditional: bool = True) -> FetchResult:
        archived = self.archive.latest(url)
        mark = self.archive.distrusted(url) if archived is not None else None
        if mark is not None:
            # Handing back bytes known not to parse would only fail again downstream; an older
            # copy would silently replay a different release. Say what to do instead.
            raise UntrustedCopy(url, mark.reason, mark.marked_at.isoformat(timespec="seconds"))
        if archived is None:
            raise NotFound(
                url,
                None,
                f"{url} is not in the raw archive at {self.archive.root}; "
                "replay needs an earlier live run that fetched it (or check the base URL setting)",
            )
        self.not_modified += 1
        return dataclasses.replace(archived, unchanged=True, bytes_downloaded=0)


def _conditional_headers(previous: FetchResult | None) -> dict[str, str]:
    if previous is None:
        return {}
    headers = {}
    if previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous.last_modified:
        # Echo the server's own string: its clock and format are the ones it compares against.
        headers["If-Modified-Since"] = previous.last_modified
    return headers


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds to wait; it may be delta-seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _announced_length(response: requests.Response) -> int | None:
    """Bytes on the wire the server promised (Content-Length), or None (chunked, absent, garbled)."""
    if "chunked" in response.headers.get("Transfer-Encoding", "").lower():
        return None  # RFC 9112: Transfer-Encoding overrides Content-Length
    try:
        length = int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None
    return length if length >= 0 else None


def _wire_bytes(response: requests.Response) -> int:
    # urllib3's tell() counts bytes read off the socket, before content decoding.
    return int(response.raw.tell())
