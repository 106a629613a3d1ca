"""Every OEWS area, streamed: a slice of the full May 2025 release (tests/fixtures/oews-slice) loads,
its figures match the flat file line by line, and a failure anywhere in the stream rolls back."""

from __future__ import annotations

import json
import math
import shutil

import duckdb
import pandas as pd
import pytest
from analyst_fixtures import (
    archive_releases,
    data_lines,
    flat_record,
    load_slice,
)
from bls_files import OE_FLATFILES

import warehouse
from transforms.errors import LayoutError
from transforms.oews import read_flatfiles, release_fingerprint
from transforms.vocabulary import HOURLY_MEASURES, MEASURES
from warehouse.load import LoadError, load_release

SLICE_LINES = 61267


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, slice_paths):
    path = tmp_path_factory.mktemp("wh") / "w.duckdb"
    con = warehouse.connect(path)
    counts = load_slice(con, slice_paths)
    con.close()
    con = duckdb.connect(str(path), read_only=True)
    yield con, counts
    con.close()


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def test_the_slice_loads_every_area_type(loaded):
    con, counts = loaded
    assert counts["oews_estimates"] == SLICE_LINES
    assert counts["oews_areas"] == 583 and counts["oews_industries"] == 444
    assert counts["oews_datatypes"] == 17 and counts["oews_footnotes"] == 6
    assert counts["oews_occupations"] == 1104
    types = dict(
        one(
            con,
            """
        SELECT a.area_type, count(DISTINCT e.area_code) FROM oews_estimates e
        JOIN oews_areas a USING (release_id, area_code) GROUP BY ALL""",
        )
    )
    assert types["national"] == 1 and types["state"] >= 50
    assert types["metropolitan"] > 300 and types["nonmetropolitan"] > 50
    release = one(con, "SELECT release_id, period, form, rows_loaded, row_counts FROM releases")
    assert release[0][:4] == ("2025A01", "May 2025", "flatfiles", sum(counts.values()))
    assert json.loads(release[0][4]) == counts


def test_chosen_figures_match_the_flat_file(loaded, slice_paths):
    con, _ = loaded
    lines = data_lines(slice_paths)
    cases = {
        # Cheyenne, WY (metro 0016940), Medical Records Specialists, annual median.
        "OEUM001694000000029207213": ("0016940", "29-2072", "annual_median", 65680.0, "published", ("65680", "")),
        # ... and their location quotient.
        "OEUM001694000000029207217": ("0016940", "29-2072", "location_quotient", 1.06, "published", ("1.06", "")),
        # Atlanta (0012060) actors: paid by the hour only, so no annual median (footnote 4) ...
        "OEUM001206000000027201113": ("0012060", "27-2011", "annual_median", None, "hourly_only", ("-", "4")),
        # ... while the hourly median is published.
        "OEUM001206000000027201108": ("0012060", "27-2011", "hourly_median", 65.27, "published", ("65.27", "")),
        # Casper, WY (0016220), Loan Officers' annual median: estimate not released (footnote 8).
        "OEUM001622000000013205213": ("0016220", "13-2052", "annual_median", None, "not_released", ("-", "8")),
        # Wyoming (state 5600000), Medical Records Specialists, employment.
        "OEUS560000000000029207201": ("5600000", "29-2072", "employment", 280.0, "published", ("280", "")),
    }
    for series_id, (area, soc, measure, value, status, raw) in cases.items():
        assert lines[series_id] == raw, series_id
        rows = one(
            con,
            """SELECT value, status FROM oews_estimates
                           WHERE area_code = ? AND industry_code = '000000' AND soc_code = ? AND measure = ?""",
            [area, soc, measure],
        )
        assert rows == [(value, status)], series_id


