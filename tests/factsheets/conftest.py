"""Fixtures of the sheet and site tests: headless Chromium (Debian's chromium package) for the browser
tests. A browser test fails, not skips, when Chromium is missing: .ci/run installs it
(apt-get install chromium)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

# A fresh profile, no GPU, and nothing that would reach the network on its own (updates, sync, QUIC).
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

ChromiumCommand = Callable[..., list[str]]


@pytest.fixture(scope="session")
def chromium_command() -> Iterator[ChromiumCommand]:
    """command(profile, *arguments): the command line of a headless Chromium with its own profile
    folder; `arguments` end with the URL."""
    binary = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not binary:
        pytest.fail(
            "headless Chromium is needed for the browser tests: apt-get install -y chromium (.ci/run installs it)",
            pytrace=False,
        )

    # Chromium makes its singleton socket's folder in TMPDIR, and a Chromium the test stops leaves it
    # there: one short folder of this session's (a socket path has at most 107 bytes, too few for a test's
    # tmp_path) holds them, removed at the end instead of piling up in /tmp. `env` execs Chromium: same pid.
    sockets = Path(tempfile.mkdtemp(prefix="bls-chromium-"))

    def command(profile: Path, *arguments: str) -> list[str]:
        return ["env", f"TMPDIR={sockets}", binary, *HEADLESS, f"--user-data-dir={profile}", *arguments]

    yield command
    shutil.rmtree(sockets, ignore_errors=True)


@pytest.fixture(scope="session")
def distribute() -> ModuleType:
    """flows.distribute, for the Dask tests that run: it imports Prefect (2 s), which every worker of a fast
    run (-m "not slow") would otherwise pay only to collect those slow modules."""
    import flows.distribute

    return flows.distribute
