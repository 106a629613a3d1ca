"""The OOH night by night, page by page, on the 292 real profiles of ../shared/bls-mirror and a temp
warehouse: a page whose bytes did not change is not parsed, a changed page is, and a page that
cannot be used keeps its last good rows (carried forward, with the reason, in ooh_pages)."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from analyst_fixtures import record_of
from bls_files import WWW
from broken_copies import ooh_page, replaced, url_of, without_quick_facts

import warehouse
from extractors.records import FetchResult
from transforms.ooh import UNCHANGED, PageBytes, read_edition
from warehouse.load import load_release
from warehouse.ooh_pages import CarriedPage, carried_pages, known_pages

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]  # the first night parses all 292 pages (~10 s)

MEDICAL_RECORDS = "healthcare/medical-records-and-health-information-technicians"
MR_SLUG = "medical-records-and-health-information-technicians"
ACTORS = "entertainment-and-sports/actors"
MANAGERS = "management/medical-and-health-services-managers"
TRANSCRIPTIONISTS = "healthcare/medical-transcriptionists"
CONTENT_TABLES = ("ooh_profiles", "ooh_quick_facts", "ooh_profile_soc", "ooh_sections", "ooh_similar")
NIGHTS = [datetime(2026, 3, day, 11, tzinfo=UTC) for day in range(1, 6)]


def night_pages(night: datetime, changed: dict[str, bytes] | None = None, leave_out=()) -> dict[str, PageBytes]:
    """Tonight's pages as the crawl hands them on (URL -> bytes with their sha256), some changed."""
    changed = changed or {}
    pages = {}
    for file in sorted((WWW / "ooh").glob("*/*.htm")):
        path = file.relative_to(WWW / "ooh").as_posix().removesuffix(".htm")
        if path not in leave_out:
            pages[url_of(path)] = PageBytes.of(changed.get(path) or file.read_bytes(), night)
    return pages


def run_night(con, pages, night: datetime, not_fetched=None):
    release = read_edition(pages, known_pages(con), not_fetched=not_fetched, now=night)
    record = record_of(release, "profiles", "https://www.bls.gov/ooh/a-z-index.htm", night.isoformat(), night)
    load_release(con, record, release)
    return release


def content(con, edition: str = "2024-34") -> dict[str, list[list[str]]]:
    """Every row of every content table of the edition, sorted (edition and slug first)."""
    return {
        table: con.execute(f"FROM {table} WHERE edition = ? ORDER BY ALL", [edition]).df().astype(str).values.tolist()
        for table in CONTENT_TABLES
    }


def quick_facts(con, slug: str = MR_SLUG) -> tuple:
    return con.execute(
        """SELECT median_pay_annual, median_pay_hourly, pay_year, education, jobs, outlook_percent,
                  outlook_phrase, employment_change FROM ooh_quick_facts WHERE edition = '2024-34' AND slug = ?""",
        [slug],
    ).fetchone()


def page_row(con, slug: str = MR_SLUG) -> dict:
    frame = con.execute("FROM ooh_pages WHERE edition = '2024-34' AND slug = ?", [slug]).df()
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def statuses(con) -> dict[tuple[str, str | None], int]:
    rows = con.execute(
        "SELECT status, CASE WHEN reason = 'unchanged' THEN reason ELSE NULL END, count(*) FROM ooh_pages GROUP BY ALL"
    ).fetchall()
    return {(status, reason): n for status, reason, n in rows}


@pytest.fixture(scope="module")
def first_night(tmp_path_factory) -> Path:
    """The warehouse after the first night: every page parsed."""
    path = tmp_path_factory.mktemp("ooh-pages") / "warehouse.duckdb"
    con = warehouse.connect(path)
    release = run_night(con, night_pages(NIGHTS[0]), NIGHTS[0])
    assert release.quarantined == () and release.carried_forward == {}
    assert con.execute("SELECT count(*) FROM ooh_profiles").fetchone() == (292,)
    con.close()
    return path