def expected_from_line(series_id: str, value: str, footnotes: str) -> tuple[float | None, str]:
    """The status rules of the flat files, written again independently of transforms/."""
    measure = MEASURES[int(series_id[-2:]) - 1]
    notes = set(footnotes.split(",")) if footnotes else set()
    if value not in ("-", "*", "**"):
        return float(value), ("top_coded" if "5" in notes else "published")
    if "8" in notes:
        return None, "not_released"
    if "5" in notes:
        return (115.0 if measure in HOURLY_MEASURES else 239200.0), "top_coded"
    if "4" in notes:
        return None, ("annual_only" if measure in HOURLY_MEASURES else "hourly_only")
    return None, {"*": "wage_not_available", "**": "employment_not_available"}[value]


def test_every_line_of_the_slice_is_one_row_with_its_figure(loaded, slice_paths):
    con, _ = loaded
    expected = []
    for series_id, (value, footnotes) in data_lines(slice_paths).items():
        figure, status = expected_from_line(series_id, value, footnotes)
        expected.append(
            (
                series_id[4:11],
                series_id[11:17],
                f"{series_id[17:19]}-{series_id[19:23]}",
                MEASURES[int(series_id[-2:]) - 1],
                figure,
                status,
            )
        )
    expected = pd.DataFrame(expected, columns=["area_code", "industry_code", "soc_code", "measure", "value", "status"])
    got = con.execute("SELECT area_code, industry_code, soc_code, measure, value, status FROM oews_estimates").df()
    both = expected.merge(
        got,
        on=["area_code", "industry_code", "soc_code", "measure"],
        how="outer",
        suffixes=("_file", "_db"),
        indicator=True,
        validate="one_to_one",
    )
    assert (both["_merge"] == "both").all()
    assert (both["status_file"] == both["status_db"]).all()
    same = (both["value_file"] == both["value_db"]) | (both["value_file"].isna() & both["value_db"].isna())
    assert same.all(), both[~same].head()
    assert set(both["status_db"]) >= {"published", "hourly_only", "annual_only", "not_released"}


@pytest.mark.shared_data
def test_the_nation_in_the_slice_is_the_mirrors_national_file(loaded):
    con, _ = loaded
    release = read_flatfiles({p.name: p for p in OE_FLATFILES.iterdir() if p.name != "oe.series"})
    national = pd.concat(list(release.chunks("oews_estimates")), ignore_index=True)
    national = national.astype({c: str for c in national.columns if c != "value"})
    got = con.execute(
        """SELECT area_code, industry_code, soc_code, measure, value, status FROM oews_estimates
           WHERE area_code = '0000000' AND industry_code = '000000'"""
    ).df()
    both = national.merge(got, on=["area_code", "industry_code", "soc_code", "measure"], suffixes=("_a", "_b"))
    assert len(both) == len(national) == len(got) == 16560
    assert (both["status_a"] == both["status_b"]).all()
    assert ((both["value_a"] == both["value_b"]) | both["value_a"].isna() & both["value_b"].isna()).all()


def test_dimensions_name_every_code(loaded):
    con, _ = loaded
    areas = dict(
        (code, rest)
        for code, *rest in one(con, "SELECT area_code, area_name, area_type, areatype_code, state_code FROM oews_areas")
    )
    assert areas["0000000"] == ["National", "national", "N", "00"]
    assert areas["5600000"] == ["Wyoming", "state", "S", "56"]
    assert areas["0016940"] == ["Cheyenne, WY", "metropolitan", "M", "56"]
    assert areas["5600007"] == ["Eastern Wyoming nonmetropolitan area", "nonmetropolitan", "M", "56"]
    assert areas["7800000"][1] == "state"  # territories are state-level areas
    assert one(con, "SELECT industry_name, display_level FROM oews_industries WHERE industry_code = '622000'") == [
        ("Hospitals", 3)
    ]
    assert one(con, "SELECT measure FROM oews_datatypes WHERE datatype_code = '13'") == [("annual_median",)]
    assert one(con, "SELECT status FROM oews_footnotes WHERE footnote_code = '8'") == [("not_released",)]
    # Every code of the fact table is in its dimension.
    orphans = one(
        con,
        """
        SELECT count(*) FROM oews_estimates e
        LEFT JOIN oews_areas a USING (release_id, area_code)
        LEFT JOIN oews_industries i USING (release_id, industry_code)
        LEFT JOIN oews_occupations o USING (release_id, soc_code)
        WHERE a.area_code IS NULL OR i.industry_code IS NULL OR o.soc_code IS NULL""",
    )
    assert orphans == [(0,)]


