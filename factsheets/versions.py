"""A folder published whole: whatever stops a publish (SIGKILL, a full disk), a reader of the folder
finds either the old set of files or the new one, never a mix.

    DATA_DIR/sheets -> .sheets-versions/20260301T060000123456Z-<run>   (a relative symlink; UTC time)
    DATA_DIR/.sheets-versions/.lock                                 (one publisher at a time)

A publish builds the next version beside the published one: every file of the published version is
hard-linked into it (unchanged files keep their bytes, inode and mtime), then each changed file is
written as a new file in its place. A file is never written through a link: the entry is unlinked
first and the new file created with O_EXCL, so the published version's inodes are never opened for
writing. Then the new files are flushed to disk, the folder is switched with one `os.replace` of a
temporary symlink (the commit point), and versions other than the new and the previous one are
removed (the previous one stays for readers that resolved the folder just before the switch). A
publish stopped before the switch leaves the folder as it was; the next publish removes its
half-built version (`<name>.partial`).

A folder of tens of thousands of files that change together (the area sheets of one area) is a
unit, kept out of the per-file links: the version holds one relative symlink for it,

    <version>/areas/tx -> ../../.areas/tx-<version that wrote it>

to a folder of the store `.areas/` in the versions' root, written by one publish and never modified
after. A publish leaves an unchanged unit's symlink as the clone made it (one symlink, nothing to
remove later); a unit with a changed file gets a new folder in the store, made of hard links to the
published unit's files (unchanged files keep their inode and mtime) and the new files, and its
symlink points there (factsheets.version_units.UnitBuild). A unit folder no version in the root
links to (one whose versions were removed, or one a stopped publish wrote) is removed by the next
publish. (A folder is named for the publish that wrote it, not for its content: a sheet's bytes
depend on its history, the date its content last changed, not on its inputs alone.)

A reader wanting one consistent set resolves the folder once (`os.path.realpath`, or opens it as a
directory) and reads relative to that: the unit folders a version links to stay while it does.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock

log = logging.getLogger(__name__)

LEGACY = "legacy"  # suffix of the version an existing real folder becomes
PARTIAL = ".partial"  # suffix of a version being built

Hook = Callable[[str], None]


class SheetsPublishError(RuntimeError):
    """The sheets could not be written (disk full, read-only, no permission); the published set is
    unchanged. Names the path and what to do."""

    def __init__(self, path: Path | str, problem: str, advice: str):
        self.path, self.problem, self.advice = str(path), problem, advice
        super().__init__(f"cannot publish the sheets: {path}: {problem}; {advice}")


_ADVICE = {
    errno.ENOSPC: ("the disk is full", "free space on that filesystem, then run `bls-refresh sheets`"),
    errno.EDQUOT: ("the disk quota is exceeded", "free space or raise the quota, then run `bls-refresh sheets`"),
    errno.EROFS: (
        "the filesystem is read-only",
        "remount it read-write or point --data-dir (BLS_REFRESH_DATA_DIR) at a writable folder",
    ),
    errno.EACCES: ("permission denied", "let the user running bls-refresh write there, or choose another folder"),
    errno.EPERM: ("operation not permitted", "let the user running bls-refresh write there, or choose another folder"),
}


def publish_error(exc: OSError, fallback: Path) -> SheetsPublishError:
    problem, advice = _ADVICE.get(
        exc.errno or 0, (exc.strerror or str(exc), "fix the cause, then run `bls-refresh sheets`")
    )
    return SheetsPublishError(exc.filename or fallback, problem, advice + " (the published sheets are unchanged)")


def sync_files(folder: Path, written: list[Path]) -> None:
    """Flush the new files before anything points at them: one syncfs(2) for the filesystem (a
    publish creates thousands of files; one fsync each costs ~1.5 ms), else an fsync per file."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
        if syncfs is not None and syncfs(fd) == 0:
            return
        for path in written:
            file_fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(file_fd)
            finally:
                os.close(file_fd)
        os.fsync(fd)
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where it is unsupported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class VersionBuild:
    """The next version of the folder, being built; invisible to readers until the switch."""

    def __init__(self, staging: Path, current: Path | None, hook: Hook, *, made: bool = True):
        """`made`: whether the folder `staging` exists yet (a unit's is made at its first write)."""
        self.staging, self.current, self.hook = staging, current, hook
        self.linked = current is not None  # its files may be links to the published version's
        self.written: list[Path] = []
        # names resolve from the open folder: fewer lookups
        self._dir = os.open(staging, os.O_RDONLY | os.O_DIRECTORY) if made else None
        self._queue: queue.Queue[tuple[str, bytes] | None] = queue.Queue(maxsize=512)
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None

    @classmethod
    def reopen(cls, staging: Path, *, has_current: bool) -> VersionBuild:
        """The version being built, opened by another process (a render worker) to write its share of
        the files with the same rules. That process flushes what it wrote (sync_files) when it is not
        on the publishing host, whose sync at the seal covers only its own filesystem's cache."""
        build = cls(Path(staging), None, lambda step: None)
        build.linked = has_current
        return build

    def _local(self, name: str) -> str:
        """`name` (relative to the version) relative to the folder this build writes."""
        return name

    def _prepare(self) -> None:
        """Before the first file is written (a unit's folder is made then)."""

    def exists(self, name: str) -> bool:
        if self._dir is None:
            return False
        try:
            os.stat(self._local(name), dir_fd=self._dir)
        except FileNotFoundError:
            return False
        return True

    def read(self, name: str) -> bytes | None:
        """A file of the published version (None when absent)."""
        return self._read(self._local(name))

    def _read(self, local: str) -> bytes | None:
        if self._dir is None:
            return None
        try:
            fd = os.open(local, os.O_RDONLY, dir_fd=self._dir)
        except FileNotFoundError:
            return None
        with os.fdopen(fd, "rb") as file:
            return file.read()

    def names(self) -> list[str]:
        """The entries of the new version's top folder (the published version's, and those written)."""
        return os.listdir(self._dir) if self._dir is not None else []

    def remove(self, name: str) -> None:
        """Takes `name` out of the new version; the published version keeps it for its readers."""
        if self._dir is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._local(name), dir_fd=self._dir)

    def _holds(self, local: str, data: bytes) -> bool:
        try:
            return os.stat(local, dir_fd=self._dir).st_size == len(data) and self._read(local) == data
        except FileNotFoundError:
            return False

    def write(self, name: str, data: bytes) -> bool:
        """Put `data` at `name` in the new version; False (and nothing written) when the published
        file already holds exactly these bytes, so it keeps its inode and mtime."""
        local = self._local(name)
        if self.linked and self._holds(local, data):
            return False
        self._prepare()
        assert self._dir is not None
        if self.linked:
            try:
                os.unlink(local, dir_fd=self._dir)  # the link to the published file goes, its inode is never written
            except FileNotFoundError:
                pass
        self.hook("write")
        fd = os.open(local, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=self._dir)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        self.written.append(self.staging / local)
        return True

    def put(self, name: str, data: bytes) -> None:
        """write() on a background thread: the next sheet renders while this file is created (file
        creation waits on the filesystem more than it computes). An error surfaces at the next put
        or at finish()."""
        self._raise()
        self._prepare()  # here, not on the writer thread: reads meanwhile see one folder
        if self._writer is None:
            self._writer = threading.Thread(target=self._drain, name="sheets-writer", daemon=True)
            self._writer.start()
        self._queue.put((name, data))

    def _drain(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self.write(*item)
                except BaseException as exc:
                    self._error = exc

    def finish(self) -> None:
        """Wait for the background writes; raise the first error one of them met."""
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
            self._writer = None
        self._raise()

    def close(self) -> None:
        try:
            self.finish()
        except BaseException:
            pass
        if self._dir is not None:
            os.close(self._dir)
            self._dir = None

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def mkdir(self, name: str) -> Path:
        path = self.staging / name
        path.mkdir(exist_ok=True)
        return path


class VersionedFolder:
    """`path` published as a symlink to one of the versions in `.<name>-versions/` beside it."""

    def __init__(self, path: Path, *, hook: Hook | None = None, units: tuple[str, ...] = ()):
        """`units`: folders whose subfolders are units (see the module's text); a published version
        holding them as real folders (an older layout) has them moved to the store by the clone."""
        self.path = Path(path).absolute()
        self.root = self.path.parent / f".{self.path.name}-versions"
        self.hook: Hook = hook or (lambda step: None)
        self.units = units

    def current(self) -> Path | None:
        """The published version (None before the first publish)."""
        if self.path.is_symlink():
            target = self.path.parent / os.readlink(self.path)
            if target.parent.resolve() != self.root.resolve():
                raise SheetsPublishError(
                    self.path,
                    f"it is a symlink to {target}, which bls-refresh did not make",
                    "point the sheets folder (--out, or BLS_REFRESH_SHEETS_DIR) at a path bls-refresh may manage",
                )
            return target if target.is_dir() else None
        return None

    @contextmanager
    def publishing(self, name: str) -> Iterator[VersionBuild]:
        """Build the next version in the body; switch to it when the body returns. On any error or
        interruption before the switch the published folder is unchanged."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.root / ".lock"))
            lock.acquire()
        except OSError as exc:
            raise publish_error(exc, self.root) from exc
        staging: Path | None = None
        committed = False
        try:
            current = self._adopt_existing()
            self._remove_unfinished()
            staging = self._new_version_path(name)
            self.hook("clone")
            staging.mkdir()
            if current is not None:
                link_tree(current, staging)  # every published file, as a hard link
            self._store_units(staging)
            build = VersionBuild(staging, current, self.hook)
            try:
                yield build
                build.finish()
            finally:
                build.close()
            self.hook("sync")
            sync_files(staging, build.written)
            self.hook("seal")
            sealed = staging.with_suffix("")
            os.rename(staging, sealed)
            staging = build.staging = sealed
            _fsync_dir(self.root)
            self.hook("switch")
            self._switch(staging)
            committed = True
            self._after_switch(keep={staging, current})
        except OSError as exc:
            raise publish_error(exc, staging or self.path) from exc
        finally:
            if not committed and staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
                try:
                    self._remove_unlinked_units()  # what this build wrote there (else the next publish does)
                except OSError:
                    pass
            lock.release()

    # ---- steps ----

    def _adopt_existing(self) -> Path | None:
        """The published version, converting a real folder from an older install first."""
        current = self.current()
        if current is not None or self.path.is_symlink():
            return current
        if self.path.is_dir():
            legacy = self.root / version_name(datetime.now(UTC), LEGACY)
            self.hook("convert")
            # The symlink is made where the folder goes and the two swap places in one renameat2
            # RENAME_EXCHANGE: readers see the real folder, then the symlink to the same files.
            os.symlink(os.path.relpath(legacy, self.path.parent), legacy)
            if not _exchange(self.path, legacy):
                # Not atomic, the one step that is not (a kernel or filesystem without
                # RENAME_EXCHANGE): rename(2) puts a symlink over a symlink or a file, never over a
                # folder, so the folder moves aside and the symlink then takes its name. Between the
                # two renames the folder is absent, never mixed; a publish killed there finds it
                # missing and links the moved folder back (below).
                legacy.unlink()
                os.rename(self.path, legacy)
                self.hook("convert-link")
                self._switch(legacy)
            _fsync_dir(self.path.parent)
            _fsync_dir(self.root)
            return legacy
        if not self.path.exists():
            moved = sorted(p for p in self.root.glob(f"*-{LEGACY}") if p.is_dir())  # time-stamped names
            if moved:
                log.warning("sheets folder %s was missing after a conversion; restored from %s", self.path, moved[-1])
                self._switch(moved[-1])
                return moved[-1]
        return None

    def _remove_unfinished(self) -> None:
        """Versions a stopped publish left half-built (and a conversion's symlink never swapped in), and
        the unit folders only they linked to."""
        for version in self.root.glob(f"*{PARTIAL}"):
            shutil.rmtree(version)
        for leftover in self.root.iterdir():
            if leftover.is_symlink():
                leftover.unlink()
        self._remove_unlinked_units()

    def _store_units(self, staging: Path) -> None:
        """Unit folders the clone made as real folders (a version of the older layout: one hard link
        per file) move to the store, each in one rename, and the version links to them."""
        for parent in self.units:
            folder = staging / parent
            if not folder.is_dir():
                continue
            store = self.root / f".{parent}"
            for entry in list(os.scandir(folder)):
                if entry.is_dir(follow_symlinks=False):
                    target = unit_folder(store, entry.name, staging)
                    os.rename(entry.path, target)
                    os.symlink(os.path.relpath(target, folder), entry.path)

    def _remove_unlinked_units(self) -> None:
        """Unit folders of the store (`.<parent>/` in the root) no version in the root links to."""
        versions = [v for v in self.root.iterdir() if not v.name.startswith(".") and v.is_dir()]
        for store in [s for s in self.root.iterdir() if s.name.startswith(".") and s.is_dir()]:
            linked: set[str] = set()
            for version in versions:
                try:
                    entries = list(os.scandir(version / store.name[1:]))
                except FileNotFoundError:
                    continue
                linked.update(Path(os.readlink(e.path)).name for e in entries if e.is_symlink())
            for unit in store.iterdir():
                if unit.name not in linked:
                    shutil.rmtree(unit)

    def _new_version_path(self, name: str) -> Path:
        """Where the next version is built: `<name>.partial`, renamed to `<name>` once complete."""
        n, candidate = 1, name
        while (self.root / candidate).exists() or (self.root / f"{candidate}{PARTIAL}").exists():
            n += 1
            candidate = f"{name}-{n}"
        return self.root / f"{candidate}{PARTIAL}"

    def _switch(self, version: Path) -> None:
        link = self.path.parent / f".{self.path.name}.switch-{os.getpid()}"
        link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(version, self.path.parent), link)
        os.replace(link, self.path)
        _fsync_dir(self.path.parent)

    def _after_switch(self, keep: set[Path | None]) -> None:
        """Versions other than the new and the previous one go (also one sealed but never switched
        to); a failure here is after the commit point, so it only waits for the next publish."""
        try:
            self.hook("cleanup")
            self._remove_versions(keep)
            self._remove_unlinked_units()
        except Exception as exc:
            log.warning("old sheet versions in %s not removed yet (%s); the next publish retries", self.root, exc)

    def _remove_versions(self, keep: set[Path | None]) -> None:
        for version in self.root.iterdir():
            if version.is_dir() and version not in keep and not version.name.startswith("."):  # .<parent>: stores
                shutil.rmtree(version)


def unit_folder(store: Path, name: str, version: Path) -> Path:
    """A path in the store (made if missing) that no folder has, for unit `name` written by `version`:
    `<name>-<version>`, numbered when taken (each is written once, by one publish)."""
    store.mkdir(exist_ok=True)
    base = store / f"{name}-{version.name.removesuffix(PARTIAL)}"
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder


def link_tree(source: Path, target: Path) -> None:
    """Hard links in the existing folder `target` to every file of `source`, its symlinks (units)
    copied as they are, its folders made anew."""
    # names resolved from open folders, not whole paths: a set with area sheets is >100,000 files
    folders = []
    src, dst = os.open(source, os.O_RDONLY | os.O_DIRECTORY), os.open(target, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with os.scandir(src) as entries:
            for entry in entries:
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.name, dir_fd=src), entry.name, dir_fd=dst)
                elif entry.is_dir():
                    folders.append(entry.name)
                else:
                    os.link(entry.name, entry.name, src_dir_fd=src, dst_dir_fd=dst, follow_symlinks=False)
    finally:
        os.close(src)
        os.close(dst)
    for name in folders:
        (target / name).mkdir()
        link_tree(source / name, target / name)


def version_name(now: datetime, run: str | None) -> str:
    """`<UTC time>-<run>`: names sort in publishing order."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in (run or f"pid{os.getpid()}"))[:40]
    return f"{now:%Y%m%dT%H%M%S%fZ}-{safe}"


__all__ = [
    "SheetsPublishError",
    "VersionBuild",
    "VersionedFolder",
    "link_tree",
    "sync_files",
    "unit_folder",
    "version_name",
]
