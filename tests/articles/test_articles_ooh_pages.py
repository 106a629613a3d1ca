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
    # Measured: 4,225 match, 31 differ (profile-level openings and wage percentiles the warehouse does not
    # hold), 7 match another occupation, none another measure. Before this round: 3,171 / 160 / 516 / 153 (the
    # quick facts' "Employment Change, 2024-34" read as base employment: HTML's indentation hid "Change").
    assert statuses["matches"] > 4200  # 211 of them a profile's figure for a name that fits several codes
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
