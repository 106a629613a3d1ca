"""Faults on the wire and in the files: each gives its clear error or recovers, and a failed source
leaves the warehouse exactly as it was."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import openpyxl
import pytest
from bls_files import SAMPLE
from night_settings import sample_settings
from pytest_httpserver import HTTPServer

from flows.night import run_night as run_refresh
from flows.settings import Settings

EP_PATH = "/www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"
OE_DIR = SAMPLE / "download.bls.gov" / "pub" / "time.series" / "oe"
GOOD_WORKBOOK = (SAMPLE / EP_PATH.lstrip("/")).read_bytes()

pytestmark = pytest.mark.slow  # a night per test, in this process


@pytest.fixture
def server(fault_server: HTTPServer) -> HTTPServer:
    """The scripted server of tests/system/conftest.py, by the name these tests use."""
    return fault_server


def serve_sample(server: HTTPServer, *, except_paths=()) -> None:
    """Every file of the bundled sample, as bls.gov lays it out, except the ones a test breaks."""
    for path in sorted(SAMPLE.rglob("*")):
        url_path = "/" + path.relative_to(SAMPLE).as_posix()
        if path.is_file() and url_path not in except_paths:
            server.expect_request(url_path).respond_with_data(path.read_bytes())


def settings_for(server: HTTPServer, tmp_path: Path, **overrides) -> Settings:
    base = server.url_for("/").rstrip("/")
    return sample_settings(base, tmp_path, **{"backoff_factor": 0.0, "max_retries": 3, **overrides})


def fingerprint(settings: Settings):
    """Everything a failed run must not change: release records and every loaded row."""
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return (
            con.execute("SELECT * FROM releases ORDER BY source, release_id").fetchall(),
            con.execute("SELECT * FROM projections ORDER BY cycle, soc_code").fetchall(),
            con.execute(
                "SELECT count(*), sum(round(value * 100)::HUGEINT), count(DISTINCT soc_code), count(DISTINCT status) FROM oews_estimates"
            ).fetchall(),
        )
    finally:
        con.close()


@pytest.fixture
def loaded(server, tmp_path):
    """A warehouse holding the sample's OEWS May 2025 and EP 2024-34, and its published sheets."""
    serve_sample(server)
    settings = settings_for(server, tmp_path)
    report = run_refresh(settings)
    assert report.ok, report.to_json()
    server.clear()
    return settings, fingerprint(settings), published(settings)


def published(settings: Settings) -> dict:
    """Every published file (sheets, state, changelog) with its bytes and modification time."""
    root = settings.sheets_output_dir
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def rerun_with_workbook(server, settings, respond) -> object:
    serve_sample(server, except_paths={EP_PATH})
    respond(server.expect_request(EP_PATH))
    return run_refresh(settings)


def assert_untouched(settings, before, sheets):
    assert fingerprint(settings) == before
    assert published(settings) == sheets


def projections_error(report) -> str:
    (ep,) = [s for s in report.sources if s.source == "projections"]
    assert ep.status == "failed"
    assert report.sheets.status == "skipped"
    return ep.error


def test_403_fails_at_once_naming_the_contact_setting(server, loaded):
    settings, before, sheets = loaded
    report = rerun_with_workbook(server, settings, lambda r: r.respond_with_data("no robots", status=403))
    error = projections_error(report)
    assert "403" in error and "BLS_REFRESH_CONTACT" in error
    assert len([req for req, _ in server.log if req.path == EP_PATH]) == 1  # never retried
    assert {s.source: s.status for s in report.sources}["oews"] == "unchanged"
    assert_untouched(settings, before, sheets)


def test_404_fails_at_once_with_what_to_check(server, loaded):
    settings, before, sheets = loaded
    report = rerun_with_workbook(server, settings, lambda r: r.respond_with_data("gone", status=404))
    assert "404" in projections_error(report)
    assert len([req for req, _ in server.log if req.path == EP_PATH]) == 1
    assert_untouched(settings, before, sheets)


def test_429_with_retry_after_then_200_recovers(server, tmp_path):
    serve_sample(server, except_paths={EP_PATH})
    server.expect_oneshot_request(EP_PATH).respond_with_data("slow down", status=429, headers={"Retry-After": "1"})
    server.expect_request(EP_PATH).respond_with_data(GOOD_WORKBOOK)
    report = run_refresh(settings_for(server, tmp_path))
    assert report.ok, report.to_json()
    assert [req.path for req, _ in server.log].count(EP_PATH) == 2


def test_503_twice_then_200_recovers(server, tmp_path):
    serve_sample(server, except_paths={EP_PATH})
    for _ in range(2):
        server.expect_oneshot_request(EP_PATH).respond_with_data("busy", status=503)
    server.expect_request(EP_PATH).respond_with_data(GOOD_WORKBOOK)
    settings = settings_for(server, tmp_path)
    report = run_refresh(settings)
    assert report.ok, report.to_json()
    assert [req.path for req, _ in server.log].count(EP_PATH) == 3
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    assert con.execute("SELECT employment_target FROM projections WHERE soc_code = '29-2072'").fetchall() == [(208600,)]


def edited_workbook(edit) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(GOOD_WORKBOOK))
    edit(book["Table 1.2"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def truncated_workbook() -> bytes:
    return GOOD_WORKBOOK[: len(GOOD_WORKBOOK) // 2]


def renamed_target_column() -> bytes:
    def rename(sheet):
        for cell in sheet[2]:
            if cell.value == "Employment, 2034":
                cell.value = "Projected jobs, 2034"

    return edited_workbook(rename)


def non_numeric_base_employment() -> bytes:
    def spoil(sheet):
        for row in sheet.iter_rows(min_row=3):
            if row[1].value == "29-2072":
                row[3].value = "about two hundred"
                return
        raise AssertionError("29-2072 not in the sample workbook")

    return edited_workbook(spoil)


@pytest.mark.parametrize(
    "workbook, says",
    [
        pytest.param(truncated_workbook, ["occupation.xlsx"], id="truncated workbook is a layout error"),
        pytest.param(
            renamed_target_column, ["occupation.xlsx", "Employment, 2034"], id="renamed column names file and column"
        ),
        pytest.param(
            non_numeric_base_employment,
            ["about two hundred", "Employment, 2024"],
            id="non-numeric value names value and column",
        ),
    ],
)
def test_a_spoiled_workbook_fails_ep_with_what_to_fix_and_changes_nothing(server, loaded, workbook, says):
    settings, before, sheets = loaded
    report = rerun_with_workbook(server, settings, lambda r: r.respond_with_data(workbook()))
    error = projections_error(report)
    assert all(text in error for text in says), error
    assert_untouched(settings, before, sheets)


def test_bad_flat_file_fails_oews_only(server, loaded):
    settings, before, sheets = loaded
    data_path = "/download.bls.gov/pub/time.series/oe/oe.data.0.Current"
    text = (OE_DIR / "oe.data.0.Current").read_text()
    spoiled = text.replace("      194720\t", "      19472O\t", 1)
    assert spoiled != text
    serve_sample(server, except_paths={data_path})
    server.expect_request(data_path).respond_with_data(spoiled)
    report = run_refresh(settings)
    (oews,) = [s for s in report.sources if s.source == "oews"]
    assert oews.status == "failed" and "oe.data.0.Current" in oews.error and "19472O" in oews.error
    assert {s.source: s.status for s in report.sources}["projections"] == "unchanged"
    assert_untouched(settings, before, sheets)
