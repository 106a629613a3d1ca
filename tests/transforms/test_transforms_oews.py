"""OEWS readers on the real BLS files: the national zips and the time-series flat files."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bls_files import OE_FLATFILES, OEWS_ARCHIVE_ZIPS, OEWS_ZIP_2025, SAMPLE_OE_FLATFILES
from broken_copies import (
    copy_flatfiles,
    data_line_number,
    edited_national_zip,
    find_row,
    flatfile_paths,
    header_cell,
    identity,
    national_zip_member,
    rebuilt_zip,
    replace_data_line,
    table,
)

from transforms.errors import LayoutError
from transforms.oews import (
    DATATYPE_MEASURES,
    MEASURES,
    REQUIRED_FLATFILES,
    read_flatfiles,
    read_national_zip,
    zip_top_code,
)
from transforms.release import Release

pytestmark = pytest.mark.shared_data

ESTIMATE_COLUMNS = ["release_id", "area_code", "industry_code", "soc_code", "measure", "value", "status"]
OCCUPATION_COLUMNS = ["release_id", "soc_code", "title", "level"]
VALUED = {"published", "top_coded"}


@dataclass(frozen=True)
class Read:
    """A release and its two main tables, each read once into one frame."""

    release: Release
    occupations: pd.DataFrame
    estimates: pd.DataFrame


def read(release: Release) -> Read:
    return Read(release, table(release, "oews_occupations"), table(release, "oews_estimates"))


def read_flat(paths: dict[str, Path]) -> Read:
    return read(read_flatfiles(paths))


@pytest.fixture(scope="module")
def zip2025() -> Read:
    return read(read_national_zip(OEWS_ZIP_2025, name="oesm25nat.zip"))


@pytest.fixture(scope="module")
def flat2025() -> Read:
    return read_flat(flatfile_paths(OE_FLATFILES))


@pytest.fixture(scope="module")
def archive_zips() -> dict[int, Read]:
    return {
        year: read(read_national_zip(path.read_bytes(), name=path.name)) for year, path in OEWS_ARCHIVE_ZIPS.items()
    }


@pytest.fixture(scope="module", params=["national_zip", "flatfiles"])
def release2025(request: pytest.FixtureRequest, zip2025: Read, flat2025: Read) -> Read:
    return zip2025 if request.param == "national_zip" else flat2025


def figure(release: Read, soc_code: str, measure: str) -> tuple[float, str]:
    e = release.estimates
    row = e[(e["soc_code"] == soc_code) & (e["measure"] == measure) & (e["area_code"] == "0000000")]
    assert len(row) == 1, (soc_code, measure)
    return float(row["value"].iloc[0]), str(row["status"].iloc[0])


# --------------------------------------------------------------------------- vocabulary


def test_measures_follow_the_flat_file_datatype_codes() -> None:
    assert len(MEASURES) == 17
    assert DATATYPE_MEASURES["01"] == "employment"
    assert DATATYPE_MEASURES["08"] == "hourly_median"
    assert DATATYPE_MEASURES["13"] == "annual_median"
    assert DATATYPE_MEASURES["17"] == "location_quotient"
    assert list(DATATYPE_MEASURES.values()) == list(MEASURES)


def test_top_code_changed_with_may_2022() -> None:
    assert (zip_top_code(2021).hourly, zip_top_code(2021).annual) == (100.0, 208_000.0)
    assert (zip_top_code(2022).hourly, zip_top_code(2022).annual) == (115.0, 239_200.0)


# --------------------------------------------------------------------------- May 2025, both forms


def test_release_identity(release2025: Read) -> None:
    release = release2025.release
    assert identity(release) == ("oews", "2025A01", "May 2025", 2025)
    assert (release.quarantined, dict(release.carried_forward)) == ((), {})


def test_the_zip_brings_figures_the_flat_files_also_name_codes(zip2025: Read, flat2025: Read) -> None:
    assert set(zip2025.release.tables) == {"oews_occupations", "oews_estimates"}
    assert set(flat2025.release.tables) == {
        "oews_occupations",
        "oews_estimates",
        "oews_areas",
        "oews_industries",
        "oews_datatypes",
        "oews_footnotes",
    }
    areas = table(flat2025.release, "oews_areas")
    assert areas[["area_code", "area_name", "area_type"]].values.tolist() == [["0000000", "National", "national"]]
    datatypes = table(flat2025.release, "oews_datatypes")
    assert list(datatypes["measure"]) == list(MEASURES)


def test_frames_have_the_contract_columns_and_dtypes(release2025: Read) -> None:
    estimates, occupations = release2025.estimates, release2025.occupations
    assert list(estimates.columns) == ESTIMATE_COLUMNS
    assert list(occupations.columns) == OCCUPATION_COLUMNS
    assert estimates["value"].dtype == np.float64
    for chunk in release2025.release.chunks("oews_estimates"):
        for column in ESTIMATE_COLUMNS:
            dtype = chunk[column].dtype
            if column != "value":  # text, or a Categorical of text (the flat files' codes)
                text = dtype.categories.dtype if isinstance(dtype, pd.CategoricalDtype) else dtype
                assert pd.api.types.is_string_dtype(text), column
    assert set(estimates["area_code"]) == {"0000000"}
    assert set(estimates["industry_code"]) == {"000000"}
    assert estimates["release_id"].eq("2025A01").all()


def test_medical_records_specialists(release2025: Read) -> None:
    assert figure(release2025, "29-2072", "annual_median") == (51140.0, "published")
    assert figure(release2025, "29-2072", "employment") == (194720.0, "published")
    assert figure(release2025, "29-2072", "hourly_median") == (24.59, "published")
    occupations = release2025.occupations.set_index("soc_code")
    assert occupations.loc["29-2072", "title"] == "Medical Records Specialists"
    assert occupations.loc["29-2072", "level"] == "detailed"


def test_actors_are_paid_by_the_hour_only(release2025: Read) -> None:
    for measure in ("annual_mean", "annual_p10", "annual_p25", "annual_median", "annual_p75", "annual_p90"):
        value, status = figure(release2025, "27-2011", measure)
        assert status == "hourly_only"
        assert math.isnan(value), "an annual wage must never be invented for an hourly-only occupation"
    assert figure(release2025, "27-2011", "hourly_median") == (29.05, "published")


def test_school_administrators_are_paid_by_the_year_only(release2025: Read) -> None:
    for measure in ("hourly_mean", "hourly_p10", "hourly_p25", "hourly_median", "hourly_p75", "hourly_p90"):
        value, status = figure(release2025, "11-9032", measure)
        assert status == "annual_only"
        assert math.isnan(value)
    assert figure(release2025, "11-9032", "annual_median") == (105870.0, "published")


def test_values_are_missing_exactly_where_the_status_says_why(release2025: Read) -> None:
    e = release2025.estimates
    assert (e["value"].isna() == ~e["status"].isin(VALUED)).all()
    assert (e["value"].dropna() >= 0).all()
    assert not e["status"].isin(["nan", "None", ""]).any()


def test_may_2025_is_not_top_coded(release2025: Read) -> None:
    assert not release2025.estimates["status"].eq("top_coded").any()
    # The all-occupations 90th percentile is a plain figure now.
    assert figure(release2025, "00-0000", "annual_p90")[1] == "published"


def test_keys_are_unique(release2025: Read) -> None:
    key = ["release_id", "area_code", "industry_code", "soc_code", "measure"]
    assert not release2025.estimates.duplicated(key).any()
    assert not release2025.occupations.duplicated(["release_id", "soc_code"]).any()
    assert set(release2025.estimates["soc_code"]) <= set(release2025.occupations["soc_code"])


def test_zip_keeps_one_detailed_row_for_codes_listed_twice(zip2025: Read) -> None:
    occupations = zip2025.occupations.set_index("soc_code")
    for code in ("13-1020", "13-2020", "29-2010", "31-1120", "39-7010", "47-4090", "51-2090"):
        assert occupations.loc[code, "level"] == "detailed"
    assert len(zip2025.occupations) == 1394  # 1401 rows, 7 codes listed as broad and detailed
    assert figure(zip2025, "13-1020", "employment") == (491430.0, "published")


def test_zip_empty_cells_emit_no_rows(zip2025: Read) -> None:
    measures = set(zip2025.estimates["measure"])
    assert "jobs_per_1000" not in measures
    assert "location_quotient" not in measures
    assert len(zip2025.estimates) == 1394 * 15


def test_zip_levels_come_from_o_group(zip2025: Read) -> None:
    levels = zip2025.occupations.set_index("soc_code")["level"]
    assert levels["00-0000"] == "total"
    assert levels["29-0000"] == "major"
    assert levels["29-2000"] == "minor"
    assert levels["29-2070"] == "broad"


def test_both_forms_give_the_same_national_figures(zip2025: Read, flat2025: Read) -> None:
    key = ["soc_code", "measure"]
    both = zip2025.estimates.merge(flat2025.estimates, on=key, suffixes=("_zip", "_flat"), validate="one_to_one")
    # The flat files carry no broad-level rows for some codes; everything they do carry is in the zip.
    assert len(both) == len(flat2025.estimates) == 16560
    assert (both["status_zip"] == both["status_flat"]).all()
    same = (both["value_zip"] == both["value_flat"]) | (both["value_zip"].isna() & both["value_flat"].isna())
    assert same.all(), both.loc[~same, [*key, "value_zip", "value_flat"]].head()


def test_both_forms_agree_on_levels(zip2025: Read, flat2025: Read) -> None:
    both = zip2025.occupations.merge(flat2025.occupations, on="soc_code", suffixes=("_zip", "_flat"))
    assert len(both) == len(flat2025.occupations) == 1104
    assert (both["level_zip"] == both["level_flat"]).all()


def test_sample_flatfiles_are_the_mirror_ones(flat2025: Read) -> None:
    sample = read_flat(flatfile_paths(SAMPLE_OE_FLATFILES))
    pd.testing.assert_frame_equal(sample.estimates, flat2025.estimates)


def test_every_iteration_reads_the_file_again(flat2025: Read) -> None:
    again = pd.concat(list(flat2025.release.chunks("oews_estimates")), ignore_index=True)
    assert len(again) == len(flat2025.estimates) == 16560


# --------------------------------------------------------------------------- archive zips


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_archive_zips_parse_with_their_period(archive_zips: dict[int, Read], year: int) -> None:
    release = archive_zips[year]
    assert identity(release.release) == ("oews", f"{year}A01", f"May {year}", year)
    assert len(release.occupations) > 1300
    assert release.estimates["status"].eq("top_coded").any()


def test_may_2024_top_coded_wages_carry_the_bound(archive_zips: dict[int, Read]) -> None:
    release = archive_zips[2024]
    assert figure(release, "11-0000", "annual_p90") == (239200.0, "top_coded")
    assert figure(release, "11-0000", "hourly_p90") == (115.0, "top_coded")
    top = release.estimates[release.estimates["status"] == "top_coded"]
    assert set(top["value"]) == {115.0, 239200.0}


# --------------------------------------------------------------------------- broken zips


def test_truncated_zip_names_the_file() -> None:
    data = OEWS_ZIP_2025.read_bytes()
    with pytest.raises(LayoutError) as caught:
        read_national_zip(data[: len(data) // 2], name="oesm25nat.zip")
    assert caught.value.file == "oesm25nat.zip"
    assert "oesm25nat.zip" in str(caught.value)


def test_zip_with_a_truncated_workbook_names_the_file() -> None:
    member, content = national_zip_member()
    with pytest.raises(LayoutError) as caught:
        read_national_zip(rebuilt_zip(member, content[: len(content) // 2]), name="oesm25nat.zip")
    assert "oesm25nat.zip" in caught.value.file
    assert "xlsx" in caught.value.expected


def test_zip_without_the_national_workbook() -> None:
    with pytest.raises(LayoutError) as caught:
        read_national_zip(rebuilt_zip("readme.txt", b"hello"), name="odd.zip")
    assert caught.value.file == "odd.zip"
    assert caught.value.found == "readme.txt"


def test_zip_with_a_renamed_column_names_it_and_the_expected_ones() -> None:
    def rename(workbook):
        header_cell(workbook.worksheets[0], "A_MEDIAN").value = "A_MED"

    with pytest.raises(LayoutError) as caught:
        read_national_zip(edited_national_zip(rename), name="oesm25nat.zip")
    error = caught.value
    assert "oesm25nat.zip" in error.file
    assert error.column == "A_MEDIAN"
    assert "TOT_EMP" in error.expected and "A_MEDIAN" in error.expected
    assert error.row == 1


def test_zip_with_an_unknown_mark_names_row_column_and_value() -> None:
    def spoil(workbook):
        sheet = workbook.worksheets[0]
        row = find_row(sheet, header_cell(sheet, "OCC_CODE").column, "29-2072")
        sheet.cell(row=row, column=header_cell(sheet, "H_MEDIAN").column).value = "n/a"

    with pytest.raises(LayoutError) as caught:
        read_national_zip(edited_national_zip(spoil), name="oesm25nat.zip")
    error = caught.value
    assert (error.column, error.found, error.sheet) == ("H_MEDIAN", "n/a", "national_M2025_dl")
    assert error.row is not None and error.row > 1
    assert f"row {error.row}" in str(error)


def test_zip_repeated_code_with_different_figures_is_refused() -> None:
    def spoil(workbook):
        sheet = workbook.worksheets[0]
        code_column = header_cell(sheet, "OCC_CODE").column
        row = find_row(sheet, code_column, "13-1020") + 1  # the second, "detailed" 13-1020 row
        assert sheet.cell(row=row, column=code_column).value == "13-1020"
        sheet.cell(row=row, column=header_cell(sheet, "TOT_EMP").column).value = 1

    with pytest.raises(LayoutError) as caught:
        read_national_zip(edited_national_zip(spoil), name="oesm25nat.zip")
    assert caught.value.column == "TOT_EMP"
    assert "13-1020" in caught.value.expected


# --------------------------------------------------------------------------- flat-file statuses and failures


@pytest.fixture
def flat_copy(tmp_path: Path) -> dict[str, Path]:
    return copy_flatfiles(tmp_path / "oe")


def set_value(paths: dict[str, Path], series_id: str, value: str, footnotes: str) -> int:
    line = data_line_number(paths, series_id)

    def edit(text: str) -> str:
        fields = text.rstrip("\n").split("\t")
        fields[3] = value.rjust(12)
        fields[4] = footnotes
        return "\t".join(fields) + "\n"

    replace_data_line(paths, line, edit)
    return line


ANNUAL_MEDIAN_29_2072 = "OEUN000000000000029207213"


@pytest.mark.parametrize(
    ("bound", "annual", "hourly"),
    [
        (None, 239200.0, 115.0),
        # The bound is read from the footnote's text, not assumed.
        ("$120.50 per hour or $250,640 per year", 250640.0, 120.5),
    ],
)
def test_flat_dash_footnote_5_is_top_coded_at_the_footnote_bound(
    flat_copy: dict[str, Path], bound: str | None, annual: float, hourly: float
) -> None:
    if bound:
        notes = flat_copy["oe.footnote"]
        notes.write_text(notes.read_text().replace("$115.00 per hour or $239,200 per year", bound))
    set_value(flat_copy, ANNUAL_MEDIAN_29_2072, "-", "5")
    set_value(flat_copy, "OEUN000000000000029207208", "-", "5")
    release = read_flat(flat_copy)
    assert figure(release, "29-2072", "annual_median") == (annual, "top_coded")
    assert figure(release, "29-2072", "hourly_median") == (hourly, "top_coded")


def test_flat_dash_footnote_8_is_not_released(flat_copy: dict[str, Path]) -> None:
    set_value(flat_copy, "OEUN000000000000029207201", "-", "8")
    value, status = figure(read_flat(flat_copy), "29-2072", "employment")
    assert status == "not_released" and math.isnan(value)


def test_flat_stars_mean_not_available(flat_copy: dict[str, Path]) -> None:
    set_value(flat_copy, ANNUAL_MEDIAN_29_2072, "*", "")
    set_value(flat_copy, "OEUN000000000000029207201", "**", "")
    release = read_flat(flat_copy)
    assert figure(release, "29-2072", "annual_median")[1] == "wage_not_available"
    assert figure(release, "29-2072", "employment")[1] == "employment_not_available"


def test_flat_unknown_special_value_names_the_line(flat_copy: dict[str, Path]) -> None:
    line = set_value(flat_copy, ANNUAL_MEDIAN_29_2072, "(X)", "")
    with pytest.raises(LayoutError) as caught:
        read_flat(flat_copy)
    error = caught.value
    assert (error.file, error.row, error.column) == ("oe.data.0.Current", line, "value")
    assert error.found.startswith("(X)")
    assert f"line {line}" in str(error)


def test_flat_footnote_4_on_employment_is_refused(flat_copy: dict[str, Path]) -> None:
    line = set_value(flat_copy, "OEUN000000000000029207201", "-", "4")
    with pytest.raises(LayoutError) as caught:
        read_flat(flat_copy)
    assert caught.value.row == line


def test_flat_malformed_series_id_names_the_line(flat_copy: dict[str, Path]) -> None:
    line = data_line_number(flat_copy, ANNUAL_MEDIAN_29_2072)
    replace_data_line(flat_copy, line, lambda text: text.replace("OEUN", "OEXN", 1))
    with pytest.raises(LayoutError) as caught:
        read_flat(flat_copy)
    assert (caught.value.row, caught.value.column) == (line, "series_id")


def test_flat_unknown_datatype_names_the_line(flat_copy: dict[str, Path]) -> None:
    line = data_line_number(flat_copy, ANNUAL_MEDIAN_29_2072)
    replace_data_line(
        flat_copy, line, lambda text: text.replace(ANNUAL_MEDIAN_29_2072, ANNUAL_MEDIAN_29_2072[:-2] + "42", 1)
    )
    with pytest.raises(LayoutError) as caught:
        read_flat(flat_copy)
    assert caught.value.row == line
    assert "datatype" in caught.value.expected


def test_flat_repeated_series_names_the_repeat(flat_copy: dict[str, Path]) -> None:
    line = data_line_number(flat_copy, ANNUAL_MEDIAN_29_2072)
    replace_data_line(flat_copy, line, lambda text: text + text)
    with pytest.raises(LayoutError) as caught:
        read_flat(flat_copy)
    assert (caught.value.row, caught.value.column) == (line + 1, "series_id")
    assert caught.value.found == f"{ANNUAL_MEDIAN_29_2072} again, first on line {line}"


def test_flat_repeated_series_out_of_order_is_found_at_the_end(flat_copy: dict[str, Path]) -> None:
    line = data_line_number(flat_copy, ANNUAL_MEDIAN_29_2072)
    repeated = flat_copy["oe.data.0.Current"].read_text().splitlines(keepends=True)[line - 1]
    replace_data_line(flat_copy, 3, lambda text: text + repeated)  # the file is out of order from line 4
    with pytest.raises(LayoutError) as caught:
        read_flat(flat_copy)
    assert (caught.value.row, caught.value.found) == (line + 1, f"{ANNUAL_MEDIAN_29_2072} again, first on line 4")


def test_flat_line_numbers_count_blank_lines(flat_copy: dict[str, Path]) -> None:
    replace_data_line(flat_copy, 10, lambda text: text + "\n   \t\n")
    line = set_value(flat_copy, ANNUAL_MEDIAN_29_2072, "abc", "")
    with pytest.raises(LayoutError) as caught:
        read_flat(flat_copy)
    assert caught.value.row == line


def test_flat_occupation_missing_from_oe_occupation(flat_copy: dict[str, Path]) -> None:
    listing = flat_copy["oe.occupation"]
    listing.write_text(
        "".join(line for line in listing.read_text().splitlines(keepends=True) if not line.startswith("292072"))
    )
    with pytest.raises(LayoutError) as caught:
        read_flat(flat_copy)
    assert caught.value.found == "29-2072"
    assert "oe.occupation" in caught.value.expected


def test_flat_occupation_without_a_title_names_the_line(flat_copy: dict[str, Path]) -> None:
    listing = flat_copy["oe.occupation"]
    lines = listing.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("292072"))
    lines[number - 1] = lines[number - 1].replace("Medical Records Specialists", "", 1)
    listing.write_text("".join(lines))
    with pytest.raises(LayoutError) as caught:
        read_flat(flat_copy)
    assert (caught.value.file, caught.value.row, caught.value.column) == ("oe.occupation", number, "occupation_name")
    assert caught.value.expected == "an occupation title"


def test_flat_renamed_header_is_refused(flat_copy: dict[str, Path]) -> None:
    data = flat_copy["oe.data.0.Current"]
    data.write_text(data.read_text().replace("footnote_codes", "footnotes", 1))
    with pytest.raises(LayoutError) as caught:
        read_flat(flat_copy)
    assert (caught.value.row, caught.value.column) == (1, "footnote_codes")


def test_flat_requires_every_listing_file(flat_copy: dict[str, Path]) -> None:
    del flat_copy["oe.footnote"]
    with pytest.raises(LayoutError) as caught:
        read_flatfiles(flat_copy)
    assert caught.value.file == "oe.footnote"
    assert all(name in caught.value.expected for name in REQUIRED_FLATFILES)


@pytest.mark.parametrize(
    ("good", "bad", "said"),
    [
        (b"A01", b"A\xff1", {"file": "oe.data.0.Current", "expected": "UTF-8 text"}),
        (b"\tA01\t", b"\tA\r01\t", {"found": "a carriage return inside the line"}),
    ],
    ids=["not-utf8", "carriage-return-inside"],
)
def test_flat_bad_bytes_in_a_data_line_name_the_line(
    flat_copy: dict[str, Path], good: bytes, bad: bytes, said: dict[str, str]
) -> None:
    line = data_line_number(flat_copy, ANNUAL_MEDIAN_29_2072)
    data = flat_copy["oe.data.0.Current"]
    lines = data.read_bytes().splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].replace(good, bad)
    data.write_bytes(b"".join(lines))
    with pytest.raises(LayoutError) as caught:
        read_flat(flat_copy)
    assert caught.value.row == line
    assert {name: getattr(caught.value, name) for name in said} == said


def test_flat_one_line_ending_in_cr_lf_reads_the_same(flat_copy: dict[str, Path]) -> None:
    line = data_line_number(flat_copy, ANNUAL_MEDIAN_29_2072)
    replace_data_line(flat_copy, line, lambda text: text.replace("\n", "\r\n"))
    assert figure(read_flat(flat_copy), "29-2072", "annual_median") == (51140.0, "published")


def test_flat_windows_line_endings_and_padded_cells_read_the_same(flat_copy: dict[str, Path], flat2025: Read) -> None:
    data = flat_copy["oe.data.0.Current"]
    text = data.read_text()
    # Every line ends with CR LF, and the year, period and footnote cells carry padding.
    data.write_text(text.replace("\t2025\tA01\t", "\t 2025 \t A01\t").replace("\n", "\r\n"), newline="")
    again = read_flat(flat_copy)
    pd.testing.assert_frame_equal(again.estimates, flat2025.estimates)
