"""Why a run stopped before doing its work, as typed errors; the CLI alone turns them into exit statuses.

Exit statuses of `bls-refresh run` (also listed in `--help` and the README):
"""

from __future__ import annotations

import errno

EXIT_OK = 0  # every source refreshed or was unchanged (also when partial: pages carried forward)
EXIT_SOURCE_FAILED = 1  # a source failed: the warehouse keeps its previous release, sheets untouched
EXIT_USAGE = 2  # a setting or the careers config is wrong: nothing was fetched
EXIT_NOT_PUBLISHED = 3  # the loads are committed, but the sheets (or articles) could not be published
EXIT_WAREHOUSE_UNREADABLE = 65  # the warehouse file is not a DuckDB database (corrupt)
EXIT_STORAGE = 74  # a disk is full or read-only: nothing was changed
EXIT_BUSY = 75  # another run, or another program writing the warehouse, holds it: nothing was changed
EXIT_TERMINATED = 143  # stopped by SIGTERM (128 + 15, as a shell reports it): the step under way was undone

EXIT_STATUSES = {
    EXIT_OK: "done (also when partial: some OOH pages missing or carried forward)",
    EXIT_SOURCE_FAILED: "a source failed; the warehouse keeps its previous release and the sheets stay",
    EXIT_USAGE: "a setting or the careers config is wrong; nothing was fetched",
    EXIT_NOT_PUBLISHED: "loads committed, but the sheets or articles were not published (the next run catches up)",
    EXIT_WAREHOUSE_UNREADABLE: "the warehouse file is corrupt; nothing was changed",
    EXIT_STORAGE: "a disk is full or read-only; nothing was changed",
    EXIT_BUSY: "another run or program holds the warehouse; nothing was changed",
    EXIT_TERMINATED: "stopped by SIGTERM; the step under way was undone, what was committed before it stays",
}


def exit_statuses_help() -> str:
    """The table for --help (\\b keeps click from re-wrapping it)."""
    lines = ["\b", "Exit status:"]
    lines += [f"  {status:>3}  {meaning}" for status, meaning in EXIT_STATUSES.items()]
    return "\n".join(lines)


class RunStopped(Exception):
    """The run stopped before changing anything; `exit_status` says why."""

    exit_status = EXIT_USAGE


class ConfigInvalid(RunStopped):
    exit_status = EXIT_USAGE


class WarehouseBusy(RunStopped):
    exit_status = EXIT_BUSY


class WarehouseUnreadable(RunStopped):
    exit_status = EXIT_WAREHOUSE_UNREADABLE


class StorageProblem(RunStopped):
    exit_status = EXIT_STORAGE


STORAGE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT}


def storage_advice(path: object, exc: OSError) -> str:
    """One line naming the path and what to do, for a full or read-only disk."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "the disk is full"
        todo = "free some space there, or point BLS_REFRESH_DATA_DIR (--data-dir) at a disk with room"
    else:
        what = "it is not writable (read-only disk or missing permission)"
        todo = "make it writable for this user, or point BLS_REFRESH_DATA_DIR (--data-dir) elsewhere"
    return f"cannot write {path}: {what} ({exc.strerror}); {todo}. Nothing was changed."


def find_storage_error(exc: BaseException) -> OSError | None:
    """The full-disk or read-only OSError behind an exception, following its causes."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in STORAGE_ERRNOS:
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
