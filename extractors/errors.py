"""Fetch failures, each with a message that says what the user should check."""

from __future__ import annotations

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
