"""The processes a run starts die with it, even when it is killed with SIGKILL.

Prefect's temporary API server is a process of its own that outlives a killed run (Dask's workers
notice their scheduler is gone; the server does not). So before a run can start one, a guard starts:
a small process, in a session of its own (a Ctrl-C at the terminal does not reach it), that waits on
a pipe from the run. A run that ends normally says so and the guard leaves; a run that dies closes
the pipe without a word, and the guard stops every process that carries the run's mark, an
environment variable set before any of them started (children inherit it; nothing else has it),
then removes the run's scratch folders (`run_folder`), which its exit hooks would have removed.

A scratch folder's maker holds an exclusive lock on the folder's `.owner` file for as long as it
lives (the kernel drops it when the process dies, however it dies). Whoever clears up asks the lock,
not the pid in the folder's name: runs in containers that share /tmp but not their process ids would
otherwise take one another's live folders for orphans.

Linux only (it reads /proc); elsewhere a killed run may leave the server behind, as before.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import IO

log = logging.getLogger("bls_refresh")

MARK = "BLS_REFRESH_RUN_GUARD"
SCRATCH = "bls-refresh-"  # the run's scratch folders: bls-refresh-<kind>-<pid>-<random>
OWNER = ".owner"  # in each scratch folder: locked by its maker while it lives
# A folder without its owner file is left alone this long: its maker may be between making it and locking it.
UNCLAIMED_GRACE_S = 60.0

# Runs with -I -S: no site-packages, nothing of the project; a few milliseconds to start.
GUARD = r"""
import fcntl, glob, os, shutil, signal, sys, time
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
def unowned(folder):  # flows.guard.abandoned, for this run's folders: its own lock died with it
    try:
        fd = os.open(os.path.join(folder, ".owner"), os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False  # a live process of the same number in another pid namespace holds it
    finally:
        os.close(fd)

for folder in glob.glob(scratch):
    if unowned(folder):
        shutil.rmtree(folder, ignore_errors=True)
"""

_pipe: IO[bytes] | None = None
_owned: dict[Path, int] = {}  # this process's scratch folders -> the open, locked descriptor of their owner file


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


def run_folder(kind: str, prefix: str = SCRATCH) -> Path:
    """A new scratch folder for this run, named for its process and locked by it: removed by the guard
    if the run is killed, and by the next run that makes one if the run had no guard (or the guard
    died with it). `remove_run_folder` removes it at the end."""
    remove_orphans(prefix)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{kind}{'-' if kind else ''}{os.getpid()}-"))
    fd = os.open(folder / OWNER, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a file made a moment ago: nobody else can hold it
    except OSError as exc:  # a file system without locks: the pid in the name is all there is
        log.debug("no owner lock in %s (%s): it is cleared up by its maker's pid", folder, exc)
        os.close(fd)
        (folder / OWNER).unlink()
        return folder
    _owned[folder] = fd
    return folder


def remove_run_folder(folder: Path | str) -> None:
    """Remove one of this process's scratch folders, and let go of its lock."""
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    fd = _owned.pop(folder, None)
    if fd is not None:
        os.close(fd)


def remove_orphans(prefix: str = SCRATCH) -> None:
    """The scratch folders `prefix<kind>-<pid>-<random>` whose maker is gone."""
    named = re.compile(rf"{re.escape(prefix)}[a-z-]*?-?(\d+)-[a-z0-9_]+")
    for folder in _scratch_root().glob(f"{prefix}*"):
        maker = named.fullmatch(folder.name)
        if maker is not None and folder not in _owned and abandoned(folder, int(maker.group(1))):
            shutil.rmtree(folder, ignore_errors=True)


def abandoned(folder: Path, pid: int) -> bool:
    """Whether nobody holds the folder's owner lock. A folder without an owner file (made before the
    lock was, or by a maker between making it and locking it) is abandoned once its named maker no
    longer runs and the grace has passed."""
    try:
        fd = os.open(folder / OWNER, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return not _running(pid) and _age(folder) > UNCLAIMED_GRACE_S
    except OSError:
        return False  # not ours to read
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # its maker lives
    finally:
        os.close(fd)
    return True


def _age(folder: Path) -> float:
    try:
        return time.time() - folder.stat().st_mtime
    except OSError:
        return 0.0


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
