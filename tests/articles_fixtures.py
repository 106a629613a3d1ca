"""The warehouse the article tests and the bench read: OEWS May 2022-2025, EP 2021-31 to 2024-34 and every OOH
profile of the mirror, loaded from the real files in ../shared, built once per process (a few seconds)."""

from __future__ import annotations

import functools
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import warehouse
from transforms.oews import read_national_zip
from transforms.ooh import read_ep_ooh_links, read_profiles
from transforms.projections import read_occupation_workbook
from transforms.release import Release
from warehouse.load import ReleaseRecord, load_release

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
WWW = SHARED / "bls-mirror" / "www.bls.gov"
REFERENCE = SHARED / "reference" / "career-fact-sheet-example.txt"
ARTICLES = REPO / "tests" / "fixtures" / "articles"
OEWS_ZIPS = [
    SHARED / "bls-archive" / "oews" / "oesm22nat.zip",
    SHARED / "bls-archive" / "oews" / "oesm23nat.zip",
    SHARED / "bls-archive" / "oews" / "oesm24nat.zip",
    WWW / "oes" / "special-requests" / "oesm25nat.zip",
]
EP_WORKBOOKS = [
    SHARED / "bls-archive" / "ep" / "occupation_2021-31.xlsx",
    SHARED / "bls-archive" / "ep" / "occupation_2022-32.xlsx",
    SHARED / "bls-archive" / "ep" / "occupation_2023-33.xlsx",
    WWW / "emp" / "ind-occ-matrix" / "occupation.xlsx",
]
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


def build_articles_warehouse(path: Path, *, oews: list[Path] = OEWS_ZIPS, ep: list[Path] = EP_WORKBOOKS) -> Path:
    con = warehouse.connect(path)
    try:
        for zip_path in oews:
            url = f"https://www.bls.gov/oes/special-requests/{zip_path.name}"
            load_parsed(con, "oews", read_national_zip(zip_path, name=zip_path.name), form="national_zip", url=url)
        for workbook in ep:
            url = "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"
            parsed = read_occupation_workbook(workbook, name=workbook.name)
            load_parsed(con, "projections", parsed, form="workbook", url=url)
        pages = {
            f"https://www.bls.gov/{p.relative_to(WWW).as_posix()}": p for p in sorted((WWW / "ooh").glob("*/*.htm"))
        }
        crosswalk = read_ep_ooh_links(EP_WORKBOOKS[-1], name=EP_WORKBOOKS[-1].name)
        load_parsed(
            con,
            "ooh",
            read_profiles(pages, crosswalk=crosswalk),
            form="profiles",
            url="https://www.bls.gov/ooh/a-z-index.htm",
        )
    finally:
        con.close()
    return path


@functools.cache
def articles_warehouse() -> Path:
    """Built once per process into a temporary folder; open it read-only."""
    folder = Path(tempfile.mkdtemp(prefix="bls-articles-warehouse-"))
    return build_articles_warehouse(folder / "warehouse.duckdb")
