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
