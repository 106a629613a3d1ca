"""Folders that live as long as the test process that made them."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def process_folder(prefix: str) -> Path:
    """A new folder in the system temp folder, removed when this process exits. The warehouses the
    sheet tests build are ~200 MB a run; left behind, they fill a CI machine's disk run after run.
    A forked child inherits the exit hook: only the process that made the folder removes it. A
    process killed before its exit hooks ran (a pytest worker stopped by a signal) leaves its folder;
    the next one made with the same prefix removes it, its maker's pid being gone."""
    remove_orphans(prefix)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    atexit.register(_remove_if_mine, folder, os.getpid())
    return folder


def remove_orphans(prefix: str) -> None:
    """The folders `prefix<pid>-*` whose process no longer runs."""
    for folder in Path(tempfile.gettempdir()).glob(f"{prefix}*-*"):
        pid = folder.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove_if_mine(folder: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)
