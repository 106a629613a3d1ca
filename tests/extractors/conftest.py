"""Fixtures of the extractor tests: real PoliteClients over a temporary raw archive, scripted servers
and the ../shared BLS mirror served on 127.0.0.1 (the fixtures serving it request `shared_data`, so
their tests are skipped where ../shared is absent: see the root conftest)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bls_files import MIRROR
from extractor_helpers import TEST_USER_AGENT
from faultserver import FaultyMirror
from pytest_httpserver import HTTPServer

from extractors import HttpConfig, PoliteClient, RawArchive, serve_mirror


class SleepRecorder:
    """Stands in for time.sleep: records the waits instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def archive(tmp_path: Path) -> RawArchive:
    return RawArchive(tmp_path / "raw")


@pytest.fixture
def make_client(archive: RawArchive, sleeps: SleepRecorder) -> Iterator[Callable[..., PoliteClient]]:
    """Builds real PoliteClients over the test archive; HttpConfig fields come as keyword args."""
    clients: list[PoliteClient] = []

    def build(**config: object) -> PoliteClient:
        config.setdefault("user_agent", TEST_USER_AGENT)
        config.setdefault("timeout", 5.0)
        client = PoliteClient(HttpConfig(**config), archive, sleep=sleeps)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def mirror_base(shared_data: Path) -> Iterator[str]:
    """Base URL of the ../shared BLS mirror served on 127.0.0.1."""
    with serve_mirror(MIRROR) as base:
        yield base


@pytest.fixture(scope="module")
def _running_fault_server() -> Iterator[HTTPServer]:
    # One server per module: stopping werkzeug costs ~0.5 s, too much to pay per test.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def fault_server(_running_fault_server: HTTPServer) -> Iterator[HTTPServer]:
    """pytest-httpserver bound to 127.0.0.1 (not 'localhost') and threaded, so a handler that
    stalls one request (timeout tests) does not hold up the retry behind it. Handlers and the
    request log are cleared after each test."""
    yield _running_fault_server
    _running_fault_server.clear()


@pytest.fixture(scope="module")
def _running_faulty_mirror(shared_data: Path) -> Iterator[FaultyMirror]:
    with FaultyMirror(MIRROR) as server:
        yield server


@pytest.fixture
def faulty_mirror(_running_faulty_mirror: FaultyMirror) -> Iterator[FaultyMirror]:
    """tests/faultserver.py over ../shared/bls-mirror on 127.0.0.1: no faults and an empty request
    log at the start of each test."""
    _running_faulty_mirror.clear_faults()
    _running_faulty_mirror.reset_log()
    yield _running_faulty_mirror
    _running_faulty_mirror.clear_faults()
