"""The refresh flow: for each source fetch -> transform -> load, then check and export the sheets.

A flow here only lists steps; what each step does lives in its stage package.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed

import extractors.oews
import extractors.ooh
import extractors.projections
import transforms.oews
import transforms.ooh
import transforms.projections
import warehouse
from extractors import ArchiveClient, FetchError, PoliteClient, RawArchive, TransientFetchError, serve_mirror
from extractors.http import HttpConfig
from extractors.local import archive_local_file
from extractors.mirror import MirrorArchive
from extractors.oews import FLATFILE_NAMES
from extractors.records import FetchResult
from factsheets.publish import publish_sheets as publish_fact_sheets
from flows.artifacts import publish_artifacts
from flows.locking import exclusive_run
from flows.observability import RUN_ID, mask_secrets, new_run_id
from flows.report import ConsistencyReport, RunReport, SheetsReport, SourceReport
from flows.settings import SOURCES, Settings, package_version
from transforms.errors import LayoutError
from transforms.oews import release_fingerprint
from warehouse.load import LoadError, ReleaseRecord
from warehouse.ooh_checks import check_consistency
from warehouse.queries import release_with_sha
from warehouse.swap import NightlyWarehouse

log = logging.getLogger("bls_refresh")


@dataclass(frozen=True)
class Fetched:
    """The raw files of one source's release, as the extractors handed them on."""

    files: dict[str, FetchResult]
    primary: str  # which file names the release (its URL and fetch time go on the release record)
    form: str
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason) the source could not fetch
    areas: str = "national"  # OEWS flat files: which areas the load keeps (settings.oews_areas)

    @property
    def sha256(self) -> str:
        if len(self.files) == 1:
            return next(iter(self.files.values())).sha256
        joined = "".join(f"{name}:{r.sha256}\n" for name, r in sorted(self.files.items()))
        files_sha = hashlib.sha256(joined.encode()).hexdigest()
        return release_fingerprint(files_sha, self.areas) if self.form == "flatfiles" else files_sha


@dataclass(frozen=True)
class Transformed:
    record: ReleaseRecord
    frames: dict
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (file or URL, reason) left out


@dataclass(frozen=True)
class Endpoints:
    www: str
    download: str
    archive: RawArchive


@contextmanager
def bls_endpoints(settings: Settings):
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


def make_fetcher(settings: Settings, archive: RawArchive):
    if settings.replay:
        return ArchiveClient(archive)
    config = HttpConfig(
        user_agent=settings.user_agent(),
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        backoff_factor=settings.backoff_factor,
        delay=settings.politeness_delay(),
    )
    return PoliteClient(config, archive)


def check_contact(settings: Settings) -> None:
    if settings.talks_to_bls() and not settings.contact:
        raise SystemExit(
            "BLS blocks anonymous robots (HTTP 403). Set a contact address for the User-Agent: "
            "--contact you@example.org or BLS_REFRESH_CONTACT=you@example.org."
        )


# ---- the steps ------------------------------------------------------------------------------


def fetch_oews(settings: Settings, fetcher, ends: Endpoints) -> Fetched:
    if settings.oews_form == "flatfiles":
        files = extractors.oews.fetch_flatfiles(fetcher, ends.download)
        return Fetched(files, primary="oe.data.0.Current", form="flatfiles", areas=settings.oews_areas)
    newest = settings.newest_oews_year
    _, result = extractors.oews.fetch_newest_national_zip(fetcher, ends.www, newest, newest - settings.oews_years_back)
    return Fetched({"national_zip": result}, primary="national_zip", form="national_zip")


def fetch_projections(settings: Settings, fetcher, ends: Endpoints) -> Fetched:
    result = extractors.projections.fetch_occupation_workbook(fetcher, ends.www)
    return Fetched({"workbook": result}, primary="workbook", form="workbook")


def fetch_ooh(settings: Settings, fetcher, ends: Endpoints) -> Fetched:
    index, links = extractors.ooh.discover_profiles(fetcher, ends.www)
    crawl = extractors.ooh.crawl_profiles(fetcher, links)
    if crawl.aborted:
        raise FetchError(index.url, None, f"OOH crawl stopped: {crawl.aborted}")
    # Keyed by the URL the archive knows (bls.gov's, also for a mirror run), not the request URL.
    pages = {result.url: result for result in crawl.pages.values()}
    return Fetched({"index": index, **pages}, primary="index", form="profiles", failures=list(crawl.failures))


