"""OEWS (Occupational Employment and Wage Statistics): where the files live and which release
is newest. Fetch only; reading the files (even the one-line oe.release) is transforms' job."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from .errors import NotFound, UntrustedCopy
from .http import Fetcher
from .records import FetchResult

log = logging.getLogger("extractors.oews")


def national_zip_url(www_base: str, year: int) -> str:
    return f"{www_base.rstrip('/')}/oes/special-requests/oesm{year % 100:02d}nat.zip"


def flatfile_url(download_base: str, name: str) -> str:
    return f"{download_base.rstrip('/')}/pub/time.series/oe/{name}"


def fetch_national_zip(client: Fetcher, www_base: str, year: int) -> FetchResult:
    return client.fetch(national_zip_url(www_base, year))


def fetch_newest_national_zip(
    client: Fetcher, www_base: str, newest_year: int, oldest_year: int
) -> tuple[int, FetchResult]:
    """The May national file of the newest year in [oldest_year, newest_year] that is published.

    BLS publishes each May release the following spring, so the first years tried are
    usually 404s; those are expected and only logged.
    """
    if newest_year < oldest_year:
        raise ValueError(f"newest_year {newest_year} is before oldest_year {oldest_year}")
    for year in range(newest_year, oldest_year - 1, -1):
        try:
            return year, fetch_national_zip(client, www_base, year)
        except UntrustedCopy:
            raise  # published but archived broken: falling back a year would load an older release
        except NotFound:
            log.info("OEWS national file for May %d not published (yet); trying the year before", year)
    raise NotFound(
        national_zip_url(www_base, newest_year),
        None,
        f"no OEWS national file for any May from {oldest_year} to {newest_year} under "
        f"{www_base.rstrip('/')}/oes/special-requests/ (tried oesmYYnat.zip for each year); "
        "check the www base URL setting and the year range",
    )


def fetch_flatfiles(client: Fetcher, download_base: str, names: Iterable[str]) -> dict[str, FetchResult]:
    """The named files of the oe time series. Which files a release needs is the reader's to say
    (transforms.oews.REQUIRED_FLATFILES, which the flow passes in): the list is written once."""
    return {name: client.fetch(flatfile_url(download_base, name)) for name in names}
