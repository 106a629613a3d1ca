"""The analysts' side: the README's example questions (read from the README, run verbatim), the
history view and its SOC rule, the data dictionary, read-only `query`, `schema` and `export`."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest
import typer
from analyst_fixtures import build_history_warehouse, readme_examples, unpack_slice
from typer.testing import CliRunner

import warehouse
from flows.analyst_cmd import export, query, schema
from warehouse.analyst import (
    ReadOnlyQueryError,
    check_read_only_sql,
    data_dictionary,
    data_dictionary_markdown,
    export_parquet,
    run_read_only,
)
from warehouse.load import ReleaseRecord, load_release


@pytest.fixture(scope="module")
def history(tmp_path_factory, shared_data):
    tmp = tmp_path_factory.mktemp("history")
    return build_history_warehouse(tmp / "warehouse.duckdb", unpack_slice(tmp / "oews-slice"))


EXAMPLES = readme_examples()


def test_the_readme_has_five_example_questions():
    assert len(EXAMPLES) == 5
    assert [h.split(".")[0] for h, _ in EXAMPLES] == ["1", "2", "3", "4", "5"]


def run_example(history, number: int) -> pd.DataFrame:
    heading, sql = EXAMPLES[number - 1]
    assert heading.startswith(f"{number}.")
    return run_read_only(history, sql)


def test_example_1_best_paid_metro_areas(history):
    result = run_example(history, 1)
    assert list(result.columns) == ["area_name", "annual_median", "employment"]
    assert len(result) == 10
    assert result.iloc[0].tolist() == ["San Jose-Sunnyvale-Santa Clara, CA", 86890.0, 920.0]
    assert result["annual_median"].is_monotonic_decreasing
    assert ("Cheyenne, WY", 65680.0) in set(zip(result["area_name"], result["annual_median"], strict=True))
    assert result.iloc[-1]["annual_median"] == 65220.0


def test_example_2_history_across_releases_and_cycles(history):
    result = run_example(history, 2)
    assert list(result.columns) == ["source", "period", "figure", "value", "status"]
    assert [tuple(r) for r in result.itertuples(index=False)] == [
        ("oews", "May 2022", "annual_median", 47180.0, "published"),
        ("oews", "May 2023", "annual_median", 48780.0, "published"),
        ("oews", "May 2024", "annual_median", 50250.0, "published"),
        ("oews", "May 2025", "annual_median", 51140.0, "published"),
        ("projections", "2021-2031", "change_percent", 6.6, "published"),
        ("projections", "2022-2032", "change_percent", 8.5, "published"),
        ("projections", "2023-2033", "change_percent", 8.7, "published"),
        ("projections", "2024-2034", "change_percent", 7.1, "published"),
    ]


def test_example_3_outlook_shifts_between_cycles(history):
    result = run_example(history, 3)
    assert list(result.columns) == ["soc_code", "title", "previous_change_percent", "latest_change_percent", "shift"]
    assert len(result) == 10
    assert result.iloc[0].tolist() == ["49-9095", "Manufactured building and mobile home installers", -19.6, 5.9, 25.5]
    assert result["shift"].abs().is_monotonic_decreasing
    assert (
        result["shift"].round(1) == (result["latest_change_percent"] - result["previous_change_percent"]).round(1)
    ).all()


def test_example_4_concentration(history):
    result = run_example(history, 4)
    assert list(result.columns) == ["area_name", "area_type", "location_quotient", "employment"]
    assert len(result) == 5
    assert result.iloc[0].tolist() == ["Fairbanks-College, AK", "metropolitan", 4.22, 190.0]
    assert result["location_quotient"].is_monotonic_decreasing and (result["employment"] >= 100).all()


def test_example_5_wyoming_against_the_nation(history):
    result = run_example(history, 5)
    assert list(result.columns) == ["soc_code", "title", "wyoming", "national", "ratio"]
    assert len(result) == 10
    assert result.iloc[0].tolist() == [
        "29-2099",
        "Health Technologists and Technicians, All Other",
        80520.0,
        50290.0,
        1.6,
    ]
    assert ("29-2072", 54210.0, 51140.0) in set(
        zip(result["soc_code"], result["wyoming"], result["national"], strict=True)
    )
    assert (result["wyoming"] > result["national"]).all()


# --------------------------------------------------------------------------- history and SOC changes


def test_history_carries_every_source_per_release(history):
    con = duckdb.connect(str(history), read_only=True)
    rows = con.execute(
        """SELECT source, count(DISTINCT release_id) FROM occupation_history
           WHERE soc_code = '29-2072' GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    assert rows == [("oews", 4), ("projections", 4)]
    statuses = con.execute(
        """SELECT DISTINCT status FROM occupation_history
           WHERE soc_code = '27-2011' AND source = 'oews' AND figure = 'annual_median'"""
    ).fetchall()
    assert statuses == [("hourly_only",)]
    con.close()


