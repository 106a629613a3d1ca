"""Views and table macros as models (warehouse/models/*.sql): re-created on every writable open, the OEWS
pivot generated from the measure vocabulary, and the figures the models show of real releases.

A warehouse "made by the old migrations" is today's table migrations plus stand-ins for the views and
macros migrations 002-005 made (same names, made with plain CREATE, one reading the other, narrower
than the models): what an open must replace. That the models show the same rows as those migrations'
own SQL was checked when they moved (commit 666602e); what is checked here on real releases is what
the models promise: the pivot holds every estimate once, and there is one definition of "latest".
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from analyst_fixtures import archive_releases, load_slice, record_of, unpack_slice
from bls_files import OEWS_ZIP_2025
from bls_files import OOH_PAGES as OOH

import warehouse
from transforms.oews import read_national_zip
from transforms.vocabulary import MEASURES
from warehouse import db
from warehouse.analyst import data_dictionary
from warehouse.load import load_release
from warehouse.models import generate

OOH_PAGES = [
    OOH / f"{slug}.htm"
    for slug in (
        "healthcare/medical-records-and-health-information-technicians",
        "healthcare/medical-transcriptionists",
        "management/medical-and-health-services-managers",
    )
]
# What migrations 002-005 made before the models, in the order they made it (ooh_soc_links came later, with
# migration 006's EP links).
OLD_VIEWS = (
    "latest_releases",
    "oews_national",
    "latest_oews_national",
    "latest_projections",
    "occupation_facts",
    "latest_ooh_profiles",
    "latest_ooh_profile_soc",
    "latest_ooh_sections",
    "latest_ooh_similar",
    "ooh_by_soc",
    "oews_figures",
    "latest_oews_figures",
    "occupation_history",
)
OLD_MACROS = (
    "sheet_releases",
    "sheet_oews",
    "sheet_projections",
    "sheet_occupations",
    "sheet_ooh_profiles",
    "sheet_ooh_links",
    "sheet_ooh_sections",
    "sheet_ooh_similar",
)


def make_old_warehouse(path: Path) -> None:
    """A warehouse file as the migrations made it before the models: tables, and the old names as views
    and macros each reading the one before (so replacing one that another reads must work)."""
    con = duckdb.connect(str(path))
    try:
        db.apply_migrations(con)
        read = "releases"
        for name in OLD_VIEWS:
            con.execute(f"CREATE VIEW {name} AS SELECT release_id, reference_year FROM {read}")
            read = name
        for name in OLD_MACROS:
            con.execute(
                f"CREATE MACRO {name}(as_of) AS TABLE SELECT release_id FROM {read} WHERE reference_year <= as_of"
            )
    finally:
        con.close()


def definitions(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Every view and table macro of the file with its SQL and comments, columns with theirs."""
    views = con.execute(
        "SELECT view_name, sql, comment FROM duckdb_views() WHERE NOT internal ORDER BY view_name"
    ).fetchall()
    macros = con.execute(
        """SELECT function_name, macro_definition, comment, parameters FROM duckdb_functions()
           WHERE function_type = 'table_macro' AND NOT internal ORDER BY function_name"""
    ).fetchall()
    columns = con.execute(
        """SELECT c.table_name, c.column_index, c.column_name, c.data_type, c.comment
           FROM duckdb_columns() c JOIN duckdb_views() v ON v.view_name = c.table_name AND NOT v.internal
           ORDER BY ALL"""
    ).fetchall()
    return {"views": views, "macros": macros, "columns": columns}


# ---- generated from the vocabulary ------------------------------------------------------------------


def test_the_oews_pivot_is_the_generated_one():
    text = generate.OEWS_MODEL.read_text(encoding="utf-8")
    assert generate.with_generated(text) == text, "oews.sql is out of date: run python -m warehouse.models.generate"
    assert generate.main(["--check"]) == 0


def test_a_measure_added_to_the_vocabulary_makes_the_check_fail(monkeypatch, capsys):
    monkeypatch.setattr(generate, "MEASURES", (*MEASURES, "annual_p95"))
    text = generate.OEWS_MODEL.read_text(encoding="utf-8")
    assert "AS annual_p95_status" in generate.with_generated(text) and "annual_p95" not in text
    assert generate.main(["--check"]) == 1
    assert "run python -m warehouse.models.generate" in capsys.readouterr().err


