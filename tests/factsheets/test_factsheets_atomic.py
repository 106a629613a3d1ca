"""Publishing is atomic: a reader of the sheets folder sees the old set or the new set, never a mix,
whatever stops a publish; a rerun then publishes exactly what an uninterrupted run does.

The warehouse holds the real files of ../shared: OEWS May 2024 and EP 2023-33 when the old set is
published (833 sheets), then OEWS May 2025 and EP 2024-34, which change nearly every sheet. Sets
are compared by the sha256 of every file (sheets, state, changelog) and the mtime of every sheet.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from analyst_fixtures import load_file
from bls_files import REPO
from site_fixtures import EP_2023, EP_2024, FETCHED, OEWS_2024, OEWS_2025, digest

import factsheets.versions as versions
import warehouse
from factsheets.publish import STATE_FILE, publish_sheets, sheets_behind
from factsheets.versions import SheetsPublishError
from transforms.oews import read_national_zip
from transforms.projections import read_occupation_workbook

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]  # whole-set publishes from real releases

OLD = {"refreshed_on": date(2026, 2, 1), "now": datetime(2026, 2, 1, 6, 0, tzinfo=UTC), "run_id": "old"}
NEW = {"refreshed_on": date(2026, 3, 1), "now": datetime(2026, 3, 1, 6, 0, tzinfo=UTC), "run_id": "new"}
# The step-by-step tests publish the JSON only (833 files, not 2,499): the mechanism is the same, the
# suite faster. The SIGKILL, full-disk and read-only tests publish all three formats.
JSON = {**NEW, "formats": ("json",)}


class Stop(Exception):
    """Raised from a publishing step, as a kill or a crash there would stop it."""


def load_oews(con, path: Path) -> None:
    load_file(
        con, read_national_zip(path, name=path.name), "national_zip", f"https://x/{path.name}", path.name, FETCHED
    )


def load_ep(con, path: Path, sha256: str | None = None) -> None:
    load_file(
        con, read_occupation_workbook(path, name=path.name), "workbook", "https://x/ep", sha256 or path.name, FETCHED
    )


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.suffix in (".md", ".html", ".json")}


def copy_site(source: Path, target: Path) -> Path:
    """A published site (the sheets symlink and its versions), bytes and mtimes kept."""
    shutil.copytree(source, target, symlinks=True, copy_function=shutil.copy2)
    return target / "sheets"


def written_anew(root: Path) -> int:
    """Files a publish has written so far into the version it builds (the others are links)."""
    count = 0
    for partial in root.glob("*.partial"):
        for entry in os.scandir(partial):
            try:
                count += entry.is_file() and entry.stat().st_nlink == 1
            except FileNotFoundError:
                continue
    return count


def leftovers(sheets: Path) -> list[str]:
    root = sheets.parent / ".sheets-versions"
    return sorted(p.name for p in root.iterdir() if p.name.endswith(".partial")) if root.is_dir() else []


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("atomic")
    db = tmp / "warehouse.duckdb"
    con = warehouse.connect(db)
    load_oews(con, OEWS_2024)
    load_ep(con, EP_2023)
    baseline = tmp / "baseline"
    publish_sheets(con, out_dir=baseline / "sheets", **OLD)
    baseline_json = tmp / "baseline-json"
    publish_sheets(con, out_dir=baseline_json / "sheets", **OLD, formats=("json",))
    legacy = tmp / "legacy"  # the same set as an older install left it: a real folder
    shutil.copytree(baseline_json / "sheets", legacy / "sheets", copy_function=shutil.copy2)
    con.close()
    shutil.copy(db, tmp / "old.duckdb")
    con = warehouse.connect(db)
    load_oews(con, OEWS_2025)
    load_ep(con, EP_2024)
    con.close()
    con = warehouse.connect(db, read_only=True)
    expected = publish_sheets(con, out_dir=copy_site(baseline, tmp / "expected"), **NEW)
    assert len(expected.written) == 832 and [slug for slug, _ in expected.held_back] == ["11-1031-legislators"]
    assert "published '$44,810 (2024)', now 'Not published by BLS'" in expected.held_back[0][1]
    publish_sheets(con, out_dir=copy_site(baseline_json, tmp / "expected-json"), **JSON)
    old_con = warehouse.connect(tmp / "old.duckdb", read_only=True)
    published = {
        "old": baseline,
        "old_json": baseline_json,
        "expected": tmp / "expected",
        "expected_json": tmp / "expected-json",
    }
    snapshots = {}  # each set's sha256 and mtime of every file, as the tests compare them
    for name, root in published.items():
        snapshots[name], snapshots[f"{name}_mtimes"] = digest(root / "sheets"), mtimes(root / "sheets")
    yield SimpleNamespace(
        db=db, con=con, old_con=old_con, baseline=baseline, baseline_json=baseline_json, legacy=legacy, **snapshots
    )
    con.close()
    old_con.close()


def stop_at(step: str, nth: int = 1):
    seen = {"count": 0}

    def hook(name: str) -> None:
        if name == step:
            seen["count"] += 1
            if seen["count"] == nth:
                raise Stop(f"stopped at {step} #{nth}")

    return hook


STEPS = [("clone", 1), ("render", 1), ("write", 1), ("write", 400), ("state", 1), ("changelog", 1)]
STEPS += [("sync", 1), ("seal", 1), ("switch", 1)]


@pytest.mark.parametrize(("step", "nth"), STEPS, ids=[f"{s}#{n}" for s, n in STEPS])
def test_a_publish_stopped_at_any_step_leaves_the_old_set_and_a_rerun_equals_an_uninterrupted_one(
    site, tmp_path, step, nth
):
    sheets = copy_site(site.baseline_json, tmp_path / "site")
    with pytest.raises(Stop):
        publish_sheets(site.con, out_dir=sheets, on_step=stop_at(step, nth), **JSON)
    assert digest(sheets) == site.old_json and mtimes(sheets) == site.old_json_mtimes
    assert leftovers(sheets) == []
    result = publish_sheets(site.con, out_dir=sheets, **JSON)
    assert digest(sheets) == site.expected_json
    assert len(result.written) == 832 and sheets_behind(site.con, sheets) is None
    assert sorted(os.listdir(sheets.parent / ".sheets-versions")) == [
        ".lock",
        "20260201T060000000000Z-old",
        "20260301T060000000000Z-new",
    ]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2-exchange", "two-renames"])
def test_an_old_real_folder_is_converted_on_the_first_publish(site, tmp_path, exchange, monkeypatch):
    if not exchange:  # a kernel or filesystem without RENAME_EXCHANGE
        monkeypatch.setattr(versions, "_exchange", lambda a, b: False)
    sheets = shutil.copytree(site.legacy, tmp_path / "site", copy_function=shutil.copy2) / "sheets"
    with pytest.raises(Stop):
        publish_sheets(site.con, out_dir=sheets, on_step=stop_at("convert"), **JSON)
    assert not sheets.is_symlink() and digest(sheets) == site.old_json  # still the real folder
    if not exchange:
        with pytest.raises(Stop):  # between the two renames: the folder is absent, never mixed
            publish_sheets(site.con, out_dir=sheets, on_step=stop_at("convert-link"), **JSON)
        assert not os.path.lexists(sheets)
        (moved,) = (sheets.parent / ".sheets-versions").glob("*-legacy")
        assert digest(moved) == site.old_json
    with pytest.raises(Stop):
        publish_sheets(site.con, out_dir=sheets, on_step=stop_at("write", 100), **JSON)
    assert sheets.is_symlink() and digest(sheets) == site.old_json and mtimes(sheets) == site.old_json_mtimes
    publish_sheets(site.con, out_dir=sheets, **JSON)
    assert digest(sheets) == site.expected_json


def test_a_failed_cleanup_after_the_switch_keeps_the_new_set_and_waits_for_the_next_publish(site, tmp_path, caplog):
    sheets = copy_site(site.baseline_json, tmp_path / "site")
    mid = publish_sheets(
        site.old_con,
        out_dir=sheets,
        **{**OLD, "now": datetime(2026, 2, 15, tzinfo=UTC), "run_id": "mid"},
        formats=("json",),
    )
    assert mid.written == [] and mid.changes == []  # a third version: only changelog/latest.md differs
    publish_sheets(site.con, out_dir=sheets, on_step=stop_at("cleanup"), **JSON)
    assert digest(sheets) == site.expected_json and "not removed yet" in caplog.text
    root = sheets.parent / ".sheets-versions"
    assert len([p for p in root.iterdir() if p.is_dir()]) == 3  # old, mid (previous) and new
    again = publish_sheets(site.con, out_dir=sheets, **{**JSON, "now": datetime(2026, 3, 2, tzinfo=UTC)})
    assert again.written == [] and len([p for p in root.iterdir() if p.is_dir()]) == 2


@pytest.mark.slow
def test_a_reader_sees_only_complete_sets_when_a_publish_is_killed_and_rerun(site, tmp_path):
    sheets = copy_site(site.baseline, tmp_path / "site")
    complete = {"old": site.old, "new": site.expected}
    seen: list[str] = []
    problems: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                found = digest(sheets)
            except FileNotFoundError:  # an old version removed while read: read the folder again
                continue
            names = [name for name, files in complete.items() if files == found]
            if names:
                seen.append(names[0])
            else:
                problems.append(f"a mixed or partial set of {len(found)} files")

    script = (
        "import sys, warehouse; from datetime import date, datetime, UTC; from pathlib import Path; "
        "from factsheets.publish import publish_sheets; "
        "con = warehouse.connect(Path(sys.argv[1]), read_only=True); "
        "publish_sheets(con, out_dir=Path(sys.argv[2]), refreshed_on=date(2026, 3, 1), "
        "now=datetime(2026, 3, 1, 6, tzinfo=UTC), run_id='killed')"
    )
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    process = subprocess.Popen([sys.executable, "-c", script, str(site.db), str(sheets)], cwd=REPO)
    root = sheets.parent / ".sheets-versions"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if written_anew(root) >= 1200:  # about half of the new set written
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    assert process.wait(60) == -signal.SIGKILL, "the publish ended before it could be killed mid-way"
    assert leftovers(sheets) and digest(sheets) == site.old and mtimes(sheets) == site.old_mtimes

    publish_sheets(site.con, out_dir=sheets, **NEW)
    time.sleep(0.5)
    stop.set()
    thread.join(30)
    assert problems == [] and "old" in seen and seen[-1] == "new"
    assert digest(sheets) == site.expected and leftovers(sheets) == []


# ---- disk full, read-only: a typed error naming the path, the old set stays ---------------------


def tmpfs(where: Path, size_kb: int) -> None:
    if os.geteuid() != 0:
        pytest.skip("a full disk needs a small tmpfs, which only root can mount")
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


def used_kb(folder: Path) -> int:
    """What the folder takes on a tmpfs: whole 4 KiB pages per file and per folder."""
    pages = sum(-(-p.stat().st_size // 4096) if p.is_file() else 1 for p in folder.rglob("*"))
    return pages * 4


def test_a_full_disk_is_a_typed_error_naming_the_path_and_the_old_set_stays(site, tmp_path):
    mount = tmp_path / "small-disk"
    tmpfs(mount, used_kb(site.baseline) + 4096)  # room for the old set and a few new files
    try:
        sheets = copy_site(site.baseline, mount / "site")
        with pytest.raises(SheetsPublishError) as info:
            publish_sheets(site.con, out_dir=sheets, **NEW)
        error = info.value
        assert error.problem == "the disk is full" and error.path.startswith(str(mount / "site" / ".sheets-versions"))
        assert str(error).startswith(f"cannot publish the sheets: {error.path}: the disk is full; free space")
        assert "the published sheets are unchanged" in str(error)
        assert digest(sheets) == site.old and mtimes(sheets) == site.old_mtimes and leftovers(sheets) == []
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_read_only_folder_is_a_typed_error_and_the_old_set_stays(site, tmp_path):
    if os.geteuid() == 0:
        mount = tmp_path / "ro-disk"
        tmpfs(mount, used_kb(site.baseline) * 3)
        sheets = copy_site(site.baseline, mount / "site")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        expected_problem = "the filesystem is read-only"
    else:
        mount = None
        sheets = copy_site(site.baseline, tmp_path / "site")
        for folder in (sheets.parent, sheets.parent / ".sheets-versions"):
            folder.chmod(0o555)
        expected_problem = "permission denied"
    try:
        with pytest.raises(SheetsPublishError) as info:
            publish_sheets(site.con, out_dir=sheets, **NEW)
        assert info.value.problem == expected_problem and info.value.path.startswith(str(sheets.parent))
        assert digest(sheets) == site.old and mtimes(sheets) == site.old_mtimes
    finally:
        if mount is not None:
            subprocess.run(["umount", str(mount)], check=True)


# ---- the next run notices sheets that are behind ------------------------------------------------


def test_sheets_behind_names_what_the_published_set_lacks_until_a_publish_succeeds(site, tmp_path):
    from factsheets.careers import load_careers_config, parse_careers_config

    shipped = load_careers_config()
    sheets = tmp_path / "site" / "sheets"
    assert sheets_behind(site.con, sheets) == f"no sheets are published in {sheets} yet"
    sheets = copy_site(site.baseline_json, tmp_path / "other")
    old_releases = "the sheets show OEWS 2024A01, the warehouse holds 2025A01; the sheets show EP 2023-33, the warehouse holds 2024-34"
    behind = sheets_behind(site.con, sheets, careers_config=shipped)
    assert behind == (  # 11-1031 (legislators) would be held back: it is current as published
        f"{old_releases}; 832 sheet(s) differ from what the warehouse says now "
        "(11-1011-chief-executives, 11-1021-general-and-operations-managers, "
        "11-2011-advertising-and-promotions-managers, and 829 more)"
    )
    with pytest.raises(Stop):  # a night whose publish failed: still behind, though BLS changed nothing since
        publish_sheets(site.con, out_dir=sheets, on_step=stop_at("switch"), **JSON)
    assert sheets_behind(site.con, sheets, careers_config=shipped) == behind
    publish_sheets(site.con, out_dir=sheets, **JSON)
    assert sheets_behind(site.con, sheets, careers_config=shipped) is None
    assert json.loads((sheets / STATE_FILE).read_text())["built_from"] == {"oews": "2025A01", "projections": "2024-34"}
    partial = copy_site(site.baseline_json, tmp_path / "partial")
    publish_sheets(site.con, out_dir=partial, only=["soc:29-2072"], **JSON)  # one sheet: the set is still behind
    behind = sheets_behind(site.con, partial, careers_config=shipped)  # 29-2072 and the career are current
    assert behind is not None and behind.startswith(f"{old_releases}; 830 sheet(s) differ")

    other = parse_careers_config('[[career]]\nname = "Medical Coder"\nsoc = "29-2072"\n')
    assert sheets_behind(site.con, sheets, careers_config=other) == (
        "1 sheet(s) are not published (medical-coder); "
        "1 published sheet(s) are no longer in the warehouse's releases (health-information-technician)"
    )

    db = tmp_path / "reloaded.duckdb"
    shutil.copy(site.db, db)
    con = warehouse.connect(db)
    try:
        load_ep(con, EP_2024, sha256="fetched again")  # the same figures loaded again: nothing to republish
        assert sheets_behind(con, sheets, careers_config=shipped) is None
        con.execute(  # BLS revises one figure of the cycle in place
            "UPDATE projections SET change_percent = 9.9 WHERE cycle = '2024-34' AND soc_code = '29-2072'"
        )
        assert sheets_behind(con, sheets, careers_config=shipped) == (  # 29-2081's alternatives show 29-2072
            "3 sheet(s) differ from what the warehouse says now "
            "(29-2072-medical-records-specialists, 29-2081-opticians-dispensing, health-information-technician)"
        )
    finally:
        con.close()
