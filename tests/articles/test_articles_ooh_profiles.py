"""Names and figures of the OOH. A figure the OOH prints for a profile of several codes ("Financial clerks": 9
codes, in OEWS's minor group 43-3000 and beyond it) is what BLS printed, though no OEWS or EP release publishes it for one code: the audit
says it matches, naming the profile, and the refresh leaves it as written with the reason (our sheets print
the OOH's figure too). A sentence naming an occupation the OOH lists but no code carries is not about the
article's subject; a SOC title is known by its name before ", Except". Real figures: the OOH 2024-34 (pay of
May 2024), OEWS May 2024 and 2025, EP 2024-34."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from articles_fixtures import load_parsed
from bls_files import ooh_profile_pages

import warehouse
from factsheets.articles import audit_articles
from transforms.ooh import read_profiles


def test_a_figure_the_ooh_prints_for_a_profile_matches_and_stays_with_its_reason(article):
    result = article(
        "Financial clerks",
        "Financial clerks earned a median annual wage of $48,650 in May 2024.",
        "Employment of financial clerks is projected to decline 5 percent from 2024 to 2034.",
        "Funeral service workers earned a median hourly wage of $28.57 in May 2024.",
    )
    found = {b.figure.text: (b.soc, a.status, a.bls_text, a.note) for b, a in result.figures}
    assert found["$48,650"] == (
        "43-3000",
        "matches",
        "$48,650",
        "as the OOH (2024-34) prints it for its profile 'Financial Clerks' of 9 occupations "
        "(OEWS May 2024 for 43-3000: $47,370)",
    )
    assert found["5 percent"][:2] == ("43-3000", "matches")
    assert found["$28.57"][:3] == ("39-4000", "matches", "$28.57")  # the profile adds 11-9171 to 39-4000's code
    assert "'Funeral Service Workers' of 2 occupations" in found["$28.57"][3]
    assert result.changes == [] and not result.changed
    assert [k.reason for k in result.kept] == [
        "it is the OOH's figure for its profile 'Financial Clerks' of 9 occupations (2024-34 edition), which OEWS "
        "and EP do not publish as one; no newer OOH edition is held"
    ] * 2 + [
        "it is the OOH's figure for its profile 'Funeral Service Workers' of 2 occupations (2024-34 edition), "
        "which OEWS and EP do not publish as one; no newer OOH edition is held"
    ]


def test_the_groups_own_oews_figure_is_refreshed_and_another_figure_still_differs(article):
    result = article(
        "Financial clerks",
        "Financial clerks earned a median annual wage of $47,370 in May 2024.",
        "Funeral service workers earned a median annual wage of $50,000 in May 2024.",
    )
    found = {b.figure.text: (a.status, a.note) for b, a in result.figures}
    assert found["$47,370"] == ("matches", "")  # OEWS's 43-3000
    assert found["$50,000"] == ("differs", "BLS OEWS May 2024: $39,170")  # neither OEWS's 39-4000 nor the OOH's
    assert [(c.old, c.new, c.to_release) for c in result.changes] == [
        ("$47,370", "$48,620", "OEWS May 2025"),
        ("$50,000", "$42,700", "OEWS May 2025"),
    ]


def test_an_occupation_the_ooh_lists_is_named_by_the_codes_ep_links_to_its_profile(article):
    # The OOH lists "Craft and Fine Artists" (May 2024: $56,260) among art directors' similar occupations; its
    # profile is not held, but EP's workbook links 27-1012, 27-1013 and 27-1019 to it. The sentence is not about
    # art directors: before, its figure was bound to them ('differs') and refreshed to their $114,850.
    # "Industrial Designers" ($79,450) is EP's 27-1021 Commercial and Industrial Designers alone. "Geological and
    # Hydrologic Technicians" ($50,510): EP links 19-4043 and 19-4044; the name holds "hydrologic technicians"
    # (19-4044, May 2024 $58,570), whose figure it was before ('differs'), refreshed to their $64,790.
    result = article(
        "Art directors",
        "Art directors earned a median annual wage of $111,040 in May 2024. Craft and fine artists, whose work "
        "is similar, earned a median annual wage of $56,260 in May 2024.",
        "Industrial designers earned a median annual wage of $79,450 in May 2024. The median annual wage of "
        "geological and hydrologic technicians was $50,510 in May 2024.",
        "Hydrologic technicians earned a median annual wage of $58,570 in May 2024.",
    )
    found = {b.figure.text: (b.socs, a.status) for b, a in result.figures}
    assert found == {
        "$111,040": (("27-1011",), "matches"),
        "$56,260": (("27-1012", "27-1013", "27-1019"), "ambiguous"),
        "$79,450": (("27-1021",), "matches"),
        "$50,510": (("19-4043", "19-4044"), "ambiguous"),
        "$58,570": (("19-4044",), "matches"),
    }
    assert [(c.old, c.new, c.soc) for c in result.changes] == [
        ("$111,040", "$114,850", "27-1011"),
        ("$79,450", "$83,910", "27-1021"),
        ("$58,570", "$64,790", "19-4044"),
    ]
    assert [k.reason.split(";")[0] for k in result.kept] == [
        "'Craft and fine artists' fits 3 occupations: 27-1012, 27-1013, 27-1019",
        "'geological and hydrologic technicians' fits 2 occupations: 19-4043, 19-4044",
    ]


def audit_on(con: duckdb.DuckDBPyConnection, tmp_path: Path, *paragraphs: str):
    """The `article` fixture's audit, on another warehouse."""
    path = tmp_path / "article.txt"
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    (result,), errors = audit_articles(con, [path])
    assert errors == []
    return result


