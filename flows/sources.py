"""The sources a night refreshes. Each knows how to fetch its files and how to turn them into a Release;
the night (flows/night.py) runs them all the same way.

A source's fetch hands on a `Fetched`: the archived files, which one names the release, and the
release's identity (the sha256 of its raw bytes). The same bytes are never parsed twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

import extractors.oews
import extractors.projections
import transforms.oews
from extractors import ArchiveClient, FetchError, PoliteClient, RawArchive, serve_mirror
from extractors.http import Fetcher, HttpConfig
from extractors.local import archive_local_file
from extractors.mirror import MirrorArchive
from extractors.records import FetchResult
from flows.progress import CrawlProgress
from flows.settings import Settings
from transforms.oews import REQUIRED_FLATFILES, release_fingerprint
from transforms.release import Release
from warehouse.ooh_pages import known_pages


@dataclass(frozen=True)
class Fetched:
    """The raw files of one source's release, as the extractors handed them on."""

    source: str
    files: dict[str, FetchResult]
    primary: str  # which file names the release (its URL and fetch time go on the release record)
    form: str
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason) the source could not fetch
    areas: str = "national"  # OEWS flat files: which areas the load keeps (settings.oews_areas)

    @property
    def sha256(self) -> str:
        """The release's identity: its raw bytes (and, for OEWS flat files, the areas kept)."""
        if len(self.files) == 1:
            return next(iter(self.files.values())).sha256
        joined = "".join(f"{name}:{r.sha256}\n" for name, r in sorted(self.files.items()))
        files_sha = hashlib.sha256(joined.encode()).hexdigest()
        return release_fingerprint(files_sha, self.areas) if self.form == "flatfiles" else files_sha

    @property
    def primary_file(self) -> FetchResult:
        return self.files[self.primary]


@dataclass(frozen=True)
class Endpoints:
    www: str
    download: str
    archive: RawArchive


@contextmanager
def bls_endpoints(settings: Settings) -> Iterator[Endpoints]:
    """Base URLs for this run and the archive keyed to match them: bls.gov, a configured server,
    or a local mirror folder served over HTTP (archived under the bls.gov URLs it stands for)."""
    if settings.mirror is None:
        yield Endpoints(
            settings.www_base_url.rstrip("/"),
            settings.download_base_url.rstrip("/"),
            RawArchive(settings.raw_archive_dir),
        )
        return
    with serve_mirror(settings.mirror) as base:
        yield Endpoints(
            f"{base}/www.bls.gov", f"{base}/download.bls.gov", MirrorArchive(settings.raw_archive_dir, base)
        )


def make_fetcher(settings: Settings, archive: RawArchive) -> Fetcher:
    if settings.replay:
        return ArchiveClient(archive)
    config = HttpConfig(
        user_agent=settings.user_agent(),
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        backoff_factor=settings.backoff_factor,
        delay=settings.politeness_delay(),
        deadline=settings.download_deadline,
    )
    return PoliteClient(config, archive)


# ---- fetch ----------------------------------------------------------------------------------


def fetch_oews(settings: Settings, fetcher: Fetcher, ends: Endpoints) -> Fetched:
    if settings.oews_form == "flatfiles":
        # Only the files the reader reads: never oe.series, over 1 GB on bls.gov (series ids encode what it lists).
        files = extractors.oews.fetch_flatfiles(fetcher, ends.download, REQUIRED_FLATFILES)
        return Fetched("oews", files, primary="oe.data.0.Current", form="flatfiles", areas=settings.oews_areas)
    newest = settings.newest_oews_year
    _, result = extractors.oews.fetch_newest_national_zip(fetcher, ends.www, newest, newest - settings.oews_years_back)
    return Fetched("oews", {"national_zip": result}, primary="national_zip", form="national_zip")


def fetch_projections(settings: Settings, fetcher: Fetcher, ends: Endpoints) -> Fetched:
    result = extractors.projections.fetch_occupation_workbook(fetcher, ends.www)
    return Fetched("projections", {"workbook": result}, primary="workbook", form="workbook")


