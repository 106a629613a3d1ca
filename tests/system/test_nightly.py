"""Nightly operation under Prefect: no-op nights, reloading only what changed, transient-only retries,
report artifacts, masked secrets, and one run at a time."""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest
from bls_files import REPO, SAMPLE
from filelock import FileLock
from night_settings import sample_settings
from processes import left_after_sigkill, runs_uvicorn
from pytest_httpserver import HTTPServer

from extractors.mirror import serve_mirror
from flows.artifacts import REPORT_KEY, TABLE_KEY
from flows.locking import lock_path
from flows.settings import Settings

EP_FILE = Path("www.bls.gov/emp/ind-occ-matrix/occupation.xlsx")
SECRET = "night-operator@example.org"

pytestmark = pytest.mark.slow


def operator_settings(base: str, tmp_path: Path, **overrides) -> Settings:
    """The sample, served, as an operator who keeps the contact address private runs it."""
    return sample_settings(
        base, tmp_path, **{"contact": SECRET, "contact_private": True, "backoff_factor": 0.0, **overrides}
    )


def counters(report) -> dict:
    return {s.source: (s.status, s.files_parsed, s.rows_loaded) for s in report.sources}


def revise_workbook(path: Path) -> None:
    """BLS re-issues the same cycle with one figure corrected."""
    book = openpyxl.load_workbook(path)
    sheet = book["Table 1.2"]
    for row in sheet.iter_rows(min_row=3):
        if row[1].value == "29-2072":
            row[4].value = 208.7
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())


def read_artifacts(key: str):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])), sort=ArtifactSort.CREATED_DESC
        )


@pytest.mark.prefect
def test_first_noop_and_changed_source_nights(prefect_harness, run_refresh_flow, tmp_path, caplog):
    mirror = tmp_path / "mirror"
    shutil.copytree(SAMPLE, mirror)
    with serve_mirror(mirror) as base:
        settings = operator_settings(base, tmp_path)
        caplog.set_level(logging.DEBUG)
        caplog.set_level(logging.DEBUG, logger="extractors")  # a run sets its stage loggers to INFO

        state, first = run_refresh_flow(settings)
        assert state.is_completed(), state.message
        # EP: 118 occupations and their 82 links to OOH profiles.
        assert counters(first) == {"oews": ("loaded", 7, 18132), "projections": ("loaded", 1, 200)}
        assert first.sheets.status == "written"
        # How long each step took, under its task's name: which stage made a night slow.
        steps = [f"{stage}-{source}" for source in ("oews", "projections") for stage in ("fetch", "transform", "load")]
        assert set(first.seconds) == {*steps, "commit", "publish-sheets"}
        assert min(first.seconds.values()) >= 0
        assert sum(first.seconds.values()) <= (first.finished_at - first.started_at).total_seconds()

        state, noop = run_refresh_flow(settings)
        assert state.is_completed()
        assert counters(noop) == {"oews": ("unchanged", 0, 0), "projections": ("unchanged", 0, 0)}
        assert all(s.bytes_downloaded == 0 and s.not_modified == s.requests for s in noop.sources)
        assert noop.sheets.status == "skipped"
        assert set(noop.seconds) == {"fetch-oews", "fetch-projections", "commit"}  # nothing to load or publish

        revise_workbook(mirror / EP_FILE)
        state, changed = run_refresh_flow(settings)
        assert state.is_completed()
        assert counters(changed) == {"oews": ("unchanged", 0, 0), "projections": ("loaded", 1, 200)}
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
        assert con.execute("SELECT employment_target FROM latest_projections WHERE soc_code='29-2072'").fetchone() == (
            208700,
        )
        con.close()

    (markdown, *_) = read_artifacts(REPORT_KEY)
    assert "| projections | loaded | 2024-2034 | 1 | 0 |" in markdown.data
    assert "| oews | unchanged | May 2025 | 7 | 7 | 0 | 0 | 0 |" in markdown.data
    (table, *_) = read_artifacts(TABLE_KEY)
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert {r["source"]: (r["status"], r["files_parsed"], r["rows_loaded"]) for r in rows} == counters(changed)

    # The contact went to the server in the User-Agent, never into a log line, a report or an artifact.
    assert "User-Agent: bls-refresh/" in caplog.text and "; ***)" in caplog.text  # logged, masked
    assert SECRET not in caplog.text
    assert SECRET not in settings.report_path.read_text()
    assert json.loads(settings.report_path.read_text())["seconds"] == changed.seconds  # saved with the report
    assert all(SECRET not in a.data for a in read_artifacts(REPORT_KEY))