@pytest.fixture
def con(first_night, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(first_night, path)
    con = warehouse.connect(path)
    yield con
    con.close()


def test_the_first_night_records_every_page_as_parsed(con):
    assert statuses(con) == {("parsed", None): 292}
    row = page_row(con)
    assert row["url"] == url_of(MEDICAL_RECORDS)
    assert row["sha256"] == row["seen_sha256"] == hashlib.sha256(ooh_page(MEDICAL_RECORDS)).hexdigest()
    assert row["parsed_at"] == row["fetched_at"] == NIGHTS[0]
    known = known_pages(con)
    assert len(known) == 292 and known[url_of(MEDICAL_RECORDS)].stated_edition == "2024-34"
    assert known[url_of("military/military-careers")].stated_edition is None  # no quick facts


def test_a_drifted_page_keeps_its_rows_and_is_reported_carried_forward(con):
    before = content(con)
    assert quick_facts(con) == (50250.0, 24.16, 2024, "Postsecondary nondegree award", 194800, 7.0,
                                "Much faster than average", 13800)  # fmt: skip
    drifted = without_quick_facts(ooh_page(MEDICAL_RECORDS))
    release = run_night(con, night_pages(NIGHTS[1], {MEDICAL_RECORDS: drifted}), NIGHTS[1])

    [q] = release.quarantined
    assert q.where == url_of(MEDICAL_RECORDS) and "table#quickfacts" in q.reason
    assert "keeps its rows parsed 2026-03-01, carried forward since 2026-03-02" in q.reason
    assert "table#quickfacts" in release.carried_forward[MR_SLUG]
    assert sum(reason == UNCHANGED for reason in release.carried_forward.values()) == 291

    # Nothing lost, nothing changed: 292 profiles, the same quick facts, every row as it was.
    assert con.execute("SELECT count(*) FROM ooh_profiles WHERE edition = '2024-34'").fetchone() == (292,)
    assert quick_facts(con) == (50250.0, 24.16, 2024, "Postsecondary nondegree award", 194800, 7.0,
                                "Much faster than average", 13800)  # fmt: skip
    assert content(con) == before
    assert con.execute("SELECT slug FROM ooh_by_soc WHERE soc_code = '29-2072'").fetchall() == [(MR_SLUG,)]

    row = page_row(con)
    assert (row["status"], row["carried_since"], row["parsed_at"]) == ("carried_forward", NIGHTS[1], NIGHTS[0])
    assert "table#quickfacts" in row["reason"]
    assert row["sha256"] == hashlib.sha256(ooh_page(MEDICAL_RECORDS)).hexdigest()  # the rows' bytes
    assert row["seen_sha256"] == hashlib.sha256(drifted).hexdigest()  # tonight's bytes
    assert carried_pages(con) == [
        CarriedPage("2024-34", MR_SLUG, url_of(MEDICAL_RECORDS), row["reason"], NIGHTS[0], NIGHTS[1])
    ]

    # Still drifted the next night: parsed again (its rows are older than its bytes), still carried since night 2.
    release = run_night(con, night_pages(NIGHTS[2], {MEDICAL_RECORDS: drifted}), NIGHTS[2])
    assert [q.where for q in release.quarantined] == [url_of(MEDICAL_RECORDS)]
    assert page_row(con)["carried_since"] == NIGHTS[1]

    # BLS puts the table back: the bytes are those the rows came from; nothing to parse, nothing to report.
    release = run_night(con, night_pages(NIGHTS[3]), NIGHTS[3])
    assert release.quarantined == () and set(release.carried_forward.values()) == {UNCHANGED}
    assert (page_row(con)["reason"], page_row(con)["carried_since"]) == (UNCHANGED, NIGHTS[3])
    assert carried_pages(con) == [] and content(con) == before


def test_an_unchanged_night_parses_nothing(con, tmp_path):
    before = content(con)
    # Tonight's pages with their sha256 but no file behind them: a page that were read would fail.
    pages = {
        url: FetchResult(url, tmp_path / "not-there.htm", page.sha256, NIGHTS[1], 304, None, None, 0, 0, True)
        for url, page in night_pages(NIGHTS[1]).items()
    }
    release = run_night(con, pages, NIGHTS[1])
    assert release.quarantined == ()
    assert release.carried_forward == {slug: UNCHANGED for slug in release.carried_forward}
    assert len(release.carried_forward) == 292
    assert all(len(frame) == 0 for table in CONTENT_TABLES for frame in release.tables[table])
    assert content(con) == before
    assert statuses(con) == {("carried_forward", UNCHANGED): 292}
    assert (page_row(con)["parsed_at"], page_row(con)["carried_since"]) == (NIGHTS[0], NIGHTS[1])


def test_a_changed_page_is_parsed_again_and_the_others_are_carried(con):
    before = content(con)
    changed = {
        MEDICAL_RECORDS: replaced(ooh_page(MEDICAL_RECORDS), "$50,250     per year", "$51,140     per year"),
        ACTORS: replaced(ooh_page(ACTORS), "Actors typically do the following:", "Actors usually do the following:"),
        MANAGERS: replaced(ooh_page(MANAGERS), "616,200</td>", "620,000</td>"),
    }
    release = run_night(con, night_pages(NIGHTS[1], changed), NIGHTS[1])
    assert release.quarantined == ()
    (profiles,) = release.tables["ooh_profiles"]
    assert sorted(profiles["slug"]) == ["actors", "medical-and-health-services-managers", MR_SLUG]
    assert len(release.carried_forward) == 289 and set(release.carried_forward.values()) == {UNCHANGED}

    assert statuses(con) == {("parsed", None): 3, ("carried_forward", UNCHANGED): 289}
    assert page_row(con)["parsed_at"] == NIGHTS[1]
    assert quick_facts(con)[:2] == (51140.0, 24.16)
    assert quick_facts(con, "medical-and-health-services-managers")[4] == 620000
    actors = con.execute(
        "SELECT text FROM ooh_sections WHERE slug = 'actors' AND section = 'what_they_do' AND edition = '2024-34'"
    ).fetchone()[0]
    assert "Actors usually do the following:" in actors
    assert con.execute("SELECT count(*) FROM ooh_profiles WHERE edition = '2024-34'").fetchone() == (292,)
    after = content(con)
    three = {"actors", "medical-and-health-services-managers", MR_SLUG}
    for table in CONTENT_TABLES:  # the 289 pages not changed hold exactly the rows they held
        assert [r for r in after[table] if r[1] not in three] == [r for r in before[table] if r[1] not in three]


def test_text_about_markup_is_text_and_real_markup_is_dropped(con):
    hostile = (
        "<p>Use &lt;script&gt; tags, javascript: URLs and onclick= handlers with care.</p>"
        '<script>alert(1)</script><p>A photo <img src=x onerror="alert(2)"> of a records room.</p>'
    )
    anchor = "<p>Medical records specialists compile, process, and maintain patient files. They also"
    page = replaced(ooh_page(MEDICAL_RECORDS), anchor, hostile + anchor)
    release = run_night(con, night_pages(NIGHTS[1], {MEDICAL_RECORDS: page}), NIGHTS[1])
    assert release.quarantined == ()  # the page loads: text about markup is not a reason to drop it
    assert page_row(con)["status"] == "parsed"
    text = con.execute(
        "SELECT text FROM ooh_sections WHERE slug = ? AND section = 'what_they_do' AND edition = '2024-34'", [MR_SLUG]
    ).fetchone()[0]
    assert text.startswith(
        "Use <script> tags, javascript: URLs and onclick= handlers with care.\n\n"
        "A photo of a records room.\n\n"
        "Medical records specialists compile"
    )
    assert "alert" not in text and "onerror" not in text
    columns = [
        c
        for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'ooh_sections'").fetchall()
    ]
    assert "html" not in columns  # the sanitized HTML was read by nothing


def test_a_page_not_fetched_keeps_its_rows_and_a_page_gone_from_the_index_is_dropped(con):
    before = quick_facts(con)
    pages = night_pages(NIGHTS[1], leave_out={MEDICAL_RECORDS, TRANSCRIPTIONISTS})
    # The crawl names the URL it asked (here a mirror's); the page is matched by its slug.
    failures = {f"http://127.0.0.1:8000/www.bls.gov/ooh/{MEDICAL_RECORDS}.htm": "503 Service Unavailable"}
    release = run_night(con, pages, NIGHTS[1], not_fetched=failures)
    assert (
        release.carried_forward[MR_SLUG] == f"{url_of(MEDICAL_RECORDS)}: not fetched tonight: 503 Service Unavailable"
    )
    assert release.quarantined == ()  # the crawl reports its own failures
    assert quick_facts(con) == before
    assert page_row(con)["seen_sha256"] is None
    slugs = {s for (s,) in con.execute("SELECT slug FROM ooh_profiles WHERE edition = '2024-34'").fetchall()}
    assert len(slugs) == 291 and "medical-transcriptionists" not in slugs and MR_SLUG in slugs


def test_a_new_edition_keeps_a_page_not_yet_restated(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    three = {path: ooh_page(path) for path in (MEDICAL_RECORDS, ACTORS, MANAGERS)}
    pages = {url_of(path): PageBytes.of(body, NIGHTS[0]) for path, body in three.items()}
    run_night(con, pages, NIGHTS[0])

    def restated(html: bytes) -> bytes:
        html = replaced(html, "Job Outlook, 2024–34</a>", "Job Outlook, 2025–35</a>")
        return replaced(html, "Employment Change, 2024–34</a>", "Employment Change, 2025–35</a>")

    pages = {url_of(path): PageBytes.of(restated(body) if path != MEDICAL_RECORDS else body, NIGHTS[1])
             for path, body in three.items()}  # fmt: skip
    release = run_night(con, pages, NIGHTS[1])
    assert (release.release_id, release.reference_year) == ("2025-35", 2025)
    [q] = release.quarantined
    assert q.where == url_of(MEDICAL_RECORDS) and "still states the 2024-34 edition (expected 2025-35)" in q.reason
    assert release.carried_forward == {MR_SLUG: q.reason}
    editions = con.execute("SELECT edition, count(*) FROM ooh_profiles GROUP BY ALL ORDER BY ALL").fetchall()
    assert editions == [("2024-34", 3), ("2025-35", 3)]
    kept = con.execute(
        "SELECT outlook_period, median_pay_annual FROM ooh_quick_facts WHERE edition = '2025-35' AND slug = ?",
        [MR_SLUG],
    ).fetchone()
    assert kept == ("2024-34", 50250.0)  # its last good rows, saying which edition they are
    assert known_pages(con)[url_of(MEDICAL_RECORDS)].stated_edition == "2024-34"
    con.close()