def fetch_ooh(settings: Settings, fetcher: Fetcher, ends: Endpoints) -> Fetched:
    import extractors.ooh  # lxml: like the OOH parser below, loaded when the source runs

    index, links = extractors.ooh.discover_profiles(fetcher, ends.www)
    progress = CrawlProgress("OOH crawl", log_format=settings.log_format)
    try:
        crawl = extractors.ooh.crawl_profiles(fetcher, links, progress=progress)
    finally:
        progress.close()
    if crawl.aborted:
        raise FetchError(index.url, None, f"OOH crawl stopped: {crawl.aborted}")
    # Keyed by the URL the archive knows (bls.gov's, also for a mirror run), not the request URL.
    pages = {result.url: result for result in crawl.pages.values()}
    return Fetched("ooh", {"index": index, **pages}, primary="index", form="profiles", failures=list(crawl.failures))


# ---- transform ------------------------------------------------------------------------------


def no_prior(con: duckdb.DuckDBPyConnection) -> None:
    return None


def transform_oews(fetched: Fetched, prior: Any) -> Release:
    if fetched.form == "flatfiles":
        files = {name: r.path for name, r in fetched.files.items()}
        return transforms.oews.read_flatfiles(files, areas=fetched.areas)
    return transforms.oews.read_national_zip(fetched.primary_file.path, name=fetched.primary_file.url)


# The EP and OOH parsers (openpyxl; the OOH's lxml and pandera schemas) are imported when their source runs: a night of
# OEWS alone does not pay for them at start-up.


def transform_projections(fetched: Fetched, prior: Any) -> Release:
    import transforms.projections

    result = fetched.primary_file
    return transforms.projections.read_occupation_workbook(result.path, name=result.url)


def transform_ooh(fetched: Fetched, known: Any) -> Release:
    """Only the pages whose bytes changed are parsed; the rest, and any page that cannot be parsed
    tonight, keep the rows the warehouse holds (carried forward)."""
    import transforms.ooh

    pages = {url: r for url, r in fetched.files.items() if url != "index"}
    return transforms.ooh.read_edition(pages, known, not_fetched=dict(fetched.failures))


@dataclass(frozen=True)
class Source:
    """One BLS source: how its files are fetched, what the transform needs from the warehouse, and
    how the files become a Release. Every callable is a plain function; flows/ wraps them as tasks."""

    name: str
    fetch: Callable[[Settings, Fetcher, Endpoints], Fetched]
    transform: Callable[[Fetched, Any], Release]
    prior: Callable[[duckdb.DuckDBPyConnection], Any] = no_prior


SOURCES: tuple[Source, ...] = (
    Source("oews", fetch_oews, transform_oews),
    Source("projections", fetch_projections, transform_projections),
    Source("ooh", fetch_ooh, transform_ooh, prior=known_pages),
)
BY_NAME = {source.name: source for source in SOURCES}


def chosen(names: list[str]) -> list[Source]:
    """The sources asked for, in the registry's order."""
    return [source for source in SOURCES if source.name in names]


# ---- backfill: files kept on disk -----------------------------------------------------------


def fetched_from_local(archive: RawArchive, path: Path) -> Fetched:
    """What a file or folder kept on disk holds: an OEWS zip, OEWS flat files, or an EP workbook."""
    path = Path(path)
    if path.is_dir():
        files = {
            name: archive_local_file(archive, path / name) for name in REQUIRED_FLATFILES if (path / name).exists()
        }
        return Fetched("oews", files, primary="oe.data.0.Current", form="flatfiles")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return Fetched("oews", {"national_zip": archive_local_file(archive, path)}, "national_zip", "national_zip")
    if suffix == ".xlsx":
        return Fetched("projections", {"workbook": archive_local_file(archive, path)}, "workbook", "workbook")
    raise ValueError(f"{path}: expected an OEWS national zip, an OEWS flat-file folder or an EP .xlsx workbook")
