"""A night runs with the objects made before its work frozen (gc.freeze: the collector
skips them) and hands them back to the collector when it ends, however it ends."""

from __future__ import annotations

import gc

import pytest
from bls_files import SAMPLE
from typer.testing import CliRunner

import flows.night
from flows.cli import app
from flows.launch import long_lived_imports


def run_sample(tmp_path) -> int:
    args = ["run", "--no-prefect", "--mirror", str(SAMPLE), "--data-dir", str(tmp_path / "data")]
    return (
        CliRunner()
        .invoke(
            app, [*args, "--sources", "oews,projections", "--oews-form", "flatfiles", "--contact", "tests@example.org"]
        )
        .exit_code
    )


@pytest.mark.slow  # a night on the bundled sample: seconds
def test_the_night_runs_frozen_and_thaws_after(tmp_path, monkeypatch):
    seen = []
    night = flows.night.run_night

    def observed(settings):
        seen.append((gc.get_freeze_count(), gc.isenabled()))
        return night(settings)

    monkeypatch.setattr(flows.night, "run_night", observed)
    assert run_sample(tmp_path) == 0
    [(frozen, collecting)] = seen
    assert frozen > 10_000 and collecting  # pandas, DuckDB and the stages are frozen; the collector runs
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    assert (tmp_path / "data" / "warehouse.duckdb").exists()


def test_a_night_that_raises_thaws_too(tmp_path, monkeypatch):
    def broken(settings):
        raise RuntimeError("the night broke")

    monkeypatch.setattr(flows.night, "run_night", broken)
    assert run_sample(tmp_path) == 1
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_imports_leave_a_paused_collector_paused():
    gc.disable()
    try:
        with long_lived_imports():
            assert not gc.isenabled()
        assert not gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


@pytest.fixture(autouse=True)
def thawed():
    yield
    gc.unfreeze()
    gc.enable()


@pytest.mark.slow  # a night on the bundled sample: seconds
def test_a_night_run_by_a_flow_freezes_and_thaws_itself(tmp_path, monkeypatch):
    """A served deployment's flow calls run_night directly (no flows.launch around it)."""
    from night_settings import sample_settings

    from extractors.mirror import serve_mirror

    seen = []
    publish = flows.night.publish

    def observed(*args, **kwargs):
        seen.append(gc.get_freeze_count())
        return publish(*args, **kwargs)

    monkeypatch.setattr(flows.night, "publish", observed)
    with serve_mirror(SAMPLE) as base:
        report = flows.night.run_night(sample_settings(base, tmp_path))
    assert report.ok and report.published
    assert seen[0] > 10_000 and gc.get_freeze_count() == 0
