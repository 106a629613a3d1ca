"""The refresh as a Prefect flow, under one shared temporary Prefect API for the session."""

from __future__ import annotations

import pytest
from night_settings import served_settings

from flows.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.prefect]


def settings_for(tmp_path, base: str, **overrides) -> Settings:
    return served_settings(base, tmp_path, **{"oews_newest_year": 2026, **overrides})


def test_refresh_flow_completes_and_reports(prefect_harness, run_refresh_flow, mirror_url, tmp_path):
    state, report = run_refresh_flow(settings_for(tmp_path, mirror_url))
    assert state.is_completed()
    # The mirror lacks 50 OOH profiles on purpose: a clear partial state, not a failure.
    assert state.name == "Partial" and "ooh: 50 not fetched" in state.message
    assert {s.source: (s.status, s.release_id) for s in report.sources} == {
        "oews": ("loaded", "2025A01"),
        "projections": ("loaded", "2024-34"),
        "ooh": ("loaded", "2024-34"),
    }
    assert report.sheets.status == "written" and report.sheets.written > 800


def test_refresh_flow_fails_naming_the_failed_source(prefect_harness, run_refresh_flow, mirror_url, tmp_path):
    # No OEWS zip is published for 2020-2021 on the mirror: the OEWS source fails, EP still loads.
    settings = settings_for(
        tmp_path, mirror_url, oews_newest_year=2021, oews_years_back=1, sources=["oews", "projections"]
    )
    state, report = run_refresh_flow(settings)
    assert state.is_failed()
    assert "oews" in state.message
    assert {s.source: s.status for s in report.sources} == {"oews": "failed", "projections": "loaded"}
    assert report.sheets.status == "skipped"
