"""flows.guard: what a run starts dies with it when the run is killed with SIGKILL, and is left alone
when the run ends normally (Prefect stops its own server then)."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from bls_files import REPO

from flows.guard import remove_run_folder, run_folder

pytestmark = [
    pytest.mark.slow,  # processes started and killed
    pytest.mark.skipif(not os.path.exists("/proc/self/environ"), reason="the guard reads /proc (Linux)"),
]

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


def test_the_guard_leaves_a_folder_of_the_same_pid_that_a_live_process_holds(tmp_path):
    """Containers that share /tmp but not their process ids: another run's live folder may carry the
    killed run's pid. Its owner lock says it is not the killed run's."""
    run, child, guard, folder = start_run("wait", tmp_path)
    other = tmp_path / f"bls-refresh-dask-{run.pid}-other"
    held = hold_as_owner(other)
    try:
        run.send_signal(signal.SIGKILL)
        run.wait()
        gone, alive = psutil.wait_procs([child, guard], timeout=30)
        assert alive == []
        assert not folder.exists() and other.is_dir()
    finally:
        os.close(held)


def hold_as_owner(folder: Path) -> int:
    """Make `folder` as a live run in another pid namespace would: its owner file locked by this process."""
    folder.mkdir()
    held = os.open(folder / ".owner", os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return held


MAKE = """
import os, signal, sys
from flows.guard import run_folder
print(run_folder("dask"), flush=True)
if sys.argv[1] == "kill":
    os.kill(os.getpid(), signal.SIGKILL)  # no exit hook runs: the folder stays, its lock goes
sys.stdin.readline()
"""


def made_by_another_process(tmp_path: Path, mode: str) -> tuple[subprocess.Popen, Path]:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    maker = subprocess.Popen(
        [sys.executable, "-c", MAKE, mode], cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert maker.stdout is not None
    return maker, Path(maker.stdout.readline().strip())


def renamed_for(folder: Path, pid: int) -> Path:
    """The folder as if a process numbered `pid` had made it (same kind, same random part)."""
    kind, _, rest = folder.name.removeprefix("bls-refresh-").partition("-")
    return folder.rename(folder.with_name(f"bls-refresh-{kind}-{pid}-{rest.partition('-')[2]}"))


def test_a_folder_whose_maker_lives_stays_though_no_process_here_has_its_pid(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    maker, folder = made_by_another_process(tmp_path, "wait")
    try:
        gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        elsewhere = renamed_for(folder, int(gone.stdout))  # its maker's pid means nothing in this namespace
        mine = run_folder("dask")
        assert elsewhere.is_dir() and mine.is_dir()
    finally:
        maker.communicate("\n", timeout=30)


def test_a_folder_whose_maker_died_goes_though_a_process_here_has_its_pid(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    maker, folder = made_by_another_process(tmp_path, "kill")
    assert maker.wait(timeout=30) == -signal.SIGKILL
    reused = renamed_for(folder, os.getppid())  # a live process of that number, not its maker
    mine = run_folder("dask")
    assert not reused.exists() and mine.is_dir()
    assert mine.name.startswith(f"bls-refresh-dask-{os.getpid()}-") and (mine / ".owner").is_file()
    remove_run_folder(mine)
    assert not mine.exists()


def test_on_a_file_system_without_locks_a_folder_is_owned_by_its_makers_pid(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    with monkeypatch.context() as unlocked:
        unlocked.setattr(fcntl, "flock", no_locks)
        folder = run_folder("dask")
    assert folder.is_dir() and not (folder / ".owner").exists()
    mine = run_folder("dask")  # this process, its maker, runs: the folder stays
    assert folder.is_dir() and mine.is_dir()
    for made in (folder, mine):
        remove_run_folder(made)


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
