"""A night, in order: check -> fetch -> transform -> load into a staged warehouse -> swap (the commit
point) -> publish from the committed warehouse.

What fails before the swap leaves the warehouse and the published sheets as they were. What fails
after it never takes a load back: the run says so, and the next run notices the sheets are behind
and publishes them. Every step is a plain function; `run` (a Runner) executes it, directly or as a
Prefect task (flows/refresh.py), so both ways run the same steps.
"""

from __future__ import annotations

import gc
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from extractors import FetchError, StorageError
from extractors.http import Fetcher
from factsheets.behind import sheets_behind
from factsheets.careers import CareersConfig, CareersConfigError, load_careers_config
from factsheets.publish import publish_sheets
from flows.errors import (
    ConfigInvalid,
    RunStopped,
    StorageProblem,
    WarehouseBusy,
    WarehouseUnreadable,
    find_storage_error,
    storage_advice,
)
from flows.locking import RunLocked, exclusive_run
from flows.observability import RUN_ID, mask_secrets, new_run_id
from flows.report import ArticlesReport, ConsistencyReport, RunReport, SheetsReport, SourceReport
from flows.settings import Settings
from flows.sources import Endpoints, Fetched, Source, bls_endpoints, chosen, make_fetcher
from transforms.errors import LayoutError
from transforms.release import Release
from warehouse.load import LoadError, ReleaseRecord, load_release
from warehouse.ooh_checks import check_consistency
from warehouse.queries import latest_release_id, release_period, release_with_sha
from warehouse.swap import NightlyWarehouse, WarehouseCorrupt, WarehouseHeld, check_readable, open_reader

log = logging.getLogger("bls_refresh")

Runner = Callable[..., Any]  # run(step, *args, name="fetch-oews", transient=False) -> the step's result


def run_plain(step: Callable[..., Any], *args: Any, name: str, transient: bool = False) -> Any:
    return step(*args)


def timed(run: Runner, seconds: dict[str, float]) -> Runner:
    """`run`, adding how long each step took to `seconds` under the step's name."""

    def run_timed(step: Callable[..., Any], *args: Any, name: str, transient: bool = False) -> Any:
        with stopwatch(seconds, name):
            return run(step, *args, name=name, transient=transient)

    return run_timed


