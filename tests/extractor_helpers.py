"""Plain helpers of the extractor tests (their fixtures are in tests/extractors/conftest.py).

The real BLS files are read in place from ../shared (never copied into the repo)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from bls_files import MIRROR

TEST_USER_AGENT = "bls-refresh-tests/0 (+https://example.org/bls-refresh; tests@example.org)"


def shared_file(relative: str) -> Path:
    path = MIRROR / relative
    if not path.is_file():
        pytest.fail(f"{path} is missing: the extractor tests read the BLS mirror in ../shared/bls-mirror")
    return path


@dataclass
class SteppingClock:
    """Stands in for time.monotonic: every reading is `step` seconds after the one before."""

    step: float
    now: float = 0.0
    readings: int = 0

    def __call__(self) -> float:
        self.now += self.step
        self.readings += 1
        return self.now


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
