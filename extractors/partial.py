"""The raw archive's `.part` files: a body streamed into a temp file, hashed in the same pass and
made durable before it gets its name; and the removal of the parts whose writer died.

A `.part` is locked (flock) by the process writing it, so a new archive removes the ones whose
writer died without touching another process's download in progress.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import logging
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from .errors import StorageError

log = logging.getLogger("extractors.partial")

Body = bytes | bytearray | memoryview | BinaryIO | Iterable[bytes]

_CHUNK = 1 << 20
# A large body's pages go to disk as it streams in, so the fsync before its rename has little left
# to wait for, and the page cache never holds hundreds of MB of dirty pages (the kernel then throttles
# every writer on the machine: measured, a 325 MB body took 0.9 s to write that way, 0.26 s this way).
WRITEBACK_EVERY = 16 << 20


class PartialFile:
    """A temp file, locked (flock) while its writer lives, deleted unless the caller moved it away."""

    def __init__(self, directory: Path, storage_error: Callable[[OSError], StorageError]) -> None:
        self._directory = directory
        self._storage_error = storage_error

    def __enter__(self) -> tuple[BinaryIO, Path]:
        try:
            fd, self._path = locked_temp_file(self._directory)
        except OSError as exc:
            raise self._storage_error(exc) from exc
        self._file = os.fdopen(fd, "wb")
        return self._file, self._path

    def __exit__(self, *exc_info: object) -> None:
        # Unlink first, while the lock still stops a cleaner from racing us for the name.
        try:
            self._path.unlink(missing_ok=True)
        except OSError as exc:  # read-only now: the next archive opened removes it
            log.warning("could not remove %s: %s", self._path, exc)
        try:
            self._file.close()
        except OSError:
            pass  # a flush of bytes the disk already refused; that error is the one being raised


def locked_temp_file(directory: Path) -> tuple[int, Path]:
    # A cleaner may lock and delete a fresh .part in the instant before its writer locks it; the
    # writer then finds its name gone (or taken by another file) and starts over.
    for _ in range(5):
        fd, name = tempfile.mkstemp(dir=directory, suffix=".part")
        fcntl.flock(fd, fcntl.LOCK_EX)
        if names_this_file(Path(name), fd):
            return fd, Path(name)
        os.close(fd)
    raise OSError(f"could not create a locked temp file in {directory}")


def names_this_file(path: Path, fd: int) -> bool:
    try:
        on_disk, held = path.stat(), os.fstat(fd)
    except FileNotFoundError:
        return False
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


def remove_leftover_partials(partial_dir: Path) -> int:
    """Delete the .part files whose writer is gone (a killed download); returns how many.

    A live writer holds an flock on its .part (released by the kernel when the process dies),
    so a part this process can lock belongs to nobody. Never raises: cleaning is housekeeping."""
    removed = freed = 0
    try:
        parts = sorted(partial_dir.glob("*.part"))
    except OSError:
        return 0
    for part in parts:
        try:
            fd = os.open(part, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # gone already, or not ours to read
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if names_this_file(part, fd):
                size = os.fstat(fd).st_size
                part.unlink()  # while locked: see locked_temp_file
                removed, freed = removed + 1, freed + size
        except BlockingIOError:
            log.debug("%s is being written by a live process; left alone", part)
        except OSError as exc:
            log.warning("could not remove the leftover partial download %s: %s", part, exc)
        finally:
            os.close(fd)
    if removed:
        log.info("removed %d leftover partial download(s) (%d bytes) from %s", removed, freed, partial_dir)
    return removed


def copy_and_hash(body: Body, tmp: BinaryIO, storage_error: Callable[[OSError], StorageError]) -> tuple[str, int]:
    """Write and hash in one pass. Only the writes are guarded: the body's own errors (network
    errors are OSErrors too) must reach the caller as they are. `tmp` stays open, so its lock
    holds until the file has its final name."""
    size = flushed = 0
    writeback = True
    with Digest() as digest:
        for chunk in chunks(body):
            if not chunk:
                continue
            digest.update(chunk)
            try:
                tmp.write(chunk)
            except OSError as exc:
                raise storage_error(exc) from exc
            size += len(chunk)
            if writeback and size - flushed >= WRITEBACK_EVERY:
                writeback = _hand_to_disk(tmp, flushed, size, storage_error)
                flushed = size
        sha256 = digest.hexdigest()
    try:
        tmp.flush()
        os.fsync(tmp.fileno())  # the bytes must be durable before the file gets its final name
    except OSError as exc:
        raise storage_error(exc) from exc
    return sha256, size


class Digest:
    """sha256 of a body, hashed in a thread beside its writing from the second chunk on.

    hashlib releases the GIL, so a large body costs the slower of receiving-and-writing and hashing
    instead of their sum (measured: the 325 MB OEWS data file over a local mirror, 0.37 s -> 0.30 s).
    A body of one chunk is hashed in place. At most `depth` chunks wait for the hasher, so a slow
    hasher holds back the download instead of filling memory."""

    def __init__(self, depth: int = 8) -> None:
        self._sha = hashlib.sha256()
        self._depth = depth
        self._pool: ThreadPoolExecutor | None = None
        self._waiting: deque[Future[None]] = deque()
        self._chunks = 0

    def update(self, chunk: bytes | memoryview) -> None:
        self._chunks += 1
        if self._chunks == 1:
            self._sha.update(chunk)
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")
        while len(self._waiting) >= self._depth:
            self._waiting.popleft().result()
        # One worker: the chunks are hashed in the order they came.
        self._waiting.append(self._pool.submit(self._sha.update, chunk))

    def hexdigest(self) -> str:
        while self._waiting:
            self._waiting.popleft().result()
        return self._sha.hexdigest()

    def __enter__(self) -> Digest:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:  # on an error too: the hasher never outlives the download
            self._pool.shutdown(wait=True, cancel_futures=True)


def _hand_to_disk(tmp: BinaryIO, start: int, end: int, storage_error: Callable[[OSError], StorageError]) -> bool:
    """Start writing bytes [start, end) of `tmp` to disk; False when the filesystem refuses (not asked again)."""
    try:
        tmp.flush()
    except OSError as exc:
        raise storage_error(exc) from exc
    try:
        start_writeback(tmp.fileno(), start, end - start)
    except OSError as exc:  # only a hint: the fsync before the rename still makes the file durable
        log.debug("no early writeback for %s: %s", tmp.name, exc)
        return False
    return True


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Ask the kernel to start writing this range of the file to disk, without waiting for it
    (Linux's sync_file_range); nothing where the call does not exist. Durability still comes from
    the fsync: this only spreads its work over the download."""
    if _sync_file_range is None:
        return
    if _sync_file_range(fd, ctypes.c_int64(offset), ctypes.c_int64(length), _SYNC_FILE_RANGE_WRITE) != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))


def _load_sync_file_range() -> Callable[..., int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (AttributeError, OSError):
        return None
    function.restype = ctypes.c_int
    return function


_SYNC_FILE_RANGE_WRITE = 2
_sync_file_range = _load_sync_file_range()


def chunks(body: Body) -> Iterator[bytes | memoryview]:
    if isinstance(body, (bytes, bytearray, memoryview)):
        yield memoryview(body)  # hashed and written in place, never copied
    elif hasattr(body, "read"):
        yield from iter(lambda: body.read(_CHUNK), b"")
    else:
        yield from body
