"""Fetch failures, each with a message that says what the user should check."""

from __future__ import annotations

import errno as errnos
import os
import shutil
from pathlib import Path

# Where the settings layer (flows/) takes the contact address that goes into the User-Agent.
_CONTACT_HINT = "set your contact address with the BLS_REFRESH_CONTACT environment variable or the --contact flag"


class FetchError(Exception):
    """A URL could not be fetched; `status` is the last HTTP status seen, None if no response came."""

    def __init__(self, url: str, status: int | None, message: str) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class NotFound(FetchError):
    """404/410, or a URL that a replay archive never saw."""

    def __init__(self, url: str, status: int | None = 404, message: str | None = None) -> None:
        super().__init__(
            url,
            status,
            message or f"{url} answered {status}: not published (yet)?  check the URL/base URL setting",
        )


class Forbidden(FetchError):
    """403: BLS refuses requests whose User-Agent does not identify a person to contact."""

    def __init__(self, url: str, status: int = 403) -> None:
        super().__init__(
            url,
            status,
            f"{url} answered 403 Forbidden: BLS blocks anonymous robots, so the User-Agent must "
            f"carry a contact address; {_CONTACT_HINT}",
        )


class TransientFetchError(FetchError):
    """429/5xx, timeouts or connection errors that outlasted every retry."""

    def __init__(self, url: str, status: int | None, attempts: int, reason: str) -> None:
        last = f"last status {status}" if status is not None else "no response"
        super().__init__(
            url,
            status,
            f"{url} still failing after {attempts} attempts ({last}: {reason}); "
            "BLS may be down or rate-limiting: try again later, or raise the retry/timeout settings",
        )
        self.attempts = attempts


class IncompleteBody(FetchError):
    """The bytes received are not a whole file: fewer than Content-Length announced, or a zip/xlsx
    whose central directory is missing or damaged. The HTTP client retries it; nothing is archived."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(url, None, f"{url}: incomplete body, not archived: {problem}")
        self.problem = problem


class DeadlineExceeded(TransientFetchError):
    """A download still unfinished when its overall deadline passed (a server trickling bytes
    slowly enough never to trip the socket timeout). Not retried by the client: a retry would
    likely trickle too and multiply the wait; the next run (or a task retry) tries again."""

    def __init__(self, url: str, bytes_received: int, deadline: float, expected: int | None = None) -> None:
        of = f" of {expected:,}" if expected is not None else ""
        FetchError.__init__(
            self,
            url,
            200,
            f"{url} not downloaded within its {deadline:g} s deadline ({bytes_received:,}{of} bytes received): "
            "the server is sending too slowly; try again later, or raise the download deadline setting",
        )
        self.attempts = 1
        self.bytes_received = bytes_received
        self.deadline = deadline


class UntrustedCopy(NotFound):
    """Replay asked for a URL whose archived copy was marked untrustworthy (it failed to parse,
    e.g. a body cut short without Content-Length). Replay cannot fetch a fresh copy: to replay,
    the URL is as good as not archived (hence a NotFound, status None)."""

    def __init__(self, url: str, reason: str, marked_at: str) -> None:
        super().__init__(
            url,
            None,
            f"{url}: the archived copy was marked untrustworthy at {marked_at} ({reason}); replay cannot "
            "fetch a fresh one: run once without --replay to download it again",
        )
        self.reason = reason


class StorageError(FetchError):
    """Writing the raw archive failed: disk full, read-only filesystem, no permission. Retrying
    does not help; the message names the path and what the operator can do."""

    def __init__(self, url: str | None, path: Path, errno: int | None, message: str) -> None:
        super().__init__(url or "", None, message)
        self.path = path
        self.errno = errno

    @classmethod
    def from_os_error(cls, url: str | None, path: Path, exc: OSError) -> StorageError:
        path = Path(exc.filename) if isinstance(exc.filename, str) else Path(path)
        fs = _mount_point(path)
        if exc.errno in (errnos.ENOSPC, errnos.EDQUOT):
            problem, todo = f"no space left on {fs} ({_free_space(fs)} free)", f"free space on {fs}"
        elif exc.errno == errnos.EROFS:
            problem, todo = f"{fs} is mounted read-only", f"remount {fs} read-write"
        elif exc.errno in (errnos.EACCES, errnos.EPERM):
            user = _user_name()
            problem = f"permission denied for user {user}"
            todo = f"give {user} write access to {_nearest_existing(path)}"
        else:
            problem, todo = exc.strerror or str(exc), f"check the disk holding {fs}"
        while_ = f" while archiving {url}" if url else ""
        return cls(
            url,
            path,
            exc.errno,
            f"cannot write the raw archive at {path}{while_}: {problem}; {todo}, or point {_DATA_DIR_HINT} elsewhere",
        )


# Where the settings layer (flows/) puts the raw archive.
_DATA_DIR_HINT = "BLS_REFRESH_DATA_DIR (or BLS_REFRESH_ARCHIVE_DIR)"


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _mount_point(path: Path) -> Path:
    path = _nearest_existing(path).resolve()  # a data dir may be a symlink to another disk
    while not os.path.ismount(path) and path != path.parent:
        path = path.parent
    return path


def _free_space(fs: Path) -> str:
    try:
        free = float(shutil.disk_usage(fs).free)
    except OSError:
        return "unknown"
    for unit in ("bytes", "KB", "MB", "GB"):
        if free < 1024 or unit == "GB":
            return f"{free:.0f} {unit}" if unit == "bytes" else f"{free:.1f} {unit}"
        free /= 1024
    raise AssertionError("unreachable")


def _user_name() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return f"uid {os.geteuid()}"
