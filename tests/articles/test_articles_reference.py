"""The reference article (../shared/reference, read in place) and hand-written articles, audited and refreshed
against a warehouse of real releases: OEWS May 2022-2025, EP 2021-31 to 2024-34, the OOH 2024-34 profiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from articles_fixtures import ARTICLES
from bls_files import REFERENCE

from factsheets.articles import audit_articles, report_json, report_markdown, unified_diff
from factsheets.articles.measures import accepted_percents, whole_percent_printed
from factsheets.articles.session import ArticleSession
from factsheets.rounding import whole_percent


def run(session: ArticleSession, path: Path):
    results, errors = session.run([path])
    assert errors == []
    return results[0]


def figure(result, text: str, line: int):
    found = [(b, a) for b, a in result.figures if b.figure.text == text and b.line == line]
    assert len(found) == 1, [(b.figure.text, b.line) for b, _ in result.figures]
    return found[0]


@pytest.fixture(scope="module")
def reference(session):
    return run(session, REFERENCE)


def left_as_written(result) -> list[str]:
    """The reasons of an article the refresh left exactly as it was."""
    assert result.changes == [] and not result.changed
    return [k.reason for k in result.kept]


def test_refresh_of_the_reference_changes_the_figures_and_their_years_and_nothing_else(reference):
    old = REFERENCE.read_text(encoding="utf-8").splitlines(keepends=True)
    new = reference.refreshed.splitlines(keepends=True)
    assert len(new) == len(old)
    changed = {n + 1: (a, b) for n, (a, b) in enumerate(zip(old, new, strict=True)) if a != b}
    assert set(changed) == {7, 11, 12, 26, 36, 42}
    # Line 7 says it without a figure: the OOH 2024-34 calls 7% against 3% "much faster than average".
    assert (
        "The U.S. Bureau of Labor Statistics (BLS) predicts much-faster-than-average growth in this profession"
        in (changed[7][1])
    )
    assert changed[11][1] == "Median Salary* $51,140 (2025)\n"
    assert changed[12][1] == "Career Outlook* 7% (2024-2034)\n"
    assert "grow by 7% from 2024 to 2034 period" in changed[26][1]
    assert "health information technicians as $51,140 in May 2025." in changed[26][1]
    assert "reported in 2025 that medical and health services managers" in changed[36][1]
    assert "median annual salary of $123,860." in changed[36][1]
    assert "projected to increase by 23% from 2024 to 2034, according to the BLS." in changed[36][1]
    assert "medical transcriptionists was $40,410 in May 2025" in changed[42][1]
    assert "will decline by 5% from 2024 to 2034." in changed[42][1]
    # Within a changed line, only the figures and their years moved (and on line 7, the comparison).
    del changed[7]
    for number, (before, after) in changed.items():
        strip = str.maketrans("", "", "0123456789,$%")
        assert before.translate(strip) == after.translate(strip), number


def test_the_reference_binds_each_figure_to_its_occupation_measure_and_release(reference):
    expected = {
        (11, "$61,410"): ("29-2072", "annual_median", "OEWS May 2021"),
        (12, "7%"): ("29-2072", "change_percent", "EP 2021-31"),
        (26, "7%"): ("29-2072", "change_percent", "EP 2021-31"),
        (26, "$61,410"): ("29-2072", "annual_median", "OEWS May 2021"),
        (36, "$101,340"): ("11-9111", "annual_median", "OEWS May 2021"),
        (36, "28%"): ("11-9111", "change_percent", "EP 2021-31"),
        (42, "$30,100"): ("31-9094", "annual_median", "OEWS May 2021"),
        (42, "7%"): ("31-9094", "change_percent", "EP 2021-31"),
    }
    bound = {(b.line, b.figure.text): (b.soc, b.measure, b.claim.label) for b, _ in reference.figures}
    assert bound == expected
    binding, _ = figure(reference, "$61,410", 11)
    assert "Career Definition for Health Information Technicians" in binding.occupation_evidence
    assert binding.release_evidence == "'(2021)'"


def test_audit_marks_the_2021_31_outlooks_as_matching_after_bls_rounding(reference):
    for line, text in [(12, "7%"), (26, "7%"), (36, "28%"), (42, "7%")]:
        _, audit = figure(reference, text, line)
        assert audit.status == "matches", (line, audit.note)
    # -6.5% (-3.9 of 59.6 thousand) is printed by BLS as a 7% decline: the article's words carry the sign.
    binding, _ = figure(reference, "7%", 42)
    assert binding.direction.word == "decline" and binding.signed_value == -7


def test_audit_marks_the_2021_wages_as_release_not_held_naming_what_to_backfill(reference):
    binding, audit = figure(reference, "$61,410", 11)
    assert audit.status == "release not held"
    assert audit.backfill.startswith("OEWS May 2021")
    assert "oesm21nat.zip" in audit.backfill
    # EP 2021-31 republishes the May 2021 median: it shows the figure is not 29-2072's median.
    assert "$46,660" in audit.note and "not $61,410" in audit.note
    _, audit = figure(reference, "$101,340", 36)
    assert audit.status == "release not held" and "(the same)" in audit.note


def test_changes_carry_their_provenance(reference):
    change = next(c for c in reference.changes if c.line == 11)
    assert (change.old, change.new, change.from_release, change.to_release) == (
        "$61,410", "$51,140", "OEWS May 2021", "OEWS May 2025",
    )  # fmt: skip
    assert change.provenance.series == "OEUN000000000000029207213"
    assert change.provenance.release == "2025A01"
    assert change.provenance.source_url == "https://www.bls.gov/oes/special-requests/oesm25nat.zip"
    outlook = next(c for c in reference.changes if c.line == 42 and c.measure == "change_percent")
    assert outlook.provenance.release == "2024-34" and outlook.provenance.program.startswith("Employment Projections")


def test_reports_and_diff(reference):
    document = report_json(reference)
    assert document["summary"]["figures"] == 8
    assert document["summary"]["statuses"] == {"matches": 4, "release not held": 4}
    first = document["figures"][0]
    assert first["binding"]["soc"] == "29-2072" and first["refresh"]["new"] == "$51,140"
    assert document["changes"][0]["edits"][0] == {"line": 11, "column": 16, "old": "$61,410", "new": "$51,140"}
    markdown = report_markdown(reference)
    assert "| 11 | $61,410 | release not held |" in markdown
    assert "OEUN000000000000029207213" in markdown
    diff = unified_diff(reference)
    assert "\n-Median Salary* $61,410 (2021)\n" in diff and "\n+Median Salary* $51,140 (2025)\n" in diff


def test_refreshing_a_refreshed_article_changes_nothing(session, reference, tmp_path):
    path = tmp_path / "refreshed.txt"
    path.write_bytes(reference.refreshed_bytes())
    again = run(session, path)
    assert not again.changed
    assert {a.status for _, a in again.figures} == {"matches"}


def test_as_of_audits_and_refreshes_against_the_releases_of_that_year(con):
    (result,), errors = audit_articles(con, [REFERENCE], as_of=2023)
    assert errors == []
    lines = result.refreshed.splitlines()
    assert lines[10] == "Median Salary* $48,780 (2023)"
    assert lines[11] == "Career Outlook* 9% (2023-2033)"  # 8.7% of EP 2023-33


def test_a_figure_newer_than_the_warehouse_is_never_taken_back(article):
    result = article(
        "Medical Records Specialists",
        "Medical records specialists earned a median annual wage of $53,000 in May 2026, and employment is "
        "projected to grow 6% from 2025 to 2035.",
    )
    assert [(a.status, a.backfill) for _, a in result.figures] == [
        ("release not held", "OEWS May 2026: not loaded yet (run the refresh)"),
        ("release not held", "EP 2025-35: not loaded yet (run the refresh)"),
    ]
    assert not result.changed
    assert [k.reason for k in result.kept] == [
        "it claims OEWS May 2026, newer than any release the warehouse holds",
        "it claims EP 2025-35, newer than any release the warehouse holds",
    ]


def test_a_lower_bound_stays_when_bls_now_publishes_the_exact_wage(article):
    # OEWS May 2024 prints 29-1212's median as ">= $239,200"; May 2025 publishes it: $496,010.
    result = article(
        "Cardiologists",
        "The median annual wage of cardiologists was $239,200 or more in May 2024; BLS does not publish exact wages "
        "above that amount.",
    )
    assert left_as_written(result) == [  # not "$496,010 or more in May 2025"
        "it is a lower bound ('$239,200 or more') and BLS publishes the exact median annual wage of 29-1212 in "
        "OEWS May 2025 ($496,010): reword the sentence"
    ]


def test_a_top_coded_median_is_the_lower_bound_bls_prints(article):
    # OEWS May 2024 prints the median of cardiologists and dermatologists only as ">= $239,200"; EP 2021-31
    # republishes the May 2021 medians (OEWS May 2021 is not held), top-coded at ">= $208,000".
    result = article(
        "Physicians",
        "Cardiologists earned a median annual salary of $239,200 in May 2024, according to the BLS.",
        "Dermatologists earned a median annual salary of $300,000 in May 2024, according to the BLS.",
        "Anesthesiologists earned a median annual salary of $331,190 in May 2021, according to the BLS.",
        "Orthodontists earned a median annual salary of $150,000 in May 2021, according to the BLS.",
    )
    cardiologists, dermatologists, anesthesiologists, orthodontists = (audit for _, audit in result.figures)
    assert (cardiologists.status, cardiologists.bls_text) == ("matches", "$239,200 or more")
    assert dermatologists.status == "differs"
    assert dermatologists.note.startswith("BLS OEWS May 2024: $239,200 or more")
    assert anesthesiologists.status == orthodontists.status == "release not held"
    assert "May 2021 median annual wage as $208,000 or more ($331,190 is consistent with it)" in anesthesiologists.note
    assert "May 2021 median annual wage as $208,000 or more (not $150,000)" in orthodontists.note


def test_a_figure_nothing_else_dates_is_dated_by_its_sections_heading(session, tmp_path):
    # 29-2072 Medical records specialists, EP 2024-34: +7% (much faster than average), +13,800 jobs, 14,200
    # openings a year. The heading's period moves once, with all its figures; the salary section stays whole: its
    # "Top earners" wage names no statistic (before, its median was refreshed to May 2025's under "(2021)"). Before,
    # "New jobs: 12,300" was the base year's employment, refreshed to 194,800.
    path = tmp_path / "career.md"
    path.write_text(
        "# Medical records specialists\n\n## Salary (2021)\n\n- Median pay: $46,660 per year\n"
        "- Top earners: more than $75,460\n\n## Job Outlook, 2021-31\n\n- Growth: 7% (faster than average)\n"
        "- New jobs: 12,300\n- Openings per year: 14,900\n",
        encoding="utf-8",
    )
    result = run(session, path)
    assert [(c.old, c.new, c.measure) for c in result.changes] == [
        ("7%", "7%", "change_percent"),
        ("12,300", "13,800", "change_numeric"),
        ("14,900", "14,200", "openings_annual"),
    ]
    assert (
        "## Job Outlook, 2024-34\n\n- Growth: 7% (much faster than average)\n- New jobs: 13,800\n" in result.refreshed
    )
    assert "## Salary (2021)\n\n- Median pay: $46,660 per year\n" in result.refreshed
    assert [k.reason for k in result.kept][0] == "'(2021)' also dates another figure that would not move the same way"


def test_an_industrys_figures_are_not_the_occupations(session, tmp_path):
    # Before: "| Offices of physicians | $271,090 |" (physicians' median), and the hospitals' $47,310 became the
    # nation's $51,140 under "(May 2025)". A table whose rows are industries is left whole.
    path = tmp_path / "career.md"
    path.write_text(
        "# Medical records specialists\n\n## Pay by industry (May 2021)\n\n| Industry | Median annual wage |\n"
        "|---|---|\n| Hospitals; state, local, and private | $47,310 |\n| Offices of physicians | $43,270 |\n"
        "| Medical and diagnostic laboratories | $45,000 |\n\n"
        "In hospitals, medical records specialists earned a median of $47,310 in May 2021.\n\n"
        # an industry's word inside an occupation's name says nothing of where (41-4011: OEWS May 2024 $100,070,
        # May 2025 $104,920); before this was mended, the figure was left as an industry's
        "Sales representatives, wholesale and manufacturing, technical and scientific products earned a median "
        "annual wage of $100,070 in May 2024.\n",
        encoding="utf-8",
    )
    result = run(session, path)
    assert [(c.old, c.new, c.soc) for c in result.changes] == [("$100,070", "$104,920", "41-4011")]
    assert "products earned a median annual wage of $104,920 in May 2025." in result.refreshed
    assert (
        "| Offices of physicians | $43,270 |" in result.refreshed
        and "## Pay by industry (May 2021)" in result.refreshed
    )
    why = ": only national, cross-industry figures are checked"
    assert [(k.line, k.reason) for k in result.kept] == [
        (7, "its sentence gives it for an industry ('Hospitals')" + why),
        (8, "its sentence gives it for an industry ('Offices of')" + why),
        (9, "its table's rows are 'Industry'" + why),
        (11, "its sentence gives it for an industry ('hospitals')" + why),
    ]


def test_the_comparison_with_the_average_moves_with_a_refreshed_outlook(article):
    # EP 2024-34: all occupations +3.1% (3%); lodging managers 3.4%, fundraisers 4.3%, financial managers
    # 14.8%, gambling managers 1.2%. The OOH's words: as fast as average for 3 to 4%, much faster from 7%.
    result = article(
        "Managers",
        "Employment of lodging managers is projected to grow 18% from 2021 to 2031, much faster than the average "
        "for all occupations.",
        "Employment of fundraisers is projected to grow 11 percent from 2021 to 2031, Much faster than average.",
        "Employment of financial managers is projected to grow 17% from 2021 to 2031, much faster than the average "
        "for all occupations.",
        "Employment of gambling managers is projected to grow 13% from 2021 to 2031, much faster than the average.",
    )
    assert result.kept == []
    text = result.refreshed
    assert "grow 3% from 2024 to 2034, about as fast as the average for all occupations." in text
    assert "grow 4 percent from 2024 to 2034, About as fast as average." in text
    assert "grow 15% from 2024 to 2034, much faster than the average for all occupations." in text
    assert "grow 1% from 2024 to 2034, slower than the average." in text
    lodging = next(c for c in result.changes if c.old == "18%")
    assert "'much faster than' -> 'about as fast as': 3% against 3% for all occupations in EP 2024-34" in lodging.notes
    financial = next(c for c in result.changes if c.old == "17%")
    assert not any("faster" in note for note in financial.notes)  # its words stand


def test_an_outlook_now_a_decline_or_no_change_keeps_a_sentence_whose_words_cannot_say_so(article):
    # EP 2024-34: computer user support specialists -3.7% (a decline), paralegals +0.2% (0%: little or no change).
    result = article(
        "Office careers",
        "Employment of computer user support specialists is projected to grow 6% from 2021 to 2031, about as fast "
        "as the average for all occupations.",
        "Employment of paralegals and legal assistants is projected to grow 14% from 2021 to 2031.",
        "Paralegals and legal assistants\n\nCareer Outlook* 14% (2021-2031)",
    )
    assert [(k.line, k.reason) for k in result.kept] == [
        (3, "BLS's outlook for 15-1232 in EP 2024-34 is 'decline' (-4%), which 'about as fast as the average' "
            "cannot describe: reword the sentence"),
        (5, "BLS projects little or no change for 23-2011 in EP 2024-34 (0%), which 'grow' cannot describe: "
            "reword the sentence"),
    ]  # fmt: skip
    assert "Career Outlook* 0% (2024-2034)" in result.refreshed  # no words to contradict


def test_a_comparison_without_a_figure_is_bound_like_a_figure_and_refreshed(article):
    result = article(
        "Lodging managers",
        "Lodging managers keep hotels running. BLS expects Much-Faster-Than-Average growth for them.",
        "Demand for fundraisers grows with giving; their jobs should grow faster than average.",
        "The average hotel has many rooms, and the outlook for computer user support specialists is about as fast "
        "as average.",
        "Physicians and surgeons keep growing faster than the average.",
        "Across all occupations, employment grows slower than average in a recession.",
    )
    assert result.figures == []
    assert [(c.line, c.old, c.new, c.soc) for c in result.outlook] == [
        (3, "Much-Faster-Than", "About-As-Fast-As", "11-9081"),  # 3% against 3%: as fast as average
        (5, "faster than", "about as fast as", "13-1131"),  # 4%
    ]
    assert (
        "'Much-Faster-Than' -> 'About-As-Fast-As': 3% against 3% for all occupations in EP 2024-34"
        in (result.outlook[0].notes[0])
    )
    assert "'Lodging managers' in an earlier sentence of its paragraph" in result.outlook[0].notes[0]
    assert "BLS expects About-As-Fast-As-Average growth for them." in result.refreshed
    assert [(k.line, k.text) for k in result.outlook_kept] == [
        (7, "about as fast as average"),
        (9, "faster than the average"),
    ]
    decline, several = (k.reason for k in result.outlook_kept)
    assert decline.startswith("BLS's outlook for 15-1232 in EP 2024-34 is 'decline' (-4%)")
    assert "fits" in several and "occupations" in several  # physicians and surgeons: several codes
    document = report_json(result)
    assert document["summary"]["comparisons_changed"] == 2 and document["comparisons"][0]["measure"] == "outlook_words"
    assert "Comparisons with the average: 2 refreshed, 2 left as written." in report_markdown(result)
    assert article("Lodging managers", result.refreshed.split("\n\n")[1]).outlook == []  # current: nothing moves


def test_a_comparison_without_a_figure_moves_the_period_that_dates_it(article):
    # EP 2024-34: medical records specialists 7% against 3% for all occupations: much faster than the average.
    result = article(
        "Careers",
        "Medical records specialists can expect faster-than-average growth from 2021 to 2031.",
        "Medical records specialists can expect faster than average growth through 2034.",
        "Medical records specialists can expect faster-than-average growth through 2031, and physicians and "
        "surgeons about 24,200 openings a year.",
    )
    assert [(c.line, c.from_release, c.new) for c in result.outlook] == [
        (3, "EP 2021-31", "much-faster-than"),
        (5, "EP 2024-34", "much faster than"),
    ]
    text = result.refreshed
    assert "can expect much-faster-than-average growth from 2024 to 2034." in text  # before: "... from 2021 to 2031"
    assert "can expect much faster than average growth through 2034." in text
    assert "'from 2021 to 2031', which dates the words, moves to EP 2024-34" in result.outlook[0].notes
    # 'through 2031' also dates the openings of 'physicians and surgeons' (17 occupations: they stay), so the words
    # keep the cycle they were written for
    assert [(k.line, k.reason) for k in result.outlook_kept] == [
        (7, "'through 2031' also dates 24,200 (line 7), which would not move the same way")
    ]
    assert "Medical records specialists can expect faster-than-average growth through 2031, and" in text


def test_a_year_of_data_moves_when_every_figure_of_its_sentence_does(article):
    # EP 2021-31 -> 2024-34, 29-2072: 7% both times. Before: "According to BLS data from 2021, ... through 2034".
    result = article(
        "Careers",
        "According to BLS data from 2021, employment of medical records specialists is projected to grow 7% through "
        "2031.",
        "According to 2021 estimates, employment of medical records specialists will grow 7% through 2031.",
        "Founded in 2021, our school trains medical records specialists, whose employment is projected to grow 7% "
        "through 2031.",
        # the wage names no statistic and stays: the year it comes from stays with it
        "According to BLS data from 2021, medical records specialists earned $45,240 and their employment will "
        "grow 7% through 2031.",
    )
    text = result.refreshed
    assert (
        "According to BLS data from 2024, employment of medical records specialists is projected to grow 7% "
        "through 2034." in text
    )
    assert "According to 2024 estimates, employment of medical records specialists will grow 7% through 2034." in text
    assert (
        "Founded in 2021, our school trains medical records specialists, whose employment is projected to "
        "grow 7% through 2034." in text
    )
    assert "According to BLS data from 2021, medical records specialists earned $45,240 and" in text
    assert [k.line for k in result.kept] == [9]
    assert (
        "'from 2021' -> 2024: the year of the data every figure of its sentence now comes from"
        in result.changes[0].notes
    )


# Sentences whose figures move together: (paragraphs, the changes as (old, new, measure), text the refresh writes)
MOVES = {
    # EP 2021-31 -> 2024-34: 29-2072 186.4 -> 198.7 thousand, then 194.8 -> 208.6; 11-2011 28.0 -> 30.0, then
    # 27.0 -> 26.4 (a decline: the words follow the change, as they do for a percent)
    "base year to target": (
        "Employment of medical records specialists is projected to grow from 186,400 in 2021 to 199,800 in 2031.\n\n"
        "Employment of advertising and promotions managers is projected to grow from 28,000 in 2021 to 30,000 in 2031.",
        [
            ("186,400", "194,800", "employment_base"),
            ("199,800", "208,600", "employment_target"),
            ("28,000", "27,000", "employment_base"),
            ("30,000", "26,400", "employment_target"),
        ],
        ["projected to grow from 194,800 in 2024 to 208,600 in 2034.",
         "projected to decline from 27,000 in 2024 to 26,400 in 2034."],
    ),
    "a target year after 'through'": (
        "Jobs for medical records specialists will rise 7 percent through 2031, adding about 13,400 positions.",
        [("7 percent", "7 percent", "change_percent"), ("13,400", "13,800", "change_numeric")],
        ["will rise 7 percent through 2034, adding about 13,800 positions."],
    ),
    # 29-2072 +12,300 -> +13,800 jobs; 11-2011 +2,000 -> -600 jobs
    "up or down before a count": (
        "From 2021 to 2031, employment of medical records specialists is projected to be up 12,300 jobs.\n\n"
        "From 2021 to 2031, employment of advertising and promotions managers is projected to be up 2,000 jobs.",
        [("12,300", "13,800", "change_numeric"), ("2,000", "600", "change_numeric")],
        ["From 2024 to 2034, employment of advertising and promotions managers is projected to be down 600 jobs."],
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Read:
    text: str  # the paragraphs, after the title
    changes: list[tuple[str, str, str]]  # (old, new, measure)
    written: list[str] = field(default_factory=list)  # text the refresh writes
    kept: list[tuple[int, str]] = field(default_factory=list)  # (line, why it stays)


# What the words around a figure say it is: (paragraphs, the changes as (old, new, measure), text the refresh
# writes, the figures left as written as (line, reason)). Each case failed before its rule: the figure stayed, or
# was refreshed as another statistic, occupation or year.
READS = {
    # "In 2021," dates the wage as "in May 2021" does (before: "In 2021, ... was $51,140", May 2025's median), and the
    # OOH's quick-facts label its count (before: "Number of Jobs, 2021: 3,391,000", 2024's count under 2021)
    "a year that opens the sentence, the OOH's label": Read(
        "In 2021, the median salary for health information technicians was $45,240.\n\n"
        "Registered nurses at a glance. Number of Jobs, 2021: 3,130,600.",
        [("$45,240", "$51,140", "annual_median"), ("3,130,600", "3,391,000", "employment_base")],
        written=[
            "In 2025, the median salary for health information technicians was $51,140.",
            "Number of Jobs, 2024: 3,391,000.",
        ],
    ),
    # 29-2072, OEWS May 2025: median $51,140 ($24.59), mean $56,790 ($27.30)
    "the other basis of the wage before it": Read(
        "In May 2021, the mean annual wage for medical records specialists was $50,970, or $24.50 per hour.\n\n"
        "The median wage for medical records specialists was $46,660 per year ($22.43 per hour) in May 2021.\n\n"
        "Medical records specialists earned a median salary of $46,660 in 2021, or about $22.43 an hour.",
        [("$50,970", "$56,790", "annual_mean"), ("$24.50", "$27.30", "hourly_mean"),
         ("$46,660", "$51,140", "annual_median"), ("$22.43", "$24.59", "hourly_median"),
         ("$46,660", "$51,140", "annual_median"), ("$22.43", "$24.59", "hourly_median")],
        written=["was $51,140 per year ($24.59 per hour) in May 2025."],
    ),
    # 29-2072, OEWS May 2025: p10 $37,000, p90 $81,150 (before: $B took "bottom 10%", before it)
    "a percentile named right after a wage": Read(
        "Salaries for medical records specialists range from $30,880 for the bottom 10% to $75,460 for the top 10%.",
        [("$30,880", "$37,000", "annual_p10"), ("$75,460", "$81,150", "annual_p90")],
    ),
    # 23-2011, OEWS May 2025: median $62,890 ($30.24), mean $69,700 ($33.51), p10 $44,740, p90 $101,500; EP
    # 2024-34: 376,200 -> 376,800, +600 (before: "$62,890 (median) and $62,890 (mean)"; "an increase of" was the
    # base year's employment, dated 2031)
    "a statistic named right after a wage": Read(
        "Paralegals and legal assistants earned $56,230 (median) and $60,970 (mean) in May 2021.\n\n"
        "Paralegals and legal assistants earn $27.03 per hour at the median and $29.31 per hour on average, per "
        "May 2021 data.\n\n"
        "Pay for paralegals and legal assistants ranged from $35,460 (10th percentile) to $88,640 (90th "
        "percentile) in May 2021.\n\n"
        "The median annual wage for paralegals and legal assistants was $56,230 (the average was $60,970) in May "
        "2021.\n\n"
        "Employment of paralegals and legal assistants is expected to grow from 345,600 in 2021 to 392,000 in "
        "2031, an increase of 46,400 jobs.",
        [("$56,230", "$62,890", "annual_median"), ("$60,970", "$69,700", "annual_mean"),
         ("$27.03", "$30.24", "hourly_median"), ("$29.31", "$33.51", "hourly_mean"),
         ("$35,460", "$44,740", "annual_p10"), ("$88,640", "$101,500", "annual_p90"),
         ("$56,230", "$62,890", "annual_median"), ("$60,970", "$69,700", "annual_mean"),
         ("345,600", "376,200", "employment_base"), ("392,000", "376,800", "employment_target"),
         ("46,400", "600", "change_numeric")],
        written=["grow from 376,200 in 2024 to 376,800 in 2034, an increase of 600 jobs."],
    ),
    # OEWS May 2021 is not held; EP 2021-31 republishes 29-2061's May 2021 median as $48,070 (May 2025: $64,400)
    "EP's copy of a May median": Read(
        "Licensed practical and licensed vocational nurses earned $48,070 per year as of May 2021.\n\n"
        "Licensed practical and licensed vocational nurses earned $50,000 per year as of May 2021.",
        [("$48,070", "$64,400", "annual_median")],
        written=["vocational nurses earned $64,400 per year as of May 2025."],
        kept=[(5, "the measure is not settled")],
    ),
    # EP's base-year employment of 29-1141 Registered nurses: 3,130,600 (2021), 3,391,000 (2024); before: "no words
    # say what the number counts", and "3.1 million" was not seen
    "an occupation employed, a count in millions": Read(
        "As of 2021, there were 3,130,600 registered nurses employed in the U.S.\n\n"
        "Registered nurses held about 3.1 million jobs in 2021.\n\n"
        "In 2021, there were about 214,500 dental hygienists in the United States.",  # 29-1292: 221,600 in 2024
        [
            ("3,130,600", "3,391,000", "employment_base"),
            ("3.1 million", "3.4 million", "employment_base"),
            ("214,500", "221,600", "employment_base"),
        ],
        written=[
            "As of 2024, there were 3,391,000 registered nurses employed in the U.S.",
            "Registered nurses held about 3.4 million jobs in 2024.",
            "In 2024, there were about 221,600 dental hygienists in the United States.",
        ],
    ),
    # "all workers" right beside its figure is that figure's subject (OEWS May 2025: 00-0000 $50,980; 29-1051
    # Pharmacists $140,910); before, the sentence named pharmacists, so it read "the median for all workers
    # ($140,910)". EP 2021-31 republishes May 2021's medians: $128,570 and $45,760.
    "the median for all workers": Read(
        "Pharmacists earned a median annual wage of $128,570 in May 2021, more than double the median for all "
        "workers ($45,760).",
        [("$128,570", "$140,910", "annual_median"), ("$45,760", "$50,980", "annual_median")],
    ),
    # 29-1123 Physical therapists, OEWS May 2025: median $102,760, p90 $135,140. Before, "the highest-paid 10 percent"
    # was not a percentile, and a state's figure was refreshed to the nation's median.
    "the highest-paid, a state's figure": Read(
        "Physical therapists made a median salary of $95,620 in May 2021. The highest-paid 10 percent earned more "
        "than $127,110.\n\n"
        "In California, physical therapists earned a median of $114,030.",
        [("$95,620", "$102,760", "annual_median"), ("$127,110", "$135,140", "annual_p90")],
        kept=[(5, "its sentence gives it for California: only national, cross-industry figures are checked")],
    ),
    # the writer's own division of a decade's change (before: refreshed to EP's 24,400 "jobs per year")
    "a yearly share of a change": Read(
        "The field of dental assistants will add 2,700 jobs per year through 2032.\n\n"
        "About 44,000 openings for dental assistants are projected each year through 2032.",
        [("44,000", "52,900", "openings_annual")],
        kept=[(3, "'add', per year: BLS publishes no such yearly figure (openings a year it does)")],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", READS)
def test_the_words_say_what_a_figure_is(article, case):
    read = READS[case]
    result = article("Careers", *read.text.split("\n\n"))
    assert [(c.old, c.new, c.measure) for c in result.changes] == read.changes
    assert all(sentence in result.refreshed for sentence in read.written), result.refreshed
    assert [(k.line, k.reason) for k in result.kept] == read.kept


def test_the_national_average_a_count_in_millions_and_a_count_of_something_else(article):
    # EP 2022-32 and 2024-34: all occupations 3%, 29-1292 Dental hygienists 7% (much faster than the average by
    # the OOH's rule); before: "no words say what the percent measures", and the comparison's words stayed.
    # 29-1141: 3.3 million is EP 2023-33's base-year employment (3,300,100), not 2021's (3,130,600).
    result = article(
        "Dental hygienists",
        "Job growth for dental hygienists is expected to be 7% from 2022 to 2032, faster than the national "
        "average of 3%.",
        "Employment of dental hygienists is projected to grow 7% from 2022 to 2032, compared with 3% for all "
        "occupations.",
        "Registered nurses held about 3.3 million jobs in 2021.",
        "The hospital has 1,200 beds, and nurses are employed in every ward.",  # a count of beds
    )
    for line in (3, 5):
        binding, audit = figure(result, "3%", line)
        assert (binding.socs, binding.measures, audit.status) == (("00-0000",), ("change_percent",), "matches")
    assert "7% from 2024 to 2034, much faster than the national average of 3%." in result.refreshed
    assert "grow 7% from 2024 to 2034, compared with 3% for all occupations." in result.refreshed
    assert figure(result, "3.3 million", 7)[1].note == (
        "BLS EP 2021-31: 3.1 million (the figure is the EP 2023-33 value: the year may be wrong)"
    )
    assert figure(result, "1,200", 9)[0].problem == "no words say what the number counts"


@pytest.mark.parametrize("case", MOVES)
def test_a_sentences_figures_move_together(article, case):
    text, changes, written = MOVES[case]
    result = article("Careers", *text.split("\n\n"))
    assert result.kept == []
    assert [(c.old, c.new, c.measure) for c in result.changes] == changes
    assert all(sentence in result.refreshed for sentence in written), result.refreshed


def test_a_sentence_comparing_two_releases_of_one_figure_stays_as_written(article):
    result = article(
        "Medical Records Specialists",
        "The median annual wage for medical records specialists was $47,180 in May 2022, up from a median of "
        "$46,660 in May 2021.",
    )
    assert (
        left_as_written(result)
        == [  # not "$51,140 in May 2025, up from ... $51,140 in May 2025"
            "the sentence compares OEWS May 2021 with OEWS May 2022: refreshed, both figures would become OEWS May "
            "2025's; update it by hand"
        ]
        * 2
    )


def test_employment_in_thousands_as_eps_tables_count_it(article):
    # EP 2021-31: 29-2072 186.4 -> 198.7 thousand; EP 2024-34: 194.8 -> 208.6 thousand.
    result = article(
        "Medical Records Specialists",
        "Employment of medical records specialists is projected to grow from 186.4 thousand in 2021 to 198.7 "
        "thousand in 2031.",
    )
    assert [(b.figure.text, b.figure.value, a.status, a.bls_text) for b, a in result.figures] == [
        ("186.4 thousand", 186400.0, "matches", "186.4 thousand"),
        ("198.7 thousand", 198700.0, "matches", "198.7 thousand"),
    ]
    assert "grow from 194.8 thousand in 2024 to 208.6 thousand in 2034." in result.refreshed


def test_a_sheet_of_our_own_from_older_releases_refreshes_to_the_newest(article):
    # The outlook paragraph of the 29-2072 sheet published from EP 2023-33 and OEWS May 2024, as written.
    result = article(
        "Medical Records Specialists",
        "BLS projects employment of medical records specialists to grow 9 percent from 2023 to 2033, much faster "
        "than the average for all occupations. Across all occupations, the projected growth is 4 percent. On "
        "average, about 15,000 openings a year are projected over the period, counting new jobs and the need to "
        "replace workers who leave the occupation.",
        "The median annual wage of medical records specialists was $50,250 in May 2024: half earned more, half less.",
    )
    assert result.kept == []
    # a sentence that dates nothing is dated by the one before it: every figure is what EP 2023-33 printed
    assert [(a.status, b.claim.label) for b, a in result.figures][:3] == [("matches", "EP 2023-33")] * 3
    assert [(c.old, c.new, c.soc) for c in result.changes] == [
        ("9 percent", "7 percent", "29-2072"),
        ("4 percent", "3 percent", "00-0000"),
        ("15,000", "14,200", "29-2072"),  # the subject's openings, not the average's (the sentence before)
        ("$50,250", "$51,140", "29-2072"),
    ]
    assert (
        "grow 7 percent from 2024 to 2034, much faster than the average for all occupations. Across all "
        "occupations, the projected growth is 3 percent. On average, about 14,200 openings a year"
    ) in result.refreshed


def test_this_occupation_is_the_one_named_not_the_major_group_it_is_placed_in(article):
    result = article(
        "Legislators",
        "Legislators are classified by BLS as occupation 11-1031 of the Standard Occupational Classification, within "
        "management occupations. Employment Projections count about 33,700 jobs in this occupation in 2023.",
    )
    ((binding, audit),) = result.figures
    assert (binding.soc, binding.measure, audit.status) == ("11-1031", "employment_base", "matches")
    assert [c.new for c in result.changes] == ["27,700"]  # EP 2024-34


def test_a_paragraph_whose_dated_sentence_stays_stays_whole(article):
    # 19-3022 survey researchers: 0% in EP 2023-33 ("little or no change"), -5% in 2024-34; 800 -> 700 openings.
    result = article(
        "Survey researchers",
        "BLS projects little or no change in employment of survey researchers from 2023 to 2033 (0 percent). "
        "Across all occupations, the projected growth is 4 percent. On average, about 800 openings a year are "
        "projected over the period.",
    )
    assert left_as_written(result) == [
        "BLS projects a change of -5% for 19-3022 in EP 2024-34, which 'little or no change' cannot describe: "
        "reword the sentence",
        "'from 2023 to 2033', which dates it, stays with 0 percent (line 3)",
        "'from 2023 to 2033', which dates it, stays with 0 percent (line 3)",
    ]
    # the same paragraph of an occupation whose outlook moves: all of it moves (700 is a figure: openings)
    moved = article(
        "Gambling managers",
        "BLS projects employment of gambling managers to grow 5 percent from 2023 to 2033, about as fast as the "
        "average for all occupations. Across all occupations, the projected growth is 4 percent. On average, "
        "about 700 openings a year are projected over the period.",
    )
    assert [(c.old, c.new) for c in moved.changes] == [
        ("5 percent", "1 percent"),
        ("4 percent", "3 percent"),
        ("700", "600"),
    ]
    assert "grow 1 percent from 2024 to 2034, slower than the average for all occupations." in moved.refreshed


def test_a_sentence_moves_whole_or_not_at_all(article):
    result = article(
        "Careers",
        "Medical records specialists held 186,400 jobs in 2021, and information clerks held 1,200,000 jobs in 2021.",
    )
    assert result.changes == [] and not result.changed  # the clerks are ten occupations: their figure stays
    assert result.kept[0].reason == ("its sentence keeps 1,200,000 as written: refreshed alone, it would mix releases")


def test_a_mean_quoted_as_a_median_matches_another_measure(session):
    result = run(session, ARTICLES / "mean-as-median.txt")
    (binding, audit), = result.figures  # fmt: skip
    assert (binding.soc, binding.measure, binding.claim.label) == ("29-9021", "annual_median", "OEWS May 2022")
    assert audit.status == "matches another measure"
    assert "mean annual wage of 29-9021" in audit.note and "$58,250" in audit.note
    # The refresh writes the measure the text names (the median), and says so.
    (change,) = result.changes
    assert change.new == "$68,020" and "median annual wage the text names" in change.notes[0]
    assert "a median annual wage of $68,020 in May 2025" in result.refreshed


def test_another_occupations_figure_matches_another_occupation(session):
    result = run(session, ARTICLES / "sibling-occupation.md")
    ((binding, audit),) = result.figures  # fmt: skip  (the figure in inline code is not prose)
    assert binding.soc == "29-2072"
    assert audit.status == "matches another occupation"
    assert "29-9021" in audit.note and "$47,180" in audit.note
    assert "?year=2022" in result.refreshed and "`median = $58,250 (2022)`" in result.refreshed
    assert "$51,140 in May 2025." in result.refreshed


def test_counts_hourly_wages_and_a_sign_that_flips(article):
    result = article(
        "Medical Records Work",
        "Medical records specialists held 186,400 jobs in 2021, and about 14,900 openings were projected each "
        "year from 2021 to 2031. Their median hourly wage was $23.45 in May 2023.",
        "Manufactured building and mobile home installers face a decline: employment is projected to decline "
        "20 percent from 2023 to 2033.",
        "Medical transcriptionists earned a median annual wage of $$37,060 in May 2023.",
    )
    statuses = {(b.figure.text, b.measure): a.status for b, a in result.figures}
    assert statuses == {
        ("186,400", "employment_base"): "matches",
        ("14,900", "openings_annual"): "matches",
        ("$23.45", "hourly_median"): "matches",
        ("20 percent", "change_percent"): "matches",
        ("$$37,060", "annual_median"): "matches",
    }
    text = result.refreshed
    assert "held 194,800 jobs in 2024, and about 14,200 openings were projected each year from 2024 to 2034" in text
    assert "median hourly wage was $24.59 in May 2025" in text
    # -19.6% became +5.9%: the direction word flips and the figure keeps its format.
    assert "employment is projected to grow 6 percent from 2024 to 2034" in text
    assert "face a decline:" in text  # prose that is not the figure's own word stays
    assert "earned a median annual wage of $40,410 in May 2025" in text
    flipped = next(c for c in result.changes if c.soc == "49-9095")
    assert any("'decline' -> 'grow'" in note for note in flipped.notes)


def test_an_occupation_with_hourly_wages_only_gets_no_annual_figure(article):
    result = article("Actors earned a median annual wage of $45,000 in May 2024.")
    ((binding, audit),) = result.figures
    assert binding.soc == "27-2011" and audit.status == "differs" and "hourly_only" in audit.note
    assert not result.changed
    assert "hourly_only" in result.kept[0].reason


def test_bls_whole_percent_rounding():
    # 29-2072, EP 2024-34: 13.8 of 194.8 thousand = 7.08% -> 7; EP 2021-31: 6.6% -> 7.
    assert whole_percent_printed(13800, 194800, 7.1) == 7
    assert accepted_percents(12300, 186400, 6.6, 0) == {7.0}
    # 31-9094, EP 2021-31: -6.5% rounds half away from zero to -7 (Python's round() would give -6).
    assert accepted_percents(-3900, 59600, -6.5, 0) == {-7.0}
    # A one-decimal article figure must match EP's one decimal.
    assert accepted_percents(-3900, 59600, -6.5, 1) == {-6.5}
    # Ending in .5, the change over base employment says which side of the half the unrounded change is on
    # (13-2054, EP 2024-34: 6.5% published, 3.9 of 60.5 thousand = 6.45%, the OOH prints 6%).
    assert whole_percent_printed(3900, 60500, 6.5) == 6
    assert whole_percent_printed(3900, 60500, 6.5, ooh_printed=6.0) == 6
    # The rule is the sheets' (factsheets.rounding.whole_percent): an article and a sheet print one percent.
    # 29-1024 prosthodontists, EP 2024-34: 4.5% of 0.9 thousand, a change EP rounds to 0.0 thousand; the OOH
    # prints 4% (the articles' own rule printed 5%).
    assert whole_percent_printed(0, 900, 4.5, None, 900) == whole_percent(4.5, base=900, target=900, change=0).value
    assert whole_percent_printed(0, 900, 4.5, None, 900) == 4
    # What the sheets print is accepted too: 19-3092 geographers, EP 2023-33: 2.5% of 1.6 thousand -> 1.7, a
    # change EP rounds to 0.0 thousand; the sheet prints 2% (the audit of our own sheets said 'differs').
    assert accepted_percents(0, 1600, 2.5, 0, None, 1700) == {3.0, 0.0, 2.0}


def test_a_percent_printed_as_the_sheets_print_it_matches(article):
    result = article("Employment of geographers is projected to grow 2 percent from 2023 to 2033.")
    assert [(b.soc, a.status) for b, a in result.figures] == [("19-3092", "matches")]


def test_direction_nouns_and_their_articles_follow_the_sign(article):
    lines = article(
        "Manufactured Building and Mobile Home Installers",
        "Manufactured building and mobile home installers face a 20% decline in employment from 2023 to 2033.",
        "Manufactured building and mobile home installers: a decline of 20 percent is projected from 2023 to 2033.",
        "Medical records specialists should see an 8.7% increase in jobs from 2023 to 2033.",
    ).refreshed.splitlines()
    assert lines[2].endswith("face a 6% increase in employment from 2024 to 2034.")
    assert lines[4].endswith(": an increase of 6 percent is projected from 2024 to 2034.")
    assert lines[6].endswith("should see a 7.1% increase in jobs from 2024 to 2034.")  # one decimal kept


def test_a_percent_no_words_explain_is_listed_not_bound(article):
    result = article(
        "Medical Records Specialists",
        "Employment of medical records specialists is projected to grow 7 percent from 2024 to 2034, faster than "
        "the average for all occupations; about 90 percent of them work full time.",
    )
    assert [(b.figure.text, b.soc, a.status) for b, a in result.figures] == [
        ("7 percent", "29-2072", "matches"),
        ("90 percent", "29-2072", "unbound"),
    ]
    assert [(k.text, k.reason) for k in result.kept] == [("90 percent", "no words say what the percent measures")]


def test_a_wage_that_names_no_statistic_is_settled_by_its_value_or_left_alone(article):
    result = article(
        "Medical Assistants",
        "Medical assistants earned $43,350 annually in May 2023.",
        "Medical assistants earned $44,000 annually in May 2023.",
    )
    (first, first_audit), (second, second_audit) = result.figures
    assert first.measures == second.measures == ("annual_median", "annual_mean")
    # $43,350 is the May 2023 mean (the median was $42,000): the value settles it, and the mean is refreshed.
    assert (first_audit.status, first_audit.measure) == ("matches", "annual_mean")
    assert "earned $46,120 annually in May 2025." in result.refreshed
    # $44,000 is neither: two bindings fit, nothing changes, and both BLS figures are shown.
    assert second_audit.status == "ambiguous"
    assert "median annual wage $42,000" in second_audit.note and "mean annual wage $43,350" in second_audit.note
    assert "earned $44,000 annually in May 2023." in result.refreshed


# 17-2161 nuclear engineers, EP 2024-34: 800 openings a year, employment declining (the OOH's own words).
# Before, "declining" signed the openings (-900, 'differs' with BLS's 700) and was refreshed to "growing";
# and "decline from 186,400" (29-2072's EP 2021-31 base employment) was 'differs' against 186,400.
DECLINING = """Nuclear engineers

Despite declining employment, about 900 openings for nuclear engineers are projected each year, on average, from \
2023 to 2033.

Employment of medical records specialists is projected to decline from 186,400 in 2021 to 150,000 in 2031."""


def test_a_direction_word_signs_a_change_and_says_nothing_of_openings(article):
    result = article(DECLINING)
    found = {b.figure.text: (b.signed_value, a.status, a.bls_text) for b, a in result.figures}
    assert found["900"] == (900.0, "differs", "700")
    assert found["186,400"] == (186400.0, "matches", "186,400")
    assert found["150,000"] == (150000.0, "differs", "198,700")
    lines = result.refreshed.splitlines()
    assert lines[2] == (
        "Despite declining employment, about 800 openings for nuclear engineers are projected each year, on "
        "average, from 2024 to 2034."
    )
    assert (
        lines[4]
        == "Employment of medical records specialists is projected to grow from 194,800 in 2024 to 208,600 in 2034."
    )
