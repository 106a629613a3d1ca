"""How figures read in a sheet: BLS rounding, declines, top codes, hourly-only and unpublished values,
the growth-phrase rule, and Markdown escaping."""

import math
from datetime import UTC, datetime

import pytest

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
from factsheets.text import escape_markdown, markdown_cell

OEWS_2025 = {
    "release_id": "2025A01",
    "period": "May 2025",
    "reference_year": 2025,
    "source_url": "https://www.bls.gov/oes/special-requests/oesm25nat.zip",
    "fetched_at": datetime(2026, 2, 1, tzinfo=UTC),
    "archive_sha256": "ab" * 32,
}
EP_2024 = {
    "release_id": "2024-34",
    "period": "2024-2034",
    "reference_year": 2024,
    "source_url": "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx",
    "fetched_at": datetime(2026, 2, 1, tzinfo=UTC),
    "archive_sha256": "cd" * 32,
}


@pytest.mark.parametrize(
    ("value", "expected"), [(7.1, 7), (6.5, 7), (-6.5, -7), (-5.4, -5), (23.2, 23), (0.5, 1), (-0.4, 0), (2.5, 3)]
)
def test_percent_rounds_half_away_from_zero_like_bls(value, expected):
    assert round_half_away(value) == expected


def outlook_text(change) -> str:
    row = {"projected_change_percent": change, "projection_base_year": 2024, "projection_target_year": 2034}
    return outlook_figure(row, EP_2024).text


def test_outlook_reads_growth_and_decline_with_full_period():
    assert outlook_text(7.1) == "7% (2024-2034)"
    assert outlook_text(-4.6) == "decline 5% (2024-2034)"
    assert outlook_text(-6.5) == "decline 7% (2024-2034)"
    assert outlook_text(-0.4) == "0% (2024-2034)"
    assert outlook_text(float("nan")) == NOT_PUBLISHED


def test_outlook_figure_carries_the_published_value_and_its_provenance():
    row = {"projected_change_percent": -4.9, "projection_base_year": 2024, "projection_target_year": 2034}
    fig = outlook_figure(row, EP_2024)
    assert (fig.text, fig.status, fig.value, fig.extra["rounded"]) == ("decline 5% (2024-2034)", "published", -4.9, -5)
    assert fig.provenance.as_json()["sha256"] == "cd" * 32 and fig.provenance.release == "2024-34"
    assert (
        outlook_figure(
            {"projected_change_percent": None, "projection_base_year": 2024, "projection_target_year": 2034}, EP_2024
        ).text
        == NOT_PUBLISHED
    )
    assert outlook_figure(row, None).text == NOT_LOADED
    assert full_period_from_cycle("2024-34") == "2024-2034" and full_period_from_cycle("1999-09") == "1999-2009"


def test_median_salary_forms():
    base = {"hourly_median": 24.59, "hourly_median_status": "published"}

    def median(row) -> str:
        return wage_figure(row, OEWS_2025).text

    assert median({**base, "annual_median": 51140.0, "annual_median_status": "published"}) == "$51,140 (2025)"
    assert median({**base, "annual_median": 239200.0, "annual_median_status": "top_coded"}) == "$239,200 or more (2025)"
    hourly_only = {
        "annual_median": math.nan,
        "annual_median_status": "hourly_only",
        "hourly_median": 29.05,
        "hourly_median_status": "published",
    }
    assert median(hourly_only) == "$29.05 per hour (2025)"
    nothing = {
        "annual_median": None,
        "annual_median_status": "wage_not_available",
        "hourly_median": None,
        "hourly_median_status": "wage_not_available",
    }
    assert median(nothing) == NOT_PUBLISHED
    assert wage_figure(nothing, None).text == NOT_LOADED


def test_wage_figure_statuses_and_words():
    assert (
        wage_figure({"annual_median": 51140.0, "annual_median_status": "published"}, OEWS_2025).text == "$51,140 (2025)"
    )
    top = wage_figure({"annual_median": 239200.0, "annual_median_status": "top_coded"}, OEWS_2025)
    assert (top.text, top.status, top.extra["lower_bound"]) == ("$239,200 or more (2025)", "top_coded", True)
    hourly = wage_figure(
        {
            "annual_median": None,
            "annual_median_status": "hourly_only",
            "hourly_median": 23.33,
            "hourly_median_status": "published",
        },
        OEWS_2025,
    )
    assert (hourly.text, hourly.unit, hourly.available) == ("$23.33 per hour (2025)", "USD per hour", True)
    hourly_top = wage_figure(
        {"annual_median_status": "hourly_only", "hourly_median": 115.0, "hourly_median_status": "top_coded"}, OEWS_2025
    )
    assert hourly_top.text == "$115.00 per hour or more (2025)"
    unpublished = wage_figure(None, OEWS_2025)
    assert (unpublished.text, unpublished.available, unpublished.period) == (NOT_PUBLISHED, False, "May 2025")
    assert wage_figure({"annual_median": 51140.0, "annual_median_status": "published"}, None).text == NOT_LOADED
    for fig in (top, hourly, unpublished):
        assert "nan" not in fig.text.lower() and "none" not in fig.text.lower()


def test_dollars_round_half_away_and_keep_cents_for_hourly():
    assert dollars(51140.5) == "$51,141" and dollars(23.325, cents=True) == "$23.33"
    assert dollars(29.05, cents=True) == "$29.05" and dollars(1234567) == "$1,234,567"


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
