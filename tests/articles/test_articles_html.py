"""HTML in, HTML out: a refresh changes characters of text nodes only. Markup, attributes, comments, scripts,
styles, entities and whitespace outside the changed text stay byte for byte (checked on the bytes and on the
lxml trees of both files)."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from articles_fixtures import ARTICLES

from factsheets.articles.session import ArticleSession

HTML = ARTICLES / "medical-records-career.html"
MARKUP = re.compile(r"<[^>]*>", re.S)


def refreshed(session: ArticleSession, path: Path):
    results, errors = session.run([path])
    assert errors == []
    return results[0]


def split_markup(text: str) -> tuple[list[str], list[str]]:
    """The markup tokens (tags, comments, doctype) and the text between them, both as written."""
    return MARKUP.findall(text), MARKUP.split(text)


def elements(tree) -> list[tuple]:
    return [(e.tag, dict(e.attrib)) for e in tree.iter()]


def texts(tree) -> list[tuple[str | None, str | None]]:
    return [(e.text, e.tail) for e in tree.iter()]


def test_only_text_nodes_change_and_everything_else_stays_byte_for_byte(session):
    result = refreshed(session, HTML)
    before, after = HTML.read_text(encoding="utf-8"), result.refreshed
    assert result.changed
    tags_before, text_before = split_markup(before)
    tags_after, text_after = split_markup(after)
    assert tags_after == tags_before  # every tag, attribute, comment and the doctype, byte for byte
    changed = [(a, b) for a, b in zip(text_before, text_after, strict=True) if a != b]
    assert changed == [
        ("$61,410 (2021)", "$51,140 (2025)"),
        (" (2021&ndash;2031)", " (2024&ndash;2034)"),  # the entity stays an entity
        (" from 2021 to 2031.\n    Their ", " from 2024 to 2034.\n    Their "),
        ("\n    was $61,410&nbsp;in May 2021.\n  ", "\n    was $51,140&nbsp;in May 2025.\n  "),
        ("$30,100", "$40,410"),
        (
            " in May 2021; the field was projected to decline by 7% from 2021 to 2031.",
            " in May 2025; the field was projected to decline by 5% from 2024 to 2034.",
        ),
    ]
    # Outside the changed characters, the text runs are identical, whitespace included.
    for old, new in changed:
        strip = str.maketrans("", "", "0123456789,$%")
        assert old.translate(strip) == new.translate(strip)
    # What is not prose is not touched: the script, the style, the attribute and the comment keep 2021.
    assert 'var medianSalary = "$61,410 (2021)";' in after
    assert "/* 7% (2021-2031) in a style is not prose */" in after
    assert '<p title="7% (2021-2031)">' in after
    assert "<!-- editor note: figures below are from 2021 -->" in after
    assert (
        'href="https://www.bls.gov/ooh/healthcare/medical-records-and-health-information-technicians.htm#2021"' in after
    )


def test_the_lxml_trees_differ_in_text_only(session):
    result = refreshed(session, HTML)
    tree_before = lxml.html.document_fromstring(HTML.read_text(encoding="utf-8"))
    tree_after = lxml.html.document_fromstring(result.refreshed)
    assert elements(tree_after) == elements(tree_before)
    differing = [(a, b) for a, b in zip(texts(tree_before), texts(tree_after), strict=True) if a != b]
    assert len(differing) == 5  # elements whose text or tail moved (the <em> both)
    visible = " ".join(tree_after.text_content().split())
    assert "Median Salary*$51,140 (2025)" in visible and "Career Outlook*7% (2024–2034)" in visible
    assert "median annual salary was $51,140 in May 2025." in visible  # (split() also splits the nbsp)


def test_a_declared_charset_and_the_bytes_around_the_figures_survive(session, tmp_path):
    page = (
        '<html><head><meta charset="windows-1252"><title>Medical Transcriptionists</title></head>'
        "<body><p>Caf\xe9 talk aside, medical transcriptionists earned a median annual wage of $37,060 in May 2023."
        "</p></body></html>"
    ).encode("cp1252")
    path = tmp_path / "cp1252.html"
    path.write_bytes(page)
    result = refreshed(session, path)
    data = result.refreshed_bytes()
    assert data == page.replace(b"$37,060 in May 2023", b"$40,410 in May 2025")


def test_a_figure_split_by_markup_is_left_as_written_and_listed(session, tmp_path):
    path = tmp_path / "split.html"
    path.write_text(
        "<p>Medical transcriptionists earned a median annual wage of $37,<span>060</span> in May 2023.</p>",
        encoding="utf-8",
    )
    result = refreshed(session, path)
    # "$37," alone is not a figure and "060" is not one either: nothing is changed.
    assert result.refreshed == path.read_text(encoding="utf-8")


def test_a_comparison_split_by_markup_stays_and_one_inside_an_element_is_refreshed(session, tmp_path):
    page = tmp_path / "lodging.html"
    page.write_text(
        "<html><head><title>Lodging managers</title></head><body><h1>Lodging managers</h1>"
        "<p>Lodging managers run hotels. BLS expects <em>much faster</em> than average growth for them.</p>"
        "<p>Their jobs grow <b>much faster than average</b>.</p></body></html>\n",
        encoding="utf-8",
    )
    result = refreshed(session, page)
    assert [(c.old, c.new) for c in result.outlook] == [("much faster than", "about as fast as")]  # 3% vs 3%
    assert [k.reason for k in result.outlook_kept] == ["the words are split by markup"]
    assert "<em>much faster</em> than average growth" in result.refreshed
    assert "<b>about as fast as average</b>" in result.refreshed