def transform_oews(fetched: Fetched, context: dict) -> Transformed:
    if fetched.form == "flatfiles":
        paths = {name: r.path for name, r in fetched.files.items()}
        release = transforms.oews.read_flatfiles(paths, areas=fetched.areas)
    else:
        result = fetched.files["national_zip"]
        release = transforms.oews.read_national_zip(result.path, name=result.url)
    record = release_record("oews", release.release_id, release.period, release.reference_year, fetched)
    return Transformed(record, release)


def transform_projections(fetched: Fetched, context: dict) -> Transformed:
    result = fetched.files["workbook"]
    release = transforms.projections.read_occupation_workbook(result.path, name=result.url)
    record = release_record("projections", release.release_id, release.period, release.reference_year, fetched)
    return Transformed(record, release)


def transform_ooh(fetched: Fetched, context: dict) -> Transformed:
    pages = {url: r for url, r in fetched.files.items() if url != "index"}
    workbook = context.get("projections")
    crosswalk = None
    if workbook is not None:
        result = workbook.files["workbook"]
        crosswalk = transforms.ooh.read_ep_ooh_links(result.path, name=result.url)
    release = transforms.ooh.read_profiles(pages, crosswalk=crosswalk)
    record = release_record("ooh", release.edition, release.period, release.base_year, fetched)
    return Transformed(record, release.frames, list(release.quarantined))


def release_record(source: str, release_id: str, period: str, year: int, fetched: Fetched) -> ReleaseRecord:
    primary = fetched.files[fetched.primary]
    return ReleaseRecord(
        source=source,
        release_id=release_id,
        period=period,
        reference_year=year,
        form=fetched.form,
        source_url=primary.url,
        fetched_at=primary.fetched_at,
        archive_sha256=fetched.sha256,
    )


def load(con, transformed: Transformed) -> dict[str, int]:
    return warehouse.load_release(con, transformed.record, transformed.frames)


def check_ooh(con, edition: str) -> int:
    return len(check_consistency(con, edition))


def export_sheets(con, settings: Settings, refreshed_on: date):
    return publish_fact_sheets(
        con, out_dir=settings.sheets_output_dir, refreshed_on=refreshed_on, careers_config=settings.careers_config
    )


def is_transient(task, task_run, state) -> bool:
    """Prefect retries only what may pass: a fetch still failing with 429/5xx/timeouts after the
    client's own retries. A 403, a 404, a layout change or a validation failure is never retried."""
    try:
        state.result()
    except TransientFetchError:
        return True
    except Exception:
        return False
    return False


def cache_by_raw_hash(context, parameters) -> str:
    """A parsed release is a function of the raw bytes and of this code's version."""
    fetched = parameters["fetched"]
    return f"{fetched.form}-{fetched.sha256}-{package_version()}"


@dataclass(frozen=True)
class Steps:
    """The steps of a refresh, either as plain functions (tests, no Prefect) or as Prefect tasks."""

    fetch_oews: Callable
    fetch_projections: Callable
    fetch_ooh: Callable
    transform_oews: Callable
    transform_projections: Callable
    transform_ooh: Callable
    load: Callable
    check_ooh: Callable
    export_sheets: Callable
    under_prefect: bool = False

    def fetch(self, source: str) -> Callable:
        return getattr(self, f"fetch_{source}")

    def transform(self, source: str) -> Callable:
        return getattr(self, f"transform_{source}")

    @classmethod
    def plain(cls) -> Steps:
        return cls(**{f.name: globals()[f.name] for f in fields(cls) if f.name != "under_prefect"})

    @classmethod
    def as_prefect_tasks(cls, settings: Settings) -> Steps:
        from prefect.filesystems import LocalFileSystem
        from prefect.tasks import exponential_backoff

        # Task results are kept only where a cache key makes them reusable (parsed releases).
        LocalFileSystem(basepath=str(settings.prefect_results_dir.resolve())).save(RESULTS_BLOCK, overwrite=True)
        fetch = dict(
            retries=settings.task_retries,
            retry_delay_seconds=exponential_backoff(backoff_factor=settings.task_retry_delay),
            retry_jitter_factor=0.5,
            retry_condition_fn=is_transient,
        )
        cached = dict(
            cache_key_fn=cache_by_raw_hash,
            cache_expiration=timedelta(days=60),
            persist_result=True,
            result_storage=f"local-file-system/{RESULTS_BLOCK}",
        )
        options = {
            "fetch_oews": fetch,
            "fetch_projections": fetch,
            "fetch_ooh": fetch,
            # The national OEWS frames are cheap to re-read; all-area ones too big to pickle.
            "transform_projections": cached,
            "transform_ooh": cached,
        }
        tasks = {
            f.name: task(
                globals()[f.name], name=f.name.replace("_", "-"), **options.get(f.name, {"cache_policy": NO_CACHE})
            )
            for f in fields(cls)
            if f.name != "under_prefect"
        }
        return cls(**tasks, under_prefect=True)


