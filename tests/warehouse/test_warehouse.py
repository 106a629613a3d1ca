"""The warehouse on a temp DuckDB file: migrations, atomic idempotent loads, history, views, comments."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from analyst_fixtures import record_of
from bls_files import ARCHIVE, EP_SAMPLE_WORKBOOK, EP_WORKBOOK_2024, OEWS_ARCHIVE_ZIPS, OEWS_ZIP_2025
from bls_files import OOH_PAGES as OOH

import warehouse
from transforms.oews import read_national_zip
from transforms.projections import read_occupation_workbook
from warehouse.article_queries import projection_same_lines
from warehouse.load import LoadError, ReleaseRecord, load_release
from warehouse.sheet_queries import releases, same_lines

EP_ARCHIVE = ARCHIVE / "ep"
EP_CURRENT = EP_WORKBOOK_2024
OEWS_ZIPS = {**OEWS_ARCHIVE_ZIPS, 2025: OEWS_ZIP_2025}
FETCHED = datetime(2026, 11, 1, tzinfo=UTC)


def frames_of(release) -> dict:
    """A release's tables, each one whole frame (the tests below edit them)."""
    return {table: next(iter(chunks)) for table, chunks in release.tables.items()}


def file_load(path: Path, read, form: str):
    """(record, frames) of the release `read` makes of a file the tests name."""
    release = read(path, name=path.name)
    return record_of(release, form, path.as_uri(), f"sha-{path.name}", FETCHED), frames_of(release)


def ep_load(path: Path):
    return file_load(path, read_occupation_workbook, "workbook")


def oews_load(path: Path):
    return file_load(path, read_national_zip, "national_zip")


@pytest.fixture(scope="module")
def ep_loads(shared_data):
    paths = sorted(EP_ARCHIVE.glob("occupation_*.xlsx")) + [EP_CURRENT]
    return [ep_load(p) for p in paths]


@pytest.fixture(scope="module")
def oews_loads(shared_data):
    return {year: oews_load(path) for year, path in OEWS_ZIPS.items()}


@pytest.fixture
def con(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def test_migrations_apply_once_and_every_table_and_column_has_a_comment(tmp_path):
    path = tmp_path / "w.duckdb"
    warehouse.connect(path).close()
    con = warehouse.connect(path)
    versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    assert versions == sorted(set(versions)) and versions[:2] == [1, 2]
    bare_tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE comment IS NULL AND table_name <> 'schema_migrations'"
    ).fetchall()
    bare_columns = con.execute(
        """SELECT c.table_name, c.column_name FROM duckdb_columns() c JOIN duckdb_tables() t USING (table_name)
           WHERE c.comment IS NULL AND c.table_name <> 'schema_migrations'"""
    ).fetchall()
    bare_views = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL").fetchall()
    assert bare_tables == [] and bare_columns == [] and bare_views == []


def test_loading_the_same_release_twice_leaves_one_copy(con, ep_loads):
    record, frames = ep_loads[-1]
    load_release(con, record, frames)
    load_release(con, record, frames)
    assert con.execute("SELECT count(*) FROM releases").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM projections").fetchone() == (len(frames["projections"]),)


def test_ep_history_side_by_side_latest_view_shows_newest(con, ep_loads):
    for record, frames in ep_loads:
        load_release(con, record, frames)
    cycles = con.execute(
        "SELECT release_id FROM releases WHERE source='projections' ORDER BY reference_year"
    ).fetchall()
    assert [c[0] for c in cycles] == ["2021-31", "2022-32", "2023-33", "2024-34"]
    history = con.execute(
        "SELECT cycle, employment_base, employment_target, change_percent FROM projections WHERE soc_code='29-2072' ORDER BY cycle"
    ).fetchall()
    assert history == [
        ("2021-31", 186400, 198700, 6.6),
        ("2022-32", 194300, 210900, 8.5),
        ("2023-33", 191500, 208200, 8.7),
        ("2024-34", 194800, 208600, 7.1),
    ]
    assert con.execute("SELECT DISTINCT cycle FROM latest_projections").fetchall() == [("2024-34",)]


def test_ep_history_loaded_out_of_order_still_shows_newest(con, ep_loads):
    for record, frames in reversed(ep_loads):
        load_release(con, record, frames)
    assert con.execute("SELECT DISTINCT cycle FROM latest_projections").fetchall() == [("2024-34",)]


def test_oews_history_may_2022_to_2025(con, oews_loads):
    for record, frames in oews_loads.values():
        load_release(con, record, frames)
    medians = con.execute(
        "SELECT period, annual_median FROM oews_national WHERE soc_code='29-2072' ORDER BY year"
    ).fetchall()
    assert [m[0] for m in medians] == ["May 2022", "May 2023", "May 2024", "May 2025"]
    assert medians[-1] == ("May 2025", 51140.0)
    assert con.execute("SELECT DISTINCT period FROM latest_oews_national").fetchall() == [("May 2025",)]
    top = con.execute(
        "SELECT annual_p90, annual_p90_status FROM oews_national WHERE soc_code='11-0000' AND year=2024"
    ).fetchall()
    assert top == [(239200.0, "top_coded")]


