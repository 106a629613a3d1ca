"""The OOH end to end over real HTTP: the A-Z index and every profile of ../shared/bls-mirror served
on 127.0.0.1, a real PoliteClient and raw archive, every page parsed, loaded into a temp DuckDB
next to EP 2024-34 and OEWS May 2024, and checked against them."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from bls_files import EP_WORKBOOK_2024, MIRROR, OEWS_ARCHIVE_ZIPS
from extractor_helpers import TEST_USER_AGENT

import warehouse
from extractors import HttpConfig, PoliteClient, RawArchive
from extractors.ooh import A_Z_INDEX_PATH, crawl_profiles, discover_profiles
from transforms.ooh import TABLE_COLUMNS, read_profiles
from warehouse.load import ReleaseRecord, load_release
from warehouse.ooh_checks import check_consistency

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]  # every profile crawled over HTTP, parsed and loaded

WORKBOOK = EP_WORKBOOK_2024
OEWS_2024 = OEWS_ARCHIVE_ZIPS[2024]
USER_AGENT = TEST_USER_AGENT
MEDICAL_RECORDS_SLUG = "medical-records-and-health-information-technicians"


@pytest.fixture(scope="module")
def crawled(mirror_url, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ooh")
    client = PoliteClient(HttpConfig(user_agent=USER_AGENT, delay=0.0, timeout=10.0), RawArchive(tmp / "raw"))
    www = f"{mirror_url}/www.bls.gov"
    index, links = discover_profiles(client, www)
    progress: list[tuple[int, int, str]] = []
    crawl = crawl_profiles(client, links, progress=lambda done, total, url: progress.append((done, total, url)))
    yield SimpleNamespace(client=client, www=www, index=index, links=links, crawl=crawl, tmp=tmp, progress=progress)
    client.close()


@pytest.fixture(scope="module")
def release(crawled):
    return read_profiles(crawled.crawl.pages)


def frames_of(release) -> dict:
    return {name: frame for name, (frame,) in release.tables.items()}  # one chunk per OOH table


def record(source: str, release_id: str, period: str, year: int, form: str) -> ReleaseRecord:
    return ReleaseRecord(source, release_id, period, year, form, "https://www.bls.gov/", datetime.now(UTC), "0" * 64)


@pytest.fixture(scope="module")
def con(release, crawled):
    from transforms.oews import read_national_zip
    from transforms.projections import read_occupation_workbook

    con = warehouse.connect(crawled.tmp / "warehouse.duckdb")
    ep = read_occupation_workbook(WORKBOOK, name=str(WORKBOOK))
    load_release(
        con,
        record("projections", ep.release_id, ep.period, ep.reference_year, "workbook"),
        ep,
    )
    oews = read_national_zip(OEWS_2024, name=str(OEWS_2024))
    load_release(
        con,
        record("oews", oews.release_id, oews.period, oews.reference_year, "national_zip"),
        oews,
    )
    load_release(con, record("ooh", release.release_id, release.period, release.reference_year, "profiles"), release)
    yield con
    con.close()


def mirror_has(url: str, www: str) -> bool:
    return (MIRROR / "www.bls.gov" / url.removeprefix(www + "/")).is_file()


# ---- crawl -----------------------------------------------------------------------------------


def test_the_index_lists_342_unique_profiles(crawled):
    links = crawled.links
    assert crawled.index.url == crawled.www + A_Z_INDEX_PATH and crawled.index.status == 200
    assert len(links) == 342 and len({link.url for link in links}) == 342
    assert all(link.url == f"{crawled.www}/ooh/{link.group}/{link.slug}.htm" for link in links)
    assert not any(link.group == "about" or link.slug == "home" for link in links)
    medical = next(link for link in links if link.slug == MEDICAL_RECORDS_SLUG)
    assert (medical.group, medical.index_title) == ("healthcare", "Medical records specialists")


def test_the_50_missing_profiles_are_404_and_the_other_292_are_fetched(crawled):
    crawl = crawled.crawl
    assert len(crawl.pages) == 292 and len(crawl.failures) == 50
    assert {reason for _, reason in crawl.failures} == {"404 Not Found"}
    assert {url for url, _ in crawl.failures} == {
        link.url for link in crawled.links if not mirror_has(link.url, crawled.www)
    }
    assert set(crawl.pages) | {url for url, _ in crawl.failures} == {link.url for link in crawled.links}
    assert crawl.status == "partial" and crawl.aborted is None
    # Progress after every page tried, the 404s too: (done, total, url) in crawl order.
    assert crawled.progress == [(n, 342, link.url) for n, link in enumerate(crawled.links, start=1)]
    assert crawl.summary() == "OOH crawl partial: 292 of 342 profiles fetched; failed: 50 404 Not Found"
    page = crawl.pages[f"{crawled.www}/ooh/healthcare/{MEDICAL_RECORDS_SLUG}.htm"]
    assert page.path.is_file() and page.status == 200 and page.etag  # archived, with validators


def test_a_second_crawl_asks_only_for_what_changed(crawled):
    before = crawled.client.not_modified
    done: list[int] = []
    again = crawl_profiles(crawled.client, crawled.links, progress=lambda n, total, url: done.append(n))
    assert crawled.client.not_modified - before == 292
    assert done == list(range(1, 343))  # the 304s are pages done too
    assert all(result.unchanged for result in again.pages.values())
    assert again.digest() == crawled.crawl.digest()


# ---- parse -----------------------------------------------------------------------------------


def test_every_fetched_page_parses(release):
    assert release.quarantined == () and release.carried_forward == {}
    assert (release.source, release.release_id, release.reference_year, release.period) == (
        "ooh",
        "2024-34",
        2024,
        "2024-2034",
    )
    frames = frames_of(release)
    assert set(frames) == set(TABLE_COLUMNS)
    assert len(frames["ooh_profiles"]) == 292 and len(frames["ooh_quick_facts"]) == 291  # military careers has none
    for table, frame in frames.items():
        assert list(frame.columns) == TABLE_COLUMNS[table]
        assert set(frame["edition"]) == {"2024-34"}
    sections = frames["ooh_sections"]
    assert len(sections) == 292 * 7 and (sections["text"].str.len() > 0).all()
    assert not sections["text"].str.contains("<script|javascript:", case=False).any()
    assert len(frames["ooh_pages"]) == 292 and set(frames["ooh_pages"]["status"]) == {"parsed"}


# ---- warehouse -------------------------------------------------------------------------------


def test_the_release_round_trips_through_the_warehouse(con, release):
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t} WHERE edition = '2024-34'").fetchone()[0] for t in TABLE_COLUMNS
    }
    assert counts == {t: len(f) for t, f in frames_of(release).items()}
    assert con.execute(
        "SELECT release_id, period, reference_year FROM latest_releases WHERE source = 'ooh'"
    ).fetchall() == [("2024-34", "2024-2034", 2024)]
    row = con.execute(
        """SELECT p.title, p.url, p.last_modified::VARCHAR, p.median_pay_annual, p.median_pay_hourly, p.pay_year,
                  p.jobs, p.outlook_percent, p.outlook_phrase, p.outlook_period, p.employment_change
           FROM ooh_by_soc b JOIN latest_ooh_profiles p USING (slug)
           WHERE b.soc_code = '29-2072'"""
    ).fetchall()
    assert row == [
        (
            "Medical Records Specialists",
            f"https://www.bls.gov/ooh/healthcare/{MEDICAL_RECORDS_SLUG}.htm",
            "2025-08-28",
            50250.0,
            24.16,
            2024,
            194800,
            7.0,
            "Much faster than average",
            "2024-34",
            13800,
        )
    ]
    actors = con.execute(
        "SELECT median_pay_annual, median_pay_hourly, pay_status FROM latest_ooh_profiles WHERE slug = 'actors'"
    )
    assert actors.fetchall() == [(None, 23.33, "hourly_only")]
    via = con.execute("SELECT via FROM ooh_by_soc WHERE soc_code = '29-1211'").fetchall()
    # EP's own links to profiles are EP output (ep_ooh_links), joined by the views with the profiles' tables.
    assert via == [(["ep_workbook", "outlook_table"],)]
    physicians = con.execute(
        "SELECT count(DISTINCT soc_code) FROM latest_ooh_profile_soc WHERE slug = 'physicians-and-surgeons'"
    ).fetchone()
    assert physicians == (19,)


def test_reloading_the_edition_replaces_it(con, release):
    before = con.execute("SELECT count(*) FROM ooh_sections").fetchone()
    load_release(con, record("ooh", release.release_id, release.period, release.reference_year, "profiles"), release)
    assert con.execute("SELECT count(*) FROM ooh_sections").fetchone() == before


def test_every_ooh_table_and_column_has_a_comment(con):
    tables = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'ooh_%' AND comment IS NOT NULL"
    ).fetchone()
    assert tables == (6,)
    bare = con.execute(
        """SELECT c.table_name, c.column_name FROM duckdb_columns() c JOIN duckdb_tables() t USING (table_name)
           WHERE (c.table_name LIKE 'ooh_%' OR c.table_name = 'consistency_mismatches') AND c.comment IS NULL"""
    ).fetchall()
    assert bare == []
    views = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE view_name LIKE '%ooh%' AND comment IS NULL"
    ).fetchall()
    assert views == []


def test_ooh_agrees_with_ep_and_oews_and_a_mismatch_is_stored(con):
    assert check_consistency(con, "2024-34").empty  # EP 2024-34 and OEWS May 2024 say what the OOH says
    assert con.execute("SELECT count(*) FROM consistency_mismatches").fetchone() == (0,)

    con.execute("UPDATE ooh_quick_facts SET jobs = 194000, outlook_percent = 9 WHERE slug = ?", [MEDICAL_RECORDS_SLUG])
    con.execute("UPDATE ooh_quick_facts SET median_pay_hourly = 23.00 WHERE slug = 'actors'")
    try:
        found = check_consistency(con, "2024-34")
        again = check_consistency(con, "2024-34")  # replaces, never accumulates
    finally:
        con.execute(
            "UPDATE ooh_quick_facts SET jobs = 194800, outlook_percent = 7 WHERE slug = ?", [MEDICAL_RECORDS_SLUG]
        )
        con.execute("UPDATE ooh_quick_facts SET median_pay_hourly = 23.33 WHERE slug = 'actors'")
    table = sorted(
        found[["soc_code", "field", "ooh_value", "other_source", "other_release", "other_value"]].itertuples(
            index=False, name=None
        )
    )
    assert table == [
        ("27-2011", "median_pay_hourly", "23", "oews", "2024A01", "23.33"),
        ("29-2072", "jobs", "194000", "projections", "2024-34", "194800"),
        ("29-2072", "outlook_percent", "9", "projections", "2024-34", "7.1"),
    ]
    assert len(again) == 3
    stored = con.execute("SELECT count(*), min(edition), max(edition) FROM consistency_mismatches").fetchone()
    assert stored == (3, "2024-34", "2024-34")
    assert check_consistency(con, "2024-34").empty
    assert con.execute("SELECT count(*) FROM consistency_mismatches").fetchone() == (0,)
