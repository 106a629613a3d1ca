"""`run` against a real local HTTP server over ../shared/bls-mirror: the same code that talks to bls.gov."""

from __future__ import annotations

import duckdb
import pytest
from bls_files import ARCHIVE, MIRROR
from night_settings import served_settings

from flows.night import run_night as run_refresh
from flows.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


def mirror_settings(tmp_path, base: str, **overrides) -> Settings:
    return served_settings(base, tmp_path, oews_newest_year=2026, **overrides)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, mirror_url):
    tmp = tmp_path_factory.mktemp("e2e")
    settings = mirror_settings(tmp, mirror_url)
    report = run_refresh(settings)
    return settings, report


def query(settings: Settings, sql: str, params=None):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_first_run_loads_newest_oews_and_ep(first_run):
    settings, report = first_run
    assert report.ok, report.to_json()
    by_source = {s.source: s for s in report.sources}
    assert by_source["oews"].status == "loaded" and by_source["oews"].period == "May 2025"
    assert by_source["projections"].status == "loaded" and by_source["projections"].release_id == "2024-34"
    assert query(settings, "SELECT source, release_id FROM latest_releases ORDER BY source") == [
        ("oews", "2025A01"),
        ("ooh", "2024-34"),
        ("projections", "2024-34"),
    ]


def test_warehouse_answers_medical_records_specialists(first_run):
    settings, _ = first_run
    row = query(
        settings,
        """SELECT annual_median, annual_median_status, oews_employment, projected_employment_base,
                  projected_employment_target, projected_change_percent, education, oews_period
           FROM occupation_facts WHERE soc_code = '29-2072'""",
    )
    assert row == [(51140.0, "published", 194720.0, 194800, 208600, 7.1, "Postsecondary nondegree award", "May 2025")]
    assert query(settings, "SELECT change_percent FROM latest_projections WHERE soc_code = '11-9111'") == [(23.2,)]


def test_hourly_only_and_annual_only_carry_their_reasons(first_run):
    settings, _ = first_run
    actors = dict(
        query(
            settings,
            "SELECT measure, status FROM oews_estimates WHERE soc_code = '27-2011' AND measure LIKE 'annual_%'",
        )
    )
    assert set(actors.values()) == {"hourly_only"}
    assert query(
        settings, "SELECT value FROM oews_estimates WHERE soc_code = '27-2011' AND measure = 'annual_median'"
    ) == [(None,)]
    assert query(settings, "SELECT hourly_median FROM latest_oews_national WHERE soc_code = '27-2011'") == [(29.05,)]
    admins = dict(
        query(
            settings,
            "SELECT measure, status FROM oews_estimates WHERE soc_code = '11-9032' AND measure LIKE 'hourly_%'",
        )
    )
    assert set(admins.values()) == {"annual_only"}


def test_first_run_publishes_the_sheets(first_run):
    settings, report = first_run
    sheet = settings.sheets_output_dir / "29-2072-medical-records-specialists.md"
    text = sheet.read_text()
    assert "| Median Salary* | $51,140 (2025) |" in text
    assert "| Career Outlook* | 7% (2024-2034) |" in text
    assert "| Education | Postsecondary nondegree award |" in text
    assert report.sheets.written > 800


def test_second_run_downloads_nothing_and_loads_nothing(first_run):
    settings, first = first_run
    manifest_before = (settings.raw_archive_dir / "manifest.jsonl").read_text().count("\n")
    sheet = settings.sheets_output_dir / "29-2072-medical-records-specialists.md"
    mtime = sheet.stat().st_mtime_ns
    loaded_at = query(settings, "SELECT source, loaded_at FROM releases ORDER BY source")
    again = run_refresh(settings)
    assert again.ok
    for source in again.sources:
        assert source.status == "unchanged"
        assert source.bytes_downloaded == 0
        assert source.not_modified == source.requests - len(source.failures) >= 1
        assert source.rows_loaded == 0
    assert query(settings, "SELECT source, loaded_at FROM releases ORDER BY source") == loaded_at
    assert again.sheets.written == 0 and sheet.stat().st_mtime_ns == mtime
    fetched = sum(s.requests - len(s.failures) for s in again.sources)
    assert (settings.raw_archive_dir / "manifest.jsonl").read_text().count("\n") == manifest_before + fetched


