"""Area sheets (factsheets.area_sheet): one occupation in one state, metropolitan or nonmetropolitan
area, on real BLS figures (tests/factsheets/area_fixtures.py): OEWS May 2025 state flat files from
../shared/tools/oews_flatfiles.py, and the all-area slice of tests/fixtures/oews-slice, with EP 2024-34.
Figures asserted are BLS's: Texas 29-2072 annual median $48,860; California 29-2072 location quotient
0.82; Alabama actors hourly-only ($24.71 an hour); Austin actors' median not released."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
from area_fixtures import ACTORS, MRS, read_only, warehouse_file
from bls_files import REPO
from site_fixtures import RUN2, digest, reader_files

from factsheets.behind import sheets_behind
from factsheets.publish import publish_sheets
from factsheets.site import shipped_schemas
from flows.settings import Settings
from warehouse.area_queries import AreaSelectionError, area_list, resolve_area

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]  # whole-set publishes
RUN3 = {"refreshed_on": date(2026, 4, 1), "now": datetime(2026, 4, 1, 6, 0, tzinfo=UTC), "run_id": "apr"}
FOOTNOTE_4 = "Wages for some occupations that do not generally work year-round, full time, are reported either as"


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(shipped_schemas()[name])
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def doc(folder: Path, slug: str) -> dict:
    return json.loads((folder / f"{slug}.json").read_text(encoding="utf-8"))


def row(rows: list[dict], key: str) -> dict:
    return next(r for r in rows if r["key"] == key)


def mtimes(folder: Path, under: str = "") -> dict[str, int]:
    return {name: path.stat().st_mtime_ns for name, path in reader_files(folder, under).items()}


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    out = tmp_path_factory.mktemp("states") / "sheets"
    with read_only("states") as con:
        result = publish_sheets(con, out_dir=out, areas=["TX", "06", "Alabama"], **RUN2)
        yield SimpleNamespace(out=out, result=result, con=con)


@pytest.fixture(scope="module")
def sliced(tmp_path_factory):
    out = tmp_path_factory.mktemp("slice") / "sheets"
    with read_only("slice") as con:
        result = publish_sheets(con, out_dir=out, areas="all", **RUN2)
        yield SimpleNamespace(out=out, result=result, con=con)


def test_texas_medical_records_specialists_show_the_state_median_beside_the_nation(states):
    slug = f"areas/tx/{MRS}"
    md = (states.out / f"{slug}.md").read_text(encoding="utf-8")
    assert "# Medical Records Specialists in Texas" in md
    assert "| Median Salary* | $48,860 (2025) | $51,140 (2025) |" in md
    assert "| Career Outlook* | national projection only | 7% (2024-2034) |" in md
    assert "| Median | $48,860 | $51,140 |" in md and "| Employment | 17,210 | 194,720 |" in md
    assert "National projection: BLS Employment Projections are made for the nation only" in md
    assert "In Texas, the median annual wage of medical records specialists was $48,860 in May 2025." in md
    html = (states.out / f"{slug}.html").read_text(encoding="utf-8")
    assert "<h1>Medical Records Specialists in Texas</h1>" in html and "<td>$48,860 (2025)</td>" in html
    sheet = doc(states.out, slug)
    assert not list(validator("area-sheet-1.schema.json").iter_errors(sheet))
    summary = sheet["summary"]
    assert (summary["median_salary"]["value"], summary["median_salary"]["status"]) == (48860, "published")
    assert summary["national_median_salary"]["value"] == 51140
    assert (summary["career_outlook"]["scope"], summary["career_outlook"]["rounded"]) == ("national", 7)
    assert sheet["area"] == {"code": "4800000", "name": "Texas", "type": "state", "state_code": "48"}
    assert sheet["title"] == "Medical Records Specialists in Texas" and sheet["national_sheet"] == MRS


def test_california_location_quotient_is_bls_s(states):
    sheet = doc(states.out, f"areas/ca/{MRS}")
    lq = row(sheet["jobs"], "location_quotient")
    assert (lq["area"]["value"], lq["area"]["text"], lq["nation"]["text"]) == (0.82, "0.82", "1.0 (by definition)")
    assert row(sheet["jobs"], "jobs_per_1000")["area"]["value"] == 1.026
    md = (states.out / f"areas/ca/{MRS}.md").read_text(encoding="utf-8")
    assert "| Location quotient | 0\\.82 | 1\\.0 (by definition) |" in md


def test_every_area_sheet_validates_against_the_area_schema(states):
    check = validator("area-sheet-1.schema.json")
    docs = reader_files(states.out, "areas").values()
    sheets = [p for p in docs if p.suffix == ".json" and p.name != "index.json"]
    assert len(sheets) > 2000
    for path in sheets[::25]:
        errors = list(check.iter_errors(json.loads(path.read_text(encoding="utf-8"))))
        assert not errors, (path, errors[0].message)


def test_an_hourly_only_area_shows_hourly_wages_and_says_why(states):
    sheet = doc(states.out, f"areas/al/{ACTORS}")
    median = sheet["summary"]["median_salary"]
    assert (median["status"], median["value"], median["text"]) == ("hourly_only", 24.71, "$24.71 per hour (2025)")
    assert median["reason"].startswith(FOOTNOTE_4)
    assert sheet["wages"]["basis"] == "hourly" and FOOTNOTE_4 in sheet["wages"]["note"]
    assert row(sheet["wages"]["rows"], "median")["nation"]["text"] == "$29.05"
    md = (states.out / f"areas/al/{ACTORS}.md").read_text(encoding="utf-8")
    assert "| Median Salary* | $24.71 per hour (2025) |" in md
    assert f"BLS publishes only hourly wages for actors in Alabama: {FOOTNOTE_4}" in md


def test_a_figure_bls_did_not_release_gives_its_reason_never_zero(sliced):
    slug = f"areas/0012420/{ACTORS}"  # Austin-Round Rock-San Marcos, TX: employment 160, wages not released
    sheet = doc(sliced.out, slug)
    median = sheet["summary"]["median_salary"]
    assert (median["status"], median["value"]) == ("not_released", None)
    assert median["text"] == "Not published by BLS: Estimate not released."
    cell = row(sheet["wages"]["rows"], "p90")["area"]
    assert (cell["value"], cell["status"], cell["reason"]) == (None, "not_released", "Estimate not released.")
    assert row(sheet["jobs"], "employment")["area"]["value"] == 160
    md = (sliced.out / f"{slug}.md").read_text(encoding="utf-8")
    assert "| Median Salary* | Not published by BLS: Estimate not released. |" in md
    assert "| Median | Not published: Estimate not released. |" in md and "| $0" not in md
    assert not list(validator("area-sheet-1.schema.json").iter_errors(sheet))


def test_the_site_lists_each_area_and_national_sheets_link_their_published_area_sheets(states):
    real = Path(os.path.realpath(states.out))
    index = (real / "areas/tx/index.html").read_text(encoding="utf-8")
    assert f'<a href="{MRS}.html">Medical Records Specialists in Texas</a>' in index
    national = (real / f"{MRS}.html").read_text(encoding="utf-8")
    assert f'<a href="areas/tx/{MRS}.html">Texas</a>' in national and "areas/ny/" not in national
    national_doc = doc(states.out, MRS)
    assert [a["area"] for a in national_doc["area_sheets"]] == ["Alabama", "California", "Texas"]
    assert not list(validator("fact-sheet-1.schema.json").iter_errors(national_doc))
    manifest = json.loads((real / "index.json").read_text(encoding="utf-8"))
    assert [(a["folder"], a["index"]) for a in manifest["areas"]] == [
        ("al", "areas/al/index.html"),
        ("ca", "areas/ca/index.html"),
        ("tx", "areas/tx/index.html"),
    ]
    assert all(s.get("kind") != "area" for s in manifest["sheets"])  # the top index lists national sheets
    area_manifest = json.loads((real / "areas/tx/index.json").read_text(encoding="utf-8"))
    assert area_manifest["count"] == next(a["count"] for a in manifest["areas"] if a["folder"] == "tx") > 700
    assert '<a href="areas/tx/index.html">Texas</a>' in (real / "index.html").read_text(encoding="utf-8")
    sitemap = (real / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>areas/tx/{MRS}.html</loc>" in sitemap and "<loc>areas/tx/index.html</loc>" in sitemap


def test_sheets_behind_knows_the_area_sheets(states):
    assert sheets_behind(states.con, states.out, areas=["TX", "06", "Alabama"]) is None
    assert "area sheets are published but the run publishes none" in sheets_behind(states.con, states.out)
    other = sheets_behind(states.con, states.out, areas=["TX"])
    assert "the area sheets are not what the warehouse's area figures make" in other


def test_a_second_publish_with_nothing_changed_rewrites_no_area_sheet(sliced):
    before = mtimes(sliced.out, "areas")
    assert len(before) > 3000
    again = publish_sheets(sliced.con, out_dir=sliced.out, areas="all", **RUN3)
    assert again.written == [] and again.changes == []
    assert mtimes(sliced.out, "areas") == before
    assert again.unchanged == again.sheets


def test_serial_and_dask_publish_the_same_area_sheets(prefect_harness, tmp_path):
    from flows.distribute import DaskRunner

    with read_only("slice") as con:
        serial = publish_sheets(con, out_dir=tmp_path / "serial" / "sheets", areas="all", **RUN2)
        runner = DaskRunner(workers=2)
        dask = publish_sheets(con, out_dir=tmp_path / "dask" / "sheets", areas="all", runner=runner, **RUN2)
    expected = digest(tmp_path / "serial" / "sheets")
    assert digest(tmp_path / "dask" / "sheets") == expected
    assert sum(name.startswith("areas/") for name in expected) > 3000
    assert (dask.written, dask.changes) == (serial.written, serial.changes)
    assert len({batch.pid for batch in dask.batches}) == 2


def test_areas_resolve_by_postal_code_fips_code_area_code_and_name():
    with read_only("slice") as con:
        areas = area_list(con)
    assert {resolve_area(areas, text).code for text in ("TX", "tx", "48", "Texas", "4800000")} == {"4800000"}
    dallas = resolve_area(areas, "Dallas-Fort Worth-Arlington, TX")
    assert (dallas.code, dallas.type, dallas.folder) == ("0019100", "metropolitan", "0019100")
    with pytest.raises(AreaSelectionError, match=r"no area 'XX'.*postal code \(TX\), its FIPS code \(48\)"):
        resolve_area(areas, "XX")
    with pytest.raises(AreaSelectionError, match="--oews-areas all"):
        resolve_area({}, "TX")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BLS_REFRESH_", "PREFECT_API_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=600
    )


@pytest.mark.slow
def test_the_sheets_command_publishes_an_area_and_rejects_an_unknown_one(tmp_path):
    db = str(warehouse_file("slice"))
    done = run_cli("sheets", "--db", db, "--out", str(tmp_path / "dfw"), "--area", "Dallas-Fort Worth-Arlington, TX")
    assert done.returncode == 0, done.stderr[-3000:]
    md = (tmp_path / "dfw" / "areas" / "0019100" / f"{MRS}.md").read_text(encoding="utf-8")
    assert "# Medical Records Specialists in Dallas-Fort Worth-Arlington, TX" in md and "$52,140 (2025)" in md
    assert not (tmp_path / "dfw" / "areas" / "tx").exists()
    by_fips = run_cli("sheets", "--db", db, "--out", str(tmp_path / "tx"), "--area", "48")
    assert by_fips.returncode == 0 and (tmp_path / "tx" / "areas" / "tx" / f"{MRS}.md").is_file()
    unknown = run_cli("sheets", "--db", db, "--out", str(tmp_path / "xx"), "--area", "XX")
    assert unknown.returncode == 2
    assert "no area 'XX' in the warehouse's OEWS release: expected a state's postal code (TX)" in unknown.stderr
    assert not (tmp_path / "xx").exists()
    both = run_cli("sheets", "--db", db, "--area", "TX", "--areas", "states")
    assert both.returncode == 2 and "give --area or --areas, not both" in both.stderr


def test_the_setting_chooses_the_nightly_area_sheets_and_their_workers(monkeypatch, tmp_path):
    from flows.night import publish_sheets_step

    assert Settings().area_selection() is None and Settings().render_workers() == 0
    monkeypatch.setenv("BLS_REFRESH_SHEET_AREAS", "states")
    settings = Settings(sheets_dir=tmp_path / "sheets", workers=0)
    assert settings.area_selection() == "states" and Settings().render_workers() == (os.cpu_count() or 1)
    with pytest.raises(ValueError, match="sheet_areas"):
        Settings(sheet_areas="cities")
    with read_only("slice") as con:
        result = publish_sheets_step(con, settings, date(2026, 3, 1), None, "night")
    version = Path(os.path.realpath(tmp_path / "sheets"))
    assert result.version == version and (version / "areas" / "tx" / f"{MRS}.html").is_file()
    assert not (version / "areas" / "0019100").exists()  # states only
