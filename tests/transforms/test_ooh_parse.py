"""OOH profile pages from ../shared/bls-mirror parsed one by one: exact figures, SOC codes,
layout drift quarantined with its reason, and section text that comes out clean: markup dropped,
prose about markup kept as text."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from bls_files import OOH_PAGES, REPO
from broken_copies import ooh_page, replaced, url_of, without_quick_facts

from transforms.errors import LayoutError
from transforms.ooh import (
    EDITION_PATTERN,
    edition_of,
    make_tree,
    parse_profile,
    read_profiles,
    sanitize_fragment,
)
from transforms.ooh.text import children
from transforms.schemas import OOH_SECTIONS

pytestmark = pytest.mark.shared_data

# The real pages, read in place (tests never copy ../shared into the repo).
OOH = OOH_PAGES

MEDICAL_RECORDS = "healthcare/medical-records-and-health-information-technicians"
TRANSCRIPTIONISTS = "healthcare/medical-transcriptionists"
MANAGERS = "management/medical-and-health-services-managers"
HEALTH_INFO_TECH = "healthcare/health-information-technologists-and-medical-registrars"
ACTORS = "entertainment-and-sports/actors"
PHYSICIANS = "healthcare/physicians-and-surgeons"


def parsed(path: str):
    return parse_profile(ooh_page(path), url=url_of(path))


def table(release, name: str):
    (frame,) = release.tables[name]  # the OOH tables come as one chunk each
    return frame


def quarantined(release) -> dict[str, str]:
    return {q.where: q.reason for q in release.quarantined}


# ---- exact figures ---------------------------------------------------------------------------


def test_medical_records_specialists_quick_facts_and_code():
    profile = parsed(MEDICAL_RECORDS)
    assert (profile.title, profile.group, profile.slug) == (
        "Medical Records Specialists",
        "healthcare",
        "medical-records-and-health-information-technicians",
    )
    assert profile.url == url_of(MEDICAL_RECORDS)
    assert str(profile.last_modified) == "2025-08-28"
    q = profile.quick_facts
    assert (q.median_pay_annual, q.median_pay_hourly, q.pay_year, q.pay_status) == (50250.0, 24.16, 2024, "published")
    assert (q.education, q.work_experience, q.training) == ("Postsecondary nondegree award", "None", "None")
    assert (q.jobs, q.jobs_year) == (194800, 2024)
    assert (q.outlook_percent, q.outlook_phrase, q.outlook_period) == (7.0, "Much faster than average", "2024-34")
    assert (q.base_year, q.target_year, q.employment_change) == (2024, 2034, 13800)
    # The slug kept its old name while the title changed: the code is what ties it to EP and OEWS.
    assert [(s.soc_code, s.is_primary) for s in profile.soc_rows] == [("29-2072", True)]


@pytest.mark.parametrize(
    "path, code, annual, hourly, education, experience, jobs, percent, phrase, change",
    [
        (
            TRANSCRIPTIONISTS,
            "31-9094",
            37550.0,
            18.05,
            "Postsecondary nondegree award",
            "None",
            43900,
            -5.0,
            "Decline",
            -2200,
        ),
        (
            MANAGERS,
            "11-9111",
            117960.0,
            56.71,
            "Bachelor's degree",
            "Less than 5 years",
            616200,
            23.0,
            "Much faster than average",
            142900,
        ),
        (
            HEALTH_INFO_TECH,
            "29-9021",
            67310.0,
            32.36,
            "Associate's degree",
            "None",
            41900,
            15.0,
            "Much faster than average",
            6200,
        ),
    ],
)
def test_exact_quick_facts(path, code, annual, hourly, education, experience, jobs, percent, phrase, change):
    profile = parsed(path)
    q = profile.quick_facts
    assert (q.median_pay_annual, q.median_pay_hourly, q.pay_status) == (annual, hourly, "published")
    assert (q.education, q.work_experience, q.training) == (education, experience, "None")
    assert (q.jobs, q.outlook_percent, q.outlook_phrase, q.employment_change) == (jobs, percent, phrase, change)
    assert q.outlook_period == "2024-34"
    assert profile.soc_rows[0].soc_code == code and profile.soc_rows[0].is_primary


def test_actors_are_paid_by_the_hour_only():
    q = parsed(ACTORS).quick_facts
    assert q.median_pay_annual is None
    assert (q.median_pay_hourly, q.pay_status) == (23.33, "hourly_only")
    assert (q.education, q.training) == ("Some college, no degree", "Long-term on-the-job training")
    assert (q.jobs, q.outlook_percent, q.outlook_phrase, q.employment_change) == (
        57000,
        0.0,
        "Little or no change",
        200,
    )


def test_teachers_annual_only_top_coded_and_missing_pay():
    teachers = parsed("education-training-and-library/high-school-teachers").quick_facts
    assert (teachers.median_pay_annual, teachers.median_pay_hourly, teachers.pay_status) == (
        64580.0,
        None,
        "annual_only",
    )
    physicians = parsed(PHYSICIANS).quick_facts
    assert (physicians.median_pay_annual, physicians.median_pay_hourly, physicians.pay_status) == (
        239200.0,
        115.0,
        "top_coded",
    )
    fishers = parsed("farming-fishing-and-forestry/fishers-and-related-fishing-workers").quick_facts
    assert (fishers.median_pay_annual, fishers.median_pay_hourly, fishers.pay_status) == (None, None, "not_available")


def test_a_profile_covering_several_codes_maps_to_all_of_them():
    profile = parsed(PHYSICIANS)
    codes = [s.soc_code for s in profile.soc_rows]
    # The aggregate first row ("Physicians and surgeons") has no code of its own: no primary code.
    assert len(codes) == 19 and len(set(codes)) == 19
    assert codes[:3] == ["29-1210", "29-1211", "29-1212"] and "29-1240" in codes and "29-1249" in codes
    assert not any(s.is_primary for s in profile.soc_rows)
    depths = {s.soc_code: s.depth for s in profile.soc_rows}
    assert (depths["29-1210"], depths["29-1211"], depths["29-1240"]) == (1, 2, 1)
    anesthesiologists = next(s for s in profile.soc_rows if s.soc_code == "29-1211")
    assert (anesthesiologists.employment_base, anesthesiologists.employment_target) == (45300, 46700)
    assert (anesthesiologists.change_percent, anesthesiologists.change_numeric) == (3.0, 1400)

    release = read_profiles(
        {url_of(PHYSICIANS): ooh_page(PHYSICIANS), url_of(MEDICAL_RECORDS): ooh_page(MEDICAL_RECORDS)}
    )
    soc = table(release, "ooh_profile_soc")
    assert sorted(soc.loc[soc["slug"] == "physicians-and-surgeons", "soc_code"]) == sorted(codes)
    assert set(soc["via"]) == {"outlook_table"}  # EP's own links to profiles are EP output


def test_similar_occupations_and_sections():
    profile = parsed(MEDICAL_RECORDS)
    first = profile.similar[0]
    assert (first.title, first.slug, first.education, first.median_pay_annual, first.pay_status, first.pay_year) == (
        "Health Information Technologists and Medical Registrars",
        "health-information-technologists-and-medical-registrars",
        "Associate's degree",
        67310.0,
        "published",
        2024,
    )
    assert first.url == url_of(HEALTH_INFO_TECH)
    sections = {s.section: s for s in profile.sections}
    assert list(sections) == list(OOH_SECTIONS)  # every section of the page, in the page's order
    assert sections["summary"].text == "Medical records specialists compile, process, and maintain patient files."
    qualities = sections["important_qualities"]
    assert "Analytical skills." in qualities.text and "Detail oriented." in qualities.text
    assert "Important Qualities" not in sections["how_to_become_one"].text  # not repeated there
    assert "- Review patients’ records for timeliness, completeness, and accuracy" in sections["what_they_do"].text
    assert "Hospitals; state, local, and private | 28%" in sections["work_environment"].text
    assert "The median annual wage for medical records specialists was $50,250 in May 2024." in sections["pay"].text
    assert "projected to grow 7 percent from 2024 to 2034" in sections["job_outlook"].text
    assert "29-2072" not in sections["job_outlook"].text  # the projections table is data, kept in ooh_profile_soc
    for section in profile.sections:
        assert "About this section" not in section.text and "<" not in section.text


def test_military_careers_is_a_profile_without_quick_facts():
    profile = parsed("military/military-careers")
    assert profile.quick_facts is None and profile.soc_rows == () and profile.similar == ()
    assert profile.title == "Military Careers"
    assert {s.section for s in profile.sections} >= {"summary", "what_they_do", "how_to_become_one", "pay"}


def test_edition_pattern():
    assert EDITION_PATTERN.search("Job Outlook, 2024–34")["base"] == "2024"
    assert edition_of("Employment Change, 2024–34") == ("2024-34", 2024, 2034)
    assert edition_of("2099-2108") == ("2099-08", 2099, 2108)
    assert edition_of("no period here") is None


# ---- layout drift ----------------------------------------------------------------------------


def test_drifted_pages_are_quarantined_with_a_reason_while_the_others_load():
    pages = {
        url_of(MEDICAL_RECORDS): ooh_page(MEDICAL_RECORDS),
        url_of(ACTORS): ooh_page(ACTORS),
        url_of(TRANSCRIPTIONISTS): without_quick_facts(ooh_page(TRANSCRIPTIONISTS)),
        url_of(MANAGERS): replaced(
            ooh_page(MANAGERS), "Typical Entry-Level Education</a>", "Entry Education Needed</a>"
        ),
        url_of(HEALTH_INFO_TECH): replaced(ooh_page(HEALTH_INFO_TECH), "41,900</td>", "about forty thousand</td>"),
    }
    release = read_profiles(pages)
    assert release.release_id == "2024-34"
    assert sorted(table(release, "ooh_profiles")["slug"]) == [
        "actors",
        "medical-records-and-health-information-technicians",
    ]
    reasons = quarantined(release)
    assert set(reasons) == {url_of(TRANSCRIPTIONISTS), url_of(MANAGERS), url_of(HEALTH_INFO_TECH)}
    assert "table#quickfacts" in reasons[url_of(TRANSCRIPTIONISTS)]
    assert url_of(TRANSCRIPTIONISTS) in reasons[url_of(TRANSCRIPTIONISTS)]
    assert "'Typical Entry-Level Education'" in reasons[url_of(MANAGERS)]
    assert "Entry Education Needed" in reasons[url_of(MANAGERS)]  # says what it found instead
    assert (
        "number of jobs" in reasons[url_of(HEALTH_INFO_TECH)]
        and "about forty thousand" in reasons[url_of(HEALTH_INFO_TECH)]
    )
    for name in release.tables:
        assert set(table(release, name)["slug"]) <= {"actors", "medical-records-and-health-information-technicians"}
    assert release.carried_forward == {}  # nothing known before: nothing to keep


def test_parse_profile_raises_layout_error_naming_the_page():
    with pytest.raises(LayoutError) as raised:
        parse_profile(without_quick_facts(ooh_page(ACTORS)), url=url_of(ACTORS))
    assert raised.value.file == url_of(ACTORS) and "table#quickfacts" in str(raised.value)


def test_labels_with_tabs_padding_and_hyphens_still_match():
    html = replaced(ooh_page(MEDICAL_RECORDS), "Job Outlook, 2024–34</a>", "\t\tJob  Outlook,\n 2024-34 \t</a>")
    html = replaced(html, "On-the-job Training</a>", "On\u2013the\u2013job\u00a0Training:</a>")
    q = parse_profile(html, url=url_of(MEDICAL_RECORDS)).quick_facts
    assert (q.outlook_percent, q.outlook_period, q.training) == (7.0, "2024-34", "None")


def test_a_page_of_another_edition_is_quarantined():
    other = replaced(ooh_page(ACTORS), "Job Outlook, 2024–34</a>", "Job Outlook, 2023–33</a>")
    other = replaced(other, "Employment Change, 2024–34</a>", "Employment Change, 2023–33</a>")
    release = read_profiles(
        {
            url_of(MEDICAL_RECORDS): ooh_page(MEDICAL_RECORDS),
            url_of(MANAGERS): ooh_page(MANAGERS),
            url_of(ACTORS): other,
        }
    )
    assert release.release_id == "2024-34"
    assert [q.where for q in release.quarantined] == [url_of(ACTORS)]
    assert "2023-33" in release.quarantined[0].reason


def test_nothing_usable_is_a_layout_error():
    with pytest.raises(LayoutError, match="table#quickfacts"):
        read_profiles({url_of(ACTORS): without_quick_facts(ooh_page(ACTORS))})


# ---- markup: clean text ---------------------------------------------------------------------

HOSTILE = (
    "<p>Safe &amp; sound <script>alert(1)</script>"
    '<a href="javascript:alert(2)">click</a> <a href="JaVa&#x09;ScRipt:alert(3)">again</a> '
    '<a href="/ooh/healthcare/home.htm" onclick="alert(4)" style="color:red">healthcare</a> '
    '<a href="//evil.example/x">ext</a> <a href="data:text/html,boom">data</a>'
    '<img src="x" onerror="alert(5)"></p>'
    "<ul><li>Outer &lt;b&gt; <ul><li>Inner <em>one</em></li><li>Inner two</li></ul></li><li>Last</li></ul>"
    '<style>p { color: red }</style><!-- a comment --><iframe src="https://evil.example"></iframe>'
    '<p onmouseover="alert(6)">Caf&eacute;\u00a0&nbsp; text   with\n\tspaces</p>'
    "<svg><script>alert(7)</script></svg><div><span>Nested <b>bold</b></span></div>"
)


def test_hostile_markup_in_a_section_is_dropped_and_its_text_kept():
    html = replaced(
        ooh_page(MEDICAL_RECORDS),
        "<p>Medical records specialists compile, process, and maintain patient files. They also",
        HOSTILE + "<p>Medical records specialists compile, process, and maintain patient files. They also",
    )
    profile = parse_profile(html, url=url_of(MEDICAL_RECORDS))
    section = next(s for s in profile.sections if s.section == "what_they_do")

    assert section.text.startswith(
        "Safe & sound click again healthcare ext data\n\n"
        "- Outer <b>\n"  # BLS's text mentioning a tag: kept as the characters it wrote
        "  - Inner one\n"
        "  - Inner two\n"
        "- Last\n\n"
        "Café text with spaces\n\n"
        "Nested bold\n\n"
        "Medical records specialists compile"
    )
    for bad in ("alert", "color: red", "a comment", "evil.example", "javascript", "onerror", "<script", "<img"):
        assert bad not in section.text


def test_sanitize_fragment_on_its_own():
    tree = make_tree(
        "<div><h2>Head</h2><p>A&amp;B</p><table><tr><th>x</th><td> 1 </td></tr></table>"
        '<p style="display:none">hidden</p><del>gone</del><ins>kept</ins><rt>not text</rt> end</div>'
    )
    (div,) = tree.iter("div")
    assert sanitize_fragment(children(div)) == "Head\n\nA&B\n\nx | 1\n\nkept end"


# ---- pages given in several forms --------------------------------------------------------------


def test_pages_can_be_paths_bytes_or_fetch_results(tmp_path: Path):
    copy = tmp_path / "actors.htm"
    copy.write_bytes(ooh_page(ACTORS))

    class Fetched:  # what crawl_profiles returns has a .path
        path = OOH / f"{MEDICAL_RECORDS}.htm"

    release = read_profiles(
        {url_of(ACTORS): copy, url_of(MEDICAL_RECORDS): Fetched(), url_of(MANAGERS): ooh_page(MANAGERS)}
    )
    assert len(table(release, "ooh_profiles")) == 3 and release.quarantined == ()
    pages = table(release, "ooh_pages")
    assert list(pages["status"]) == ["parsed"] * 3
    # Each page's own sha256: tomorrow the same bytes are not parsed again.
    assert (
        dict(zip(pages["slug"], pages["sha256"], strict=True))["actors"] == hashlib.sha256(ooh_page(ACTORS)).hexdigest()
    )


def test_a_figure_out_of_range_fails_validation_and_only_its_page_is_quarantined():
    wild = replaced(ooh_page(HEALTH_INFO_TECH), "15% (Much faster than average)", "1500% (Much faster than average)")
    release = read_profiles({url_of(HEALTH_INFO_TECH): wild, url_of(ACTORS): ooh_page(ACTORS)})
    assert list(table(release, "ooh_profiles")["slug"]) == ["actors"]
    assert list(table(release, "ooh_pages")["slug"]) == ["actors"]
    [q] = release.quarantined
    assert q.where == url_of(HEALTH_INFO_TECH)
    assert "ooh_quick_facts outlook_percent" in q.reason and "between -100 and 1000" in q.reason and "1500" in q.reason


def test_text_between_the_important_qualities_is_theirs_alone():
    # Text outside the qualities' own paragraphs (a bare line between two) went into How to Become One too: the
    # qualities were left out of that section element by element, and the text between them stayed.
    html = replaced(
        ooh_page(MEDICAL_RECORDS),
        "</p>\n<p><strong><em>Analytical skills.</em></strong>",
        "</p>\nA bare line between two qualities.\n<p><strong><em>Analytical skills.</em></strong>",
    )
    sections = {s.section: s.text for s in parse_profile(html, url=url_of(MEDICAL_RECORDS)).sections}
    assert "A bare line between two qualities." in sections["important_qualities"]
    assert "A bare line" not in sections["how_to_become_one"]
    assert sections["how_to_become_one"].endswith(
        "after completing a higher certification program or earning a "
        "degree in health information technology. Requirements vary by facility."
    )


def test_the_pipeline_parses_pages_without_beautifulsoup():
    """BeautifulSoup is installed for the benches' baseline commit only (pyproject's dev group): the OOH parser
    reads lxml's tree, 15 times faster to build."""
    probe = (
        "import sys, flows.night, transforms.ooh;"
        f"transforms.ooh.parse_profile(open({str(OOH / (MEDICAL_RECORDS + '.htm'))!r}, 'rb').read(), "
        f"url={url_of(MEDICAL_RECORDS)!r});"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('bs4', 'soupsieve')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"
