"""What the benches share: the repository on sys.path, one core, a warehouse to read, timed night steps.

Each bench runs as a script (`.venv/bin/python bench/bench_x.py`), so this folder is on sys.path and
`import bench_common` finds this module; importing it puts the repository and tests/ (the fixtures the
benches build their warehouses with) on sys.path too.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path[1:1] = [str(REPO), str(REPO / "tests")]


def warehouse_arguments(description: str | None) -> argparse.ArgumentParser:
    """The options of a bench that reads a warehouse: --db (or build one) and --repeat."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="an existing warehouse (default: build one from ../shared)")
    parser.add_argument("--repeat", type=int, default=3)
    return parser


def pin_to_one_cpu() -> None:
    """Run on the first CPU only: one-core figures do not depend on what else the machine runs."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def open_one_thread(db: Path | None, work: Path, build: Callable[[Path], object]) -> Any:
    """A read-only connection on one DuckDB thread to `db`, or to a warehouse `build` makes in work (not timed)."""
    import warehouse

    if db is None:
        db = work / "warehouse.duckdb"
        print("building a warehouse from ../shared (not timed) ...", flush=True)
        build(db)
    con = warehouse.connect(db, read_only=True)
    con.execute("SET threads = 1")
    return con


def work_filesystem(path: Path) -> dict[str, Any]:
    """The filesystem a bench writes its runs to (from /proc/self/mountinfo), and whether file creation
    there is slowed by recent deletions. On ext4 without a journal (this VM's root filesystem) every new
    inode is picked by skipping each free inode of the group deleted in the last 5 s (305 s while its
    inode-table block is dirty): after a few thousand deletions, each create costs ~0.8 ms of kernel
    CPU instead of ~30 us, which makes a publish of thousands of sheets seconds slower and noisy. Set
    TMPDIR to a journaled filesystem (or tmpfs) for publish figures that measure our code."""
    target = os.path.realpath(path)
    best: dict[str, Any] = {}
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return {"path": target}
    for line in lines:
        fields = line.split()
        mount = fields[4]
        dash = fields.index("-")  # the optional fields end here; the filesystem type and source follow
        fstype, device = fields[dash + 1 : dash + 3]
        inside = target == mount or target.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best.get("mount", "")):
            best = {"path": target, "mount": mount, "type": fstype, "device": device}
    if best.get("type") == "ext4":
        name = os.path.basename(os.path.realpath(best["device"]))
        best["journal"] = Path(f"/proc/fs/jbd2/{name}-8").exists()
        best["slow_creates_after_deletes"] = not best["journal"]
    return best


def warn_about_filesystem(path: Path) -> dict[str, Any]:
    """work_filesystem(path), printed, with a warning when its file creation is skewed by deletions."""
    fs = work_filesystem(path)
    print(f"runs write to {fs.get('mount', '?')} ({fs.get('type', '?')} on {fs.get('device', '?')})", flush=True)
    if fs.get("slow_creates_after_deletes"):
        print(
            "  warning: ext4 without a journal: creating files soon after deleting others can be up to ~30x slower here, "
            "so publish times are inflated and noisy; set TMPDIR to a journaled filesystem or tmpfs",
            flush=True,
        )
    return fs
