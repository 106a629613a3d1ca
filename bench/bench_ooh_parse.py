"""Times parsing every OOH profile page of the local mirror, with each BeautifulSoup tree builder.

    .venv/bin/python bench/bench_ooh_parse.py [--mirror DIR] [--repeat N] [--parsers lxml html.parser]

Pages are read into memory first, so disk time is out. For each parser it reports:
  * pages per second for parse_profile (tree + quick facts, SOC codes, sections, similar occupations);
  * the share of that time spent building the HTML tree (BeautifulSoup(...)), the rest being our
    extraction and sanitizing;
  * read_profiles on all pages (parse + tidy frames + pandera validation), pages per second;
and whether both parsers extract the same figures. The best of --repeat runs is kept.
transforms.ooh.HTML_PARSER is the parser the pipeline uses: keep it the faster one.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from transforms.ooh import HTML_PARSER, make_soup, parse_soup, read_profiles  # noqa: E402

DEFAULT_MIRROR = REPO.parent / "shared" / "bls-mirror"


def load_pages(mirror: Path) -> dict[str, bytes]:
    root = mirror / "www.bls.gov" / "ooh"
    files = sorted(p for p in root.glob("*/*.htm"))
    if not files:
        raise SystemExit(f"no OOH profile pages under {root}")
    return {f"https://www.bls.gov/ooh/{p.relative_to(root).as_posix()}": p.read_bytes() for p in files}


def time_parser(pages: dict[str, bytes], parser: str, repeat: int) -> dict:
    best = None
    for _ in range(repeat):
        tree = extract = 0.0
        results = {}
        for url, html in pages.items():
            start = time.perf_counter()
            soup = make_soup(html, parser)
            built = time.perf_counter()
            results[url] = parse_soup(soup, url=url)
            extract += time.perf_counter() - built
            tree += built - start
        total = tree + extract
        if best is None or total < best["total"]:
            best = {"total": total, "tree": tree, "extract": extract, "results": results}
    start = time.perf_counter()
    release = read_profiles(pages, parser=parser)
    best["release_seconds"] = time.perf_counter() - start
    best["quarantined"] = len(release.quarantined)
    return best


def figures(profile) -> tuple:
    q = profile.quick_facts
    return (
        profile.title,
        q,
        tuple(s.soc_code for s in profile.soc_rows),
        tuple((s.title, s.median_pay_annual) for s in profile.similar),
        tuple(s.section for s in profile.sections),
    )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR)
    args.add_argument("--repeat", type=int, default=3)
    args.add_argument("--parsers", nargs="+", default=["lxml", "html.parser"])
    options = args.parse_args()

    pages = load_pages(options.mirror)
    megabytes = sum(len(html) for html in pages.values()) / 1e6
    print(
        f"{len(pages)} OOH profile pages, {megabytes:.1f} MB, best of {options.repeat}; pipeline parser: {HTML_PARSER}\n"
    )
    print(
        f"{'parser':<12} {'pages/s':>8} {'ms/page':>8} {'tree share':>10} {'tree ms':>8} {'extract ms':>10} "
        f"{'read_profiles pages/s':>22} {'quarantined':>11}"
    )
    timings = {}
    for parser in options.parsers:
        t = timings[parser] = time_parser(pages, parser, options.repeat)
        n = len(pages)
        print(
            f"{parser:<12} {n / t['total']:>8.1f} {1000 * t['total'] / n:>8.1f} {t['tree'] / t['total']:>10.0%} "
            f"{1000 * t['tree'] / n:>8.1f} {1000 * t['extract'] / n:>10.1f} {n / t['release_seconds']:>22.1f} "
            f"{t['quarantined']:>11}"
        )

    if len(timings) > 1:
        fastest = min(timings, key=lambda p: timings[p]["total"])
        others = [p for p in timings if p != fastest]
        for other in others:
            ratio = timings[other]["total"] / timings[fastest]["total"]
            print(f"\n{fastest} is {ratio:.2f}x as fast as {other} on the whole parse")
            differing = [
                url
                for url in pages
                if figures(timings[fastest]["results"][url]) != figures(timings[other]["results"][url])
            ]
            print(
                f"figures differing between {fastest} and {other}: {len(differing)} pages"
                + (f" (first: {differing[0]})" if differing else "")
            )
        if fastest != HTML_PARSER:
            print(f"NOTE: transforms.ooh.HTML_PARSER is {HTML_PARSER!r} but {fastest!r} was faster here")


if __name__ == "__main__":
    main()