def test_failure_mid_load_rolls_back_everything(con, ep_loads):
    old_record, old_frames = ep_loads[-2]
    load_release(con, old_record, old_frames)
    before = con.execute("SELECT * FROM projections ORDER BY cycle, soc_code").fetchall()
    releases_before = con.execute("SELECT * FROM releases").fetchall()

    record, frames = ep_loads[-1]
    broken = frames["projections"].copy()
    broken.loc[broken.index[-1], "soc_code"] = broken["soc_code"].iloc[0]  # primary key clash on the last row
    with pytest.raises(LoadError, match="rolled back"):
        load_release(con, record, {"projections": broken})
    assert con.execute("SELECT * FROM projections ORDER BY cycle, soc_code").fetchall() == before
    assert con.execute("SELECT * FROM releases").fetchall() == releases_before


def test_failed_reload_of_a_loaded_release_keeps_the_old_rows(con, oews_loads):
    record, frames = oews_loads[2025]
    load_release(con, record, frames)
    count = con.execute("SELECT count(*) FROM oews_estimates").fetchone()
    broken = dict(frames)
    broken["oews_estimates"] = frames["oews_estimates"].assign(value="not a number")
    with pytest.raises(LoadError):
        load_release(con, record, broken)
    assert con.execute("SELECT count(*) FROM oews_estimates").fetchone() == count
    assert con.execute("SELECT annual_median FROM latest_oews_national WHERE soc_code='29-2072'").fetchone() == (
        51140.0,
    )


def test_frames_of_another_release_are_refused(con, ep_loads):
    record, _ = ep_loads[-1]
    _, other_frames = ep_loads[0]
    with pytest.raises(LoadError, match="other releases"):
        load_release(con, record, other_frames)


def test_occupation_facts_joins_newest_ep_and_oews(con, ep_loads, oews_loads):
    for record, frames in [*ep_loads, *oews_loads.values()]:
        load_release(con, record, frames)
    row = con.execute(
        """SELECT title, education, projection_cycle, projected_change_percent, oews_period, annual_median,
                  annual_p10, annual_p90, projections_sha256, oews_sha256
           FROM occupation_facts WHERE soc_code = '11-9111'"""
    ).fetchone()
    assert row[:6] == (
        "Medical and Health Services Managers",
        "Bachelor's degree",
        "2024-34",
        23.2,
        "May 2025",
        123860.0,
    )
    assert row[6] < row[5] < row[7]
    assert row[8:] == ("sha-occupation.xlsx", "sha-oesm25nat.zip")


def test_projection_coverage_tells_bls_whole_table_from_a_part_of_it(tmp_path, ep_loads, oews_loads):
    """Table 1.2's 832 line items add up to its all-occupations employment; the bundled sample's 93 do not, so
    the sheets made from it never say BLS did not publish a projection for a code it lacks."""
    whole, part = warehouse.connect(tmp_path / "whole.duckdb"), warehouse.connect(tmp_path / "part.duckdb")
    try:
        for record, frames in ep_loads:  # 2021-31 to 2024-34: each cycle's line items sum to its total
            load_release(whole, record, frames)
        load_release(part, *ep_load(EP_SAMPLE_WORKBOOK))
        for con in (whole, part):  # OEWS's listing names 37-3010, which no cycle has a line for
            load_release(con, *oews_loads[2025])
        shares = whole.execute("SELECT cycle, round(line_item_share, 4), complete FROM projection_coverage ORDER BY 1")
        shares_cycles = [f"{y}-{y + 10 - 2000}" for y in range(2021, 2025)]
        assert shares.fetchall() == [(cycle, 1.0, True) for cycle in shares_cycles]
        (cycle, share, complete), *more = part.execute("FROM projection_coverage").fetchall()
        assert (cycle, round(share, 3), complete, more) == ("2024-34", 0.123, False, [])
        assert releases(whole)["projections"].complete and not releases(part)["projections"].complete
        # a part of the table cannot tell which codes hold the same occupations: 37-3010 is read as 37-3000
        # in BLS's whole table only (the sample holds 37-3000 and 37-3011 but not all of 37-3010's items)
        same = "SELECT cycle, line_code FROM projection_same_lines WHERE soc_code = ?"
        assert part.execute(same, ["37-3010"]).fetchall() == []
        assert whole.execute(same + " ORDER BY 1", ["37-3010"]).fetchall() == [(c, "37-3000") for c in shares_cycles]
        assert same_lines(whole)["37-3010"] == "37-3000" and "37-3010" not in same_lines(part)  # the sheets' cycle
        assert whole.execute(
            "SELECT count(*) FROM projections WHERE occupation_type = 'Line item' AND cycle = '2024-34'"
        ).fetchone() == (832,)
    finally:
        whole.close()
        part.close()


