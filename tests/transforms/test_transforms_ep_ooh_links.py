"""EP's links to OOH profiles are EP output: loaded with the EP release, joined with the profiles' own
crosswalk by the warehouse's views, whichever of the two sources loaded first."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import warehouse
from transforms.release import Release
from warehouse.load import ReleaseRecord, load_release

pytestmark = pytest.mark.shared_data

FETCHED = datetime(2026, 11, 1, tzinfo=UTC)
MEDICAL_RECORDS = "medical-records-and-health-information-technicians"


def record(release: Release, form: str) -> ReleaseRecord:
    return ReleaseRecord(
        release.source, release.release_id, release.period, release.reference_year, form, "u", FETCHED, "sha"
    )


def crosswalk(con) -> dict[str, int]:
    rows = con.execute("SELECT via, count(*) FROM latest_ooh_profile_soc GROUP BY via").fetchall()
    return dict(rows)


def test_an_ooh_edition_loaded_without_ep_gets_its_crosswalk_when_ep_loads(
    tmp_path: Path, ooh_edition: Release, ep_2024: Release
) -> None:
    con = warehouse.connect(tmp_path / "w.duckdb")
    load_release(con, record(ooh_edition, "profiles"), ooh_edition)
    # A night EP failed: the profiles' own tables only.
    assert crosswalk(con) == {"outlook_table": 567}
    assert con.execute("SELECT count(*) FROM ep_ooh_links").fetchone() == (0,)

    counts = load_release(con, record(ep_2024, "workbook"), ep_2024)
    assert counts == {"projections": 1113, "ep_ooh_links": 603}
    # EP is back: its links join the edition it names, without reloading the OOH.
    assert crosswalk(con) == {"outlook_table": 567, "ep_workbook": 530}
    assert con.execute(
        "SELECT is_primary, via FROM ooh_by_soc WHERE soc_code = '29-2072' AND slug = ?", [MEDICAL_RECORDS]
    ).fetchall() == [(True, ["ep_workbook", "outlook_table"])]
    sheet = con.execute(
        "SELECT soc_code, is_primary, via FROM sheet_ooh_links(NULL) WHERE slug = 'top-executives' ORDER BY soc_code"
    ).fetchall()
    assert sheet == [
        ("11-1011", False, ["ep_workbook", "outlook_table"]),
        ("11-1021", False, ["ep_workbook", "outlook_table"]),
    ]
    # In the 2024-34 edition every EP link confirms a code of the profile's own table.
    assert con.execute("SELECT count(*) FROM ooh_by_soc WHERE via = ['ep_workbook']").fetchone() == (0,)
    # The links whose profile is not in the mirror's edition stay in ep_ooh_links only.
    missing = con.execute(
        """SELECT count(*) FROM ep_ooh_links e
           WHERE NOT EXISTS (SELECT 1 FROM ooh_profiles p WHERE p.edition = e.cycle AND p.slug = e.slug)"""
    ).fetchone()[0]
    assert missing == 603 - 530
    con.close()


def test_ep_first_then_ooh_gives_the_same_crosswalk(tmp_path: Path, ooh_edition: Release, ep_2024: Release) -> None:
    con = warehouse.connect(tmp_path / "w.duckdb")
    load_release(con, record(ep_2024, "workbook"), ep_2024)
    assert crosswalk(con) == {}
    load_release(con, record(ooh_edition, "profiles"), ooh_edition)
    assert crosswalk(con) == {"outlook_table": 567, "ep_workbook": 530}
    con.close()


def test_reloading_ep_without_links_takes_them_away(tmp_path: Path, ooh_edition: Release, ep_2024: Release) -> None:
    con = warehouse.connect(tmp_path / "w.duckdb")
    load_release(con, record(ooh_edition, "profiles"), ooh_edition)
    load_release(con, record(ep_2024, "workbook"), ep_2024)
    only_projections = Release(
        "projections",
        ep_2024.release_id,
        ep_2024.period,
        ep_2024.reference_year,
        {"projections": ep_2024.tables["projections"]},
    )
    load_release(con, record(only_projections, "workbook"), only_projections)
    assert con.execute("SELECT count(*) FROM ep_ooh_links").fetchone() == (0,)
    assert crosswalk(con) == {"outlook_table": 567}
    con.close()
