"""Helpers of the analyst-warehouse tests: the committed all-areas OEWS slice and warehouses built from it.

tests/fixtures/oews-slice/ is a slice of the full May 2025 release (see tests/fixtures/README.md);
its data file is stored gzip-compressed and unpacked into a temporary folder per test session.
The earlier releases come from ../shared (the OEWS May 2022-2024 zips, the EP workbooks), read
in place.
"""

from __future__ import annotations

import functools
import gzip
import re
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from bls_files import EP_ARCHIVE_WORKBOOKS, EP_WORKBOOK_2024, FIXTURES, OEWS_ARCHIVE_ZIPS, REPO

import warehouse
from transforms.oews import read_flatfiles, read_national_zip
from transforms.projections import read_occupation_workbook
from transforms.release import Release
from warehouse.load import ReleaseRecord, load_release

SLICE = FIXTURES / "oews-slice"
README = REPO / "README.md"
OEWS_ZIPS = OEWS_ARCHIVE_ZIPS
EP_WORKBOOKS = [*EP_ARCHIVE_WORKBOOKS.values(), EP_WORKBOOK_2024]
FETCHED = datetime(2026, 11, 1, tzinfo=UTC)


def unpack_slice(target: Path) -> dict[str, Path]:
    """The slice's flat files under target, keyed by BLS name, as read_flatfiles takes them."""
    target.mkdir(parents=True, exist_ok=True)
    for path in SLICE.iterdir():
        if path.name == "oe.data.0.Current.gz":
            with gzip.open(path, "rb") as source, open(target / "oe.data.0.Current", "wb") as out:
                shutil.copyfileobj(source, out)
        elif path.name.startswith("oe."):
            shutil.copyfile(path, target / path.name)
    return {path.name: path for path in sorted(target.iterdir()) if path.name.startswith("oe.")}


def data_lines(paths: dict[str, Path]) -> dict[str, tuple[str, str]]:
    """series id -> (value, footnote_codes) as the data file writes them, stripped."""
    lines = {}
    with open(paths["oe.data.0.Current"], encoding="utf-8") as file:
        next(file)
        for line in file:
            series_id, _year, _period, value, footnotes = line.rstrip("\n").split("\t")
            lines[series_id.strip()] = (value.strip(), footnotes.strip())
    return lines


def record_of(release: Release, form: str, url: str, sha: str, fetched: datetime = FETCHED) -> ReleaseRecord:
    """The warehouse's record of a release read from a file the tests name."""
    return ReleaseRecord(
        release.source, release.release_id, release.period, release.reference_year, form, url, fetched, sha
    )


def flat_record(release: Release, sha: str = "sha-oews-slice", url: str = "file:///oews-slice") -> ReleaseRecord:
    return record_of(release, "flatfiles", url, sha)


def load_file(con, release: Release, form: str, url: str, sha: str, fetched: datetime = FETCHED) -> dict[str, int]:
    """Load a release read from a file the tests name, under record_of's record; rows loaded per table."""
    return load_release(con, record_of(release, form, url, sha, fetched), release)


def slice_release(
    paths: dict[str, Path], *, areas: str = "all", sha: str = "sha-oews-slice"
) -> tuple[ReleaseRecord, Release]:
    """(record, release) of the all-areas slice's flat files."""
    release = read_flatfiles(paths, areas=areas)
    return flat_record(release, sha), release


def load_slice(con, paths: dict[str, Path], *, areas: str = "all", sha: str = "sha-oews-slice") -> dict[str, int]:
    return load_release(con, *slice_release(paths, areas=areas, sha=sha))


@functools.cache
def archive_releases() -> tuple[tuple[ReleaseRecord, Release], ...]:
    """(record, release) of OEWS May 2022-2024 and the four EP cycles, read once per session."""
    loads = []
    for path in OEWS_ZIPS.values():
        release = read_national_zip(path, name=path.name)
        loads.append((record_of(release, "national_zip", path.as_uri(), f"sha-{path.name}"), release))
    for path in EP_WORKBOOKS:
        release = read_occupation_workbook(path, name=path.name)
        loads.append((record_of(release, "workbook", path.as_uri(), f"sha-{path.name}"), release))
    return tuple(loads)


def build_warehouse(path: Path, loads: Iterable[tuple[ReleaseRecord, Release]]) -> Path:
    """A warehouse file holding the (record, release) pairs, loaded in order and checkpointed: the one
    builder of the test warehouses."""
    con = warehouse.connect(path)
    try:
        for record, release in loads:
            load_release(con, record, release)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def build_history_warehouse(path: Path, slice_paths: dict[str, Path]) -> Path:
    """OEWS May 2022-2024 (national zips) + May 2025 (the all-areas slice) + EP 2021-31 to 2024-34."""
    return build_warehouse(path, [*archive_releases(), slice_release(slice_paths)])


def readme_examples() -> list[tuple[str, str]]:
    """(heading, sql) of every example question in the README's "For analysts" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## For analysts\n", 1)[1].split("\n## ", 1)[0]
    examples = section.split("\n### Example questions\n", 1)[1].split("\n### ", 1)[0]
    found = re.findall(r"^#### (.+?)\n.*?```sql\n(.*?)```", examples, flags=re.S | re.M)
    return [(heading.strip(), sql.strip()) for heading, sql in found]