def serve_sample_except(server: HTTPServer, path: str) -> None:
    for file in sorted(SAMPLE.rglob("*")):
        url_path = "/" + file.relative_to(SAMPLE).as_posix()
        if file.is_file() and url_path != path:
            server.expect_request(url_path).respond_with_data(file.read_bytes())


@pytest.mark.prefect
def test_prefect_retries_a_transient_fetch_and_nothing_else(prefect_harness, run_refresh_flow, fault_server, tmp_path):
    ep = "/" + EP_FILE.as_posix()
    serve_sample_except(fault_server, ep)
    for _ in range(2):
        fault_server.expect_oneshot_request(ep).respond_with_data("busy", status=503)
    fault_server.expect_request(ep).respond_with_data((SAMPLE / EP_FILE).read_bytes())
    # The client gives up at once; Prefect's task retries carry it to the third try.
    settings = operator_settings(fault_server.url_for(""), tmp_path, max_retries=0, task_retries=2, task_retry_delay=0)
    state, report = run_refresh_flow(settings)
    assert state.is_completed(), state.message
    assert counters(report)["projections"] == ("loaded", 1, 200)  # 118 occupations, 82 OOH links
    assert [r.path for r, _ in fault_server.log].count(ep) == 3


@pytest.mark.prefect
def test_403_is_not_retried_and_the_other_source_loads(prefect_harness, run_refresh_flow, fault_server, tmp_path):
    ep = "/" + EP_FILE.as_posix()
    serve_sample_except(fault_server, ep)
    fault_server.expect_request(ep).respond_with_data("no robots", status=403)
    settings = operator_settings(fault_server.url_for(""), tmp_path, max_retries=3, task_retries=2, task_retry_delay=0)
    state, report = run_refresh_flow(settings)
    assert state.is_failed() and "projections" in state.message
    (ep_report,) = [s for s in report.sources if s.source == "projections"]
    assert "BLS_REFRESH_CONTACT" in ep_report.error and "User-Agent" in ep_report.error
    assert [r.path for r, _ in fault_server.log].count(ep) == 1
    assert counters(report)["oews"] == ("loaded", 7, 18132)
    assert report.sheets.status == "skipped"


def cli(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", "--no-prefect", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def warehouse_is_sound(path: Path) -> None:
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT source, release_id FROM releases ORDER BY 1").fetchall() == [
            ("oews", "2025A01"),
            ("projections", "2024-34"),
        ]
        assert con.execute("SELECT count(*), count(DISTINCT (soc_code, cycle)) FROM projections").fetchone() == (
            118,
            118,
        )
        total, distinct = con.execute(
            "SELECT count(*), count(DISTINCT (release_id, area_code, industry_code, soc_code, measure)) FROM oews_estimates"
        ).fetchone()
        assert total == distinct == 16560
    finally:
        con.close()


@pytest.fixture
def cli_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLS_REFRESH_")}
    env["BLS_REFRESH_DATA_DIR"] = str(tmp_path / "data")
    return env


SAMPLE_ARGS = ("--mirror", str(SAMPLE), "--oews-form", "flatfiles", "--sources", "oews,projections")


def test_two_runs_started_together_one_waits(cli_env, tmp_path):
    runs = [cli(*SAMPLE_ARGS, env=cli_env) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    statuses = sorted("loaded" if "oews         loaded" in out else "unchanged" for out, _ in outputs)
    assert statuses == ["loaded", "unchanged"], outputs
    warehouse_is_sound(tmp_path / "data" / "warehouse.duckdb")


def test_a_run_exits_cleanly_while_another_holds_the_warehouse(cli_env, tmp_path):
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    warehouse.parent.mkdir(parents=True)
    with FileLock(lock_path(warehouse)):
        blocked = cli(*SAMPLE_ARGS, "--lock-timeout", "1", env=cli_env)
        out, err = blocked.communicate(timeout=300)
        assert blocked.returncode == 75, out + err
        assert "NOT RUN" in err and "try again" in err
        assert not warehouse.exists()  # it never touched the warehouse

        waiting = cli(*SAMPLE_ARGS, "--lock-timeout", "120", env=cli_env)
        time.sleep(3)
        assert waiting.poll() is None  # still waiting for the lock
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, out + err
    warehouse_is_sound(warehouse)


@pytest.mark.prefect
def test_a_prefect_run_killed_while_its_temporary_server_starts_leaves_no_process_behind(cli_env):
    # Killed before Prefect's server answers (it takes seconds to start): the run's guard stops it.
    env = {k: v for k, v in cli_env.items() if k != "PREFECT_API_URL"}
    assert left_after_sigkill(["run", *SAMPLE_ARGS], env, runs_uvicorn, "Prefect's temporary server starting") == []
