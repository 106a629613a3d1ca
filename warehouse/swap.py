"""Refresh beside the readers: build the next warehouse in a staged file, then swap it in atomically.

DuckDB lets many processes read a file (shared lock) or one process write it (exclusive lock),
never both. Analysts keep read-only connections open for hours, so the nightly run never opens
the live file for writing:

1. `staged_warehouse(path)` copies the live file to `<name>.next.duckdb` (a plain file copy, a
   few hundred MB/s; the live file is only read) and yields a writable, migrated connection to
   the copy. All loads of the night go there, each release in its own transaction as usual.
2. On success the copy is checkpointed (no WAL left), closed, fsynced and `os.replace`d over the
   live path: one atomic rename on POSIX. A reader that had the old file open keeps reading the
   old inode (the old release, consistent) until it reconnects; a new connection opens the new
   file. Nobody ever sees a half-loaded release, and nobody waits for anybody.
3. On failure (any exception out of the block) the staged copy is deleted; the live file was
   never touched.

Cost: the copy is paid only on nights that load something: check what is already loaded with a
read-only connection first, and stage only when a source has new bytes. `NightlyWarehouse` does
exactly that for the flow (reads on a read-only connection, the first write starts the staging,
one swap at the end);
The old file's disk space is freed when its last reader disconnects.

Caveats: POSIX rename semantics (Linux, macOS); on Windows a file open by a reader cannot be
replaced. Within one process DuckDB caches open databases by path: a process that still holds a
connection to the old file gets that same old database from `duckdb.connect(path)`, so "reconnect"
means closing every connection of that process to the file first. Only one staging at a time per
warehouse (a lock file `<name>.next.lock` makes a second one fail fast).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb

from warehouse.db import connect


class StagingError(RuntimeError):
    """The staged warehouse could not be prepared or swapped in; the live warehouse is unchanged."""


class WarehouseHeld(RuntimeError):
    """Another process has the warehouse open for writing (e.g. the DuckDB CLI without -readonly)."""

    def __init__(self, path: Path, pid: int | None, program: str | None):
        self.path, self.pid, self.program = path, pid, program
        holder = f"PID {pid} ({program})" if pid else "another process"
        super().__init__(
            f"{path} is open for writing by {holder}; close that connection, or open the warehouse read-only "
            f"(duckdb -readonly {path}, duckdb.connect(path, read_only=True)), then run again. Nothing was changed."
        )


class WarehouseCorrupt(RuntimeError):
    """The warehouse file is not a readable DuckDB database."""

    def __init__(self, path: Path, detail: str):
        self.path = path
        super().__init__(
            f"{path} is not a readable DuckDB warehouse ({detail}). Move it aside and run again to rebuild it "
            "from the raw archive (bls-refresh run --replay, then backfill older releases), or restore a backup. "
            "Nothing was changed."
        )


_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def check_readable(path: Path | str) -> None:
    """Raise WarehouseHeld or WarehouseCorrupt when a nightly run could not read `path` beside others.

    Readers share the file; one writer excludes everyone. A missing file is fine (the first run creates it).
    """
    path = Path(path)
    if not path.exists():
        return
    try:
        open_reader(path).close()
    except duckdb.IOException as exc:
        held = _LOCK_HOLDER.search(str(exc))
        if held:
            raise WarehouseHeld(path, int(held["pid"]), held["program"]) from None
        if "lock" in str(exc).lower():
            raise WarehouseHeld(path, None, None) from None
        raise WarehouseCorrupt(path, _first_line(exc)) from None
    except duckdb.Error as exc:
        raise WarehouseCorrupt(path, _first_line(exc)) from None


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def staged_path(path: Path | str) -> Path:
    """Where the next warehouse is built: warehouse.duckdb -> warehouse.next.duckdb."""
    return Path(path).with_suffix(".next.duckdb")


def wal_path(path: Path | str) -> Path:
    return Path(f"{path}.wal")


def _lock_path(path: Path) -> Path:
    return path.with_suffix(".next.lock")


@contextmanager
def staged_warehouse(path: Path | str, keep: Callable[[], bool] = lambda: True) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a writable connection to a copy of the warehouse at `path`; swap it in on success,
    unless `keep()` then says the copy holds nothing worth swapping in (it is deleted instead).

    The copy is migrated on open (warehouse.connect), so a new migration reaches readers
    together with the data, atomically. A warehouse that does not exist yet is created the same
    way (the first swap creates the file).
    """
    path = Path(path)
    staged = staged_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(_lock_path(path), path):
        _remove(staged)
        try:
            _seed(path, staged)
            con = connect(staged)
        except BaseException:
            _remove(staged)
            raise
        try:
            yield con
            kept = keep()
            if kept:
                con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            _remove(staged)
            raise
        con.close()
        if not kept:
            _remove(staged)
            return
        try:
            if wal_path(staged).exists():
                raise StagingError(f"{staged} still has a write-ahead log after its checkpoint; not swapped in")
            _fsync(staged)
            os.replace(staged, path)
            _fsync(path.parent)
        except BaseException:
            _remove(staged)
            raise


