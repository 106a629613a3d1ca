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
    # Measured: 4,924 match, none differs, matches another occupation or another measure. Before: 3,171 / 160 /
    # 516 / 153 (the quick facts' "Employment Change, 2024-34" read as base employment: HTML's indentation hid
    # "Change"); then 4,780 / 31 / 7 / 0, the 31 a profile's openings and wage percentiles, which it prints in its
    # sentences only (factsheets.articles.ooh_prose).
    assert statuses["matches"] > 4900  # 211 a profile's figure for a name that fits several codes; 555 in rows
    assert statuses["differs"] == 0 and statuses["matches another occupation"] == 0
    assert statuses["matches another measure"] == 0


def test_a_profiles_own_openings_are_never_replaced_by_its_groups(audited):
    """ "About 586,000 openings for retail sales workers": the OOH's profile of 41-2022 and 41-2031. EP's 41-2000
    Retail Sales Workers (cashiers too) projects 1,178,600, which the refresh wrote in its place."""
    openings = [
        (r.name.rsplit("/", 1)[1], c.old, c.new) for r in audited for c in r.changes if c.measure == "openings_annual"
    ]
    assert not [o for o in openings if o[0] in PROFILES_OF_SEVERAL_CODES]
    kept = {(r.name.rsplit("/", 1)[1], k.figure): k.reason for r in audited for k in r.kept}
    (retail,) = [r for r in audited if r.name.endswith("/retail-sales-workers.htm")]
    found = [(b.figure.text, a.status) for b, a in retail.figures if "openings_annual" in b.measures]
    assert found and set(found) == {("586,000", "matches")}
    reasons = {
        kept[("retail-sales-workers.htm", b.figure.index)] for b, _ in retail.figures if b.figure.text == "586,000"
    }
    assert reasons == {
        "it is the OOH's figure for its profile 'Retail Sales Workers' of 2 occupations (2024-34 edition), which "
        "OEWS and EP do not publish as one; no newer OOH edition is held"
    }


PROFILES_OF_SEVERAL_CODES = {
    f"{slug}.htm"
    for slug in (
        "agricultural-workers financial-clerks funeral-service-occupations gaming-services-occupations "
        "postsecondary-teachers purchasing-managers-buyers-and-purchasing-agents retail-sales-workers "
        "top-executives woodworkers"
    ).split()
}


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
