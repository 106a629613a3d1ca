"""A publish's sheets rendered here on every core of this machine, without a cluster: once the sheets'
inputs are in memory the publishing process forks a helper per spare core, which starts with them (no
snapshot to write and read, no warehouse), renders its share of the keys into the version being built
and sends back its outcomes, while the publishing process renders the first share. Outcomes are merged
in the order of the keys, so the files, the state and the changelog are those of a serial publish.

A helper that cannot be forked, fails, dies or stops answering costs nothing but time: its share is rendered here
instead (its files first taken out of the version), with a warning. Only where fork(2) is how
processes start (Linux), with a spare core, and for at least MIN_SHEETS sheets per process.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import pickle
import select
import signal
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from factsheets.batch import SheetKey, SheetOutcome
from factsheets.render import compile_templates
from factsheets.versions import VersionBuild

log = logging.getLogger(__name__)

# A sheet renders in about a millisecond and a fork costs some: below this many sheets per process the
# second core saves less than it costs.
MIN_SHEETS = 200
# A helper whose share takes this much longer than the publishing process's share is stuck.
PATIENCE, MIN_WAIT_S = 10, 30.0
_PR_SET_PDEATHSIG = 1


def helpers_for(sheets: int) -> int:
    """How many helpers a render of `sheets` sheets forks: one per usable core but this one."""
    if sys.platform != "linux":
        return 0
    return max(0, min(len(os.sched_getaffinity(0)) - 1, sheets // MIN_SHEETS - 1))


Render = Callable[[list[SheetKey], VersionBuild], list[SheetOutcome]]  # a share of the keys into a build
Files = Callable[[SheetKey], list[str]]  # the files a key's sheet is written to


@dataclass
class _Helper:
    pid: int
    fd: int
    share: list[SheetKey]
    unborn: str | None = None  # why the fork failed (it wrote nothing)


def render_forked(keys: list[SheetKey], build: VersionBuild, render: Render, files: Files) -> list[SheetOutcome]:
    """render(keys, build), on this process and helpers_for(len(keys)) forked helpers."""
    count = helpers_for(len(keys))
    if not count:
        return render(keys, build)
    compile_templates()  # once, inherited by every helper
    parts = count + 1
    shares = [keys[i * len(keys) // parts : (i + 1) * len(keys) // parts] for i in range(parts)]
    helpers: list[_Helper] = []
    ours_to_thaw = not gc.get_freeze_count()  # else whoever froze the heap first thaws it
    gc.freeze()  # what exists now stays shared with the helpers (their collector never touches it)
    try:
        helpers = [_fork(share, build, render) for share in shares[1:]]
    finally:
        if ours_to_thaw:
            gc.unfreeze()
    try:
        start = time.monotonic()
        outcomes = render(shares[0], build)
        wait = max(MIN_WAIT_S, PATIENCE * (time.monotonic() - start))
        for helper in helpers:
            outcomes += _outcomes(helper, build, render, files, time.monotonic() + wait)
    finally:
        for helper in helpers:
            _reap(helper)
    return outcomes


def _fork(share: list[SheetKey], build: VersionBuild, render: Render) -> _Helper:
    parent = os.getpid()
    read, write = -1, -1
    try:
        read, write = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns of a fork beside threads: the helper runs none of their code (DuckDB's pool,
            # the writer thread of `build`) and writes through a VersionBuild of its own.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError as exc:  # out of processes, memory or files: this process renders the share
        for fd in (read, write):
            if fd >= 0:
                os.close(fd)
        return _Helper(0, -1, share, f"no helper could be forked: {exc}")
    if pid == 0:
        os.close(read)
        _helper(parent, share, build, render, write)  # never returns
    os.close(write)
    return _Helper(pid, read, share)


def _helper(parent: int, share: list[SheetKey], build: VersionBuild, render: Render, fd: int) -> None:
    status = 1
    try:
        # A helper must not outlive a publishing process killed mid-render: the next publish removes
        # the half-built version this one writes into.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)
        for stop in (signal.SIGTERM, signal.SIGINT):  # the publisher's handlers say and undo; a helper just stops
            signal.signal(stop, signal.SIG_DFL)
        # Its handlers are the publisher's, whose connections (Prefect's API) a helper must not use; a helper
        # says what went wrong through its pipe.
        logging.disable(logging.CRITICAL)
        mine = VersionBuild.reopen(build.staging, has_current=build.linked)
        try:
            outcomes = render(share, mine)
            mine.finish()
        finally:
            mine.close()
        data = pickle.dumps(([o.pack() for o in outcomes], mine.written), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        status = 0
    except BaseException as exc:
        _say(fd, f"{type(exc).__name__}: {exc}")
    os._exit(status)  # no atexit handlers, no flush of the parent's buffers, no DuckDB teardown


def _say(fd: int, why: str) -> None:
    try:
        with os.fdopen(fd, "wb", closefd=False) as out:
            out.write(pickle.dumps(why))
    except BaseException:
        pass


def _outcomes(
    helper: _Helper, build: VersionBuild, render: Render, files: Files, deadline: float
) -> list[SheetOutcome]:
    answer = helper.unborn or _read_answer(helper, deadline)
    if isinstance(answer, tuple):
        outcomes, written = answer
        build.written += written
        return [outcome.unpack() for outcome in outcomes]
    log.warning(
        "a render helper failed (%s); its %d sheets were rendered by the publishing process", answer, len(helper.share)
    )
    if not helper.unborn:  # files are created once: what it wrote goes first
        _reap(helper)  # before its files go: it writes no more
        for key in helper.share:
            for name in files(key):
                build.remove(name)
    return render(helper.share, build)


def _read_answer(helper: _Helper, deadline: float) -> Any:
    """The helper's (outcomes, files written), or why there are none."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([helper.fd], [], [], left)[0]:
            return f"no answer after {MIN_WAIT_S:.0f} s or {PATIENCE}x the publishing process's share"
        chunk = os.read(helper.fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:
        _, status = os.waitpid(helper.pid, 0)
        helper.pid = 0
        return f"it stopped with {_how(status)}"


def _reap(helper: _Helper) -> None:
    if helper.fd >= 0:
        os.close(helper.fd)
        helper.fd = -1
    if helper.pid:
        try:
            os.kill(helper.pid, signal.SIGKILL)  # done or stuck: either way it has nothing more to do
        except ProcessLookupError:
            pass
        os.waitpid(helper.pid, 0)
        helper.pid = 0


def _how(status: int) -> str:
    return f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"status {os.waitstatus_to_exitcode(status)}"


__all__ = ["MIN_SHEETS", "helpers_for", "render_forked"]
