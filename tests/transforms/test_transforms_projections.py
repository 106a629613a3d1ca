"""Employment Projections readers on the real BLS workbooks and query-tool CSV exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bls_files import EP_ARCHIVE_WORKBOOKS, EP_CSVS, EP_SAMPLE_WORKBOOK, EP_WORKBOOK_2024
from broken_copies import edited_workbook, find_row, header_cell, identity, national_zip_member, table

from transforms.errors import LayoutError
from transforms.projections import COLUMNS, read_occupation_workbook, read_projections_csv
from transforms.release import Release

pytestmark = pytest.mark.shared_data

PERSONS = ["employment_base", "employment_target", "change_numeric", "openings_annual"]
TEXT = [
    "cycle",
    "soc_code",
    "title",
    "occupation_type",
    "level",
    "median_wage_status",
    "education",
    "work_experience",
    "training",
]


@dataclass(frozen=True)
class Read:
    """An EP release and its projections table as one frame."""

    release: Release
    occupations: pd.DataFrame


def read(release: Release) -> Read:
    return Read(release, table(release, "projections"))


@pytest.fixture(scope="module")
def current(ep_2024: Release) -> Read:
    return read(ep_2024)


@pytest.fixture(scope="module")
def archive() -> dict[str, Read]:
    return {
        cycle: read(read_occupation_workbook(path.read_bytes(), name=path.name))
        for cycle, path in EP_ARCHIVE_WORKBOOKS.items()
    }


@pytest.fixture(scope="module")
def csvs() -> dict[str, Read]:
    return {cycle: read(read_projections_csv(path, name=path.name)) for cycle, path in EP_CSVS.items()}


def occupation(release: Read, soc_code: str) -> pd.Series:
    rows = release.occupations[release.occupations["soc_code"] == soc_code]
    assert len(rows) == 1, soc_code
    return rows.iloc[0]


# --------------------------------------------------------------------------- 2024-34 workbook


def test_current_workbook_identity(current: Read) -> None:
    release = current.release
    assert identity(release) == ("projections", "2024-34", "2024-2034", 2024)
    assert set(release.tables) == {"projections", "ep_ooh_links"}
    assert (current.occupations["base_year"].eq(2024) & current.occupations["target_year"].eq(2034)).all()


def test_frame_columns_and_dtypes(current: Read) -> None:
    frame = current.occupations
    assert list(frame.columns) == COLUMNS
    for column in PERSONS:
        assert frame[column].dtype == "Int64", column
    for column in ("change_percent", "self_employed_pct", "median_wage"):
        assert frame[column].dtype == np.float64, column
    for column in TEXT:
        assert pd.api.types.is_string_dtype(frame[column]), column
    assert frame["base_year"].dtype == np.int64 and frame["target_year"].dtype == np.int64


def test_medical_records_specialists_2024_34(current: Read) -> None:
    row = occupation(current, "29-2072")
    assert row["title"] == "Medical records specialists"
    assert (row["employment_base"], row["employment_target"], row["change_numeric"]) == (194800, 208600, 13800)
    assert row["change_percent"] == 7.1
    assert row["openings_annual"] == 14200
    assert (row["median_wage"], row["median_wage_status"]) == (50250.0, "published")
    assert row["education"] == "Postsecondary nondegree award"
    assert row["work_experience"] == "None"  # a real category, not a missing value
    assert row["training"] == "None"
    assert (row["occupation_type"], row["level"]) == ("Line item", "detailed")


def test_medical_and_health_services_managers_growth(current: Read) -> None:
    assert occupation(current, "11-9111")["change_percent"] == 23.2


def test_table_has_every_row_up_to_the_footnotes(current: Read) -> None:
    frame = current.occupations
    assert len(frame) == 1113
    assert frame["occupation_type"].value_counts().to_dict() == {"Line item": 832, "Summary": 281}
    assert frame["soc_code"].iloc[0] == "00-0000" and frame["soc_code"].iloc[-1] == "53-7199"
    assert not frame["soc_code"].duplicated().any()


def test_titles_are_trimmed(current: Read) -> None:
    titles = current.occupations["title"]
    assert (titles == titles.str.strip()).all()
    assert occupation(current, "11-0000")["title"] == "Management occupations"


def test_dash_means_missing_but_none_is_a_category(current: Read) -> None:
    total = occupation(current, "00-0000")
    assert pd.isna(total["education"]) and pd.isna(total["work_experience"]) and pd.isna(total["training"])
    frame = current.occupations
    assert frame["work_experience"].eq("None").sum() == 716
    assert frame["training"].eq("None").sum() == 322
    assert not frame[["education", "work_experience", "training"]].isin(["—", "nan", ""]).any(axis=None)
    assert frame["self_employed_pct"].isna().sum() == 219


def test_median_wage_statuses(current: Read) -> None:
    frame = current.occupations
    top = frame[frame["median_wage_status"] == "top_coded"]
    assert len(top) == 19 and set(top["median_wage"]) == {239200.0}
    missing = frame[frame["median_wage_status"] == "not_available"]
    assert len(missing) == 9 and missing["median_wage"].isna().all()
    assert frame.loc[frame["median_wage_status"] == "published", "median_wage"].notna().all()


def test_persons_are_whole_numbers_from_thousands(current: Read) -> None:
    total = occupation(current, "00-0000")
    assert (total["employment_base"], total["employment_target"]) == (169956100, 175167900)
    assert total["change_numeric"] == 5211800 and total["openings_annual"] == 18863300


def test_sample_workbook(current: Read) -> None:
    sample = read(read_occupation_workbook(EP_SAMPLE_WORKBOOK, name="sample occupation.xlsx"))
    assert (sample.release.release_id, len(sample.occupations)) == ("2024-34", 118)
    same = current.occupations.merge(sample.occupations, on="soc_code", suffixes=("", "_sample"))
    assert len(same) == 118
    assert (same["employment_base"] == same["employment_base_sample"]).all()


# --------------------------------------------------------------------------- archive workbooks


@pytest.mark.parametrize(
    ("cycle", "base", "target", "sheet"),
    [("2021-31", 2021, 2031, "Table 1.7"), ("2022-32", 2022, 2032, "Table 1.7"), ("2023-33", 2023, 2033, "Table 1.2")],
)
def test_archive_workbooks_parse_with_their_cycle(
    archive: dict[str, Read], cycle: str, base: int, target: int, sheet: str
) -> None:
    release = archive[cycle]
    assert identity(release.release) == ("projections", cycle, f"{base}-{target}", base)
    assert release.occupations["target_year"].eq(target).all()
    # The OOH links column came with the table's move to Table 1.2.
    assert ("ep_ooh_links" in release.release.tables) == (sheet == "Table 1.2")
    assert len(release.occupations) == 1113
    assert release.occupations["cycle"].eq(cycle).all()
    assert release.occupations["education"].notna().sum() == 832
    assert release.occupations["median_wage_status"].eq("top_coded").any()


def test_2021_31_from_table_1_7(archive: dict[str, Read]) -> None:
    row = occupation(archive["2021-31"], "29-2072")
    assert (row["employment_base"], row["employment_target"], row["change_percent"]) == (186400, 198700, 6.6)
    top = archive["2021-31"].occupations.query("median_wage_status == 'top_coded'")
    assert set(top["median_wage"]) == {208000.0}


def test_2023_33(archive: dict[str, Read]) -> None:
    row = occupation(archive["2023-33"], "29-2072")
    assert (row["employment_base"], row["employment_target"], row["change_percent"]) == (191500, 208200, 8.7)


def two_row_header_2019_29(workbook, title_and_code: str = "A2:B2") -> None:
    """Table 1.7 laid out as in the 2019-29 workbook: the header over two rows, cells merged."""
    sheet = workbook["Table 1.7"]
    sheet["A1"] = "Table 1.7 Occupational projections, 2019-29, and worker characteristics, 2019 (Numbers in thousands)"
    sheet.insert_rows(3)
    top = [
        "2019 National Employment Matrix title and code",
        None,
        "Occupation type",
        "Employment",
        None,
        "Employment change, 2019-29",
        None,
        "Percent self employed, 2019",
        "Occupational openings, 2019-29 annual average",
        "Median annual wage, 2019(1)",
        "Typical education needed for entry",
        "Work experience in a related occupation",
        "Typical on-the-job training needed to attain competency in the occupation",
    ]
    below = [None, None, None, 2019, 2029, "Number", "Percent", None, None, None, None, None, None]
    for column, (text, under) in enumerate(zip(top, below, strict=True), start=1):
        sheet.cell(row=2, column=column).value = text
        sheet.cell(row=3, column=column).value = under
    sheet.merge_cells(title_and_code)
    sheet.merge_cells("D2:E2")
    sheet.merge_cells("F2:G2")
    for letter in "CHIJKLM":
        sheet.merge_cells(f"{letter}2:{letter}3")


@pytest.mark.parametrize("title_and_code", ["A2:B2", "A2:B3"])
def test_2019_29_two_row_header_loads(tmp_path: Path, title_and_code: str) -> None:
    path = edited_workbook(
        EP_ARCHIVE_WORKBOOKS["2021-31"],
        tmp_path / "occupation_2019-29.xlsx",
        lambda workbook: two_row_header_2019_29(workbook, title_and_code),
    )
    release = read_occupation_workbook(path, name=path.name)
    assert identity(release) == ("projections", "2019-29", "2019-2029", 2019)
    frame = table(release, "projections")
    assert len(frame) == 1113 and frame["cycle"].eq("2019-29").all() and frame["target_year"].eq(2029).all()
    # The 2021-31 workbook's figures, under the 2019-29 header.
    row = frame.set_index("soc_code").loc["29-2072"]
    assert (row["title"], row["employment_base"], row["employment_target"]) == (
        "Medical records specialists",
        186400,
        198700,
    )
    assert (row["change_numeric"], row["change_percent"], row["openings_annual"]) == (12300, 6.6, 14900)
    assert row["education"] == "Postsecondary nondegree award"


def test_2019_29_header_naming_another_cycle_is_refused(tmp_path: Path) -> None:
    def later_change(workbook) -> None:
        two_row_header_2019_29(workbook)
        workbook["Table 1.7"]["F2"] = "Employment change, 2020-30"

    path = edited_workbook(EP_ARCHIVE_WORKBOOKS["2021-31"], tmp_path / "occupation.xlsx", later_change)
    with pytest.raises(LayoutError) as caught:
        read_occupation_workbook(path, name="occupation.xlsx")
    # The joined headers disagree: 'Employment change, 2020-30, Number' against the openings' 2019-29.
    assert (caught.value.sheet, caught.value.row) == ("Table 1.7", 2)
    assert caught.value.column == "Occupational openings, 2019-29 annual average"
    assert caught.value.expected == "the cycle 2020-30 that the other headers state"


# --------------------------------------------------------------------------- EP's links to the OOH


def test_the_table_links_occupations_to_ooh_profiles(current: Read) -> None:
    links = table(current.release, "ep_ooh_links")
    assert list(links.columns) == ["cycle", "soc_code", "title", "ooh_url", "slug"]
    assert (len(links), links["slug"].nunique()) == (603, 341)
    row = links.set_index("soc_code").loc["29-2072"]
    assert (row["cycle"], row["title"], row["slug"]) == (
        "2024-34",
        "Medical records specialists",
        "medical-records-and-health-information-technicians",
    )
    assert row["ooh_url"] == "https://www.bls.gov/ooh/healthcare/medical-records-and-health-information-technicians.htm"
    # Both executives' codes link to one profile; every link names a code and title of the table.
    assert set(links.loc[links["slug"].eq("top-executives"), "soc_code"]) == {"11-1011", "11-1021"}
    both = links.merge(current.occupations, on=["soc_code", "title"], validate="one_to_one")
    assert len(both) == 603 and both["occupation_type"].eq("Line item").all()


def test_2023_33_links_too(archive: dict[str, Read]) -> None:
    links = table(archive["2023-33"].release, "ep_ooh_links")
    assert (len(links), set(links["cycle"])) == (597, {"2023-33"})


def test_a_link_column_without_profile_links_is_refused(tmp_path: Path) -> None:
    def unlink(workbook) -> None:
        for row in workbook["Table 1.2"].iter_rows(min_row=3, min_col=16, max_col=16):
            row[0].hyperlink = None

    path = edited_workbook(EP_WORKBOOK_2024, tmp_path / "occupation.xlsx", unlink)
    with pytest.raises(LayoutError) as caught:
        read_occupation_workbook(path, name="occupation.xlsx")
    assert (caught.value.sheet, caught.value.column, caught.value.found) == (
        "Table 1.2",
        "Related Occupational Outlook Handbook (OOH) content xlsx",
        "none",
    )
    assert "hyperlinks to OOH profiles" in caught.value.expected


# --------------------------------------------------------------------------- broken workbooks


@pytest.fixture(scope="module")
def broken_workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Copies of the real 2024-34 workbook, each with one fault, built once for the module."""
    directory = tmp_path_factory.mktemp("ep")

    def rename_target_employment(workbook) -> None:
        header_cell(workbook["Table 1.2"], "Employment, 2034", header_row=2).value = "Projected jobs, 2034"

    def spoil_employment(workbook) -> None:
        sheet = workbook["Table 1.2"]
        row = find_row(sheet, 2, "29-2072")
        assert row == 486
        sheet.cell(row=row, column=header_cell(sheet, "Employment, 2034", header_row=2).column).value = "abc"

    def unknown_wage_mark(workbook) -> None:
        sheet = workbook["Table 1.2"]
        sheet.cell(row=find_row(sheet, 2, "29-2072"), column=12).value = "(X)"

    def disagreeing_title(workbook) -> None:
        sheet = workbook["Table 1.2"]
        sheet["A1"] = str(sheet["A1"].value).replace("2024–2034", "2025–2035")

    return {
        fault: edited_workbook(EP_WORKBOOK_2024, directory / f"{fault}.xlsx", edit)
        for fault, edit in {
            "renamed": rename_target_employment,
            "abc": spoil_employment,
            "wage": unknown_wage_mark,
            "title": disagreeing_title,
        }.items()
    }