RESULTS_BLOCK = "bls-refresh-results"


# ---- the orchestration ----------------------------------------------------------------------


def count_fetches(report: SourceReport, fetched: Fetched) -> None:
    for result in fetched.files.values():
        report.requests += 1
        report.not_modified += int(result.status == 304)
        report.bytes_downloaded += result.bytes_downloaded
    primary = fetched.files[fetched.primary]
    report.urls.append(primary.url)
    report.failures = [list(f) for f in fetched.failures]
    report.requests += len(fetched.failures)


def refresh_source(
    steps: Steps, source: str, settings: Settings, fetcher, wh: NightlyWarehouse, ends: Endpoints, context: dict
) -> SourceReport:
    """fetch -> (skip if these bytes are loaded) -> transform -> load, for one source."""
    report = SourceReport(source=source)
    try:
        fetched = steps.fetch(source)(settings, fetcher, ends)
    except FetchError as exc:
        return failed(report, exc)
    context[source] = fetched
    return ingest(steps, source, fetched, wh, report, context)


def source_subflow(source: str):
    """Under Prefect each source runs as its own subflow, Failed when the source failed."""

    @flow(name=f"refresh-{source}", validate_parameters=False)
    def run(steps: Steps, settings: Settings, fetcher, wh: NightlyWarehouse, ends: Endpoints, context: dict):
        report = refresh_source(steps, source, settings, fetcher, wh, ends, context)
        return Failed(message=report.error, data=report) if report.status == "failed" else report

    return run


def refresh_one(
    steps: Steps, source: str, settings: Settings, fetcher, wh: NightlyWarehouse, ends: Endpoints, context: dict
) -> SourceReport:
    """One source, isolated: whatever goes wrong with it, the other sources still run."""
    try:
        if not steps.under_prefect:
            return refresh_source(steps, source, settings, fetcher, wh, ends, context)
        state = source_subflow(source)(steps, settings, fetcher, wh, ends, context, return_state=True)
        outcome = state.result(raise_on_failure=False)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome
    except Exception as exc:  # a bug in one source's code must not sink the others
        log.exception("%s: unexpected error", source)
        return failed(SourceReport(source=source), RuntimeError(f"unexpected {type(exc).__name__}: {exc}"))


def ingest(
    steps: Steps, source: str, fetched: Fetched, wh: NightlyWarehouse, report: SourceReport, context: dict
) -> SourceReport:
    count_fetches(report, fetched)
    try:
        loaded = release_with_sha(wh.reader(), source, fetched.sha256)
        if loaded is not None:
            report.status, report.release_id = "unchanged", loaded
            report.period = release_period(wh.reader(), source, loaded)
            return report
        transformed = steps.transform(source)(fetched, context)
        report.files_parsed = len(fetched.files)
        report.release_id, report.period = transformed.record.release_id, transformed.record.period
        report.quarantined = [list(q) for q in transformed.quarantined]
        report.row_counts = steps.load(wh.writer(), transformed)
        report.rows_loaded = sum(report.row_counts.values())
        report.status = "loaded"
    except (LayoutError, LoadError) as exc:
        return failed(report, exc)
    return report


def failed(report: SourceReport, exc: Exception) -> SourceReport:
    log.error("%s failed: %s", report.source, exc)
    report.status, report.error = "failed", str(exc)
    return report


def release_period(con, source: str, release_id: str) -> str:
    return con.execute(
        "SELECT period FROM releases WHERE source = ? AND release_id = ?", [source, release_id]
    ).fetchone()[0]


def in_pipeline_order(sources: list[str]) -> list[str]:
    """EP before OOH: the OOH crosswalk reads the EP workbook fetched in the same run."""
    return [s for s in SOURCES if s in sources]


