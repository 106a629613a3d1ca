"""Times the article audit and refresh on 1,000 articles of the reference's length, on one core.

    .venv/bin/python bench/bench_articles.py [--db WAREHOUSE] [--articles N] [--repeat N]

Without --db it builds the warehouse the article tests use (OEWS May 2022-2025, EP 2021-31 to 2024-34, the OOH
profiles of the mirror, from ../shared; not timed). The articles are the reference article
(../shared/reference, read in place at run time) with its three occupations swapped for others drawn from the
warehouse's detailed occupations, half of them dated 2021 (EP 2021-31 held, OEWS May 2021 not) and half 2023
(all held), written to a temporary folder. The process is pinned to one CPU and DuckDB to one thread.

Reported, median of --repeat, in articles per second:
  * baseline: read and decode every file, lay out its sentences and find its figures (no binding);
  * audit+refresh: the same plus binding, the batched warehouse lookups, the audit and the refreshed text;
  * with reports: plus the Markdown and JSON reports and the diff of every article;
  * folder refresh (cold): refresh_articles_folder into an empty folder (catalog, writes, changelog);
  * folder refresh (no-op): the same folder again, nothing moved.
Target: audit+refresh at least 200 articles/s (wall clock). CPU seconds are reported too: on a shared machine
other processes slow the wall clock, not the CPU time this one spends. Results go to bench/results/articles.json.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_common import (  # first: puts the repository and tests/ on sys.path
    REPO,
    open_one_thread,
    pin_to_one_cpu,
    warehouse_arguments,
)

# isort: split
from articles_fixtures import REFERENCE, build_articles_warehouse

from factsheets.articles import refresh_articles_folder, report_json, report_markdown, unified_diff
from factsheets.articles.document import read_article
from factsheets.articles.find import find_figures
from factsheets.articles.folder import discover_articles
from factsheets.articles.names import plural, singular
from factsheets.articles.session import ArticleSession

TARGET = 200.0
# The reference's occupations, as it names them, and which slot of a generated article each fills.
SLOTS = [
    (r"[Hh]ealth [Ii]nformation [Tt]echnician", 0),
    (r"[Mm]edical and health services manager", 1),
    (r"[Hh]ealth [Ii]nformation [Mm]anager", 1),
    (r"[Mm]edical [Tt]ranscriptionist", 2),
]


def names(title: str) -> tuple[str, str]:
    words = title.split()
    return " ".join([*words[:-1], singular(words[-1].lower())]), " ".join(
        [*words[:-1], plural(singular(words[-1].lower()))]
    )


def variant(reference: str, titles: list[str], year: int) -> str:
    text = reference
    for pattern, slot in SLOTS:
        one, many = names(titles[slot])

        def swap(match: re.Match[str], one: str = one, many: str = many) -> str:
            word = many if match.string[match.end() : match.end() + 1] == "s" else one
            word = word.lower() if match[0][0].islower() else word.title()
            return word[:-1] if word.endswith("s") and match.string[match.end() : match.end() + 1] == "s" else word

        text = re.sub(pattern, swap, text)
    if year != 2021:
        text = text.replace("2031", str(year + 10)).replace("2021", str(year))
    return text


def write_articles(con, folder: Path, count: int) -> list[Path]:
    rows = con.execute(
        """
        SELECT DISTINCT o.title FROM oews_occupations o JOIN projections p ON p.soc_code = o.soc_code
        WHERE o.level = 'detailed' AND o.release_id = '2025A01' AND p.cycle = '2024-34' AND o.title NOT LIKE '%,%'
        ORDER BY 1
        """
    ).fetchall()
    titles = [r[0] for r in rows]
    rng = random.Random(12)
    reference = REFERENCE.read_text(encoding="utf-8")
    paths = []
    for number in range(count):
        text = variant(reference, rng.sample(titles, 3), 2021 if number % 2 else 2023)
        path = folder / f"article-{number:04d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


CPU_SECONDS: dict[str, float] = {}


def timed(repeat: int, fn, name: str) -> tuple[float, object]:
    """Median wall time (and, in CPU_SECONDS, median CPU time: other processes on a shared machine slow the
    wall clock, not the CPU seconds this process spends)."""
    times, cpu, value = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU_SECONDS[name] = statistics.median(cpu)
    return statistics.median(times), value


def main() -> None:
    parser = warehouse_arguments(__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    pin_to_one_cpu()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        con = open_one_thread(args.db, work, build_articles_warehouse)
        folder = work / "articles"
        folder.mkdir()
        paths = write_articles(con, folder, args.articles)
        n = len(paths)
        length = statistics.mean(p.stat().st_size for p in paths)

        def baseline():
            found = 0
            for path in paths:
                document = read_article(path)
                found += sum(len(find_figures(document.text, s, e)) for s, e in document.sentences)
            return found

        catalog_s, session = timed(args.repeat, lambda: ArticleSession(con), "catalog")

        def audit_refresh():
            return session.run(paths)[0]

        def with_reports():
            results = session.run(paths)[0]
            for result in results:
                report_markdown(result), json.dumps(report_json(result)), unified_diff(result)
            return results

        def cold():
            out = work / "published"
            shutil.rmtree(out, ignore_errors=True)
            return refresh_articles_folder(con, folder, out)

        baseline_s, figures = timed(args.repeat, baseline, "baseline")
        audit_s, results = timed(args.repeat, audit_refresh, "audit_refresh")
        reports_s, _ = timed(args.repeat, with_reports, "with_reports")
        cold_s, published = timed(args.repeat, cold, "folder_cold")
        noop_s, again = timed(
            args.repeat, lambda: refresh_articles_folder(con, folder, work / "published"), "folder_noop"
        )
        con.close()
        assert len(discover_articles(folder)) == n and len(published.rewritten) == n and again.rewritten == []
        changed = sum(1 for r in results if r.changed)
        statuses: dict[str, int] = {}
        for result in results:
            for _, audit in result.figures:
                statuses[audit.status] = statuses.get(audit.status, 0) + 1

    rate = n / audit_s
    out = {
        "articles": n,
        "mean_bytes": round(length),
        "figures": figures,
        "statuses": statuses,
        "articles_changed": changed,
        "cpus": 1,
        "repeat": args.repeat,
        "catalog_s": catalog_s,
        "baseline_s": baseline_s,
        "audit_refresh_s": audit_s,
        "with_reports_s": reports_s,
        "folder_cold_s": cold_s,
        "folder_noop_s": noop_s,
        "baseline_articles_per_s": n / baseline_s,
        "audit_refresh_articles_per_s": rate,
        "with_reports_articles_per_s": n / reports_s,
        "folder_cold_articles_per_s": n / cold_s,
        "folder_noop_articles_per_s": n / noop_s,
        "audit_refresh_vs_baseline": audit_s / baseline_s,
        "target_articles_per_s": TARGET,
        "cpu_s": CPU_SECONDS,
        "cpu_articles_per_s": {name: n / seconds for name, seconds in CPU_SECONDS.items() if name != "catalog"},
    }
    print(f"{n} articles of {length:.0f} bytes ({figures} figures), one core, median of {args.repeat}")
    print(f"  statuses: {statuses}; {changed} articles would change")
    print(f"  catalog (names, releases; once a run) {catalog_s:7.3f} s")
    print(f"  baseline: read + find figures     {baseline_s:7.3f} s   {n / baseline_s:8.0f} articles/s")
    print(
        f"  audit + refresh                   {audit_s:7.3f} s   {rate:8.0f} articles/s   "
        f"({audit_s / baseline_s:.1f}x the baseline; target {TARGET:.0f}/s: {'met' if rate >= TARGET else 'MISSED'})"
    )
    print(f"  + Markdown, JSON reports and diff {reports_s:7.3f} s   {n / reports_s:8.0f} articles/s")
    print(f"  folder refresh, empty out folder  {cold_s:7.3f} s   {n / cold_s:8.0f} articles/s")
    print(f"  folder refresh, nothing moved     {noop_s:7.3f} s   {n / noop_s:8.0f} articles/s")
    cpu = CPU_SECONDS
    print(
        f"  per CPU second: baseline {n / cpu['baseline']:.0f}, audit + refresh {n / cpu['audit_refresh']:.0f} "
        f"({cpu['audit_refresh'] / cpu['baseline']:.1f}x the baseline), with reports {n / cpu['with_reports']:.0f}, "
        f"folder cold {n / cpu['folder_cold']:.0f}, folder no-op {n / cpu['folder_noop']:.0f} articles/s"
    )
    results_dir = REPO / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "articles.json").write_text(json.dumps(out, indent=2) + "\n")
    if rate < TARGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
