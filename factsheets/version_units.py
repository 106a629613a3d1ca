"""A unit folder of the version being built (factsheets.versions): the folder `<parent>/<name>` of the
version, a symlink to a folder of the store `.<parent>/` in the versions' root, which one publish
writes and none modifies after. The area sheets of one area are a unit (factsheets.area_units).
"""

from __future__ import annotations

import os
import shutil

from factsheets.versions import VersionBuild, link_tree, unit_folder


class UnitBuild(VersionBuild):
    """One unit folder of the version being built. Until its first written file, names resolve in the
    published unit folder (the one the version's symlink, cloned from the published version, points
    to); the first write makes a new folder in the store, hard links to the published one's files."""

    def __init__(self, version: VersionBuild, parent: str, name: str):
        self.version, self.prefix = version, f"{parent}/{name}/"
        self.link = version.staging / parent / name
        self.store, self.name = version.staging.parent / f".{parent}", name
        self.made = False
        published = self.link if self.link.is_dir() else None  # through the symlink the clone copied
        super().__init__(published or self.link, published, version.hook, made=published is not None)

    def _local(self, name: str) -> str:
        if not name.startswith(self.prefix):
            raise ValueError(f"{name!r} is not in the unit {self.prefix}")
        return name[len(self.prefix) :]

    def _prepare(self) -> None:
        if self.made:
            return
        folder = unit_folder(self.store, self.name, self.version.staging)
        folder.mkdir()  # never an existing folder: each is written by one publish, once
        if self.current is not None:
            link_tree(self.current, folder)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        if self._dir is not None:
            os.close(self._dir)
        self._dir, self.staging, self.made = fd, folder, True

    def commit(self) -> bool:
        """After the unit's last write: the version links to the unit's new folder (True), or still
        to the published one when no file changed (False)."""
        self.finish()
        if not self.made:
            return False
        if self.link.is_symlink() or self.link.is_file():
            self.link.unlink()
        elif self.link.is_dir():  # a unit folder of the older layout, in the version being built
            shutil.rmtree(self.link)
        os.symlink(os.path.relpath(self.staging, self.link.parent), self.link)
        # flushed with the version (sync_files): the new files, the folders naming them, the symlink
        self.version.written += [*self.written, self.staging, self.store, self.link.parent]
        return True


__all__ = ["UnitBuild"]
