"""The nightly commands' options: `run` and `serve` take the same source options, the area sheets among
them, and a value the settings refuse is a usage error (exit 2) naming the setting."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.settings import Settings


@pytest.mark.parametrize("command", ["run", "serve"])
def test_run_and_serve_choose_the_area_sheets(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    words = " ".join(result.output.split())  # the help is wrapped to the terminal
    assert "--areas <str> Area sheets to publish beside the national ones: none, states, metros or all." in words
    assert "metros or all. [default: none; env BLS_REFRESH_SHEET_AREAS]" in words


def test_an_unknown_area_selection_is_a_usage_error_naming_the_setting():
    result = CliRunner().invoke(app, ["run", "--areas", "counties", "--no-prefect"])
    assert result.exit_code == 2
    assert "sheet_areas" in result.output and "'none', 'states', 'metros' or 'all'" in result.output


def test_the_flag_and_the_environment_set_the_same_setting(monkeypatch):
    monkeypatch.setenv("BLS_REFRESH_SHEET_AREAS", "metros")
    assert Settings().area_selection() == "metros" and Settings().render_workers() >= 1
    monkeypatch.delenv("BLS_REFRESH_SHEET_AREAS")
    assert Settings().area_selection() is None and Settings().render_workers() == 0


@pytest.mark.parametrize("command", ["run", "sheets"])
def test_workers_and_a_cluster_address_together_are_a_usage_error_from_flag_or_environment(monkeypatch, command):
    monkeypatch.setenv("BLS_REFRESH_DASK_ADDRESS", "tcp://127.0.0.1:8786")
    result = CliRunner().invoke(app, [command, "--workers", "2", "--db", "/nonexistent/w.duckdb"])
    assert result.exit_code == 2
    words = " ".join(result.output.split())
    assert "give --workers or --dask-address, not both" in words and "Value error" not in words
    monkeypatch.delenv("BLS_REFRESH_DASK_ADDRESS")
    assert Settings(workers=0, dask_address="tcp://127.0.0.1:8786").dask_address == "tcp://127.0.0.1:8786"


def test_serve_hands_the_render_target_to_every_scheduled_run():
    from flows.cli import SOURCE_OPTIONS
    from flows.serve import deployment_parameters

    assert {"workers", "dask_address"} <= set(SOURCE_OPTIONS)
    settings = Settings(dask_address="tcp://127.0.0.1:8786", sheet_areas="states")
    assert deployment_parameters(settings)["settings"]["dask_address"] == "tcp://127.0.0.1:8786"
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert "--dask-address" in result.output and "--workers" in result.output