def open_reader(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse file as it is now.

    The file is attached into a private in-memory DuckDB rather than opened with
    duckdb.connect(path): DuckDB hands a process its already-open database for a path it has open,
    which after a swap would be the old file; an ATTACH always opens the current one.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `bls-refresh run` first")
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS warehouse (READ_ONLY)", [str(path)])
        con.execute("USE warehouse")
    except BaseException:
        con.close()
        raise
    return con


class NightlyWarehouse:
    """The nightly run's handle on the warehouse: reads beside the analysts, writes staged, one swap.

        with NightlyWarehouse(path) as wh:
            loaded = release_with_sha(wh.reader(), source, sha)    # read-only, blocks nobody
            ...
            load_release(wh.writer(), record, frames)              # first call copies the file
        # leaving the block swaps the staged copy in (once), or deletes it after an exception

    reader() answers from the live file until something was written this run, then from the staged
    copy (so checks after a load see it). A run that never calls writer() copies nothing and leaves
    the file as it was: a no-op night costs a read-only open. Before the first run there is no live
    file: reader() answers from the staged one, created empty (every release is new), which the
    swap turns into the warehouse if writer() was called, and which is deleted otherwise.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._stack = ExitStack()
        self._staged: duckdb.DuckDBPyConnection | None = None
        self._reader: duckdb.DuckDBPyConnection | None = None
        self._written = False
        self.swapped = False

    def reader(self) -> duckdb.DuckDBPyConnection:
        if self._staged is not None:
            return self._staged
        if self._reader is None:
            if not self.path.exists():
                # The night that loads builds this file anyway: a throwaway warehouse would be built twice.
                return self._stage()
            self._reader = open_reader(self.path)
        return self._reader

    def writer(self) -> duckdb.DuckDBPyConnection:
        self._written = True
        return self._stage()

    def _stage(self) -> duckdb.DuckDBPyConnection:
        if self._staged is None:
            self._close_reader()
            self._staged = self._stack.enter_context(staged_warehouse(self.path, keep=lambda: self._written))
        return self._staged

    @property
    def staging(self) -> bool:
        return self._written

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def __enter__(self) -> NightlyWarehouse:
        return self

    def __exit__(self, *exc_info) -> bool | None:
        self._close_reader()
        staged, self._staged = self._staged, None
        suppressed = self._stack.__exit__(*exc_info)
        self.swapped = staged is not None and self._written and exc_info[0] is None
        return suppressed


def _seed(path: Path, staged: Path) -> None:
    """Start the staged file from the live one (nothing to copy when there is no live file yet)."""
    if not path.exists():
        return
    if wal_path(path).exists():
        _checkpoint_live(path)
    shutil.copyfile(path, staged)


def _checkpoint_live(path: Path) -> None:
    """Fold a write-ahead log left next to the live file (a writer that bypassed staging, or one
    that crashed) into it, so that the copy is complete and no stale log outlives the swap."""
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        raise StagingError(
            f"{path} has a write-ahead log ({wal_path(path).name}) left by a writer that did not go "
            f"through staging, and it cannot be checkpointed while it is open elsewhere ({exc}). "
            "Close the connections to it and run again."
        ) from exc
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if wal_path(path).exists():
        raise StagingError(f"{path}: its write-ahead log survived a checkpoint; not copying it")


@contextmanager
def _exclusive(lock: Path, warehouse: Path) -> Iterator[None]:
    with open(lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise StagingError(
                    f"another refresh is staging the next {warehouse} now ({lock} is locked); nothing was changed"
                ) from None
            raise
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove(staged: Path) -> None:
    for file in (staged, wal_path(staged)):
        try:
            file.unlink()
        except FileNotFoundError:
            pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