@contextmanager
def stopwatch(seconds: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[name] = round(seconds.get(name, 0.0) + time.perf_counter() - start, 3)


@dataclass
class Night:
    settings: Settings
    fetcher: Fetcher
    ends: Endpoints
    wh: NightlyWarehouse
    run: Runner


# ---- before anything is fetched -------------------------------------------------------------


def preflight(settings: Settings) -> CareersConfig:
    """Everything that would make the night fail for a reason known now: stop before fetching.
    Returns the careers config the night publishes with."""
    if settings.talks_to_bls() and not settings.contact:
        raise ConfigInvalid(
            "BLS blocks anonymous robots (HTTP 403). Set a contact address for the User-Agent: "
            "--contact you@example.org or BLS_REFRESH_CONTACT=you@example.org."
        )
    try:
        careers = load_careers_config(settings.careers_config)
    except CareersConfigError as exc:
        raise ConfigInvalid(f"careers config rejected: {exc}") from None
    for folder in (settings.data_dir, settings.warehouse_path.parent, settings.raw_archive_dir):
        check_writable(folder)
    try:
        check_readable(settings.warehouse_path)
    except WarehouseHeld as exc:
        raise WarehouseBusy(str(exc)) from None
    except WarehouseCorrupt as exc:
        raise WarehouseUnreadable(str(exc)) from None
    return careers


def check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise StorageProblem(storage_advice(folder, exc)) from None


# ---- one source: fetch -> transform -> load (into the staged warehouse) -----------------------


def refresh_source(night: Night, source: Source) -> SourceReport:
    """One source, isolated: whatever goes wrong with it, the other sources still run. A full or
    read-only disk stops the whole night instead (every later step would fail the same way)."""
    report = SourceReport(source=source.name)
    try:
        fetched = night.run(
            source.fetch, night.settings, night.fetcher, night.ends, name=f"fetch-{source.name}", transient=True
        )
        count_fetches(report, fetched)
        return ingest(night, source, fetched, report)
    except StorageError as exc:
        raise StorageProblem(str(exc)) from None
    except FetchError as exc:
        return failed(report, exc)
    except Exception as exc:
        stop_if_storage(exc)
        log.exception("%s: unexpected error", source.name)  # a bug: say where it is
        return failed(report, RuntimeError(f"unexpected {type(exc).__name__}: {exc}"))


def ingest(night: Night, source: Source, fetched: Fetched, report: SourceReport) -> SourceReport:
    """Transform and load `fetched` unless these exact bytes are loaded already."""
    reader = night.wh.reader()
    loaded = release_with_sha(reader, source.name, fetched.sha256)
    if loaded is not None:
        report.status, report.release_id = "unchanged", loaded
        report.period = release_period(reader, source.name, loaded)
        return report
    try:
        prior = source.prior(reader)
        release: Release = night.run(source.transform, fetched, prior, name=f"transform-{source.name}")
        report.files_parsed = len(fetched.files)
        report.release_id, report.period = release.release_id, release.period
        report.quarantined = [[q.where, q.reason] for q in release.quarantined]
        report.carried_forward = [
            [part, reason] for part, reason in release.carried_forward.items() if reason != "unchanged"
        ]
        report.row_counts = night.run(load, night.wh, record_of(release, fetched), release, name=f"load-{source.name}")
        report.rows_loaded = sum(report.row_counts.values())
        report.status = "loaded"
    except LayoutError as exc:
        distrust(night, fetched, exc)
        return failed(report, exc)
    except LoadError as exc:
        if isinstance(exc.__cause__, LayoutError):  # a streamed file that broke half-way through
            distrust(night, fetched, exc.__cause__)
        return failed(report, exc)
    return report


def load(wh: NightlyWarehouse, record: ReleaseRecord, release: Release) -> dict[str, int]:
    return load_release(wh.writer(), record, release)


def record_of(release: Release, fetched: Fetched) -> ReleaseRecord:
    primary = fetched.primary_file
    return ReleaseRecord(
        source=release.source,
        release_id=release.release_id,
        period=release.period,
        reference_year=release.reference_year,
        form=fetched.form,
        source_url=primary.url,
        fetched_at=primary.fetched_at,
        archive_sha256=fetched.sha256,
    )


def distrust(night: Night, fetched: Fetched, exc: LayoutError) -> None:
    """A body that does not parse may be a download cut short: fetch it again in full next time."""
    for result in fetched.files.values():
        night.ends.archive.distrust(result.url, str(exc))


def count_fetches(report: SourceReport, fetched: Fetched) -> None:
    for result in fetched.files.values():
        report.requests += 1
        report.not_modified += int(result.status == 304)
        report.bytes_downloaded += result.bytes_downloaded
    report.urls.append(fetched.primary_file.url)
    report.failures = [list(f) for f in fetched.failures]
    report.requests += len(fetched.failures)


def failed(report: SourceReport, exc: Exception) -> SourceReport:
    log.error("%s failed: %s", report.source, exc)
    report.status, report.error = "failed", str(exc)
    return report


def stop_if_storage(exc: BaseException) -> None:
    problem = find_storage_error(exc)
    if problem is not None:
        raise StorageProblem(storage_advice(problem.filename or "the data folder", problem)) from exc


# ---- after the loads ------------------------------------------------------------------------


def check_ooh(night: Night, report: RunReport) -> ConsistencyReport | None:
    """After anything new, compare the OOH edition with EP and OEWS again (stored in the staged copy)."""
    if not any(s.status == "loaded" for s in report.sources):
        return None
    edition = latest_release_id(night.wh.reader(), "ooh")
    if edition is None:
        return None
    mismatches = night.run(check_consistency, night.wh.writer(), edition, name="check-ooh")
    return ConsistencyReport(edition=edition, mismatches=len(mismatches))


# ---- publish from the committed warehouse ---------------------------------------------------


def why_publish(con, settings: Settings, report: RunReport, careers: CareersConfig) -> str | None:
    """The reason to publish the sheets tonight, or None to leave them as they are: something was
    loaded, or the published sheets are behind the warehouse (a night whose publishing failed)."""
    if any(s.status == "loaded" for s in report.sources):
        return "new releases were loaded"
    return sheets_behind(
        con,
        settings.sheets_output_dir,
        careers_config=careers,
        site_base_url=settings.site_base_url,
        areas=settings.area_selection(),
    )


def publish(
    settings: Settings, report: RunReport, run: Runner, refreshed_on: date, careers: CareersConfig
) -> SheetsReport:
    """Render the sheets from the warehouse as committed: a failure here never takes a load back."""
    if not report.ok:
        why = f"source(s) failed: {', '.join(report.failed_sources)}; published sheets left as they were"
        return SheetsReport(status="skipped", reason=why)
    try:
        con = open_reader(settings.warehouse_path)
    except FileNotFoundError:
        return SheetsReport(status="skipped", reason="the warehouse holds nothing yet")
    try:
        reason = why_publish(con, settings, report, careers)
        if reason is None:
            return SheetsReport(status="skipped", reason="nothing changed at BLS; published sheets are current")
        log.info("publishing the sheets: %s", reason)
        result = run(publish_sheets_step, con, settings, refreshed_on, careers, report.run_id, name="publish-sheets")
    except Exception as exc:
        problem = find_storage_error(exc)
        why = storage_advice(problem.filename or settings.sheets_output_dir, problem) if problem else str(exc)
        log.error("sheets failed: %s (the loads stay committed; the next run publishes)", why)
        return SheetsReport(status="failed", reason=why)
    finally:
        con.close()
    for career in result.careers_held_back:
        log.warning("career held back: %s", career.reason)
    return SheetsReport(
        status="written",
        directory=str(settings.sheets_output_dir),
        written=len(result.written),
        unchanged=result.unchanged,
        held_back=len(result.held_back),
        careers_held_back=[career.reason for career in result.careers_held_back],
        changelog=str(result.changelog_path) if result.changelog_path else None,
    )


def publish_sheets_step(con, settings: Settings, refreshed_on: date, careers: CareersConfig, run_id: str | None):
    runner = None
    if settings.dask_address or settings.render_workers():
        from flows.distribute import dask_runner  # imports Dask only when it renders

        runner = dask_runner(settings.render_workers(), settings.dask_address)
    with runner or nullcontext():  # the cluster comes up while the publish plans its sheets
        return publish_sheets(
            con,
            out_dir=settings.sheets_output_dir,
            refreshed_on=refreshed_on,
            careers_config=careers,
            run_id=run_id,
            site_base_url=settings.site_base_url,
            runner=runner,
            areas=settings.area_selection(),  # area sheets join the same version
            fork=settings.render_forked(),
        )


def refresh_articles(settings: Settings, report: RunReport, run: Runner) -> ArticlesReport | None:
    """Editors' articles follow the sheets: refreshed from the committed warehouse, each file atomically."""
    if settings.articles_dir is None:
        return None
    if not report.ok:
        return ArticlesReport(status="skipped", reason="a source failed; articles left as they were")
    if not any(s.status == "loaded" for s in report.sources) and report.sheets.status != "written":
        return ArticlesReport(status="skipped", reason="nothing changed at BLS; the articles are current")
    try:
        con = open_reader(settings.warehouse_path)
    except FileNotFoundError:
        return ArticlesReport(status="skipped", reason="the warehouse holds nothing yet")
    try:
        result = run(refresh_articles_step, con, settings, name="refresh-articles")
    except Exception as exc:
        problem = find_storage_error(exc)
        why = storage_advice(problem.filename or settings.articles_dir, problem) if problem else str(exc)
        log.error("articles failed: %s (the loads stay committed; the next run refreshes them)", why)
        return ArticlesReport(status="failed", directory=str(settings.articles_dir), reason=why)
    finally:
        con.close()
    return ArticlesReport(
        status="written",
        directory=str(result.out_dir),
        rewritten=len(result.rewritten),
        unchanged=len(result.unchanged),
        failed=[list(item) for item in result.failed],
        changelog=str(result.changelog_path) if result.changelog_path else None,
        markdown=result.markdown(),
    )


def refresh_articles_step(con, settings: Settings):
    from factsheets.articles import refresh_articles_folder

    assert settings.articles_dir is not None
    return refresh_articles_folder(
        con, settings.articles_dir, careers_config=settings.careers_config, lock_timeout=settings.lock_timeout
    )


# ---- the whole night ------------------------------------------------------------------------


def run_night(
    settings: Settings, run: Runner = run_plain, refreshed_on: date | None = None, *, under_prefect: bool = False
) -> RunReport:
    """The steps of a refresh, in order. Raises RunStopped (nothing changed) for what stops a night
    before its work; everything else ends up in the report."""
    run_id = new_run_id()
    RUN_ID.set(run_id)
    mask_secrets(settings)
    report = RunReport(started_at=datetime.now(UTC), warehouse=str(settings.warehouse_path), run_id=run_id)
    run = timed(run, report.seconds)
    try:
        careers = preflight(settings)
        with ExitStack() as stack:
            stack.enter_context(heap_frozen())
            try:
                stack.enter_context(
                    exclusive_run(settings.warehouse_path, settings.lock_timeout, use_prefect=under_prefect)
                )
            except RunLocked as exc:
                raise WarehouseBusy(str(exc)) from None
            load_and_commit(settings, run, report, stack)
            report.sheets = publish(settings, report, run, refreshed_on or date.today(), careers)
            report.articles = refresh_articles(settings, report, run)
    except RunStopped as exc:
        report.stopped = str(exc)
        raise
    finally:
        report.finished_at = datetime.now(UTC)
        save_report(report, settings)
    return report


@contextmanager
def heap_frozen() -> Iterator[None]:
    """What exists before the night's work (modules, classes, settings) outlives it: the collector leaves it
    alone until the work ends (gc.freeze). Each full collection would rescan it all: measured, two of 70 ms
    each in a night over the full OEWS release. A heap frozen already (flows.launch) stays frozen."""
    thaw = not gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if thaw:
            gc.unfreeze()


def load_and_commit(settings: Settings, run: Runner, report: RunReport, stack: ExitStack) -> None:
    ends = stack.enter_context(bls_endpoints(settings))
    try:
        with NightlyWarehouse(settings.warehouse_path) as wh:  # leaving it swaps: the commit point
            night = Night(settings, make_fetcher(settings, ends.archive), ends, wh, run)
            for source in chosen(settings.sources):
                report.sources.append(refresh_source(night, source))
            report.consistency = check_ooh(night, report)
            committing = time.perf_counter()
        report.seconds["commit"] = round(time.perf_counter() - committing, 3)  # leaving the block swapped
    except RunStopped:
        raise
    except Exception as exc:
        stop_if_storage(exc)
        raise


def save_report(report: RunReport, settings: Settings) -> None:
    try:
        report.save(settings.report_path)
    except OSError as exc:
        log.warning("the run report could not be saved: %s", storage_advice(settings.report_path, exc))
