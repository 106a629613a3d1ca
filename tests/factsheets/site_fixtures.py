"""Warehouses the site and Dask tests publish from, built from the real files in ../shared once per
test process: `old` holds OEWS May 2024 and EP 2023-33, `new` OEWS May 2025 and EP 2024-34; both
hold every OOH profile of the mirror (parsed once, ~10 s), so occupation, profile and career sheets
are all there. Tests open them read-only (several processes may then read them at once)."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from bls_files import REPO, SHARED

import warehouse
from transforms.oews import read_national_zip
from transforms.ooh import read_profiles
from transforms.projections import read_occupation_workbook
from warehouse.load import ReleaseRecord, load_release

WWW = SHARED / "bls-mirror" / "www.bls.gov"
ARTIFACTS = REPO / "tests" / "artifacts"
OEWS_2024 = SHARED / "bls-archive" / "oews" / "oesm24nat.zip"
OEWS_2025 = WWW / "oes" / "special-requests" / "oesm25nat.zip"
EP_2023 = SHARED / "bls-archive" / "ep" / "occupation_2023-33.xlsx"
EP_2024 = WWW / "emp" / "ind-occ-matrix" / "occupation.xlsx"
FETCHED = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
RUN1 = {"refreshed_on": date(2026, 2, 1), "now": datetime(2026, 2, 1, 6, 0, tzinfo=UTC), "run_id": "feb"}
RUN2 = {"refreshed_on": date(2026, 3, 1), "now": datetime(2026, 3, 1, 6, 0, tzinfo=UTC), "run_id": "mar"}
MRS = "29-2072-medical-records-specialists"
CAREER = "health-information-technician"


def _load(con, source: str, release, form: str, url: str) -> None:
    record = ReleaseRecord(
        source, release.release_id, release.period, release.reference_year, form, url, FETCHED, f"sha-{url}"
    )
    load_release(con, record, release)


@functools.cache
def _ooh():
    pages = {f"https://www.bls.gov/{p.relative_to(WWW).as_posix()}": p for p in sorted((WWW / "ooh").glob("*/*.htm"))}
    return read_profiles(pages)


@functools.cache
def _folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="bls-refresh-site-"))


@functools.cache
def warehouse_file(which: str) -> Path:
    """`old` or `new`: the path of a warehouse file built for this test process."""
    oews, ep = {"old": (OEWS_2024, EP_2023), "new": (OEWS_2025, EP_2024)}[which]
    path = _folder() / f"{which}.duckdb"
    con = warehouse.connect(path)
    try:
        _load(con, "oews", read_national_zip(oews, name=oews.name), "national_zip", f"https://x/{oews.name}")
        _load(con, "projections", read_occupation_workbook(ep, name=ep.name), "workbook", f"https://x/{ep.name}")
        _load(con, "ooh", _ooh(), "profiles", "https://www.bls.gov/ooh/a-z-index.htm")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def read_only(which: str):
    return warehouse.connect(warehouse_file(which), read_only=True)


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file a reader finds under the folder (resolved once, as a reader should)."""
    real = Path(os.path.realpath(folder))
    return {
        path.relative_to(real).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(real.rglob("*"))
        if path.is_file()
    }
