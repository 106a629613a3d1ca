"""Each area's sheets in a folder of its own, outside the per-file links of a version
(factsheets.versions' units): a version holds one symlink per area, `areas/<folder> ->
../../.areas/<folder>-<version>`, to a folder written once and never modified. An unchanged area
keeps its folder (same symlink target, same inodes); a changed one gets a new folder, and the old one
goes once no kept version links to it; a publish killed mid-way leaves the published set as it was
and the next publish removes what it wrote; a withdrawn area's files stay; a set published with one
folder of hard links per area is taken over; a static HTTP server serves the sheets through the
links. On the all-area slice of tests/fixtures/oews-slice with EP 2024-34 (Texas 29-2072: $48,860)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from area_fixtures import ACTORS, MRS, read_only, warehouse_file
from bls_files import REPO
from site_fixtures import RUN2, digest, reader_files

import warehouse
from factsheets.publish import publish_sheets

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]  # whole-set publishes
RUN3 = {"refreshed_on": date(2026, 4, 1), "now": datetime(2026, 4, 1, 6, 0, tzinfo=UTC), "run_id": "apr"}
RUN4 = {"refreshed_on": date(2026, 5, 1), "now": datetime(2026, 5, 1, 6, 0, tzinfo=UTC), "run_id": "may"}
AREAS = ["TX", "CA", "WY"]


def real(folder: Path) -> Path:
    return Path(os.path.realpath(folder))


def links(out: Path) -> dict[str, str]:
    """area folder -> the target of its symlink in the published version."""
    areas = real(out) / "areas"
    return {entry.name: os.readlink(entry.path) for entry in os.scandir(areas)}


def store(out: Path) -> list[str]:
    return sorted(os.listdir(out.parent / ".sheets-versions" / ".areas"))


def inodes(out: Path, under: str = "areas") -> dict[str, tuple[int, int]]:
    return {name: (p.stat().st_ino, p.stat().st_mtime_ns) for name, p in reader_files(out, under).items()}


def versions(out: Path) -> list[str]:
    root = out.parent / ".sheets-versions"
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def copy_site(source: Path, target: Path) -> Path:
    """A published site (the sheets symlink, its versions and area folders), bytes and mtimes kept."""
    shutil.copytree(source.parent, target, symlinks=True, copy_function=shutil.copy2)
    return target / "sheets"


def change_texas_median(db: Path) -> None:
    with warehouse.connect(db) as con:
        changed = con.execute(
            """UPDATE oews_estimates SET value = 48870 WHERE area_code = '4800000' AND soc_code = '29-2072'
               AND industry_code = '000000' AND measure = 'annual_median' AND value = 48860"""
        ).fetchone()
        assert changed == (1,)


@pytest.fixture
def changed_db(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_file("slice"), db)
    return db


def test_a_version_links_one_folder_per_area_and_an_unchanged_area_keeps_it(tmp_path):
    out = tmp_path / "sheets"
    with read_only("slice") as con:
        publish_sheets(con, out_dir=out, areas=AREAS, **RUN2)
        first, files = links(out), inodes(out)
        again = publish_sheets(con, out_dir=out, areas=AREAS, **RUN3)
    assert first == {f: f"../../.areas/{f}-20260301T060000000000Z-mar" for f in ("tx", "ca", "wy")}
    assert (real(out) / f"areas/tx/{MRS}.html").is_file() and not (real(out) / "areas/tx").resolve().is_symlink()
    assert again.written == [] and links(out) == first and inodes(out) == files
    assert len(files) > 1000  # Wyoming has every occupation
    assert store(out) == sorted(target.rsplit("/", 1)[1] for target in first.values())
    # the version holds one entry per area, not one per file
    assert sum(len(names) for _, _, names in os.walk(real(out) / "areas")) == 0


def test_a_changed_area_gets_a_new_folder_and_the_old_one_goes_once_no_kept_version_links_it(changed_db, tmp_path):
    out = tmp_path / "sheets"
    with warehouse.connect(changed_db, read_only=True) as con:
        publish_sheets(con, out_dir=out, areas=AREAS, **RUN2)
    before, files = links(out), inodes(out)
    change_texas_median(changed_db)
    with warehouse.connect(changed_db, read_only=True) as con:
        changed = publish_sheets(con, out_dir=out, areas=AREAS, **RUN3)
        after, moved = links(out), inodes(out)
        assert sorted(changed.written) == [f"areas/tx/{MRS}"]
        assert after == {**before, "tx": "../../.areas/tx-20260401T060000000000Z-apr"}
        # the new folder: the changed sheet's files and the index written anew, the others the same inodes
        anew = {name for name in moved if moved[name] != files.get(name)}
        assert anew == {f"areas/tx/{MRS}.{fmt}" for fmt in ("md", "html", "json")} | {
            "areas/tx/index.html",
            "areas/tx/index.json",
        }
        assert moved[f"areas/tx/{ACTORS}.html"] == files[f"areas/tx/{ACTORS}.html"]
        # the previous version (kept for readers that resolved it before the switch) still links the old one
        assert store(out) == sorted(t.rsplit("/", 1)[1] for t in {*before.values(), after["tx"]})
        old_tx = out.parent / ".sheets-versions" / ".areas" / before["tx"].rsplit("/", 1)[1]
        assert "$48,860" in (old_tx / f"{MRS}.md").read_text(encoding="utf-8")
        publish_sheets(con, out_dir=out, areas=AREAS, **RUN4)  # nothing changed: the old version goes
    assert links(out) == after and inodes(out) == moved
    assert not old_tx.exists() and store(out) == sorted(t.rsplit("/", 1)[1] for t in after.values())


def test_a_publish_killed_while_writing_an_area_leaves_the_set_and_the_next_one_cleans_up(changed_db, tmp_path):
    out = tmp_path / "site" / "sheets"
    with warehouse.connect(changed_db, read_only=True) as con:
        publish_sheets(con, out_dir=out, areas=AREAS, **RUN2)
    change_texas_median(changed_db)
    expected_site = copy_site(out, tmp_path / "expected")
    with warehouse.connect(changed_db, read_only=True) as con:
        expected = publish_sheets(con, out_dir=expected_site, areas=AREAS, **RUN3)
    published, mtimes, folders = digest(out), inodes(out), store(out)
    # SIGKILL at the second file written: Texas's new folder holds the links and one new file
    script = (
        "import os, signal, sys, warehouse; from datetime import date, datetime, UTC; from pathlib import Path; "
        "from factsheets.publish import publish_sheets; "
        "count = [0]\n"
        "def hook(step):\n"
        "    count[0] += step == 'write'\n"
        "    if count[0] == 2: os.kill(os.getpid(), signal.SIGKILL)\n"
        "con = warehouse.connect(Path(sys.argv[1]), read_only=True)\n"
        "publish_sheets(con, out_dir=Path(sys.argv[2]), areas=['TX', 'CA', 'WY'], refreshed_on=date(2026, 4, 1), "
        "now=datetime(2026, 4, 1, 6, tzinfo=UTC), run_id='apr', on_step=hook)"
    )
    done = subprocess.run([sys.executable, "-c", script, str(changed_db), str(out)], cwd=REPO, timeout=300)
    assert done.returncode == -signal.SIGKILL
    assert digest(out) == published and inodes(out) == mtimes
    half = sorted(set(store(out)) - set(folders))
    assert half == ["tx-20260401T060000000000Z-apr"] and any(
        (out.parent / ".sheets-versions" / name).is_dir()
        for name in os.listdir(out.parent / ".sheets-versions")
        if name.endswith(".partial")
    )
    with warehouse.connect(changed_db, read_only=True) as con:
        again = publish_sheets(con, out_dir=out, areas=AREAS, **RUN3)
    assert (again.written, again.changes) == (expected.written, expected.changes)
    assert digest(out) == digest(expected_site)
    assert store(out) == store(expected_site) and links(out) == links(expected_site)
    assert not [name for name in os.listdir(out.parent / ".sheets-versions") if name.endswith(".partial")]


def test_a_publish_failing_in_an_area_removes_the_folder_it_wrote(changed_db, tmp_path):
    out = tmp_path / "sheets"
    with warehouse.connect(changed_db, read_only=True) as con:
        publish_sheets(con, out_dir=out, areas=AREAS, **RUN2)
    change_texas_median(changed_db)
    published, folders = digest(out), store(out)

    def fail_at_second_write(step: str, seen=[0]) -> None:  # noqa: B006 - the hook's own counter
        seen[0] += step == "write"
        if seen[0] == 2:
            raise OSError(28, "No space left on device")

    with warehouse.connect(changed_db, read_only=True) as con:
        with pytest.raises(Exception, match="the disk is full"):
            publish_sheets(con, out_dir=out, areas=AREAS, on_step=fail_at_second_write, **RUN3)
    assert digest(out) == published and store(out) == folders


def test_a_withdrawn_area_keeps_its_folder_while_a_version_links_it(tmp_path):
    out = tmp_path / "sheets"
    with read_only("slice") as con:
        publish_sheets(con, out_dir=out, areas=AREAS, **RUN2)
        before, files = links(out), inodes(out, "areas/ca")
        again = publish_sheets(con, out_dir=out, areas=["TX", "WY"], **RUN3)
        publish_sheets(con, out_dir=out, areas=["TX", "WY"], **RUN4)
    assert sorted({c.sheet.split("/")[1] for c in again.changes if c.kind == "withdrawn"}) == ["ca"]
    assert links(out) == before and inodes(out, "areas/ca") == files  # files left in place
    assert store(out) == sorted(t.rsplit("/", 1)[1] for t in before.values())


def test_a_set_with_a_folder_of_links_per_area_is_taken_over_without_rewriting_a_sheet(tmp_path):
    out = tmp_path / "sheets"
    with read_only("slice") as con:
        publish_sheets(con, out_dir=out, areas=AREAS, **RUN2)
        # the layout before area folders were units: each area a real folder in the version
        version = real(out)
        for entry in list(os.scandir(version / "areas")):
            target = Path(os.path.realpath(entry.path))
            os.unlink(entry.path)
            shutil.copytree(target, entry.path, copy_function=os.link)
        shutil.rmtree(out.parent / ".sheets-versions" / ".areas")
        files = inodes(out)
        published = {name: sha for name, sha in digest(out).items() if name.startswith("areas/")}
        again = publish_sheets(con, out_dir=out, areas=AREAS, **RUN3)
    assert again.written == [] and again.changes == [] and again.unchanged == again.sheets
    assert inodes(out) == files and {name: sha for name, sha in digest(out).items() if name in published} == published
    assert links(out) == {f: f"../../.areas/{f}-20260401T060000000000Z-apr" for f in ("tx", "ca", "wy")}
    assert all(entry.is_dir(follow_symlinks=False) for entry in os.scandir(version / "areas"))  # the old one


def test_a_static_server_serves_the_area_sheets_through_the_links(tmp_path):
    out = tmp_path / "sheets"
    with read_only("slice") as con:
        publish_sheets(con, out_dir=out, areas=AREAS, **RUN2)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/sheets/areas/tx/"
        with urllib.request.urlopen(base + f"{MRS}.html", timeout=30) as response:
            page = response.read()
        with urllib.request.urlopen(base, timeout=30) as response:  # the area's index
            index = response.read()
    finally:
        server.shutdown()
        server.server_close()
    assert page == (real(out) / f"areas/tx/{MRS}.html").read_bytes() and b"$48,860" in page
    assert index == (real(out) / "areas/tx/index.html").read_bytes() and MRS.encode() in index
