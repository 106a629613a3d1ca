"""Where the tests find BLS files: the one definition of the shared-data path and the files under it.

The real BLS files live in ../shared beside the checkout and are read in place, never copied into the
repo; only ../shared/sample is bundled, as data/sample. Test modules that read ../shared are marked
`pytest.mark.shared_data` and are skipped (with SHARED_MISSING as the reason) where it is absent, so
nothing here may read a file: these are paths only.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_MISSING = (
    f"needs ../shared beside the checkout ({SHARED}): the real BLS files (bls-mirror, bls-archive, reference) "
    "the test asserts on"
)

SAMPLE = REPO / "data" / "sample"  # the bundled copy of ../shared/sample
FIXTURES = REPO / "tests" / "fixtures"

MIRROR = SHARED / "bls-mirror"
WWW = MIRROR / "www.bls.gov"
ARCHIVE = SHARED / "bls-archive"
REFERENCE = SHARED / "reference" / "career-fact-sheet-example.txt"

# The releases, by where BLS publishes them.
OE_FLATFILES = MIRROR / "download.bls.gov" / "pub" / "time.series" / "oe"
SAMPLE_OE_FLATFILES = SAMPLE / "download.bls.gov" / "pub" / "time.series" / "oe"
OEWS_ZIP_2025 = WWW / "oes" / "special-requests" / "oesm25nat.zip"
OEWS_ARCHIVE_ZIPS = {year: ARCHIVE / "oews" / f"oesm{year % 100}nat.zip" for year in (2022, 2023, 2024)}
EP_WORKBOOK_2024 = WWW / "emp" / "ind-occ-matrix" / "occupation.xlsx"
EP_SAMPLE_WORKBOOK = SAMPLE / "www.bls.gov" / "emp" / "ind-occ-matrix" / "occupation.xlsx"
EP_ARCHIVE_WORKBOOKS = {
    cycle: ARCHIVE / "ep" / f"occupation_{cycle}.xlsx" for cycle in ("2021-31", "2022-32", "2023-33")
}
EP_CSVS = {
    "2021-31": ARCHIVE / "ep-csv" / "occupationProj_2021-31.csv",
    "2022-32": ARCHIVE / "ep-csv" / "occupationProj_2022-32_wages2023.csv",
}
OOH_PAGES = WWW / "ooh"


def ooh_profile_pages() -> dict[str, Path]:
    """Every OOH profile page of the mirror (292) by its bls.gov URL, as the OOH transform takes them."""
    return {
        f"https://www.bls.gov/{page.relative_to(WWW).as_posix()}": page for page in sorted(OOH_PAGES.glob("*/*.htm"))
    }