def test_renamed_column_names_file_sheet_and_column(broken_workbooks: dict[str, Path]) -> None:
    with pytest.raises(LayoutError) as caught:
        read_occupation_workbook(broken_workbooks["renamed"], name="occupation.xlsx")
    error = caught.value
    assert (error.file, error.sheet, error.column) == ("occupation.xlsx", "Table 1.2", "Employment, 2034")
    assert str(error).startswith("occupation.xlsx, sheet 'Table 1.2', row 2, column 'Employment, 2034': expected")


def test_non_numeric_employment_names_row_column_and_value(broken_workbooks: dict[str, Path]) -> None:
    with pytest.raises(LayoutError) as caught:
        read_occupation_workbook(broken_workbooks["abc"], name="occupation.xlsx")
    error = caught.value
    assert (error.sheet, error.column, error.found, error.expected) == (
        "Table 1.2",
        "Employment, 2034",
        "abc",
        "a number",
    )
    assert error.row == 486  # 29-2072 as Excel numbers the row
    assert (
        str(error)
        == "occupation.xlsx, sheet 'Table 1.2', row 486, column 'Employment, 2034': expected a number, found 'abc'"
    )


def test_unknown_wage_mark_is_refused(broken_workbooks: dict[str, Path]) -> None:
    with pytest.raises(LayoutError) as caught:
        read_occupation_workbook(broken_workbooks["wage"], name="occupation.xlsx")
    assert (caught.value.row, caught.value.column, caught.value.found) == (
        486,
        "Median annual wage, dollars, 2024[1]",
        "(X)",
    )


