"""Folders that live as long as the test process that made them."""

from __future__ import annotations

import atexit
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

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


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """A folder `name` that build(folder) fills once per test session: the first xdist worker to need it
    builds it, the others wait for it and read the same files (each built the same warehouses again,
    both cores busy twice as long). A run without workers builds it in its own temp folder."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # .../pytest-N: this session's
    folder = root / name
    with FileLock(f"{folder}.lock"):
        if not folder.is_dir():
            partial = root / f"{name}.partial"
            shutil.rmtree(partial, ignore_errors=True)  # a worker killed while building it
            partial.mkdir()
            build(partial)
            partial.rename(folder)
    return folder