def test_the_wide_view_names_areas_and_keeps_reasons(loaded):
    con, _ = loaded
    row = con.execute(
        """SELECT area_name, area_type, industry_name, title, annual_median, annual_median_status, hourly_median
           FROM oews_figures WHERE area_code = '0012060' AND soc_code = '27-2011' AND industry_code = '000000'"""
    ).fetchall()
    assert row == [
        (
            "Atlanta-Sandy Springs-Roswell, GA",
            "metropolitan",
            "Cross-Industry, Private, Federal, State, and Local",
            "Actors",
            None,
            "hourly_only",
            65.27,
        )
    ]


def test_national_scope_keeps_only_the_nation(tmp_path, slice_paths):
    con = warehouse.connect(tmp_path / "w.duckdb")
    counts = load_slice(con, slice_paths, areas="national")
    assert one(con, "SELECT DISTINCT area_code FROM oews_estimates") == [("0000000",)]
    assert sorted(r[0] for r in one(con, "SELECT DISTINCT industry_code FROM oews_estimates")) == [
        "000000",
        "621000",
        "622000",
    ]
    assert counts["oews_areas"] == 1
    assert one(con, "SELECT count(*) FROM latest_oews_national") == one(
        con, "SELECT count(DISTINCT soc_code) FROM oews_estimates WHERE industry_code = '000000'"
    )
    con.close()


def test_chunks_are_bounded_and_categorical(slice_paths):
    release = read_flatfiles(slice_paths, areas="all", chunk_rows=10_000)
    sizes = []
    for chunk in release.chunks("oews_estimates"):
        assert list(chunk.columns) == [
            "release_id",
            "area_code",
            "industry_code",
            "soc_code",
            "measure",
            "value",
            "status",
        ]
        assert all(isinstance(chunk[c].dtype, pd.CategoricalDtype) for c in chunk.columns if c != "value")
        sizes.append(len(chunk))
    # Whole DuckDB vectors of 2,048 rows, at most chunk_rows.
    assert max(sizes) <= 10_000 and sum(sizes) == SLICE_LINES
    assert len(sizes) >= math.ceil(SLICE_LINES / 10_000)


@pytest.mark.shared_data
def test_reloading_replaces_the_release_and_keeps_the_others(tmp_path, slice_paths):
    con = warehouse.connect(tmp_path / "w.duckdb")
    record, release = archive_releases()[2]  # OEWS May 2024, national zip
    load_release(con, record, release)
    before_2024 = one(con, "SELECT count(*) FROM oews_estimates WHERE release_id = '2024A01'")
    load_slice(con, slice_paths)
    load_slice(con, slice_paths)
    assert one(con, "SELECT count(*) FROM oews_estimates WHERE release_id = '2025A01'") == [(SLICE_LINES,)]
    assert one(con, "SELECT count(*) FROM oews_areas") == [(583,)]
    assert one(con, "SELECT count(*) FROM oews_estimates WHERE release_id = '2024A01'") == before_2024
    assert one(con, "SELECT release_id FROM releases ORDER BY 1") == [("2024A01",), ("2025A01",)]
    con.close()


@pytest.fixture
def broken_copy(tmp_path, slice_paths):
    target = tmp_path / "broken"
    target.mkdir()
    for name, path in slice_paths.items():
        shutil.copyfile(path, target / name)
    return {name: target / name for name in slice_paths}


def append_line(paths, line: str) -> int:
    with open(paths["oe.data.0.Current"], "a", encoding="utf-8") as file:
        file.write(line)
    return SLICE_LINES + 2  # header + the slice's lines + this one


