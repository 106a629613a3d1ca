"""Shared test fixtures: the real BLS files in ../shared, a local mirror server, one Prefect harness."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Before anything imports Prefect: a private home, no telemetry, never a real API server by accident.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="bls-refresh-prefect-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"
os.environ.pop("PREFECT_API_URL", None)
for name in [n for n in os.environ if n.startswith("BLS_REFRESH_")]:
    os.environ.pop(name)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
MIRROR = SHARED / "bls-mirror"
ARCHIVE = SHARED / "bls-archive"
SAMPLE = REPO / "data" / "sample"

if not MIRROR.is_dir():
    raise RuntimeError(f"the tests read real BLS files from {SHARED}; it is missing")


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every flow test in the session (it takes ~12 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def mirror_url():
    """../shared/bls-mirror served over real HTTP on 127.0.0.1, as bls.gov would serve it."""
    from extractors.mirror import serve_mirror

    with serve_mirror(MIRROR) as base:
        yield base


@pytest.fixture
def run_refresh_flow(monkeypatch):
    """Run the `refresh` flow in this process as the CLI and a deployment do: settings as JSON
    parameters, the contact from the environment."""
    from flows.refresh import flow_parameters, refresh

    def run(settings):
        contact = settings.contact_address()
        if contact:
            monkeypatch.setenv("BLS_REFRESH_CONTACT", contact)
        state = refresh(flow_parameters(settings), return_state=True)
        return state, state.result(raise_on_failure=False)

    return run