def test_archive_releases_use_the_2018_soc_and_the_crosswalk_points_at_published_codes(history):
    con = duckdb.connect(str(history), read_only=True)
    retired_in_use = con.execute(
        """SELECT DISTINCT x.old_soc_code FROM soc_crosswalk x
           WHERE x.old_soc_code IN (SELECT soc_code FROM oews_occupations UNION SELECT soc_code FROM projections)"""
    ).fetchall()
    assert retired_in_use == []
    unknown_successors = con.execute(
        """SELECT DISTINCT new_soc_code FROM soc_crosswalk
           WHERE new_soc_code NOT IN (SELECT soc_code FROM oews_occupations WHERE release_id = '2025A01')
              OR new_soc_code NOT IN (SELECT soc_code FROM projections WHERE cycle = '2024-34')"""
    ).fetchall()
    assert unknown_successors == []
    assert con.execute(
        "SELECT new_soc_code, relation FROM soc_crosswalk WHERE old_soc_code = '29-2071' ORDER BY 1"
    ).fetchall() == [("29-2072", "split"), ("29-9021", "split")]
    con.close()


def test_a_retired_code_shows_under_each_successor(tmp_path, history):
    # An older release as BLS published it before the 2018 SOC: a synthetic May 2017 national
    # release carrying the retired 29-2071 (the figure is made up for the test).
    path = tmp_path / "w.duckdb"
    path.write_bytes(history.read_bytes())
    con = warehouse.connect(path)
    record = ReleaseRecord(
        "oews",
        "2017A01",
        "May 2017",
        2017,
        "national_zip",
        "file:///synthetic",
        pd.Timestamp("2026-11-01", tz="UTC").to_pydatetime(),
        "sha-synthetic",
    )
    occupations = pd.DataFrame(
        {
            "release_id": ["2017A01"],
            "soc_code": ["29-2071"],
            "title": ["Medical Records and Health Information Technicians"],
            "level": ["detailed"],
        }
    )
    estimates = pd.DataFrame(
        {
            "release_id": ["2017A01"],
            "area_code": ["0000000"],
            "industry_code": ["000000"],
            "soc_code": ["29-2071"],
            "measure": ["annual_median"],
            "value": [12345.0],
            "status": ["published"],
        }
    )
    load_release(con, record, {"oews_occupations": occupations, "oews_estimates": estimates})
    rows = con.execute(
        """SELECT soc_code, published_soc_code, soc_relation, period, value FROM occupation_history
           WHERE source = 'oews' AND figure = 'annual_median' AND soc_code IN ('29-2072', '29-9021')
           ORDER BY soc_code, reference_year"""
    ).fetchall()
    con.close()
    assert rows[0] == ("29-2072", "29-2071", "split", "May 2017", 12345.0)
    assert rows[1][:3] == ("29-2072", "29-2072", "same")
    assert ("29-9021", "29-2071", "split", "May 2017", 12345.0) in rows
    assert len([r for r in rows if r[1] == "29-2071"]) == 2  # once per successor, never divided


# --------------------------------------------------------------------------- data dictionary


def test_data_dictionary_lists_every_table_and_column_with_a_meaning(history):
    con = duckdb.connect(str(history), read_only=True)
    dictionary = data_dictionary(con)
    tables = dictionary[dictionary["object_type"] == "table"]
    expected_tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert set(tables["object_name"]) == expected_tables
    assert (tables["column_comment"] != "").all() and (tables["object_comment"] != "").all()
    views = dictionary[dictionary["object_type"] == "view"]
    assert (views["object_comment"] != "").all() and (views["column_comment"] != "").all()
    latest = views[views["object_name"] == "latest_oews_figures"].set_index("column_name")
    assert latest.loc["location_quotient", "comment_from"] == "oews_figures"
    markdown = data_dictionary_markdown(con)
    con.close()
    assert "### `oews_areas`" in markdown and "### `occupation_history`" in markdown
    assert "| `area_type` | VARCHAR | no | national, state (states" in markdown


