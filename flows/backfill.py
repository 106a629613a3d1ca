"""Load earlier releases kept on disk into the warehouse's history, through the same steps as a night."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from extractors import ArchiveClient, RawArchive
from flows.night import Night, check_ooh, ingest, run_plain
from flows.report import RunReport, SheetsReport, SourceReport
from flows.settings import Settings
from flows.sources import BY_NAME, Endpoints, fetched_from_local
from warehouse.swap import NightlyWarehouse


def run_backfill(settings: Settings, paths: list[Path]) -> RunReport:
    report = RunReport(started_at=datetime.now(UTC), warehouse=str(settings.warehouse_path))
    archive = RawArchive(settings.raw_archive_dir)
    ends = Endpoints(settings.www_base_url, settings.download_base_url, archive)
    with NightlyWarehouse(settings.warehouse_path) as wh:
        night = Night(settings, ArchiveClient(archive), ends, wh, run_plain)  # backfill fetches nothing
        for path in paths:
            fetched = fetched_from_local(archive, path)
            report.sources.append(ingest(night, BY_NAME[fetched.source], fetched, SourceReport(source=fetched.source)))
        report.consistency = check_ooh(night, report)
    report.sheets = SheetsReport(status="skipped", reason="backfill loads history; sheets follow the next run")
    report.finished_at = datetime.now(UTC)
    return report
