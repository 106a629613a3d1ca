"""Root of the test tree: the Prefect sandbox, the fixtures several folders use, and the markers.

Markers (registered in pyproject.toml):
* `shared_data`: the test reads the real BLS files of ../shared. Mark the module or the test, or let a
  fixture that reads them request the `shared_data` fixture: either way the test is skipped, with the
  reason, where ../shared is absent.
* `prefect`: the test runs under the Prefect harness or a real Prefect server. Added here to every test
  that uses a Prefect fixture; modules that start a server themselves carry the mark.
* `slow`: end-to-end subprocess and system tests and anything over a few seconds (a Prefect harness
  takes ~12 s to start, so every `prefect` test is slow). `make test-fast` runs `pytest -m "not slow"`,
  which must stay under 2 minutes: check new tests with `--durations`.

`-n auto` (pyproject's addopts) spreads a run of whole folders over the cores; a run that names files
or tests stays in one process (pytest_xdist_auto_num_workers).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from bls_files import MIRROR, SHARED, SHARED_MISSING, ooh_profile_pages
from scratch import built_once, process_folder

if TYPE_CHECKING:  # nothing of the project is imported before the Prefect settings below
    from transforms.release import Release

# Before anything imports Prefect: a private home, no telemetry, never a real API server by accident.
os.environ["PREFECT_HOME"] = str(process_folder("bls-refresh-prefect-"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"
os.environ.pop("PREFECT_API_URL", None)
for name in [n for n in os.environ if n.startswith("BLS_REFRESH_")]:
    os.environ.pop(name)

PREFECT_FIXTURES = {"prefect_harness", "run_refresh_flow"}


MOST_WORKERS = 4  # each worker builds the session fixtures (warehouses of real releases) again


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """How many workers `-n auto` starts: none when the run names files or tests (starting workers and
    their session fixtures costs more than it saves there) or on one core, else one per core, at most
    MOST_WORKERS.
    None leaves the choice to xdist (PYTEST_XDIST_AUTO_NUM_WORKERS)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    if config.args and all(Path(arg.split("::")[0]).is_file() for arg in config.args):
        return 0
    cores = len(os.sched_getaffinity(0))
    return min(MOST_WORKERS, cores) if cores > 1 else 0


@pytest.hookimpl(tryfirst=True)  # before -m deselects by the markers added here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_shared = pytest.mark.skip(reason=SHARED_MISSING)
    shared_present = SHARED.is_dir()
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & PREFECT_FIXTURES:
            item.add_marker(pytest.mark.prefect)
            item.add_marker(pytest.mark.slow)
        if "shared_data" in fixtures:
            item.add_marker(pytest.mark.shared_data)
        if not shared_present and item.get_closest_marker("shared_data"):
            item.add_marker(skip_shared)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared, the real BLS files. A fixture that reads them requests this one, so that its tests are
    marked `shared_data` (and skipped where ../shared is absent) without a mark of their own."""
    return SHARED


@pytest.fixture(scope="session")
def ooh_edition(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Release:
    """The 292 profiles of the mirror, read by the OOH transform alone (no EP file), once per session
    (~2 s to parse; the workers share it): the articles' warehouse and the EP-links tests load it."""
    from transforms.ooh import read_profiles

    def parse(folder: Path) -> None:
        with open(folder / "release.pickle", "wb") as out:
            pickle.dump(read_profiles(ooh_profile_pages()), out, protocol=pickle.HIGHEST_PROTOCOL)

    with open(built_once(tmp_path_factory, "ooh-edition", parse) / "release.pickle", "rb") as edition:
        return pickle.load(edition)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for every flow test in the session (it takes ~12 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def mirror_url(shared_data: Path) -> Iterator[str]:
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
