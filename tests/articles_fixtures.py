"""The warehouse the article tests and the bench read: OEWS May 2022-2025, EP 2021-31 to 2024-34 and every OOH
profile of the mirror, loaded from the real files in ../shared (a few seconds; the tests build it once per
session, in tests/articles/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bls_files import (  # noqa: F401  (REFERENCE: bench/bench_articles.py imports it from here)
    EP_ARCHIVE_WORKBOOKS,
    EP_WORKBOOK_2024,
    FIXTURES,
    OEWS_ARCHIVE_ZIPS,
    OEWS_ZIP_2025,
    REFERENCE,
    ooh_profile_pages,
)

import warehouse
from transforms.oews import read_national_zip
from transforms.ooh import read_profiles
from transforms.projections import read_occupation_workbook
from transforms.release import Release
from warehouse.load import ReleaseRecord, load_release

ARTICLES = FIXTURES / "articles"
OEWS_ZIPS = [*OEWS_ARCHIVE_ZIPS.values(), OEWS_ZIP_2025]
EP_WORKBOOKS = [*EP_ARCHIVE_WORKBOOKS.values(), EP_WORKBOOK_2024]
FETCHED = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def load_parsed(con, source: str, parsed, *, form: str, url: str) -> None:
    """Load what a transform returned. The one place that knows the transforms' return types: a
    `transforms.release.Release`, or the older per-source records (OewsRelease, the EP workbook's, OohRelease)."""
    if isinstance(parsed, Release):
        record = ReleaseRecord(
            source, parsed.release_id, parsed.period, parsed.reference_year, form, url, FETCHED, f"sha-{url}"
        )
        load_release(con, record, parsed)
        return
    if source == "oews":
        record = ReleaseRecord(
            source, parsed.release_id, parsed.period, parsed.year, parsed.form, url, FETCHED, f"sha-{url}"
        )
        load_release(con, record, {"oews_occupations": parsed.occupations, "oews_estimates": parsed.estimates})
    elif source == "projections":
        period = f"{parsed.base_year}-{parsed.target_year}"
        record = ReleaseRecord(source, parsed.cycle, period, parsed.base_year, form, url, FETCHED, f"sha-{url}")
        load_release(con, record, {"projections": parsed.occupations})
    else:
        record = ReleaseRecord(
            source, parsed.edition, parsed.period, parsed.base_year, form, url, FETCHED, f"sha-{url}"
        )
        load_release(con, record, parsed.frames)


def build_articles_warehouse(
    path: Path, *, oews: list[Path] = OEWS_ZIPS, ep: list[Path] = EP_WORKBOOKS, ooh: Release | None = None
) -> Path:
    """The warehouse in `path`; `ooh` is the mirror's OOH edition if the caller has read it already."""
    con = warehouse.connect(path)
    try:
        for zip_path in oews:
            url = f"https://www.bls.gov/oes/special-requests/{zip_path.name}"
            load_parsed(con, "oews", read_national_zip(zip_path, name=zip_path.name), form="national_zip", url=url)
        for workbook in ep:
            url = "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"
            parsed = read_occupation_workbook(workbook, name=workbook.name)
            load_parsed(con, "projections", parsed, form="workbook", url=url)
        # EP's links to the profiles came with the EP workbook (ep_ooh_links).
        load_parsed(
            con,
            "ooh",
            ooh if ooh is not None else read_profiles(ooh_profile_pages()),
            form="profiles",
            url="https://www.bls.gov/ooh/a-z-index.htm",
        )
    finally:
        con.close()
    return path