def test_sheets_read_a_warehouse_written_before_projection_coverage_as_bls_whole_table(tmp_path):
    """`bls-refresh sheets` reads read-only: a warehouse last opened writable by an older version has no
    projection_coverage yet, and its releases read as before (complete) instead of failing."""
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    load_release(con, *ep_load(EP_SAMPLE_WORKBOOK))
    con.execute("DROP VIEW projection_same_lines; DROP VIEW projection_coverage")  # both came in later
    con.close()
    reader = duckdb.connect(str(path), read_only=True)
    try:
        assert releases(reader)["projections"].complete
        assert projection_same_lines(reader, ["37-3010"]) == []  # the articles do not guess without the view
        assert same_lines(reader) == {}  # nor do the sheets
    finally:
        reader.close()


def test_read_only_connection_refuses_writes(tmp_path, ep_loads):
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    load_release(con, *ep_loads[-1])
    con.close()
    reader = warehouse.connect(path, read_only=True)
    with pytest.raises(duckdb.Error):
        reader.execute("DELETE FROM projections")
    reader.close()


# ---- parts carried forward (the OOH: one profile page is one part) ------------------------------

OOH_PAGES = {
    slug: OOH / f"{slug}.htm"
    for slug in (
        "healthcare/medical-records-and-health-information-technicians",
        "healthcare/medical-transcriptionists",
        "management/medical-and-health-services-managers",
    )
}


def ooh_release(slugs, carried=None):
    from dataclasses import replace

    from transforms.ooh import read_profiles

    parsed = read_profiles({f"https://www.bls.gov/ooh/{s}.htm": OOH_PAGES[s] for s in slugs})
    record = ReleaseRecord(
        "ooh", parsed.release_id, parsed.period, parsed.reference_year, "profiles", "u", FETCHED, "sha"
    )
    return record, replace(parsed, carried_forward=carried or {})


def profile_rows(con, table="ooh_quick_facts"):
    return dict(con.execute(f"SELECT slug, count(*) FROM {table} WHERE edition = '2024-34' GROUP BY slug").fetchall())


@pytest.mark.shared_data
def test_a_carried_part_keeps_its_rows_and_a_part_neither_given_nor_carried_is_dropped(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    load_release(con, *ooh_release(OOH_PAGES))
    assert profile_rows(con) == {
        "medical-records-and-health-information-technicians": 1,
        "medical-transcriptionists": 1,
        "medical-and-health-services-managers": 1,
    }
    median = "SELECT median_pay_annual FROM ooh_quick_facts WHERE slug = 'medical-records-and-health-information-technicians'"
    assert con.execute(median).fetchone() == (50250.0,)

    # Tonight: the managers page is given anew, the records page could not be parsed (carried), the
    # transcriptionists page left the index.
    record, release = ooh_release(
        ["management/medical-and-health-services-managers"],
        carried={"medical-records-and-health-information-technicians": "quick facts table missing"},
    )
    counts = load_release(con, record, release)
    assert profile_rows(con) == {
        "medical-records-and-health-information-technicians": 1,
        "medical-and-health-services-managers": 1,
    }
    assert con.execute(median).fetchone() == (50250.0,)
    assert counts["ooh_quick_facts"] == 2


@pytest.mark.shared_data
def test_a_part_both_carried_and_given_is_refused_and_nothing_changes(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    load_release(con, *ooh_release(OOH_PAGES))
    before = profile_rows(con, "ooh_sections")
    record, release = ooh_release(
        ["healthcare/medical-transcriptionists"], carried={"medical-transcriptionists": "unchanged"}
    )
    with pytest.raises(LoadError, match="both carried forward and given new rows"):
        load_release(con, record, release)
    assert profile_rows(con, "ooh_sections") == before


@pytest.mark.shared_data
def test_a_carried_part_missing_from_a_new_edition_is_copied_from_the_newest_earlier_one(tmp_path):
    from dataclasses import replace

    from transforms.release import Release

    con = warehouse.connect(tmp_path / "w.duckdb")
    load_release(con, *ooh_release(OOH_PAGES))
    record, old = ooh_release(
        ["healthcare/medical-transcriptionists", "management/medical-and-health-services-managers"]
    )
    # The same pages restated as a later edition (BLS publishes a new one each September).
    tables = {name: (frame.assign(edition="2025-35"),) for name, (frame,) in old.tables.items()}
    carried = {"medical-records-and-health-information-technicians": "quick facts table missing"}
    new = Release("ooh", "2025-35", "2025-35", 2025, tables, carried_forward=carried)
    load_release(con, replace(record, release_id="2025-35", period="2025-35", reference_year=2025), new)
    editions = con.execute("SELECT edition, count(*) FROM ooh_quick_facts GROUP BY edition ORDER BY edition").fetchall()
    assert editions == [("2024-34", 3), ("2025-35", 3)]
    assert con.execute(
        "SELECT median_pay_annual FROM ooh_quick_facts WHERE edition = '2025-35' "
        "AND slug = 'medical-records-and-health-information-technicians'"
    ).fetchone() == (50250.0,)
