"""flows.guard: what a run starts dies with it when the run is killed with SIGKILL, and is left alone
when the run ends normally (Prefect stops its own server then)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from bls_files import REPO

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/environ"), reason="the guard reads /proc (Linux)")

# A stand-in for a run: starts its guard, then a long-lived child (as Prefect starts its server),
# says which processes those are, and waits (killed by the test) or ends normally.
RUN = """
import json, subprocess, sys, time
from flows.guard import guard_children, run_folder
guard_children()
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
print(json.dumps({"child": child.pid, "scratch": str(run_folder("test"))}), flush=True)
if sys.argv[1] == "wait":
    time.sleep(120)
sys.stdin.readline()  # "end": once the test has seen the processes (it found none when the run was already gone)
"""


def start_run(mode: str, scratch: Path) -> tuple[subprocess.Popen, psutil.Process, psutil.Process, Path]:
    env = {k: v for k, v in os.environ.items() if k != "BLS_REFRESH_RUN_GUARD"}
    env["TMPDIR"] = str(scratch)
    run = subprocess.Popen(
        [sys.executable, "-c", RUN, mode], cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert run.stdout is not None
    started = json.loads(run.stdout.readline())
    child = psutil.Process(started["child"])
    (guard,) = [p for p in psutil.Process(run.pid).children() if p.pid != child.pid]
    return run, child, guard, Path(started["scratch"])


def end(run: subprocess.Popen) -> int:
    """Lets a run started in "end" mode end normally; its exit status."""
    assert run.stdin is not None
    run.stdin.write("\n")
    run.stdin.close()
    return run.wait(timeout=30)


def environ_of(process: psutil.Process, wait: float = 10.0) -> dict[str, str]:
    """The process's environment once it carries the mark (on a loaded machine /proc may show the one it
    started with for a moment)."""
    deadline = time.monotonic() + wait
    while "BLS_REFRESH_RUN_GUARD" not in (found := process.environ()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_a_run_killed_with_sigkill_takes_what_it_started_with_it(tmp_path):
    run, child, guard, folder = start_run("wait", tmp_path)
    assert folder.is_dir() and folder.parent == tmp_path
    run.send_signal(signal.SIGKILL)
    run.wait()
    gone, alive = psutil.wait_procs([child, guard], timeout=30)  # SIGTERM, 5 s, SIGKILL; slower when loaded
    assert alive == []
    assert not folder.exists()  # the run's scratch folder went with it


def test_a_run_that_ends_normally_leaves_its_children_to_itself(tmp_path):
    run, child, guard, folder = start_run("end", tmp_path)
    assert end(run) == 0
    psutil.wait_procs([guard], timeout=10)
    try:
        time.sleep(0.5)  # a guard that misread the normal end would be stopping the child now
        assert child.is_running() and child.status() != psutil.STATUS_ZOMBIE
        assert not guard.is_running() or guard.status() == psutil.STATUS_ZOMBIE
        assert folder.is_dir()  # the run's to remove
    finally:
        child.kill()


def test_the_children_carry_the_mark_the_guard_hunts_and_the_guard_does_not(tmp_path):
    run, child, guard, _ = start_run("wait", tmp_path)
    try:
        mark = guard.cmdline()[-2]
        assert mark.startswith("BLS_REFRESH_RUN_GUARD=") and len(mark) > len("BLS_REFRESH_RUN_GUARD=") + 16
        assert f"BLS_REFRESH_RUN_GUARD={environ_of(child).get('BLS_REFRESH_RUN_GUARD')}" == mark
        assert "BLS_REFRESH_RUN_GUARD" not in guard.environ()
    finally:
        run.kill()
        run.wait()
        psutil.wait_procs([child, guard], timeout=15)