@pytest.fixture(scope="module")
def without_ep_links(articles_db, tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The articles warehouse as a night whose EP load failed leaves it: the OOH without EP's links to it."""
    path = tmp_path_factory.mktemp("no-ep-links") / "warehouse.duckdb"
    shutil.copyfile(articles_db, path)
    con = warehouse.connect(path)
    con.execute("DELETE FROM ep_ooh_links")
    con.close()
    con = warehouse.connect(path, read_only=True)
    yield con
    con.close()


def test_without_eps_links_an_occupation_the_ooh_lists_binds_to_no_one(without_ep_links, tmp_path):
    """Nor to the code whose name its name holds ("hydrologic technicians", 19-4044)."""
    result = audit_on(
        without_ep_links,
        tmp_path,
        "Art directors",
        "Art directors earned a median annual wage of $111,040 in May 2024. Craft and fine artists, whose work "
        "is similar, earned a median annual wage of $56,260 in May 2024.",
        "The median annual wage of geological and hydrologic technicians was $50,510 in May 2024.",
    )
    found = {b.figure.text: (b.socs, a.status, a.note) for b, a in result.figures}
    assert found["$111,040"][:2] == (("27-1011",), "matches")
    uncoded = "which the OOH lists but no code in the warehouse carries"
    assert found["$56,260"] == ((), "unbound", f"its sentence names 'Craft and fine artists', {uncoded}")
    assert found["$50,510"] == ((), "unbound", f"its sentence names 'geological and hydrologic technicians', {uncoded}")
    assert [(c.old, c.new) for c in result.changes] == [("$111,040", "$114,850")]


def test_a_title_is_known_by_the_name_before_its_exclusion(article):
    # 25-2011 "Preschool Teachers, Except Special Education": OEWS May 2024 $37,120, May 2025 $38,140
    result = article("Preschool teachers earned a median annual wage of $37,120 in May 2024.")
    ((binding, audit),) = result.figures
    assert (binding.socs, audit.status) == (("25-2011",), "matches")
    assert [(c.old, c.new) for c in result.changes] == [("$37,120", "$38,140")]


def test_a_profile_filed_under_a_code_ep_lacks_prints_the_figures(article):
    # "Grounds maintenance workers" names the broad code 37-3010, which EP 2024-34 has no line for; EP prints the
    # same four occupations as the minor group 37-3000 (+3.5%, which BLS prints as 4), under which the OOH files
    # its profile (before: 'differs', "EP 2024-34 has no projected employment change for 37-3010"; then matched as
    # the OOH prints it and kept, "37-3010 is not in EP 2024-34"). It is EP 2024-34's own figure and the newest.
    result = article("Employment of grounds maintenance workers is projected to grow 4 percent from 2024 to 2034.")
    ((binding, audit),) = result.figures
    assert (binding.soc, audit.status, audit.bls_text) == ("37-3010", "matches", "4%")
    assert audit.note == "EP 2024-34 prints it as 37-3000 Grounds maintenance workers, the same occupations"
    assert (result.changes, result.kept) == ([], [])


def test_the_wage_for_all_workers_is_the_whole_economys(article):
    # Every OOH page's pay section: "the median annual wage for all workers was $49,500" (OEWS May 2024, 00-0000;
    # May 2025: $50,980). Before, the figure took the subject's code and was refreshed to its $51,140.
    result = article(
        "Medical records specialists",
        "The median annual wage for medical records specialists was $50,250 in May 2024. In May 2024, the "
        "median annual wage for all workers was $49,500.",
    )
    assert [(b.soc, a.status) for b, a in result.figures] == [("29-2072", "matches"), ("00-0000", "matches")]
    assert [(c.old, c.new) for c in result.changes] == [("$50,250", "$51,140"), ("$49,500", "$50,980")]


def test_a_name_that_fits_several_codes_matches_the_figures_their_profile_prints(article):
    # "Advertising, promotions, and marketing managers" fits 11-2011 and 11-2021 (ambiguous, before); the OOH
    # 2024-34 profile of both prints $159,660 (May 2024) and +6%, which neither code's line is.
    result = article(
        "The median annual wage for advertising, promotions, and marketing managers was $159,660 in May 2024.",
        "Employment of advertising, promotions, and marketing managers is projected to grow 6 percent from 2024 "
        "to 2034.",
    )
    assert [(b.socs, a.status, a.bls_text) for b, a in result.figures] == [
        (("11-2011", "11-2021"), "matches", "$159,660"),
        (("11-2011", "11-2021"), "matches", "6%"),
    ]
    assert not result.changed
    assert all(
        "'Advertising, Promotions, and Marketing Managers' of 2 occupations (2024-34" in k.reason for k in result.kept
    )


@pytest.fixture(scope="module")
def with_newer_edition(articles_db, tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The articles warehouse and, beside its OOH 2024-34, a next edition of the financial clerks' page: the real
    page with its years moved on by one and its median pay changed, as next year's page would differ (no
    2025-35 edition is published yet)."""
    path = tmp_path_factory.mktemp("newer-ooh") / "warehouse.duckdb"
    shutil.copyfile(articles_db, path)
    url = next(u for u in ooh_profile_pages() if u.endswith("/financial-clerks.htm"))
    html = ooh_profile_pages()[url].read_text(encoding="utf-8")
    for old, new in (("2024–34", "2025–35"), ("2024-34", "2025-35"), ("2034", "2035"), ("2024", "2025")):
        html = html.replace(old, new)
    edition = read_profiles({url: html.replace("$48,650", "$49,960")})
    con = warehouse.connect(path)
    load_parsed(con, "ooh", edition, form="profiles", url="https://www.bls.gov/ooh/a-z-index.htm")
    con.close()
    con = warehouse.connect(path, read_only=True)
    yield con
    con.close()


def test_a_profile_figure_a_newer_ooh_edition_prints_differently_stays_and_says_what_it_prints(
    with_newer_edition, tmp_path
):
    result = audit_on(
        with_newer_edition,
        tmp_path,
        "Financial clerks",
        "Financial clerks earned a median annual wage of $48,650 in May 2024.",
    )
    ((binding, audit),) = result.figures
    assert (binding.soc, audit.status) == ("43-3000", "matches")
    assert result.changes == []
    assert [k.reason for k in result.kept] == [
        "it is the OOH's figure for its profile 'Financial Clerks' of 9 occupations (2024-34 edition), which OEWS "
        "and EP do not publish as one; the OOH's 2025-35 edition prints $49,960: refresh it by hand"
    ]


def test_a_profiles_openings_and_wage_percentiles_match_as_its_sentences_print_them(article):
    # The OOH prints them in its prose only: EP's 43-3000 projects 278,600 openings, OEWS's 43-3000 pays its lowest
    # tenth $34,600 and its highest $69,820 (May 2024); the profile of 9 codes, 102,200, $36,200 and $71,330.
    result = article(
        "Financial clerks",
        "About 102,200 openings for financial clerks are projected each year, on average, from 2024 to 2034.",
        "In May 2024, the lowest 10 percent of financial clerks earned less than $36,200, and the highest 10 "
        "percent earned more than $71,330.",
    )
    found = {b.figure.text: (b.soc, a.status) for b, a in result.figures}
    assert found == {
        "102,200": ("43-3000", "matches"),
        "$36,200": ("43-3000", "matches"),
        "$71,330": ("43-3000", "matches"),
    }
    assert result.changes == []
    assert len(result.kept) == 3 and all("'Financial Clerks' of 9 occupations" in k.reason for k in result.kept)


def test_a_figure_of_a_profile_filed_under_a_code_moves_with_that_code(article):
    # "Medical scientists" is the title of the broad group 19-1040; the OOH's profile of that name is filed under
    # 19-1042 (Medical Scientists, Except Epidemiologists) and prints its figures: EP 2024-34 165,300 jobs and 9,600
    # openings (19-1040: 177,600 and 10,400); OEWS May 2024 $100,590 (19-1040: $99,770), May 2025 $103,410.
    # Before, the refresh wrote 19-1040's figures of the same EP release over them, and 19-1040's May 2025 $102,990.
    result = article(
        "Medical scientists",
        "Medical scientists held about 165,300 jobs in 2024. About 9,600 openings for medical scientists are "
        "projected each year, on average, from 2024 to 2034.",
        "The median annual wage for medical scientists was $100,590 in May 2024.",
    )
    found = {b.figure.text: a.status for b, a in result.figures}
    assert found == {"165,300": "matches", "9,600": "matches", "$100,590": "matches"}
    assert [(c.old, c.new, c.soc, c.to_release) for c in result.changes] == [
        ("$100,590", "$103,410", "19-1042", "OEWS May 2025")
    ]