def test_title_must_name_the_cycle_of_the_headers(broken_workbooks: dict[str, Path]) -> None:
    with pytest.raises(LayoutError) as caught:
        read_occupation_workbook(broken_workbooks["title"], name="occupation.xlsx")
    assert caught.value.row == 1
    assert "2024-34" in caught.value.expected


def test_truncated_workbook_names_the_file() -> None:
    data = EP_WORKBOOK_2024.read_bytes()
    with pytest.raises(LayoutError) as caught:
        read_occupation_workbook(data[: len(data) // 2], name="occupation.xlsx")
    assert caught.value.file == "occupation.xlsx"
    assert str(caught.value).startswith("occupation.xlsx: expected a readable .xlsx workbook")


def test_workbook_without_the_table_is_refused() -> None:
    _, national_xlsx = national_zip_member()
    with pytest.raises(LayoutError) as caught:
        read_occupation_workbook(national_xlsx, name="national_M2025_dl.xlsx")
    assert caught.value.file == "national_M2025_dl.xlsx"
    assert "worker characteristics" in caught.value.expected


# --------------------------------------------------------------------------- query-tool CSV


@pytest.mark.parametrize(("cycle", "base", "target"), [("2021-31", 2021, 2031), ("2022-32", 2022, 2032)])
def test_csv_exports_parse_with_their_cycle(csvs: dict[str, Read], cycle: str, base: int, target: int) -> None:
    release = csvs[cycle]
    assert (release.release.release_id, release.release.reference_year) == (cycle, base)
    assert set(release.release.tables) == {"projections"}
    frame = release.occupations
    assert frame["target_year"].eq(target).all()
    assert list(frame.columns) == COLUMNS
    assert len(frame) == 832
    assert frame["self_employed_pct"].isna().all()  # the export has no such column
    assert frame["occupation_type"].eq("Line item").all()


def test_csv_codes_titles_and_marks(csvs: dict[str, Read]) -> None:
    release = csvs["2021-31"]
    accountants = occupation(release, "13-2011")
    assert accountants["title"] == "Accountants and auditors"  # example job titles dropped
    assert (accountants["employment_base"], accountants["employment_target"]) == (1449800, 1531600)
    assert accountants["median_wage"] == 77250.0
    actors = occupation(release, "27-2011")
    assert pd.isna(actors["median_wage"]) and actors["median_wage_status"] == "not_available"
    top = release.occupations.query("median_wage_status == 'top_coded'")
    assert len(top) == 18 and set(top["median_wage"]) == {208000.0}
    assert set(csvs["2022-32"].occupations.query("median_wage_status == 'top_coded'")["median_wage"]) == {239200.0}


def test_csv_matches_the_workbook_line_items(csvs: dict[str, Read], archive: dict[str, Read]) -> None:
    workbook = archive["2021-31"].occupations.query("occupation_type == 'Line item'")
    both = workbook.merge(csvs["2021-31"].occupations, on="soc_code", suffixes=("_xlsx", "_csv"), validate="one_to_one")
    assert len(both) == 832
    for column in [*PERSONS, "change_percent", "median_wage", "title", "education", "work_experience", "training"]:
        left, right = both[f"{column}_xlsx"], both[f"{column}_csv"]
        assert ((left == right) | (left.isna() & right.isna())).all(), column


def test_csv_non_numeric_cell_names_the_line(tmp_path: Path) -> None:
    lines = EP_CSVS["2021-31"].read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace('"28.3"', '"28.3x"', 1)
    assert "28.3x" in lines[3]
    broken = tmp_path / "occupationProj.csv"
    broken.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        read_projections_csv(broken, name="occupationProj.csv")
    error = caught.value
    assert (error.row, error.column, error.found) == (4, "Employment 2021", "28.3x")
    assert "line 4" in str(error)
