"""Times the OOH stage after fetching (transform + load) on a night when a few profile pages changed.

    .venv/bin/python bench/bench_ooh_night.py [--mirror DIR] [--repeat N] [--changed N]

Setup: a temp warehouse holding the 2024-34 edition of the mirror's 292 pages, every page parsed.
Each repetition is one night on which --changed pages (3 by default) changed (their description,
a different text each night) and the others did not. On the same pages and the same warehouse
it times, in this order:

  * per page  — warehouse.ooh_pages.known_pages + transforms.ooh.read_edition (parses only the
                changed pages, carries the others forward) + warehouse.load_release;
  * baseline  — what every changed night did before: every page parsed again
                (transforms.ooh.read_profiles) + warehouse.load_release.

The baseline's load leaves the warehouse as the next night expects it. After both, the content
tables must hold the same rows (checked, so the faster path is not faster by doing less).
Pages are held in memory with their sha256, as the crawl hands them on; the swap and the fetch
are not part of the stage. Medians of --repeat nights, and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import warehouse  # noqa: E402
from transforms.ooh import PageBytes, read_edition, read_profiles  # noqa: E402
from transforms.release import Release  # noqa: E402
from warehouse.load import ReleaseRecord, load_release  # noqa: E402
from warehouse.ooh_pages import known_pages  # noqa: E402

DEFAULT_MIRROR = REPO.parent / "shared" / "bls-mirror"
CONTENT_TABLES = ("ooh_profiles", "ooh_quick_facts", "ooh_profile_soc", "ooh_sections", "ooh_similar")


def mirror_pages(mirror: Path) -> dict[str, bytes]:
    root = mirror / "www.bls.gov"
    files = sorted((root / "ooh").glob("*/*.htm"))
    if not files:
        raise SystemExit(f"no OOH profile pages under {root / 'ooh'}")
    return {f"https://www.bls.gov/{p.relative_to(root).as_posix()}": p.read_bytes() for p in files}


def night(pages: dict[str, bytes], number: int, changed: int, fetched_at: datetime) -> dict[str, PageBytes]:
    """The pages of night `number`: `changed` of them, spread over the alphabet, say something new."""
    urls = set(list(pages)[:: max(1, len(pages) // changed)][:changed]) if changed else set()
    revised = f'<meta name="description" content="Revised on night {number}. '.encode()
    return {
        url: PageBytes.of(
            body.replace(b'<meta name="description" content="', revised, 1) if url in urls else body, fetched_at
        )
        for url, body in pages.items()
    }


def record(release: Release, fetched_at: datetime) -> ReleaseRecord:
    return ReleaseRecord(
        "ooh", release.release_id, release.period, release.reference_year, "profiles", "bench", fetched_at, "bench"
    )


def per_page(con, pages: dict[str, PageBytes], now: datetime) -> tuple[float, int]:
    start = time.perf_counter()
    release = read_edition(pages, known_pages(con), now=now)
    load_release(con, record(release, now), release)
    seconds = time.perf_counter() - start
    (profiles,) = release.tables["ooh_profiles"]
    if release.quarantined:
        raise SystemExit(f"per page: {len(release.quarantined)} pages quarantined: {release.quarantined[0]}")
    return seconds, len(profiles)


def full_reparse(con, pages: dict[str, PageBytes], now: datetime) -> float:
    start = time.perf_counter()
    release = read_profiles(pages)
    load_release(con, record(release, now), release)
    return time.perf_counter() - start


def content_digest(con) -> dict[str, tuple]:
    return {
        table: con.execute(
            f"SELECT count(*), md5(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR)) FROM {table} t"
        ).fetchone()
        for table in CONTENT_TABLES
    }


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR)
    args.add_argument("--repeat", type=int, default=5)
    args.add_argument("--changed", type=int, default=3)
    options = args.parse_args()

    pages = mirror_pages(options.mirror)
    with tempfile.TemporaryDirectory(prefix="bench-ooh-night-") as tmp:
        con = warehouse.connect(Path(tmp) / "warehouse.duckdb")
        first = datetime.now(UTC)
        full_reparse(con, night(pages, 0, 0, first), first)  # the edition as loaded before tonight
        print(f"{len(pages)} OOH pages, {options.changed} changed each night, {options.repeat} nights\n")
        print(f"{'night':>5} {'per page s':>10} {'parsed':>6} {'baseline s':>10} {'same rows':>9}")
        fast, slow = [], []
        for number in range(1, options.repeat + 1):
            now = datetime.now(UTC)
            tonight = night(pages, number, options.changed, now)
            seconds, parsed = per_page(con, tonight, now)
            after_per_page = content_digest(con)
            baseline = full_reparse(con, tonight, now)
            same = content_digest(con) == after_per_page
            fast.append(seconds)
            slow.append(baseline)
            print(f"{number:>5} {seconds:>10.3f} {parsed:>6} {baseline:>10.3f} {'yes' if same else 'NO':>9}")
            if not same or parsed != options.changed:
                raise SystemExit("the per-page night did not load what the full re-parse loads")
        con.close()
    median_fast, median_slow = statistics.median(fast), statistics.median(slow)
    print(
        f"\nmedian: per page {median_fast:.3f} s, full re-parse {median_slow:.3f} s: "
        f"{median_slow / median_fast:.0f}x faster ({median_fast / median_slow:.1%} of the baseline)"
    )


if __name__ == "__main__":
    main()
