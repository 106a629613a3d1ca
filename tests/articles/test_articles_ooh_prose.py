"""factsheets.articles.ooh_prose: the figures an OOH profile prints in its sentences only, read from the
sentences of real pages (the 2024-34 edition)."""

from __future__ import annotations

from factsheets.articles.ooh_prose import profile_figures

FINANCIAL_CLERKS = {
    "job_outlook": "Despite declining employment, about 102,200 openings for financial clerks are projected each "
    "year, on average, over the decade.",
    "pay": "The median annual wage for financial clerks was $48,650 in May 2024. The lowest 10 percent earned "
    "less than $36,200, and the highest 10 percent earned more than $71,330.",
}


def test_a_profiles_openings_and_its_one_pair_of_percentiles_are_read():
    assert profile_figures(FINANCIAL_CLERKS) == (102200, 36200, 71330)


def test_percentiles_printed_per_detailed_occupation_are_left_to_oews():
    # electrical-and-electronics-engineers.htm prints a pair for each of its two codes
    pay = (
        "The median annual wage for electrical engineers was $111,910 in May 2024. The lowest 10 percent earned "
        "less than $74,670, and the highest 10 percent earned more than $174,260. The median annual wage for "
        "electronics engineers, except computer was $127,590 in May 2024. The lowest 10 percent earned less than "
        "$79,390, and the highest 10 percent earned more than $190,050."
    )
    assert profile_figures({"pay": pay}) == (None, None, None)


def test_hourly_percentiles_and_missing_sections_give_nothing():
    pay = "The lowest 10 percent earned less than $14.25 per hour, and the highest 10 percent earned more than $30.10."
    assert profile_figures({"pay": pay}) == (None, None, None)
    assert profile_figures({}) == (None, None, None)
