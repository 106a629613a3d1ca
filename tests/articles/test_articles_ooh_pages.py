"""The OOH's own pages, read as editors' articles (HTML, ../shared/bls-mirror/www.bls.gov/ooh, in place) against
the warehouse of the article tests: BLS's prose is the hardest test of binding there is, and every figure in it
is one BLS printed. What the audit finds there is what it would find in an article quoting them."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from bls_files import OOH_PAGES

from factsheets.articles import audit_articles

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

ALL_WORKERS = re.compile(r"median annual wage for all workers was", re.I)


@pytest.fixture(scope="module")
def audited(con):
    pages = sorted(p for p in OOH_PAGES.rglob("*.htm") if p.parent != OOH_PAGES)
    results, errors = audit_articles(con, pages)
    assert errors == [] and len(results) > 280
    return results


def test_the_ooh_pages_audit_as_what_bls_printed(audited):
    statuses = Counter(a.status for r in audited for _, a in r.figures)
    # Measured: 4,780 match, 31 differ (profile-level openings and wage percentiles the warehouse does not
    # hold), 7 match another occupation, none another measure. Before this round: 3,171 / 160 / 516 / 153 (the
    # quick facts' "Employment Change, 2024-34" read as base employment: HTML's indentation hid "Change").
    assert statuses["matches"] > 4700  # 211 a profile's figure for a name that fits several codes; 555 in rows
    assert statuses["differs"] < 40 and statuses["matches another occupation"] < 10
    assert statuses["matches another measure"] == 0


def test_the_wage_for_all_workers_is_the_whole_economys_on_every_page(audited):
    bound = [
        (b.socs, a.status)
        for r in audited
        for b, a in r.figures
        if b.figure.kind == "money" and ALL_WORKERS.search(r.document.text[b.sentence[0] : b.sentence[1]])
    ]
    assert len(bound) > 500
    assert set(bound) == {(("00-0000",), "matches")}


def test_no_count_but_a_change_takes_a_sign_from_the_words(audited):
    signed = [
        (r.name, b.line, b.figure.text)
        for r in audited
        for b, _ in r.figures
        if b.signed_value < 0 and not b.figure.signed and not set(b.measures) & {"change_percent", "change_numeric"}
    ]
    assert signed == []


def figures_of(audited, page: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], str]]:
    (result,) = [r for r in audited if r.name.endswith(f"/{page}")]
    return {b.figure.text: (b.socs, b.measures, a.status) for b, a in result.figures}


def test_a_table_row_is_one_sentence(audited):
    # Similar occupations: | Art Directors | Art directors are responsible for ... productions. | Bachelor's
    # degree | $111,040 |. The duties' period split the row, and the pay ran on into the next row, whose
    # "Craft and Fine Artists" then left it unbound (or, for a coded name, took it: 'differs', refreshed).
    # Its column's header ("2024 MEDIAN PAY") is not read: a pretty-printed HTML cell spans many lines, and the
    # header is found line by line. The row's own occupation, though, is art directors'.
    assert figures_of(audited, "interior-designers.htm")["$111,040"] == (
        ("27-1011",),
        ("annual_median", "annual_mean"),
        "ambiguous",
    )
    # Quick facts: | 2024 Median Pay | $134,830 per year $64.82 per hour |: dated by "2024 Median Pay"
    aerospace = figures_of(audited, "aerospace-engineers.htm")
    assert aerospace["$134,830"] == (("17-2011",), ("annual_median",), "matches")
    assert aerospace["$64.82"][::2] == (("17-2011",), "matches")  # median or mean, settled by its value


def test_a_wage_tables_bare_numbers_are_not_counts_of_jobs(audited):
    # "Median annual wages for social workers in May 2024 were as follows: | Healthcare social workers | 68,090 |"
    # and by industry, "| Employment services | 58,650 |": read as base employment, the refresh wrote 193,200
    # and 944,300 into the wage tables.
    assert figures_of(audited, "social-workers.htm")["68,090"][1:] == ((), "unbound")
    assert figures_of(audited, "human-resources-specialists.htm")["58,650"][1:] == ((), "unbound")
