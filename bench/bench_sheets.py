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

import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench_common import (  # first: puts the repository and tests/ on sys.path
    REPO,
    open_one_thread,
    pin_to_one_cpu,
    warehouse_arguments,
    warn_about_filesystem,
)

# isort: split
from articles_fixtures import EP_WORKBOOK_2024, OEWS_ZIP_2025, build_articles_warehouse

from factsheets.careers import load_careers_config, split_careers
from factsheets.model import build_sheets
from factsheets.publish import publish_sheets
from factsheets.render import FORMATS, render
from warehouse.sheet_queries import sheet_facts

TARGET = 400.0


def build_warehouse(path: Path) -> None:
    build_articles_warehouse(path, oews=[OEWS_ZIP_2025], ep=[EP_WORKBOOK_2024])


def best(repeat: int, fn):
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    args = warehouse_arguments(__doc__).parse_args()
    pin_to_one_cpu()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        filesystem = warn_about_filesystem(work)
        con = open_one_thread(args.db, work, build_warehouse)
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
        "work_filesystem": filesystem,
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
