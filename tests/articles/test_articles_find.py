"""Finding figures, years and periods, sentences and headings, and refusing what is not a readable article.
No warehouse: the text alone."""

from __future__ import annotations

import pytest
from bls_files import REFERENCE

from factsheets.articles import ArticleError, read_article
from factsheets.articles.document import parse_article
from factsheets.articles.find import find_figures, find_tokens


def figures(text: str) -> list[tuple[str, str, float]]:
    return [(f.kind, f.text, f.value) for f in find_figures(text)]


def tokens(text: str) -> list[tuple[str, str, tuple[int, ...]]]:
    return [(t.kind, t.text, t.years) for t in find_tokens(text, 0, len(text), find_figures(text))]


def test_money_in_every_form_the_issue_lists():
    assert figures("a median of $61,410, $24.53 per hour, the typo $$44,200 and $48170.") == [
        ("money", "$61,410", 61410.0),
        ("money", "$24.53", 24.53),
        ("money", "$$44,200", 44200.0),
        ("money", "$48170", 48170.0),
    ]
    # Amounts in millions are not occupational figures.
    assert figures("a $3 million grant and $1.2 billion in spending") == []


def test_money_written_with_the_word_dollars():
    text = "earned 77,600 dollars, or 37.31 dollars an hour"
    figure = find_figures(text)[0]
    assert text[figure.number_start : figure.number_end] == "77,600"  # a refresh leaves the word
    assert figures("earned 77,600 dollars, or 37.31 dollars an hour, in 2021 dollars; $46,660 dollars") == [
        ("money", "77,600 dollars", 77600.0),
        ("money", "37.31 dollars", 37.31),
        ("money", "$46,660", 46660.0),  # the $ and the word: a figure once
    ]


def test_percents_counts_and_what_is_not_a_figure():
    text = (
        "grow 7%, or 28 percent, or -5%; 132,600 jobs, 194,800, 14,200 openings, 41,100 new positions. "
        "The top 10 percent and the lowest 10% earned more; 1.2 million workers; in 2021; 2,5 and 1,23."
    )
    assert figures(text) == [
        ("percent", "7%", 7.0),
        ("percent", "28 percent", 28.0),
        ("percent", "-5%", -5.0),
        ("count", "132,600", 132600.0),
        ("count", "194,800", 194800.0),
        ("count", "14,200", 14200.0),
        ("count", "41,100", 41100.0),
        ("count", "1.2 million", 1200000.0),  # as the OOH writes a large occupation's jobs ("1.6 million jobs")
    ]


def test_periods_target_years_and_reference_years():
    text = (
        "7% (2021-2031), 8% from 2021 to 2031, 9% 2016 to 2026, 3% over 2024–34, 4% between 2022 and 2032, "
        "5% by 2030; $1,000 (2021), $2,000 in May 2021, $3,000 as of May 2014, reported in 2021 that $4,000."
    )
    assert tokens(text) == [
        ("period", "2021-2031", (2021, 2031)),
        ("period", "from 2021 to 2031", (2021, 2031)),
        ("period", "2016 to 2026", (2016, 2026)),
        ("period", "2024–34", (2024, 2034)),
        ("period", "between 2022 and 2032", (2022, 2032)),
        ("target", "by 2030", (2030,)),
        ("year", "(2021)", (2021,)),
        ("year", "in May 2021", (2021,)),
        ("year", "as of May 2014", (2014,)),
        ("year", "in 2021", (2021,)),
    ]
    # A date is not a reference year.
    assert tokens("Jan 27, 2023") == []


@pytest.mark.shared_data
def test_the_reference_is_laid_out_in_title_headings_and_sentences():
    document = read_article(REFERENCE)
    assert document.title.text == "Health Information Technician Career Requirements"
    headings = [h.text for h in document.headings]
    assert headings[:2] == [
        "Career Definition for Health Information Technicians",
        "Source: *U.S. Bureau of Labor Statistics",
    ]
    assert {"Health Information Manager", "Medical Transcriptionist", "Career and Economic Outlook"} <= set(headings)
    sentences = [document.text[s:e] for s, e in document.sentences]
    # The summary table's rows are sentences of their own; "U.S." does not end a sentence.
    assert "Median Salary* $61,410 (2021)" in sentences and "Career Outlook* 7% (2021-2031)" in sentences
    assert any(s.startswith("The U.S. Bureau of Labor Statistics (BLS) predicts") for s in sentences)
    assert document.line_col(document.text.index("$61,410")) == (11, 16)


def test_markdown_code_links_and_front_matter_are_not_prose():
    text = (
        "---\ntitle: Medical Transcriptionists\ndate: 2021-05-01\n---\n\n## Pay\n\n"
        "They earned $30,100 in May 2021 ([source](https://example.org/2021/$30,100)), `$99,999 (2021)`.\n"
    )
    document = parse_article(text.encode(), name="pay.md", kind="md")
    assert document.title.text == "Medical Transcriptionists"
    assert [h.text for h in document.headings] == ["Pay"]
    assert [f.text for f in find_figures(document.text)] == ["$30,100"]


def test_hard_wrapped_paragraphs_are_one_sentence_across_lines():
    text = (
        "Medical transcriptionists, who turn recorded dictation into written reports,\n"
        "earned a median annual wage of $37,060 in May 2023, according to the survey\n"
        "of employers.\n"
    )
    document = parse_article(text.encode(), name="wrapped.txt", kind="txt")
    assert len(document.sentences) == 1


def test_html_text_nodes_map_back_to_the_file():
    page = (
        '<html><body><p class="x">Median: <b>$61,410</b>&nbsp;(2021)</p><script>var a="$1,000";</script></body></html>'
    )
    document = parse_article(page.encode(), name="page.html", kind="html")
    assert "Median: $61,410\xa0(2021)" in document.text and "$1,000" not in document.text
    figure = find_figures(document.text)[0]
    offset = document.source_offset(figure.start)
    assert page[offset : offset + len(figure.text)] == "$61,410"


@pytest.mark.parametrize(
    ("name", "data", "line", "message"),
    [
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "is binary, not text (NUL byte at offset 8)"),
        ("latin1.txt", "Salary\nCaf\xe9 pay $30,100\n".encode("latin-1"), 2, "is not valid utf-8 text (byte 0xe9"),
        ("broken.html", b"<html><body><p>Pay $30,100</p>\n<div class='x", 2, "cannot be parsed as HTML: unterminated"),
        ("comment.html", b"<p>Pay</p>\n<!-- never closed", 2, "cannot be parsed as HTML: unterminated"),
        ("plain.html", b"Pay $30,100 in May 2021.\n", None, "no markup at all"),
        ("controls.md", b"\x01\x02\x03\x04\x05\x06 pay", 1, "looks binary"),
        ("odd.html", b'<meta charset="klingon"><p>x</p>', None, "declares charset 'klingon'"),
    ],
)
def test_bad_input_is_refused_naming_the_file(tmp_path, name, data, line, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    error = caught.value
    assert error.file == str(path) and error.line == line
    assert message in str(error)
    assert str(error).startswith(f"{path}:{line}: " if line else f"{path}: ")


def test_an_unknown_suffix_is_refused(tmp_path):
    path = tmp_path / "notes.docx"
    path.write_bytes(b"PK")
    with pytest.raises(ArticleError, match=r"expected a \.txt, \.md or \.html article"):
        read_article(path)


def test_a_utf8_bom_is_kept(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfPay $30,100\n")
    document = read_article(path)
    assert document.source == "Pay $30,100\n" and document.encode(document.source) == path.read_bytes()
