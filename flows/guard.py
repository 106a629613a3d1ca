"""The processes a run starts die with it, even when it is killed with SIGKILL.

Prefect's temporary API server is a process of its own that outlives a killed run (Dask's workers
notice their scheduler is gone; the server does not). So before a run can start one, a guard starts:
a small process, in a session of its own (a Ctrl-C at the terminal does not reach it), that waits on
a pipe from the run. A run that ends normally says so and the guard leaves; a run that dies closes
the pipe without a word, and the guard stops every process that carries the run's mark, an
environment variable set before any of them started (children inherit it; nothing else has it),
then removes the run's scratch folders (`run_folder`), which its exit hooks would have removed.

Linux only (it reads /proc); elsewhere a killed run may leave the server behind, as before.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import IO

log = logging.getLogger("bls_refresh")

MARK = "BLS_REFRESH_RUN_GUARD"
SCRATCH = "bls-refresh-"  # the run's scratch folders: bls-refresh-<kind>-<pid>-<random>

# Runs with -I -S: no site-packages, nothing of the project; a few milliseconds to start.
GUARD = r"""
import glob, os, shutil, signal, sys, time
mark, scratch = sys.argv[1].encode(), sys.argv[2]
if sys.stdin.buffer.readline():  # the run said it is done; an empty read is the pipe closed by its death
    sys.exit(0)

def marked():
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as environ:
                if mark in environ.read().split(b"\0"):
                    found.append(int(name))
        except OSError:
            pass  # gone, or not ours to read
    return found

for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 1.0)):
    for pid in marked():
        try:
            os.kill(pid, sig)
        except OSError:
            pass
    deadline = time.monotonic() + grace
    while marked() and time.monotonic() < deadline:
        time.sleep(0.05)
for folder in glob.glob(scratch):
    shutil.rmtree(folder, ignore_errors=True)
"""

_pipe: IO[bytes] | None = None


def guard_children() -> None:
    """Start this process's guard (once): from now on, the processes it starts are stopped if it dies."""
    global _pipe
    if _pipe is not None or not Path("/proc/self/environ").exists():
        return
    token = uuid.uuid4().hex
    guard = subprocess.Popen(
        [
            sys.executable,
            "-I",
            "-S",
            "-c",
            GUARD,
            f"{MARK}={token}",
            str(_scratch_root() / f"{SCRATCH}*-{os.getpid()}-*"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={k: v for k, v in os.environ.items() if k != MARK},
    )
    os.environ[MARK] = token
    _pipe = guard.stdin
    atexit.register(_release, guard)
    log.debug("guard %d watches the processes this run starts", guard.pid)


def run_folder(kind: str) -> Path:
    """A new scratch folder for this run, named for its process: removed by the guard if the run is
    killed, and by the next run that makes one if the run had no guard (or the guard died with it)."""
    remove_orphans()
    return Path(tempfile.mkdtemp(prefix=f"{SCRATCH}{kind}-{os.getpid()}-"))


def remove_orphans(prefix: str = SCRATCH) -> None:
    """The scratch folders `prefix<kind>-<pid>-<random>` whose process no longer runs."""
    named = re.compile(rf"{re.escape(prefix)}[a-z-]*?-?(\d+)-[a-z0-9_]+")
    for folder in _scratch_root().glob(f"{prefix}*"):
        maker = named.fullmatch(folder.name)
        if maker is not None and not _running(int(maker.group(1))):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _scratch_root() -> Path:
    return Path(tempfile.gettempdir())


def _release(guard: subprocess.Popen[bytes]) -> None:
    """At a normal exit (after Prefect has stopped its server): the guard leaves without stopping anything."""
    global _pipe
    pipe, _pipe = _pipe, None
    if pipe is None:
        return
    try:
        pipe.write(b"done\n")
        pipe.close()
    except OSError:
        pass  # the guard is gone already
    try:
        guard.wait(timeout=5)
    except subprocess.TimeoutExpired:
        guard.kill()
