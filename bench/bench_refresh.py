"""Times `bls-refresh run` against the local mirror (../shared/bls-mirror), stage by stage.

    .venv/bin/python bench/bench_refresh.py [--mirror DIR] [--repeat N]

Reports, side by side in one run:
  * in-process, without Prefect: each step (fetch / transform / load per source, sheets) of a first
    run, and a no-op second run;
  * as the CLI runs it, in fresh processes: a bare Prefect flow (start-up of the temporary API
    server: the orchestration floor), a first full run, and a no-op second run;
and the ratios that matter (Prefect start-up share of the first run, no-op / first).
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
from pathlib import Path

from bench_common import REPO

from flows.night import run_night
from flows.settings import Settings

BARE_FLOW = "from prefect import flow\n@flow\ndef bare():\n    return 1\nbare()\n"


def in_process(mirror: Path, work: Path) -> dict:
    settings = Settings(mirror=mirror, data_dir=work / "inproc", oews_newest_year=2026)
    start = time.perf_counter()
    report = run_night(settings)
    first = time.perf_counter() - start
    assert report.ok, report.to_json()
    start = time.perf_counter()
    again = run_night(settings)
    noop = time.perf_counter() - start
    assert all(s.status == "unchanged" for s in again.sources)
    return {"first_s": first, "first_steps_s": report.seconds, "noop_s": noop, "noop_steps_s": again.seconds}


def run_cli(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def as_cli(mirror: Path, work: Path, repeat: int) -> dict:
    env = {**os.environ, "PREFECT_HOME": str(work / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    python = sys.executable
    cli = [python, "-m", "flows.cli", "run", "--mirror", str(mirror)]
    run_cli([python, "-c", BARE_FLOW], env)  # first start migrates Prefect's database: not what we measure
    bare, first, noop = [], [], []
    for i in range(repeat):
        data = work / f"cli-{i}"
        bare.append(run_cli([python, "-c", BARE_FLOW], env))
        first.append(run_cli([*cli, "--data-dir", str(data)], env))
        noop.append(run_cli([*cli, "--data-dir", str(data)], env))
    return {
        "bare_flow_s": statistics.median(bare),
        "first_s": statistics.median(first),
        "noop_s": statistics.median(noop),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "bls-mirror")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results = {"in_process": in_process(args.mirror, work), "cli": as_cli(args.mirror, work, args.repeat)}
    ip, cli = results["in_process"], results["cli"]
    print("in-process, no Prefect")
    for name, secs in ip["first_steps_s"].items():
        print(f"  first run  {name:<22} {secs:7.3f} s")
    print(f"  first run  {'total':<22} {ip['first_s']:7.3f} s")
    print(f"  no-op run  {'total':<22} {ip['noop_s']:7.3f} s   ({ip['noop_s'] / ip['first_s']:.2f}x of first)")
    print(f"CLI processes (median of {args.repeat})")
    print(f"  bare Prefect flow            {cli['bare_flow_s']:7.3f} s   (orchestration floor)")
    print(
        f"  first run                    {cli['first_s']:7.3f} s   (Prefect start-up share {cli['bare_flow_s'] / cli['first_s']:.0%})"
    )
    print(
        f"  no-op run                    {cli['noop_s']:7.3f} s   ({cli['noop_s'] / cli['first_s']:.2f}x of first, {cli['noop_s'] / cli['bare_flow_s']:.2f}x of bare flow)"
    )
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "refresh.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
