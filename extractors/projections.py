"""Employment Projections: the occupation workbook (fetch only; transforms read its sheets)."""

from __future__ import annotations

from .http import Fetcher
from .records import FetchResult

OCCUPATION_WORKBOOK_PATH = "/emp/ind-occ-matrix/occupation.xlsx"


def occupation_workbook_url(www_base: str) -> str:
    return www_base.rstrip("/") + OCCUPATION_WORKBOOK_PATH


def fetch_occupation_workbook(client: Fetcher, www_base: str) -> FetchResult:
    return client.fetch(occupation_workbook_url(www_base))
