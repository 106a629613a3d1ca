"""How figures read in a sheet: BLS rounding, declines, top codes, hourly-only and unpublished values,
the growth-phrase rule, and Markdown escaping."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from factsheets import prose
from factsheets.figures import (
    NOT_LOADED,
    NOT_PUBLISHED,
    derive_growth_phrase,
    dollars,
    full_period_from_cycle,
    outlook_figure,
    round_half_away,
    wage_figure,
)
from factsheets.rounding import WholePercent, change_span, whole_percent
from factsheets.text import escape_markdown, markdown_cell
from warehouse.sheet_queries import PERCENTILES, OewsRow, ProjectionRow, ReleaseRow, Wage

OEWS_2025 = ReleaseRow(
    "oews",
    "2025A01",
    "May 2025",
    2025,
    "https://www.bls.gov/oes/special-requests/oesm25nat.zip",
    datetime(2026, 2, 1, tzinfo=UTC),
    "ab" * 32,
)
EP_2024 = ReleaseRow(
    "projections",
    "2024-34",
    "2024-2034",
    2024,
    "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx",
    datetime(2026, 2, 1, tzinfo=UTC),
    "cd" * 32,
)


def projection(change: float | None, base=None, target=None, numeric=None, printed=None) -> ProjectionRow:
    return ProjectionRow(
        "2024-34", 2024, 2034, "Line item", base, target, numeric, change, None, None, None, None, printed
    )


def oews(annual: tuple[float | None, str], hourly: tuple[float | None, str] = (None, "wage_not_available")) -> OewsRow:
    """An OEWS row whose median is given (the other percentiles as unpublished)."""
    blank = Wage(None, "wage_not_available")
    return OewsRow(
        "2025A01",
        "May 2025",
        2025,
        1000.0,
        {k: Wage(*annual) if k == "median" else blank for k in PERCENTILES},
        {k: Wage(*hourly) if k == "median" else blank for k in PERCENTILES},
    )


@pytest.mark.parametrize(
    ("value", "expected"), [(7.1, 7), (6.5, 7), (-6.5, -7), (-5.4, -5), (23.2, 23), (0.5, 1), (-0.4, 0), (2.5, 3)]
)
def test_half_away_from_zero_is_not_bankers_rounding(value, expected):
    assert round_half_away(value) == expected


# Real rows of EP 2024-34 (Table 1.2, thousands x 1000) and the whole percent the OOH prints for them.
@pytest.mark.parametrize(
    ("code", "percent", "base", "target", "change", "ooh"),
    [
        ("31-9092", 12.5, 811_000, 912_200, 101_200, 12),  # medical assistants
        ("47-2111", 9.5, 818_700, 896_100, 77_400, 9),  # electricians
        ("43-4051", -5.5, 2_814_000, 2_660_300, -153_700, -5),  # customer service representatives
        ("41-2031", -0.5, 3_936_700, 3_917_100, -19_600, 0),  # retail salespersons
        ("33-3010", -7.5, 406_500, 376_000, -30_500, -7),  # correctional officers and bailiffs
        ("17-3013", -6.5, 42_900, 40_100, -2_800, -7),  # mechanical drafters: this tie goes away from zero
        ("29-2072", 7.1, 194_800, 208_600, 13_800, 7),  # medical records specialists
    ],
)
def test_the_ooh_printed_percent_wins_and_ep_alone_rounds_every_non_tie_exactly(
    code, percent, base, target, change, ooh
):
    assert whole_percent(percent, printed=ooh, base=base, target=target, change=change).value == ooh
    alone = whole_percent(percent, base=base, target=target, change=change)
    if percent * 10 % 10 not in (5, -5):
        assert (alone.value, alone.how) == (ooh, "ep_percent")
    else:
        assert alone.how in ("ep_interval", "ep_estimate")


@pytest.mark.parametrize(
    ("percent", "base", "target", "change", "ooh"),
    [
        (12.5, 811_000, 912_200, 101_200, 12),  # 31-9092 medical assistants
        (9.5, 818_700, 896_100, 77_400, 9),  # 47-2111 electricians
        (-5.5, 2_814_000, 2_660_300, -153_700, -5),  # 43-4051 customer service representatives
        (-0.5, 3_936_700, 3_917_100, -19_600, 0),  # 41-2031 retail salespersons
        (33.5, 245_900, 328_300, 82_500, 34),  # 15-2051 data scientists
        (3.5, 105_200, 108_900, 3_600, 3),  # 43-5031 public safety telecommunicators
    ],
)
def test_a_tie_is_settled_by_eps_figures_when_they_allow_one_side_only(percent, base, target, change, ooh):
    """Each of EP's figures is within 50 persons of BLS's unrounded one: for these x.5 ties every change
    they allow lies on the side of x.5 the OOH rounds to."""
    low, high = change_span(base, target, change, percent)
    assert high < percent or low > percent
    assert whole_percent(percent, base=base, target=target, change=change) == WholePercent(ooh, "ep_interval")


def test_a_tie_eps_figures_cannot_settle_is_an_estimate_the_ooh_row_overrides():
    # 33-3010 correctional officers: 406.5 -> 376.0 thousand, -30.5, -7.5%. The unrounded change may be
    # either side of -7.5%; change/base says -7.503% (-8), the OOH prints -7 (its own quick facts too).
    low, high = change_span(406_500, 376_000, -30_500, -7.5)
    assert low < -7.5 < high
    guess = whole_percent(-7.5, base=406_500, target=376_000, change=-30_500)
    assert guess == WholePercent(-8, "ep_estimate")
    assert whole_percent(-7.5, printed=-7.0, base=406_500, target=376_000, change=-30_500) == WholePercent(
        -7, "ooh_table"
    )


@pytest.mark.parametrize(
    ("code", "percent", "base", "ooh"),
    [
        ("29-1024", 4.5, 900, 4),  # prosthodontists: 0.9 -> 0.9 thousand (the OOH's dentists page)
        ("51-7031", -4.5, 900, -4),  # model makers, wood: 0.9 -> 0.9 thousand
    ],
)
def test_a_tie_whose_change_ep_rounds_to_nothing_goes_toward_zero(code, percent, base, ooh):
    # A change under 50 persons is 0.0 thousand in EP's table; BLS prints these toward zero, as 0/base says.
    assert whole_percent(percent, base=base, target=base, change=0) == WholePercent(ooh, "ep_estimate")


def outlook_text(change) -> str:
    return outlook_figure(projection(change), EP_2024).text


def test_outlook_reads_growth_and_decline_with_full_period():
    assert outlook_text(7.1) == "7% (2024-2034)"
    assert outlook_text(-4.6) == "decline 5% (2024-2034)"
    assert outlook_text(-0.4) == "0% (2024-2034)"
    assert outlook_text(None) == NOT_PUBLISHED
    printed = outlook_figure(projection(-5.5, 2_814_000, 2_660_300, -153_700, printed=-5.0), EP_2024)
    assert (printed.text, printed.extra["rounding"]) == ("decline 5% (2024-2034)", "ooh_table")


def test_outlook_figure_carries_the_published_value_and_its_provenance():
    fig = outlook_figure(projection(-4.9), EP_2024)
    assert (fig.text, fig.status, fig.value, fig.extra["rounded"]) == ("decline 5% (2024-2034)", "published", -4.9, -5)
    assert fig.provenance.as_json()["sha256"] == "cd" * 32 and fig.provenance.release == "2024-34"
    assert outlook_figure(None, EP_2024).text == NOT_PUBLISHED
    assert outlook_figure(projection(-4.9), None).text == NOT_LOADED
    assert full_period_from_cycle("2024-34") == "2024-2034" and full_period_from_cycle("1999-09") == "1999-2009"


def test_a_code_missing_from_part_of_the_ep_table_is_not_called_unpublished():
    """A file holding part of Table 1.2 (the bundled sample) cannot say BLS did not publish a code it lacks."""
    whole, part = outlook_figure(None, EP_2024), outlook_figure(None, replace(EP_2024, complete=False))
    assert (whole.status, whole.text, whole.period) == ("not_published", NOT_PUBLISHED, "2024-2034")
    assert (part.status, part.text, part.period) == ("not_loaded", NOT_LOADED, "2024-2034")
    assert part.provenance is not None and part.provenance.release == "2024-34"
    assert prose.growth_sentence("chief executives", whole, None, 3) == (
        "BLS did not publish a projection for chief executives for 2024-2034."
    )
    assert prose.growth_sentence("chief executives", part, None, 3) == (
        "The loaded Employment Projections file for 2024-2034 holds only part of BLS's table and has no line for "
        "chief executives, so this sheet shows no outlook figure."
    )
    assert prose.alternative_outlook_sentence(whole) == "BLS did not publish a projection for it for 2024-2034."
    assert prose.alternative_outlook_sentence(part) == (
        "The loaded Employment Projections file for 2024-2034 holds only part of BLS's table and has no line for it."
    )
    none = outlook_figure(None, None)
    assert prose.growth_sentence("chief executives", none, None, None).startswith("No Employment Projections release")


def test_median_salary_forms():
    def median(row) -> str:
        return wage_figure(row, OEWS_2025).text

    hourly = (24.59, "published")
    assert median(oews((51140.0, "published"), hourly)) == "$51,140 (2025)"
    assert median(oews((239200.0, "top_coded"), hourly)) == "$239,200 or more (2025)"
    assert median(oews((None, "hourly_only"), (29.05, "published"))) == "$29.05 per hour (2025)"
    nothing = oews((None, "wage_not_available"))
    assert median(nothing) == NOT_PUBLISHED
    assert wage_figure(nothing, None).text == NOT_LOADED


def test_wage_figure_statuses_and_words():
    top = wage_figure(oews((239200.0, "top_coded")), OEWS_2025)
    assert (top.text, top.status, top.extra["lower_bound"]) == ("$239,200 or more (2025)", "top_coded", True)
    hourly = wage_figure(oews((None, "hourly_only"), (23.33, "published")), OEWS_2025)
    assert (hourly.text, hourly.unit, hourly.available) == ("$23.33 per hour (2025)", "USD per hour", True)
    hourly_top = wage_figure(oews((None, "hourly_only"), (115.0, "top_coded")), OEWS_2025)
    assert hourly_top.text == "$115.00 per hour or more (2025)"
    unpublished = wage_figure(None, OEWS_2025)
    assert (unpublished.text, unpublished.available, unpublished.period) == (NOT_PUBLISHED, False, "May 2025")
    assert wage_figure(oews((51140.0, "published")), None).text == NOT_LOADED
    for fig in (top, hourly, unpublished):
        assert "nan" not in fig.text.lower() and "none" not in fig.text.lower()


def test_dollars_round_half_away_and_keep_cents_for_hourly():
    assert dollars(51140.5) == "$51,141" and dollars(23.325, cents=True) == "$23.33"
    assert dollars(29.05, cents=True) == "$29.05" and dollars(1234567) == "$1,234,567"
    # whole figures take a shortcut past Decimal: the same text, negative zero and all
    assert [dollars(v) for v in (51140.0, -6.5, -0.0, 239200.0, 0.5)] == ["$51,140", "$-7", "$0", "$239,200", "$1"]


@pytest.mark.parametrize(
    ("whole", "average", "phrase"),
    [
        (-14, 3, "Decline"),
        (-1, 3, "Decline"),
        (0, 3, "Little or no change"),
        (1, 3, "Slower than average"),
        (2, 3, "Slower than average"),
        (3, 3, "As fast as average"),
        (4, 3, "As fast as average"),
        (5, 3, "Faster than average"),
        (6, 3, "Faster than average"),
        (7, 3, "Much faster than average"),
        (50, 3, "Much faster than average"),
        (7, 4, "Faster than average"),
        (8, 4, "Much faster than average"),
    ],
)
def test_growth_phrase_rule_is_relative_to_the_all_occupations_average(whole, average, phrase):
    assert derive_growth_phrase(whole, average) == phrase


def test_markdown_escaping_neutralises_markup():
    assert escape_markdown("<script>alert(1)</script>") == "\\<script\\>alert(1)\\</script\\>"
    assert escape_markdown("# not a heading") == "\\# not a heading"
    assert escape_markdown("1. not a list") == "1\\. not a list"
    assert escape_markdown("2) nor this") == "2\\) nor this"
    assert escape_markdown("- nor this\n+ nor this") == "\\- nor this\n\\+ nor this"
    assert escape_markdown("[link](javascript:x)") == "\\[link\\](javascript:x)"
    assert escape_markdown("AT&T &lt;b&gt; ~~x~~") == "AT\\&T \\&lt;b\\&gt; \\~\\~x\\~\\~"
    assert markdown_cell("a | b\nc") == "a \\| b c" and markdown_cell(None) == "—"


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1)) ![x](http://x/y.png) <http://example.com>",
        "&lt;script&gt; &#60;b&#62; AT&T",
        "# Heading\n1. item\n- item\n> quote\n---\n===",
        "a | b `code` *em* _em_ **strong** ~~gone~~ \\ back",
    ],
)
def test_escaped_text_renders_as_exactly_its_characters(text):
    """Rendered by a CommonMark renderer, escaped text is one paragraph of the same characters:
    no element, no link, no entity decoded."""
    import html

    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(escape_markdown(text))
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n")
    inner = rendered[3:-5]
    assert "<" not in inner.replace("<br />", "")  # no tag but soft breaks
    assert html.unescape(inner).replace("<br />", "").replace("\n", "") == text.replace("\n", "")
    cell = MarkdownIt("commonmark").enable("table").render(f"| a |\n|---|\n| {markdown_cell(text)} |\n")
    assert html.unescape(cell.split("<td>")[1].split("</td>")[0]) == " ".join(text.split())


def test_tidy_removes_the_space_an_inline_link_leaves_before_punctuation():
    assert prose.tidy("Like fire dispatchers , answer calls ; see (  below ) .") == (
        "Like fire dispatchers, answer calls; see (below)."
    )