def run_refresh(settings: Settings, refreshed_on: date | None = None, steps: Steps | None = None) -> RunReport:
    """The steps of a refresh; the `refresh` flow runs the same steps as Prefect tasks."""
    steps = steps or Steps.plain()
    check_contact(settings)
    run_id = new_run_id()
    RUN_ID.set(run_id)
    mask_secrets(settings)
    report = RunReport(started_at=datetime.now(UTC), warehouse=str(settings.warehouse_path), run_id=run_id)
    with ExitStack() as stack:
        stack.enter_context(
            exclusive_run(settings.warehouse_path, settings.lock_timeout, use_prefect=steps.under_prefect)
        )
        ends = stack.enter_context(bls_endpoints(settings))
        fetcher = make_fetcher(settings, ends.archive)
        wh = stack.enter_context(NightlyWarehouse(settings.warehouse_path))
        context: dict[str, Fetched] = {}
        for source in in_pipeline_order(settings.sources):
            report.sources.append(refresh_one(steps, source, settings, fetcher, wh, ends, context))
        report.consistency = check_latest_ooh(steps, report, wh)
        report.sheets = publish_sheets(steps, report, settings, wh, refreshed_on or date.today())
    report.finished_at = datetime.now(UTC)
    report.save(settings.report_path)
    return report


def check_latest_ooh(steps: Steps, report: RunReport, wh: NightlyWarehouse) -> ConsistencyReport | None:
    """After anything new, compare the OOH edition in the warehouse with EP and OEWS again."""
    if not any(s.status == "loaded" for s in report.sources):
        return None
    row = wh.reader().execute("SELECT release_id FROM latest_releases WHERE source = 'ooh'").fetchone()
    if row is None:
        return None
    return ConsistencyReport(edition=row[0], mismatches=steps.check_ooh(wh.writer(), row[0]))


def nothing_new(report: RunReport, settings: Settings) -> bool:
    published = settings.sheets_output_dir.is_dir() and any(settings.sheets_output_dir.iterdir())
    return published and all(s.status == "unchanged" for s in report.sources)


def publish_sheets(
    steps: Steps, report: RunReport, settings: Settings, wh: NightlyWarehouse, refreshed_on: date
) -> SheetsReport:
    if nothing_new(report, settings):
        return SheetsReport(status="skipped", reason="nothing changed at BLS; published sheets are current")
    if not report.ok:
        return SheetsReport(
            status="skipped",
            reason=f"source(s) failed: {', '.join(report.failed_sources)}; published sheets left as they were",
        )
    export = steps.export_sheets(wh.reader(), settings, refreshed_on)
    return SheetsReport(
        status="written",
        directory=str(export.directory),
        written=len(export.written),
        unchanged=export.unchanged,
        held_back=len(export.held_back),
        changelog=str(export.changelog_path) if export.changelog_path else None,
    )


@flow(name="refresh", log_prints=True)
def refresh(settings: Settings, refreshed_on: date | None = None):
    """Completed when every source refreshed; Completed named Partial when pages were missing or
    quarantined; Failed (carrying the report) naming the failed sources."""
    report = run_refresh(settings, refreshed_on, Steps.as_prefect_tasks(settings))
    publish_artifacts(report, str(settings.report_path))
    if not report.ok:
        return Failed(message=f"source(s) failed: {', '.join(report.failed_sources)}", data=report)
    if report.partial:
        return Completed(name="Partial", message=report.partial_summary(), data=report)
    return report


# ---- backfill -------------------------------------------------------------------------------


def fetched_from_local(archive: RawArchive, path: Path) -> tuple[str, Fetched]:
    """What a file or folder kept on disk holds: an OEWS zip, OEWS flat files, or an EP workbook."""
    path = Path(path)
    if path.is_dir():
        files = {name: archive_local_file(archive, path / name) for name in FLATFILE_NAMES if (path / name).exists()}
        return "oews", Fetched(files, primary="oe.data.0.Current", form="flatfiles")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return "oews", Fetched({"national_zip": archive_local_file(archive, path)}, "national_zip", "national_zip")
    if suffix == ".xlsx":
        return "projections", Fetched({"workbook": archive_local_file(archive, path)}, "workbook", "workbook")
    raise ValueError(f"{path}: expected an OEWS national zip, an OEWS flat-file folder or an EP .xlsx workbook")


def run_backfill(settings: Settings, paths: list[Path], steps: Steps | None = None) -> RunReport:
    """Load earlier releases kept on disk into the warehouse's history, through the same steps as a refresh."""
    steps = steps or Steps.plain()
    report = RunReport(started_at=datetime.now(UTC), warehouse=str(settings.warehouse_path))
    archive = RawArchive(settings.raw_archive_dir)
    with NightlyWarehouse(settings.warehouse_path) as wh:
        for path in paths:
            source, fetched = fetched_from_local(archive, path)
            report.sources.append(ingest(steps, source, fetched, wh, SourceReport(source=source), {}))
        report.consistency = check_latest_ooh(steps, report, wh)
    report.sheets = SheetsReport(status="skipped", reason="backfill loads history; sheets follow the next run")
    report.finished_at = datetime.now(UTC)
    return report
