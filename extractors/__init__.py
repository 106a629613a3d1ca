"""Extractors: fetch BLS files politely, archive every version, replay runs from the archive."""

from .archive import RawArchive
from .errors import (
    DeadlineExceeded,
    FetchError,
    Forbidden,
    IncompleteBody,
    NotFound,
    StorageError,
    TransientFetchError,
    UntrustedCopy,
)
from .http import ArchiveClient, Fetcher, HttpConfig, PoliteClient
from .mirror import serve_mirror
from .oews import (
    fetch_flatfiles,
    fetch_national_zip,
    fetch_newest_national_zip,
    flatfile_url,
    national_zip_url,
)
from .projections import OCCUPATION_WORKBOOK_PATH, fetch_occupation_workbook, occupation_workbook_url
from .records import Distrust, FetchResult

__all__ = [
    "OCCUPATION_WORKBOOK_PATH",
    "ArchiveClient",
    "DeadlineExceeded",
    "Distrust",
    "FetchError",
    "FetchResult",
    "Fetcher",
    "Forbidden",
    "HttpConfig",
    "IncompleteBody",
    "NotFound",
    "PoliteClient",
    "RawArchive",
    "StorageError",
    "TransientFetchError",
    "UntrustedCopy",
    "fetch_flatfiles",
    "fetch_national_zip",
    "fetch_newest_national_zip",
    "fetch_occupation_workbook",
    "flatfile_url",
    "national_zip_url",
    "occupation_workbook_url",
    "serve_mirror",
]
