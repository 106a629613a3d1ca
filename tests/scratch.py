"""Folders that live as long as the test process that made them."""

from __future__ import annotations

import atexit
import os
from pathlib import Path

from flows.guard import remove_run_folder, run_folder


def process_folder(prefix: str) -> Path:
    """A new folder in the system temp folder, removed when this process exits. The warehouses the
    sheet tests build are ~200 MB a run; left behind, they fill a CI machine's disk run after run.
    A forked child inherits the exit hook: only the process that made the folder removes it. A
    process killed before its exit hooks ran (a pytest worker stopped by a signal) leaves its folder;
    the next one made with the same prefix removes it, its maker's lock being gone (flows.guard)."""
    folder = run_folder("", prefix)
    atexit.register(_remove_if_mine, folder, os.getpid())
    return folder


def _remove_if_mine(folder: Path, owner: int) -> None:
    if os.getpid() == owner:
        remove_run_folder(folder)
