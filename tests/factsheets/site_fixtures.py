"""Warehouses the site and Dask tests publish from, built from the real files in ../shared once per
test process: `old` holds OEWS May 2024 and EP 2023-33, `new` OEWS May 2025 and EP 2024-34; both
hold every OOH profile of the mirror (parsed once, ~10 s), so occupation, profile and career sheets
are all there. Tests open them read-only (several processes may then read them at once)."""

from __future__ import annotations

import functools
import hashlib
import os
from datetime import UTC, date, datetime
from pathlib import Path

from analyst_fixtures import build_warehouse, record_of
from bls_files import EP_ARCHIVE_WORKBOOKS, EP_WORKBOOK_2024, OEWS_ARCHIVE_ZIPS, OEWS_ZIP_2025, REPO, ooh_profile_pages
from scratch import process_folder

import warehouse
from transforms.oews import read_national_zip
from transforms.ooh import read_profiles
from transforms.projections import read_occupation_workbook
from transforms.release import Release
from warehouse.load import ReleaseRecord

ARTIFACTS = REPO / "tests" / "artifacts"
OEWS_2024 = OEWS_ARCHIVE_ZIPS[2024]
OEWS_2025 = OEWS_ZIP_2025
EP_2023 = EP_ARCHIVE_WORKBOOKS["2023-33"]
EP_2024 = EP_WORKBOOK_2024
FETCHED = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
RUN1 = {"refreshed_on": date(2026, 2, 1), "now": datetime(2026, 2, 1, 6, 0, tzinfo=UTC), "run_id": "feb"}
RUN2 = {"refreshed_on": date(2026, 3, 1), "now": datetime(2026, 3, 1, 6, 0, tzinfo=UTC), "run_id": "mar"}
MRS = "29-2072-medical-records-specialists"
CAREER = "health-information-technician"


def fetched_from(release: Release, form: str, url: str) -> tuple[ReleaseRecord, Release]:
    """(record, release) of a release fetched from url on FETCHED."""
    return record_of(release, form, url, f"sha-{url}", FETCHED), release


@functools.cache
def ooh_release() -> Release:
    """Every OOH profile of the mirror, parsed once per test process (~10 s)."""
    return read_profiles(ooh_profile_pages())


def ooh_profiles() -> tuple[ReleaseRecord, Release]:
    return fetched_from(ooh_release(), "profiles", "https://www.bls.gov/ooh/a-z-index.htm")


@functools.cache
def _folder() -> Path:
    return process_folder("bls-refresh-site-")


@functools.cache
def warehouse_file(which: str) -> Path:
    """`old` or `new`: the path of a warehouse file built for this test process."""
    oews, ep = {"old": (OEWS_2024, EP_2023), "new": (OEWS_2025, EP_2024)}[which]
    loads = [
        fetched_from(read_national_zip(oews, name=oews.name), "national_zip", f"https://x/{oews.name}"),
        fetched_from(read_occupation_workbook(ep, name=ep.name), "workbook", f"https://x/{ep.name}"),
        ooh_profiles(),
    ]
    return build_warehouse(_folder() / f"{which}.duckdb", loads)


def read_only(which: str):
    return warehouse.connect(warehouse_file(which), read_only=True)


def reader_files(folder: Path, under: str = "") -> dict[str, Path]:
    """Every file a reader finds under the folder (resolved once, as a reader should), through the
    symlinks of the area folders (factsheets.versions' units), which Path.rglob does not follow: by
    its path relative to the resolved folder."""
    real = Path(os.path.realpath(folder))
    found = {}
    for here, _, names in os.walk(real / under, followlinks=True):
        for name in names:
            path = Path(here) / name
            found[path.relative_to(real).as_posix()] = path
    return dict(sorted(found.items()))


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file a reader finds under the folder (resolved once, as a reader should)."""
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in reader_files(folder).items()}
