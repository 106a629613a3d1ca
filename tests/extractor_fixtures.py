"""Fixtures for the extractor tests; test modules import the ones they use.

The real BLS files are read in place from ../shared (never copied into the repo)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from faultserver import FaultyMirror
from pytest_httpserver import HTTPServer

from extractors import HttpConfig, PoliteClient, RawArchive, serve_mirror

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BLS_MIRROR = SHARED / "bls-mirror"
TEST_USER_AGENT = "bls-refresh-tests/0 (+https://example.org/bls-refresh; tests@example.org)"


def shared_file(relative: str) -> Path:
    path = BLS_MIRROR / relative
    if not path.is_file():
        pytest.fail(f"{path} is missing: the extractor tests read the BLS mirror in ../shared/bls-mirror")
    return path


class SteppingClock:
    """Stands in for time.monotonic: every reading is `step` seconds after the one before."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.now = 0.0
        self.readings = 0

    def __call__(self) -> float:
        self.now += self.step
        self.readings += 1
        return self.now


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
def mirror_base() -> Iterator[str]:
    """Base URL of the ../shared BLS mirror served on 127.0.0.1."""
    if not BLS_MIRROR.is_dir():
        pytest.fail(f"{BLS_MIRROR} is missing: the extractor tests serve the BLS mirror from ../shared")
    with serve_mirror(BLS_MIRROR) as base:
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
def _running_faulty_mirror() -> Iterator[FaultyMirror]:
    if not BLS_MIRROR.is_dir():
        pytest.fail(f"{BLS_MIRROR} is missing: the extractor tests serve the BLS mirror from ../shared")
    with FaultyMirror(BLS_MIRROR) as server:
        yield server


@pytest.fixture
def faulty_mirror(_running_faulty_mirror: FaultyMirror) -> Iterator[FaultyMirror]:
    """tests/faultserver.py over ../shared/bls-mirror on 127.0.0.1: no faults and an empty request
    log at the start of each test."""
    _running_faulty_mirror.clear_faults()
    _running_faulty_mirror.reset_log()
    yield _running_faulty_mirror
    _running_faulty_mirror.clear_faults()


def run_on_small_tmpfs(
    disk: Path,
    command: Sequence[str],
    *,
    size: str = "256k",
    read_only: bool = False,
    prepare: Sequence[str] = (),
    timeout: float = 120.0,
) -> subprocess.CompletedProcess[str]:
    """Run `command` where `disk` is a fresh tmpfs of `size` (a real ENOSPC once it is full), in a
    private user+mount namespace, so no root is needed and nothing outside the child sees the mount.
    The folders in `prepare` (relative to `disk`) are made first; then, if `read_only`, the tmpfs
    is remounted read-only (a real EROFS). The child shares the network: it reaches 127.0.0.1
    servers of the test. Skips the test where unshare or user namespaces are unavailable."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed: cannot mount a small tmpfs")
    namespace = ["unshare", "--user", "--map-root-user", "--mount"]
    probe = subprocess.run([*namespace, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"no user/mount namespaces here ({probe.stderr.strip()}): cannot mount a small tmpfs")
    disk.mkdir(parents=True, exist_ok=True)
    where = shlex.quote(str(disk))
    script = f"mount -t tmpfs -o size={shlex.quote(size)} tmpfs {where}"
    if prepare:
        script += f" && (cd {where} && mkdir -p -- {' '.join(shlex.quote(p) for p in prepare)})"
    if read_only:
        script += f" && mount -o remount,ro {where}"
    script += ' && exec "$@"'
    return subprocess.run(
        [*namespace, "sh", "-c", script, "sh", *command], capture_output=True, text=True, timeout=timeout
    )