def test_both_oews_forms_give_the_same_national_figures(first_run, tmp_path, mirror_url):
    zip_settings, _ = first_run
    flat_settings = mirror_settings(tmp_path, mirror_url, oews_form="flatfiles", sources=["oews"])
    report = run_refresh(flat_settings)
    assert report.ok and report.sources[0].release_id == "2025A01"
    columns = (
        "soc_code, employment, annual_mean, hourly_median, annual_median, annual_median_status, annual_p10, annual_p90"
    )
    sql = f"SELECT {columns} FROM latest_oews_national WHERE level = 'detailed' ORDER BY soc_code"
    from_flat = query(flat_settings, sql)
    from_zip = {row[0]: row for row in query(zip_settings, sql)}
    assert len(from_flat) > 800
    assert [from_zip[row[0]] for row in from_flat] == from_flat


def test_replay_rebuilds_a_warehouse_from_the_archive_without_network(first_run, tmp_path):
    settings, _ = first_run
    replayed = settings.model_copy(
        update={"replay": True, "db_path": tmp_path / "replayed.duckdb", "sheets_dir": tmp_path / "sheets"}
    )
    report = run_refresh(replayed)
    assert report.ok, report.to_json()
    assert {s.source: s.status for s in report.sources} == {"oews": "loaded", "projections": "loaded", "ooh": "loaded"}
    assert all(s.bytes_downloaded == 0 for s in report.sources)
    assert query(replayed, "SELECT annual_median FROM latest_oews_national WHERE soc_code='29-2072'") == [(51140.0,)]


def test_backfill_loads_archived_releases_as_history(tmp_path):
    from flows.backfill import run_backfill

    settings = Settings(data_dir=tmp_path / "data")
    paths = [
        *sorted((ARCHIVE / "ep").glob("*.xlsx")),
        *sorted((ARCHIVE / "oews").glob("*.zip")),
        MIRROR / "www.bls.gov" / "emp" / "ind-occ-matrix" / "occupation.xlsx",
    ]
    report = run_backfill(settings, paths)
    assert report.ok, report.to_json()
    assert query(settings, "SELECT source, release_id FROM releases ORDER BY source, reference_year") == [
        ("oews", "2022A01"),
        ("oews", "2023A01"),
        ("oews", "2024A01"),
        ("projections", "2021-31"),
        ("projections", "2022-32"),
        ("projections", "2023-33"),
        ("projections", "2024-34"),
    ]
    assert query(settings, "SELECT release_id FROM latest_releases WHERE source='projections'") == [("2024-34",)]
    again = run_backfill(settings, paths[:1])
    assert again.sources[0].status == "unchanged"


def test_first_run_crawls_the_ooh_and_reports_the_missing_pages(first_run):
    settings, report = first_run
    (ooh,) = [s for s in report.sources if s.source == "ooh"]
    assert ooh.status == "loaded" and ooh.release_id == "2024-34"
    assert len(ooh.failures) == 50 and all(reason == "404 Not Found" for _, reason in ooh.failures)
    assert ooh.quarantined == []
    assert report.partial and report.ok
    assert query(settings, "SELECT count(*) FROM latest_ooh_profiles") == [(292,)]
    facts = query(
        settings,
        """SELECT q.median_pay_annual, q.outlook_percent, q.outlook_phrase, s.soc_code
           FROM ooh_quick_facts q JOIN ooh_profile_soc s USING (edition, slug)
           WHERE q.slug = 'medical-records-and-health-information-technicians' AND s.is_primary""",
    )
    assert facts == [(50250.0, 7.0, "Much faster than average", "29-2072")]
    assert report.consistency is not None and report.consistency.edition == "2024-34"