def assert_rolled_back_to_the_first_load(con):
    assert one(con, "SELECT count(*) FROM oews_estimates") == [(SLICE_LINES,)]
    assert one(con, "SELECT archive_sha256 FROM releases") == [("sha-oews-slice",)]


@pytest.mark.parametrize(
    ("bad_line", "error"),
    [
        # A bad value at the end: every chunk already inserted is rolled back.
        ("OEUS560000000000029207204     \t2025\tA01\t      12,345\t\n", r"rolled back.*line {line}.*column 'value'"),
        # A repeated series is only seen when the stream ends.
        (
            "OEUM001694000000029207213     \t2025\tA01\t       65680\t\n",
            r"line {line}.*one line per series.*found 'OEUM001694000000029207213 again",
        ),
    ],
    ids=["bad-value-at-the-end", "repeated-series"],
)
def test_a_bad_line_rolls_back_the_whole_load(tmp_path, slice_paths, broken_copy, bad_line, error):
    con = warehouse.connect(tmp_path / "w.duckdb")
    load_slice(con, slice_paths)
    line = append_line(broken_copy, bad_line)
    release = read_flatfiles(broken_copy, areas="all", chunk_rows=5_000)
    with pytest.raises(LoadError, match=error.format(line=line)):
        load_release(con, flat_record(release, sha="sha-broken"), release)
    assert_rolled_back_to_the_first_load(con)
    con.close()


def test_an_area_missing_from_oe_area_is_refused_with_its_line(broken_copy):
    line = append_line(broken_copy, "OEUM009999900000029207213     \t2025\tA01\t       65680\t\n")
    release = read_flatfiles(broken_copy, areas="all")
    with pytest.raises(LayoutError, match=rf"line {line}.*an area code listed in oe.area.*'0099999'"):
        list(release.chunks("oews_estimates"))


def test_another_release_inside_the_file_is_refused(broken_copy):
    line = append_line(broken_copy, "OEUM001694000000029207213     \t2024\tA01\t       65680\t\n")
    release = read_flatfiles(broken_copy, areas="all", chunk_rows=10_000)
    with pytest.raises(
        LayoutError,
        match=rf"line {line}, column 'year, period': expected one annual release.*found '2024 A01, 2025 A01'",
    ):
        list(release.chunks("oews_estimates"))


def test_fingerprint_keeps_national_hashes_and_tells_all_areas_apart():
    sha = "ab" * 32
    assert release_fingerprint(sha, "national") == sha
    assert release_fingerprint(sha, "all") != sha
    assert release_fingerprint(sha, "all") == release_fingerprint(sha, "all")
    with pytest.raises(ValueError):
        release_fingerprint(sha, "metro")


