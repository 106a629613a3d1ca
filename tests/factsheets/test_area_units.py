"""Area sheets published area by area (factsheets.area_units): each area's state in
.area-states/<folder>.json, an unchanged area skipped by the digest of its inputs, a changed figure
rewriting only the sheets it is on, an area no longer published withdrawn, and a set published
before per-area states taken over without rewriting a sheet. On the all-area slice of
tests/fixtures/oews-slice (29-2072 and 27-2011 in every area) with EP 2024-34: BLS's Texas median
for 29-2072 is $48,860."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from area_fixtures import MRS, read_only, warehouse_file
from site_fixtures import RUN2, reader_files

import warehouse
from factsheets.area_units import AREA_STATES
from factsheets.behind import sheets_behind
from factsheets.publish import area_batches, publish_sheets
from factsheets.state import STATE_FILE, read_state

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]  # whole-set publishes
RUN3 = {"refreshed_on": date(2026, 4, 1), "now": datetime(2026, 4, 1, 6, 0, tzinfo=UTC), "run_id": "apr"}


def real(folder: Path) -> Path:
    return Path(os.path.realpath(folder))


def inodes(folder: Path, under: str) -> dict[str, tuple[int, int]]:
    return {name: (p.stat().st_ino, p.stat().st_mtime_ns) for name, p in reader_files(folder, under).items()}


def test_the_set_state_keeps_no_area_sheet_and_each_area_keeps_its_own(tmp_path):
    out = tmp_path / "sheets"
    with read_only("slice") as con:
        result = publish_sheets(con, out_dir=out, areas=["TX", "CA"], **RUN2)
    state = json.loads((real(out) / STATE_FILE).read_text(encoding="utf-8"))
    assert not [slug for slug in state["sheets"] if slug.startswith("areas/")]
    assert sorted(state["area_sites"]) == ["ca", "tx"]
    tx = read_state((real(out) / AREA_STATES / "tx.json").read_bytes())
    assert tx is not None and sorted(tx["sheets"]) == ["areas/tx/27-2011-actors", f"areas/tx/{MRS}"]
    assert tx["sheets"][f"areas/tx/{MRS}"]["fields"]["median_salary"] == "$48,860 (2025)"
    assert {**tx["site"], "inputs": tx["inputs"]} == state["area_sites"]["tx"] and tx["site"]["listing"]["count"] == 2
    assert [loc for loc, _ in tx["site"]["pages"]] == [
        "areas/tx/index.html",
        "areas/tx/27-2011-actors.html",
        f"areas/tx/{MRS}.html",
    ]
    areas = ["areas/ca/27-2011-actors", f"areas/ca/{MRS}", "areas/tx/27-2011-actors", f"areas/tx/{MRS}"]
    assert sorted(s for s in result.written if s.startswith("areas/")) == areas


def test_a_changed_figure_rewrites_only_the_sheets_that_show_it(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_file("slice"), db)
    out = tmp_path / "sheets"
    with warehouse.connect(db, read_only=True) as con:
        publish_sheets(con, out_dir=out, areas="states", **RUN2)
    before = inodes(out, "areas")
    states_before = inodes(out, AREA_STATES)
    with warehouse.connect(db) as con:
        changed = con.execute(
            """UPDATE oews_estimates SET value = 48870 WHERE area_code = '4800000' AND soc_code = '29-2072'
               AND industry_code = '000000' AND measure = 'annual_median' AND value = 48860"""
        ).fetchone()
        assert changed == (1,)
    with warehouse.connect(db, read_only=True) as con:
        assert "the area sheets are not what the warehouse's area figures make" in sheets_behind(
            con, out, areas="states"
        )
        again = publish_sheets(con, out_dir=out, areas="states", **RUN3)
        assert sheets_behind(con, out, areas="states") is None
    assert f"areas/tx/{MRS}" in again.written and all(s.startswith("areas/tx/") for s in again.written)
    median = [c for c in again.changes if c.sheet == f"areas/tx/{MRS}" and c.field == "median_salary"]
    assert [(c.old, c.new) for c in median] == [("$48,860 (2025)", "$48,870 (2025)")]
    after = inodes(out, "areas")
    moved = {name for name in after if after[name] != before.get(name)}
    assert {f"areas/tx/{MRS}.{fmt}" for fmt in ("md", "html", "json")} <= moved
    assert all(name.startswith("areas/tx/") for name in moved)  # the other areas' files are the same inodes
    states_after = inodes(out, AREA_STATES)
    assert {n for n in states_after if states_after[n] != states_before[n]} == {f"{AREA_STATES}/tx.json"}


def test_an_area_no_longer_published_is_withdrawn_and_leaves_the_index(tmp_path):
    out = tmp_path / "sheets"
    with read_only("slice") as con:
        publish_sheets(con, out_dir=out, areas=["TX", "CA"], **RUN2)
        again = publish_sheets(con, out_dir=out, areas=["TX"], **RUN3)
        assert sheets_behind(con, out, areas=["TX"]) is None
    withdrawn = sorted(c.sheet for c in again.changes if c.kind == "withdrawn")
    assert withdrawn == ["areas/ca/27-2011-actors", f"areas/ca/{MRS}"]
    assert sorted(again.written) == ["27-2011-actors", MRS]  # they no longer link California's sheets
    ca = read_state((real(out) / AREA_STATES / "ca.json").read_bytes())
    assert ca is not None and all(entry["withdrawn"] for entry in ca["sheets"].values())
    manifest = json.loads((real(out) / "index.json").read_text(encoding="utf-8"))
    assert [a["folder"] for a in manifest["areas"]] == ["tx"]
    assert "areas/ca/" not in (real(out) / "sitemap.xml").read_text(encoding="utf-8")
    assert (real(out) / f"areas/ca/{MRS}.html").is_file()  # files left in place


def test_a_set_published_before_per_area_states_is_taken_over_without_rewriting_a_sheet(tmp_path):
    out = tmp_path / "sheets"
    with read_only("slice") as con:
        publish_sheets(con, out_dir=out, areas="all", **RUN2)
        version = real(out)
        # the layout of the set's state before per-area states: every area sheet's entry in it
        state = json.loads((version / STATE_FILE).read_text(encoding="utf-8"))
        for path in (version / AREA_STATES).iterdir():
            area = read_state(path.read_bytes())
            assert area is not None
            state["sheets"].update(area["sheets"])
        del state["area_sites"]
        (version / STATE_FILE).unlink()
        (version / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
        shutil.rmtree(version / AREA_STATES)
        site = {name: (version / name).read_bytes() for name in ("index.html", "index.json", "sitemap.xml")}
        before = inodes(out, "areas")
        again = publish_sheets(con, out_dir=out, areas="all", **RUN3)
    assert again.written == [] and again.changes == [] and again.unchanged == again.sheets
    assert inodes(out, "areas") == before
    now = real(out)
    assert {name: (now / name).read_bytes() for name in site} == site
    moved = json.loads((now / STATE_FILE).read_text(encoding="utf-8"))
    assert not [slug for slug in moved["sheets"] if slug.startswith("areas/")]
    assert len(list((now / AREA_STATES).iterdir())) == len(moved["area_sites"]) > 50


def test_area_batches_keep_whole_areas_together_up_to_the_batch_size():
    units = {"AL": 700, "AK": 300, "AZ": 600, "0019100": 50, "0026420": 40}
    assert area_batches(units, 900) == [
        [("areas", "AL"), ("areas", "AK")],
        [("areas", "AZ"), ("areas", "0019100"), ("areas", "0026420")],
    ]
    assert area_batches(units, 1) == [[("areas", key)] for key in units]
    assert area_batches({}, 100) == []