def test_oews_figures_has_every_measure_with_its_status_employment_before_wages(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    figures = [r[0] for r in con.execute("DESCRIBE oews_figures").fetchall()]
    con.close()
    measures = figures[figures.index("level") + 1 :]
    assert measures[0::2] == ["employment", "employment_rse", "jobs_per_1000", "location_quotient"] + [
        m for m in MEASURES if m.startswith(("hourly_", "annual_", "wage_"))
    ]
    assert measures[1::2] == [f"{m}_status" for m in measures[0::2]]
    assert sorted(measures[0::2]) == sorted(MEASURES)


def test_every_model_file_is_listed_in_models(monkeypatch):
    monkeypatch.setattr(db, "MODELS", tuple(m for m in db.MODELS if m != "history"))
    with pytest.raises(db.ModelError, match=r"warehouse/models holds .*'history'.* list every model file in MODELS"):
        db.model_sql()


# ---- applied on every writable open -----------------------------------------------------------------


def test_a_warehouse_made_by_the_old_migrations_ends_up_with_exactly_the_models(tmp_path):
    fresh = warehouse.connect(tmp_path / "fresh.duckdb")
    wanted = definitions(fresh)
    fresh.close()
    assert len(wanted["views"]) == 16 and len(wanted["macros"]) == 8

    old = tmp_path / "old.duckdb"
    make_old_warehouse(old)
    reader = warehouse.connect(old, read_only=True)
    before = definitions(reader)
    # A read-only open creates nothing: it sees the old definitions until a writable open.
    # ooh_soc_links came after the old views, with the EP links (migration 006); projection_coverage and
    # projection_same_lines later.
    later = {"ooh_soc_links", "projection_coverage", "projection_same_lines"}
    assert {v[0] for v in before["views"]} == {v[0] for v in wanted["views"]} - later
    assert {m[0] for m in before["macros"]} == {m[0] for m in wanted["macros"]}
    assert before["views"] != wanted["views"] and before["macros"] != wanted["macros"]
    assert [c[2] for c in before["columns"] if c[0] == "oews_national"] == ["release_id", "reference_year"]
    reader.close()

    con = warehouse.connect(old)
    assert definitions(con) == wanted
    shipped = [m.version for m in db.available_migrations()]
    assert con.execute("SELECT list(version ORDER BY version) FROM schema_migrations").fetchone() == (shipped,)
    con.close()


def test_a_fresh_warehouse_gets_views_only_from_the_models(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    db.apply_migrations(con)
    assert con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone() == (0,)
    assert con.execute(
        "SELECT count(*) FROM duckdb_functions() WHERE function_type = 'table_macro' AND NOT internal"
    ).fetchone() == (0,)
    con.close()


def test_a_broken_model_names_its_file_and_leaves_the_old_definitions(tmp_path, monkeypatch):
    con = warehouse.connect(tmp_path / "w.duckdb")
    before = definitions(con)
    sql = db.model_sql()
    sql["history"] = "CREATE OR REPLACE VIEW occupation_history AS SELECT * FROM no_such_table;"
    monkeypatch.setattr(db, "model_sql", lambda: sql)
    with pytest.raises(db.ModelError, match=r"warehouse/models/history\.sql failed: .*no_such_table"):
        db.apply_models(con)
    assert definitions(con) == before
    con.close()


def test_a_view_over_a_macro_takes_the_comments_of_what_the_macro_reads(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    dictionary = data_dictionary(con).set_index(["object_name", "column_name"])
    con.close()
    assert dictionary.loc[("latest_releases", "archive_sha256"), "comment_from"] == "releases"
    assert dictionary.loc[("oews_national", "wage_rse_status"), "comment_from"] == "oews_figures"


# ---- what the models show of real releases ------------------------------------------------------------


def load_ooh_pages(con) -> None:
    from transforms.ooh import read_profiles

    parsed = read_profiles({f"https://www.bls.gov/ooh/{p.parent.name}/{p.name}": p for p in OOH_PAGES})
    record = record_of(parsed, "profiles", "u", "sha")
    load_release(con, record, parsed)


def load_oews_2025_zip(con) -> None:
    release = read_national_zip(OEWS_ZIP_2025, name=OEWS_ZIP_2025.name)
    record = record_of(release, "national_zip", "u", "sha")
    load_release(con, record, release)


@pytest.fixture(scope="module", params=["may-2025-zip", "flat-file-slice"])
def loaded(request, tmp_path_factory, shared_data) -> Path:
    """OEWS May 2022-2025 (2025 from the national zip or the flat-file slice), EP 2021-31 to 2024-34 and
    three OOH profiles, loaded into a warehouse opened (so modelled) from the old migrations' state."""
    tmp = tmp_path_factory.mktemp(request.param)
    path = tmp / "w.duckdb"
    make_old_warehouse(path)
    con = warehouse.connect(path)
    try:
        for record, release in archive_releases():
            load_release(con, record, release)
        if request.param == "may-2025-zip":
            load_oews_2025_zip(con)
        else:
            load_slice(con, unpack_slice(tmp / "oews-slice"))
        load_ooh_pages(con)
    finally:
        con.close()
    return path


def test_the_pivot_holds_every_estimate_once(loaded):
    """oews_figures unpivoted again is oews_estimates: no estimate lost, doubled or given another's status."""
    pairs = ", ".join(f"({m}, {m}_status) AS {m}" for m in generate.pivot_measures())
    unpivot = f"UNPIVOT INCLUDE NULLS ((value, status) FOR measure IN ({pairs}))"
    con = duckdb.connect(str(loaded), read_only=True)
    try:
        unpivoted = con.execute(
            f"""SELECT release_id, area_code, industry_code, soc_code, measure, value, status
                FROM oews_figures {unpivot}
                WHERE value IS NOT NULL OR status IS NOT NULL ORDER BY ALL"""
        ).fetchall()
        estimates = con.execute(
            "SELECT release_id, area_code, industry_code, soc_code, measure, value, status FROM oews_estimates ORDER BY ALL"
        ).fetchall()
        national = con.execute(
            "SELECT annual_median, annual_median_status FROM oews_national WHERE soc_code = '29-2072' AND year = 2025"
        ).fetchall()
    finally:
        con.close()
    assert len(estimates) > 10_000 and unpivoted == estimates
    assert national == [(51140.0, "published")]


def test_every_latest_view_and_sheet_macro_uses_the_one_definition_of_latest(loaded):
    con = duckdb.connect(str(loaded), read_only=True)
    try:
        releases = con.execute("SELECT source, release_id, reference_year FROM releases").fetchall()
        for as_of in (None, 2021, 2022, 2023, 2024, 2025):
            # Per source, the newest release (by reference year, then id) of those at most as_of.
            wanted = {
                (source, max((y, r) for s, r, y in releases if s == source and (as_of is None or y <= as_of))[1])
                for source in {s for s, _, y in releases if as_of is None or y <= as_of}
            }
            picked = con.execute("SELECT source, release_id FROM sheet_releases(?)", [as_of]).fetchall()
            assert set(picked) == wanted and len(picked) == len(wanted), as_of
        assert (
            con.execute("FROM latest_releases ORDER BY ALL").fetchall()
            == con.execute("FROM sheet_releases(NULL) ORDER BY ALL").fetchall()
        )
        for view, macro in [
            ("latest_oews_national", "sheet_oews"),
            ("latest_projections", "sheet_projections"),
            ("latest_ooh_sections", "sheet_ooh_sections"),
            ("latest_ooh_similar", "sheet_ooh_similar"),
        ]:
            # The sheet macros show what a sheet needs of the latest view's columns.
            columns = ", ".join(d[0] for d in con.execute(f"FROM {macro}(NULL) LIMIT 0").description)
            rows = con.execute(f"SELECT {columns} FROM {view} ORDER BY ALL").fetchall()
            assert rows and rows == con.execute(f"SELECT {columns} FROM {macro}(NULL) ORDER BY ALL").fetchall(), view
        facts = con.execute(
            "SELECT oews_period, projected_change_percent FROM occupation_facts WHERE soc_code = '29-2072'"
        ).fetchone()
    finally:
        con.close()
    assert facts == ("May 2025", 7.1)
