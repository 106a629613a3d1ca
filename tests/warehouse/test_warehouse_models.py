"""Views and table macros as models (warehouse/models/*.sql): re-created on every writable open, the OEWS
pivot generated from the measure vocabulary, and the same figures as the views the migrations made.

tests/fixtures/views-before-models.sql holds the views and macros exactly as migrations 002-005 created
them; a warehouse "made by the old migrations" is today's table migrations plus that file.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import duckdb
import pytest
from analyst_fixtures import FETCHED, archive_releases, load_slice, unpack_slice
from bls_files import FIXTURES, OEWS_ZIP_2025
from bls_files import OOH_PAGES as OOH

import warehouse
from transforms.oews import read_national_zip
from transforms.vocabulary import MEASURES
from warehouse import db
from warehouse.analyst import data_dictionary
from warehouse.load import ReleaseRecord, load_release
from warehouse.models import generate

OLD_VIEWS = FIXTURES / "views-before-models.sql"
OEWS_2025_ZIP = OEWS_ZIP_2025
OOH_PAGES = [
    OOH / f"{slug}.htm"
    for slug in (
        "healthcare/medical-records-and-health-information-technicians",
        "healthcare/medical-transcriptionists",
        "management/medical-and-health-services-managers",
    )
]
# Objects whose columns grew: oews_figures gives every measure its status, and what reads it shows them.
WIDENED = {"oews_figures", "latest_oews_figures", "oews_national", "latest_oews_national", "sheet_oews"}
WIDENED_SHEETS = {"sheet_occupations"}  # sheet_oews's new columns pass through its w.*


def make_old_warehouse(path: Path) -> None:
    """A warehouse file as the migrations made it before the models: tables and the old views and macros."""
    con = duckdb.connect(str(path))
    try:
        db.apply_migrations(con)
        con.execute(OLD_VIEWS.read_text(encoding="utf-8"))
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
    assert len(wanted["views"]) == 14 and len(wanted["macros"]) == 8

    old = tmp_path / "old.duckdb"
    make_old_warehouse(old)
    reader = warehouse.connect(old, read_only=True)
    before = definitions(reader)
    # A read-only open creates nothing: it sees the old definitions until a writable open.
    # ooh_soc_links came after the old views, with the EP links (migration 006).
    assert {v[0] for v in before["views"]} == {v[0] for v in wanted["views"]} - {"ooh_soc_links"}
    assert before["views"] != wanted["views"] and before["macros"] != wanted["macros"]
    assert "employment_rse" not in {c[2] for c in before["columns"] if c[0] == "oews_national"}
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


# ---- the same figures as the old views, on real releases ---------------------------------------------


def load_ooh_pages(con) -> None:
    from transforms.ooh import read_profiles

    parsed = read_profiles({f"https://www.bls.gov/ooh/{p.parent.name}/{p.name}": p for p in OOH_PAGES})
    record = ReleaseRecord(
        "ooh", parsed.release_id, parsed.period, parsed.reference_year, "profiles", "u", FETCHED, "sha"
    )
    load_release(con, record, parsed)


def load_oews_2025_zip(con) -> None:
    release = read_national_zip(OEWS_2025_ZIP, name=OEWS_2025_ZIP.name)
    record = ReleaseRecord(
        "oews",
        release.release_id,
        release.period,
        release.reference_year,
        "national_zip",
        "u",
        FETCHED,
        "sha-oesm25nat",
    )
    load_release(con, record, release)


@pytest.fixture(scope="module", params=["may-2025-zip", "flat-file-slice"])
def old_and_new(request, tmp_path_factory, shared_data) -> tuple[Path, Path]:
    """The same releases in a warehouse with the old views and in its copy opened (so re-modelled) once."""
    tmp = tmp_path_factory.mktemp(request.param)
    old, new = tmp / "old.duckdb", tmp / "new.duckdb"
    make_old_warehouse(old)
    con = duckdb.connect(str(old))
    try:
        for record, release in archive_releases():  # OEWS May 2022-2024, EP 2021-31 to 2024-34
            # Without EP's OOH links (migration 006), which the old views did not know.
            tables = {name: chunks for name, chunks in release.tables.items() if name != "ep_ooh_links"}
            load_release(con, record, dataclasses.replace(release, tables=tables))
        if request.param == "may-2025-zip":
            load_oews_2025_zip(con)
        else:
            load_slice(con, unpack_slice(tmp / "oews-slice"))
        load_ooh_pages(con)
    finally:
        con.close()
    shutil.copyfile(old, new)
    warehouse.connect(new).close()
    return old, new


def objects(con) -> list[tuple[str, bool]]:
    views = [(r[0], False) for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
    macros = con.execute(
        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'table_macro' AND NOT internal"
    ).fetchall()
    return sorted(views + [(r[0], True) for r in macros])


def columns_of(con, name: str, macro: bool) -> list[str]:
    return [d[0] for d in con.execute(f"SELECT * FROM {name}(NULL)" if macro else f"SELECT * FROM {name}").description]


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    rest = iter(whole)
    return all(column in rest for column in part)


def test_every_old_view_and_macro_shows_the_same_rows_under_the_models(old_and_new):
    old_path, new_path = old_and_new
    old, new = duckdb.connect(str(old_path), read_only=True), duckdb.connect(str(new_path), read_only=True)
    try:
        assert objects(old) == [o for o in objects(new) if o[0] != "ooh_soc_links"]  # new with migration 006
        compared = 0
        for name, macro in objects(old):
            before, after = columns_of(old, name, macro), columns_of(new, name, macro)
            if name in WIDENED | WIDENED_SHEETS:
                assert set(before) < set(after), name
                if not macro:  # a view keeps its columns' order; the sheets read macro rows by name
                    assert is_subsequence(before, after), name
            else:
                assert before == after, name
            select = ", ".join(f'"{c}"' for c in before)
            for as_of in [None, 2022, 2023, 2024, 2025] if macro else [None]:
                sql = (
                    f"SELECT {select} FROM {name}(?) ORDER BY ALL"
                    if macro
                    else f"SELECT {select} FROM {name} ORDER BY ALL"
                )
                params = [as_of] if macro else []
                rows = old.execute(sql, params).fetchall()
                assert rows == new.execute(sql, params).fetchall(), f"{name}({as_of})" if macro else name
                compared += len(rows)
        # Real figures came through: the national pivot and the joined facts are not empty.
        assert new.execute(
            "SELECT annual_median, annual_median_status FROM oews_national WHERE soc_code = '29-2072' AND year = 2025"
        ).fetchall() == [(51140.0, "published")]
        assert new.execute(
            "SELECT annual_mean, oews_period, projected_change_percent FROM occupation_facts WHERE soc_code = '29-2072'"
        ).fetchone()[1:] == ("May 2025", 7.1)
        assert compared > 10_000
    finally:
        old.close()
        new.close()


def test_the_widened_views_add_only_statuses_and_the_measures_a_sheet_did_not_show(old_and_new):
    old_path, new_path = old_and_new
    old, new = duckdb.connect(str(old_path), read_only=True), duckdb.connect(str(new_path), read_only=True)
    try:
        added = {
            name: sorted(set(columns_of(new, name, macro)) - set(columns_of(old, name, macro)))
            for name, macro in objects(old)
            if name in WIDENED | WIDENED_SHEETS
        }
    finally:
        old.close()
        new.close()
    statuses = [f"{m}_status" for m in ("employment_rse", "jobs_per_1000", "wage_rse")] + [
        f"{kind}_{p}_status" for kind in ("hourly", "annual") for p in ("p10", "p25", "p75")
    ]
    assert added["oews_figures"] == added["latest_oews_figures"] == sorted(statuses)
    assert (
        added["oews_national"]
        == added["latest_oews_national"]
        == sorted(
            statuses
            + ["employment_rse", "jobs_per_1000", "location_quotient", "location_quotient_status", "wage_rse"]
            + ["hourly_p90_status"]
        )
    )
    assert "annual_mean" in added["sheet_oews"] and "annual_mean" in added["sheet_occupations"]
