"""The short names OOH profiles introduce ("Licensed practical nurses (LPNs)"), as the name index learns them, and
the names editors give occupations (factsheets/articles/common_names.toml)."""

from __future__ import annotations

import pytest

from factsheets.articles.catalog import common_names
from factsheets.articles.names import build_index, lead_word, profile_acronyms


def test_an_acronym_stands_for_the_words_its_letters_begin():
    text = (
        "Licensed practical nurses (LPNs) and licensed vocational nurses (LVNs) provide basic care. They maintain "
        "local area networks (LANs), see Nurse anesthetists (CRNAs) and work with athletic trainers (ATs). "
        "Nurse practitioners (NPs) diagnose."
    )
    assert profile_acronyms(text) == [
        ("Licensed practical nurses", "LPNs"),
        ("licensed vocational nurses", "LVNs"),
        ("local area networks", "LANs"),
        ("Nurse practitioners", "NPs"),  # two letters without a vowel; "ATs" would be the word "at"
    ]


def test_an_acronym_names_what_its_words_name_or_the_profiles_workers():
    titles = [
        ("13-2011", "Accountants and Auditors"),
        ("29-2042", "Emergency Medical Technicians"),
        ("29-2043", "Paramedics"),
        ("15-1244", "Network and Computer Systems Administrators"),
    ]
    profiles = [
        ("accountants-and-auditors", "Accountants and Auditors", ("13-2011",), "Certified Public Accountants (CPAs)"),
        ("emts-and-paramedics", "EMTs and Paramedics", ("29-2040",), "Emergency medical technicians (EMTs) respond."),
        ("network-admins", "Network Administrators", ("15-1244",), "They set up local area networks (LANs)."),
    ]
    index = build_index(titles=titles, current=[], ooh_profiles=profiles, retired=[], careers=[])

    def codes(phrase: str) -> list[tuple[str, ...]]:
        return [match.socs for match in index.find(phrase, 0, len(phrase))]

    assert codes("CPAs") == codes("a CPA") == codes("certified public accountants") == [("13-2011",)]
    assert codes("EMTs") == [("29-2042",)]  # the code of its words' title, not the profile's broad 29-2040
    assert codes("LANs") == codes("local area networks") == []  # no title of 15-1244 ends in "networks"


def test_the_first_of_a_list_of_one_word_occupations_is_named_alone():
    assert lead_word("Welders, Cutters, Solderers, and Brazers") == "Welders"
    assert lead_word("Paralegals and Legal Assistants") == "Paralegals"
    assert lead_word("Title Examiners, Abstractors, and Searchers") is None  # "Title Examiners" is no one word
    assert lead_word("Physicians, Pathologists") is None  # a qualified title, not a list
    assert lead_word("Sales and Related Occupations") is None


def test_every_common_name_is_a_code_of_oews_may_2025(con):
    """factsheets/articles/common_names.toml names codes BLS still publishes, each by one name per code."""
    held = {row[0] for row in con.execute("SELECT soc_code FROM oews_national WHERE release_id = '2025A01'").fetchall()}
    names = common_names()
    assert len(names) >= 20 and {soc for _, soc in names} <= held


@pytest.mark.parametrize(
    ("sentence", "soc", "median"),
    [
        # the codes' OEWS May 2024 medians, refreshed to May 2025's (before: unbound, or 'software engineers' bound
        # to the engineers' group 17-2000 and left as far from its $106,070)
        ("RNs earned a median of $93,600 in May 2024.", "29-1141", "$97,550"),
        ("HVAC techs earned a median of $59,810 in May 2024.", "49-9021", "$61,010"),
        ("Software engineers earned a median of $133,080 in May 2024.", "15-1252", "$135,980"),
        ("The median wage of CNAs was $39,530 in May 2024.", "31-1131", "$42,260"),
    ],
)
def test_an_editors_name_for_an_occupation_binds_its_code(article, sentence, soc, median):
    result = article("Careers", sentence)
    assert [(c.soc, c.measure, c.new) for c in result.changes] == [(soc, "annual_median", median)]