def test_new_tables_and_columns_are_commented(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    bare = one(
        con,
        """
        SELECT t.table_name, c.column_name FROM duckdb_tables() t JOIN duckdb_columns() c USING (table_name)
        WHERE t.comment IS NULL OR c.comment IS NULL""",
    )
    assert bare == []
    assert one(con, "SELECT count(*) FROM duckdb_views() WHERE NOT internal AND comment IS NULL") == [(0,)]
    con.close()


# --------------------------------------------------------------------------- marks, footnotes and odd lines


def insert_lines(paths, lines: list[str], at: int = 30_001) -> int:
    """Put lines into the data file after line `at`; the number of the first."""
    with open(paths["oe.data.0.Current"], encoding="utf-8") as file:
        original = file.read().splitlines(keepends=True)
    original[at:at] = lines
    paths["oe.data.0.Current"].write_text("".join(original), encoding="utf-8")
    return at + 1


def test_every_mark_and_footnote_in_the_middle_of_a_chunk(broken_copy):
    # Wyoming's Medical Records Specialists, lines rewritten with every mark and footnote (and removed
    # from where the slice has them, so that each series stays once).
    lines = {
        "13": ("      239200", "5", 239200.0, "top_coded"),  # a number top-coded by its footnote
        "14": ("           -", "5", 239200.0, "top_coded"),  # '-' top-coded: the footnote's bound
        "15": ("           -", "4,5", 239200.0, "top_coded"),  # a list of footnotes
        "03": ("           -", "4", None, "annual_only"),  # hourly wage missing: annual wages only
        "04": ("           -", "4", None, "hourly_only"),  # annual wage missing: hourly wages only
        "05": ("           *", "", None, "wage_not_available"),
        "01": ("          **", "", None, "employment_not_available"),
        "02": ("           -", "8", None, "not_released"),
    }
    data = broken_copy["oe.data.0.Current"]
    prefix = "OEUS5600000000000292072"
    kept = [line for line in data.read_text().splitlines(keepends=True) if line[:25][:-2] != prefix]
    data.write_text("".join(kept))
    new = [f"{prefix}{code}     \t2025\tA01\t{value}\t{notes}\n" for code, (value, notes, _, _) in lines.items()]
    insert_lines(broken_copy, new, at=20_000)
    release = read_flatfiles(broken_copy, areas="all", chunk_rows=8_192)
    got = pd.concat(list(release.chunks("oews_estimates")), ignore_index=True)
    wy = got[got["area_code"].eq("5600000") & got["soc_code"].eq("29-2072") & got["industry_code"].eq("000000")]
    by_measure = {
        m: (None if pd.isna(v) else v, s) for m, v, s in zip(wy["measure"], wy["value"], wy["status"], strict=True)
    }
    for code, (_, _, value, status) in lines.items():
        assert by_measure[MEASURES[int(code) - 1]] == (value, status), code


@pytest.mark.parametrize(
    "line, message",
    [
        ("OEUS560000000000029207204     \t2025\tA01\t     12,345\t\n", "column 'value'"),
        ("  OEUS780000000000011101104   \t2025\tA01\t       12345\t\n", None),  # padding before the id: read
        ("OEUS780000000000011101104     \t2025\tA01\n", "column 'value': expected a value field"),  # fields missing
        ("\n", None),  # an empty line is skipped
        ("   \t  \n", None),  # so is a line of blanks
        ("OEUS560000000000029207204     \t2025\tA01\t       -\t7\n", "column 'value'"),
        (
            "OEUS560000000000029207204     \t2025\tA01\t       1\t\t9\n",
            "expected a tab-separated line with the header's 5 fields, found '6 fields'",
        ),
        ("OEXS560000000000029207204     \t2025\tA01\t       1\t\n", "column 'series_id': expected an OEWS series id"),
        ("OEUM560000000000029207204     \t2025\tA01\t       1\t\n", "the area type S that oe.area gives area 5600000"),
        ("OEUS5600000000000292072041    \t2025\tA01\t       1\t\n", "column 'series_id'"),
        ("OEUS560000000000029207242     \t2025\tA01\t       1\t\n", "a datatype code 01-17"),
        ("OEUS560000000000099999904     \t2025\tA01\t       1\t\n", "an occupation code listed in oe.occupation"),
        ("OEUS560000000000029207202     \t2025\tA01\t     101\t\n", "relative standard error"),
        ("OEUS560000000000029207204     \t2025\tA01\t     nan\t\n", "column 'value'"),
        ("OEUS560000000000029207204     \t2025\tA01\t     -12\t\n", "a value >= 0"),
    ],
)
def test_odd_lines_are_read_or_named(broken_copy, line, message):
    insert_lines(broken_copy, [line])  # line 30,002 of the file, in the middle of a chunk
    release = read_flatfiles(broken_copy, areas="all", chunk_rows=20_000)
    if message is None:
        assert sum(len(c) for c in release.chunks("oews_estimates")) == SLICE_LINES + (line.strip() != "")
    else:
        with pytest.raises(LayoutError, match=rf"oe.data.0.Current, line 30002.*{message}"):
            list(release.chunks("oews_estimates"))
