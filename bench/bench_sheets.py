"""Times rendering every fact sheet (every occupation, every OOH profile, the careers config) in the
three formats, on one core.

    .venv/bin/python bench/bench_sheets.py [--db WAREHOUSE] [--repeat N]

Without --db it builds a warehouse the way the tests do, from the real files in ../shared (OEWS May
2025, EP 2024-34 and every OOH profile of the mirror; building is not timed). The process is pinned
to one CPU and DuckDB to one thread. It reports, best of --repeat:
  * query: the few set-based warehouse queries (SheetFacts) for all sheets;
  * build: the sheet models (words, figures, alternatives) from those facts;
  * render: Markdown + HTML + JSON of every sheet, in memory;
  * publish (cold): publish_sheets into an empty folder (query + build + render + hash + write);
  * publish (no-op): publish_sheets again with nothing changed (nothing rendered or written);
as sheets per second (target: at least 400 per second for the cold publish), and saves them in
bench/results/sheets.json. A publish builds a new version folder, flushes it to disk (syncfs) and
switches the sheets symlink (factsheets.versions): all of it is in the publish timings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import warehouse  # noqa: E402
from factsheets.careers import load_careers_config, split_careers  # noqa: E402
from factsheets.model import build_sheets  # noqa: E402
from factsheets.publish import publish_sheets  # noqa: E402
from factsheets.render import FORMATS, render  # noqa: E402
from warehouse.sheet_queries import sheet_facts  # noqa: E402

SHARED = REPO.parent / "shared"
WWW = SHARED / "bls-mirror" / "www.bls.gov"
TARGET = 400.0


def build_warehouse(path: Path) -> None:
    from transforms.oews import read_national_zip
    from transforms.ooh import read_profiles
    from transforms.projections import read_occupation_workbook
    from warehouse.load import ReleaseRecord, load_release

    fetched = datetime.now(UTC)
    con = warehouse.connect(path)
    try:
        zip_path = WWW / "oes" / "special-requests" / "oesm25nat.zip"
        oews = read_national_zip(zip_path, name=zip_path.name)
        load_release(
            con,
            ReleaseRecord(
                "oews",
                oews.release_id,
                oews.period,
                oews.reference_year,
                "national_zip",
                "https://www.bls.gov/oes/special-requests/oesm25nat.zip",
                fetched,
                "0" * 64,
            ),
            oews,
        )
        workbook = WWW / "emp" / "ind-occ-matrix" / "occupation.xlsx"
        ep = read_occupation_workbook(workbook, name=workbook.name)
        load_release(
            con,
            ReleaseRecord(
                "projections",
                ep.release_id,
                ep.period,
                ep.reference_year,
                "workbook",
                "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx",
                fetched,
                "1" * 64,
            ),
            ep,
        )
        pages = {
            f"https://www.bls.gov/{p.relative_to(WWW).as_posix()}": p for p in sorted((WWW / "ooh").glob("*/*.htm"))
        }
        ooh = read_profiles(pages)
        load_release(
            con,
            ReleaseRecord(
                "ooh",
                ooh.release_id,
                ooh.period,
                ooh.reference_year,
                "profiles",
                "https://www.bls.gov/ooh/a-z-index.htm",
                fetched,
                "2" * 64,
            ),
            ooh,
        )
    finally:
        con.close()


def best(repeat: int, fn):
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="an existing warehouse (default: build one from ../shared)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = args.db
        if db is None:
            db = work / "warehouse.duckdb"
            print("building a warehouse from ../shared (not timed) ...", flush=True)
            build_warehouse(db)
        con = warehouse.connect(db, read_only=True)
        con.execute("SET threads = 1")
        day = date.today()

        query_s, facts = best(args.repeat, lambda: sheet_facts(con))
        careers, _ = split_careers(load_careers_config(), facts.known_codes, facts.profiles)
        build_s, sheets = best(args.repeat, lambda: build_sheets(facts, careers))
        n = len(sheets)
        render_s, _ = best(args.repeat, lambda: [render(s, day, FORMATS) for s in sheets])

        folders = iter(range(args.repeat))

        def cold():
            # A new empty folder each time, none deleted in between: deleting thousands of files just
            # before slows the next creations on ext4 several-fold, which is not what is measured here.
            return publish_sheets(con, out_dir=work / f"cold-{next(folders)}", refreshed_on=day)

        cold_s, result = best(args.repeat, cold)
        assert len(result.written) == n, (len(result.written), n)
        noop_s, again = best(args.repeat, lambda: publish_sheets(con, out_dir=work / "cold-0", refreshed_on=day))
        assert again.written == [] and again.unchanged == n
        con.close()

    results = {
        "sheets": n,
        "formats": list(FORMATS),
        "cpus": 1,
        "query_s": query_s,
        "build_s": build_s,
        "render_s": render_s,
        "publish_cold_s": cold_s,
        "publish_noop_s": noop_s,
        "render_sheets_per_s": n / render_s,
        "publish_cold_sheets_per_s": n / cold_s,
        "publish_noop_sheets_per_s": n / noop_s,
        "target_sheets_per_s": TARGET,
    }
    print(f"{n} sheets x {len(FORMATS)} formats, one core, best of {args.repeat}")
    print(f"  query (SheetFacts)       {query_s:7.3f} s")
    print(f"  build sheet models       {build_s:7.3f} s")
    print(f"  render md+html+json      {render_s:7.3f} s   {n / render_s:8.0f} sheets/s")
    print(
        f"  publish, empty folder    {cold_s:7.3f} s   {n / cold_s:8.0f} sheets/s   (target {TARGET:.0f}/s: "
        f"{'met' if n / cold_s >= TARGET else 'MISSED'})"
    )
    print(f"  publish, nothing changed {noop_s:7.3f} s   {n / noop_s:8.0f} sheets/s")
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "sheets.json").write_text(json.dumps(results, indent=2) + "\n")
    if n / cold_s < TARGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