# --------------------------------------------------------------------------- read-only queries


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM releases",
        "INSERT INTO releases SELECT * FROM releases",
        "UPDATE oews_estimates SET value = 0",
        "DROP TABLE oews_estimates",
        "CREATE TABLE t AS SELECT 1",
        "ALTER TABLE releases ADD COLUMN x INT",
        "COPY releases TO '/tmp/stolen.csv'",
        "ATTACH '/tmp/other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "PRAGMA database_list",
        "CHECKPOINT",
        "EXPORT DATABASE '/tmp/dump'",
        "SELECT 1; DROP TABLE releases",
        "SELECT 1; SELECT 2",
        "",
    ],
)
def test_anything_but_one_select_is_refused(history, sql):
    before = history.read_bytes()
    with pytest.raises(ReadOnlyQueryError):
        run_read_only(history, sql)
    assert history.read_bytes() == before


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        "SELECT * FROM glob('/*')",
        "SELECT * FROM query('SELECT * FROM read_csv(''/etc/passwd'')')",
    ],
)
def test_a_select_cannot_reach_local_files(history, sql):
    with pytest.raises(duckdb.Error, match="disabled"):
        run_read_only(history, sql)


def test_selects_of_every_shape_run_and_bind_parameters(history):
    assert run_read_only(history, "SELECT count(*) AS n FROM releases")["n"].tolist() == [8]
    assert run_read_only(history, "FROM releases SELECT count(*) AS n")["n"].tolist() == [8]
    assert "column_name" in run_read_only(history, "DESCRIBE oews_figures").columns
    assert len(run_read_only(history, "SHOW TABLES")) > 10
    injected = "29-2072' OR '1'='1"
    assert run_read_only(history, "SELECT * FROM oews_occupations WHERE soc_code = ?", [injected]).empty
    check_read_only_sql("WITH x AS (SELECT 1) SELECT * FROM x")


# --------------------------------------------------------------------------- the commands


@pytest.fixture(scope="module")
def cli():
    app = typer.Typer()
    for command in (schema, query, export):
        app.command()(command)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_query_command_formats(cli, history):
    sql = "SELECT period, annual_median FROM oews_national WHERE soc_code = '29-2072' ORDER BY year"
    table = cli("query", sql, "--db", history)
    assert table.exit_code == 0 and "May 2025" in table.stdout and "51140.0" in table.stdout
    as_csv = cli("query", sql, "--format", "csv", "--db", history)
    assert as_csv.stdout.splitlines()[0] == "period,annual_median"
    assert as_csv.stdout.splitlines()[-1] == "May 2025,51140.0"
    as_json = json.loads(cli("query", sql, "--format", "json", "--db", history).stdout)
    assert as_json[-1] == {"period": "May 2025", "annual_median": 51140.0}


def test_query_command_refuses_writes(cli, history):
    before = history.read_bytes()
    result = cli("query", "SELECT 1; DELETE FROM releases", "--db", history)
    assert result.exit_code == 2 and "refused" in result.stderr
    result = cli("query", "DROP TABLE releases", "--db", history)
    assert result.exit_code == 2 and "DROP" in result.stderr
    result = cli("query", "SELECT * FROM no_such_table", "--db", history)
    assert result.exit_code == 1 and "query failed" in result.stderr
    assert history.read_bytes() == before


def test_schema_command_prints_and_writes_markdown(cli, history, tmp_path):
    out = tmp_path / "dictionary.md"
    result = cli("schema", "--db", history, "--out", out)
    assert result.exit_code == 0
    assert result.stdout.startswith("# Data dictionary") and "### `oews_estimates`" in result.stdout
    assert out.read_text() == result.stdout


def test_export_writes_one_parquet_file_per_table(cli, history, tmp_path):
    out = tmp_path / "exports"
    result = cli("export", "--parquet", out, "--db", history)
    assert result.exit_code == 0
    written = sorted(p.name for p in out.glob("*.parquet"))
    con = duckdb.connect(str(history), read_only=True)
    tables = sorted(f"{r[0]}.parquet" for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall())
    counts = con.execute("SELECT count(*) FROM oews_estimates").fetchone()
    con.close()
    assert written == tables
    reader = duckdb.connect()
    assert reader.execute(f"SELECT count(*) FROM '{out / 'oews_estimates.parquet'}'").fetchone() == counts
    reader.close()
    assert (out / "data-dictionary.md").exists() and not list(out.glob(".*partial"))


def test_export_with_views(history, tmp_path):
    written = {p.name for p in export_parquet(history, tmp_path, include_views=True)}
    assert {"occupation_history.parquet", "oews_figures.parquet", "releases.parquet"} <= written
