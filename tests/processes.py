"""The command line as a test process starts it, and what such a process leaves behind when killed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable

import psutil
from bls_files import REPO


def command_line(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except psutil.Error:  # gone, or a zombie
        return ""


def left_after_sigkill(
    args: list[str], env: dict[str, str], ready: Callable[[psutil.Process], bool], what: str, timeout: float = 120
) -> list[str]:
    """Start `python -m flows.cli ARGS`, SIGKILL it once ready(its process) holds, and return the command
    lines of the processes it had started that are still alive 30 s later (a killed run's children)."""
    run = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parent = psutil.Process(run.pid)
    deadline = time.monotonic() + timeout
    while not ready(parent):
        assert run.poll() is None and time.monotonic() < deadline, f"{what} never happened"
        time.sleep(0.05)
    started = parent.children(recursive=True)
    run.send_signal(signal.SIGKILL)
    run.wait()
    gone, alive = psutil.wait_procs(started, timeout=30)
    return [command_line(p)[:120] for p in alive]


def runs_uvicorn(parent: psutil.Process) -> bool:
    """Prefect's temporary API server is among the process's children."""
    return any("uvicorn" in command_line(p) for p in parent.children())
