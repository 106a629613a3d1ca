"""A figure that fits two occupations is listed and left as written; the editor's sidecar (ARTICLE.bls.toml) pins
it, later runs honour the pin (it follows the figure's new text), a words pin does the same for BLS's comparison
with the average, and a sidecar that names an unknown SOC code or
measure is refused with its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from articles_fixtures import ARTICLES

from factsheets.articles import ArticleError, refresh_articles_folder
from factsheets.articles.session import ArticleSession

RETIRED = ARTICLES / "retired-title.txt"
PINS = """# pins written by an editor
[[pin]]
figure = "$46,660"
soc = "29-2072"
measure = "annual_median"

[[pin]]
figure = "7%"
line = 3
soc = "29-2072"
measure = "change_percent"
"""


@pytest.fixture
def article(tmp_path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    return Path(shutil.copy(RETIRED, folder / RETIRED.name))


def run(session: ArticleSession, path: Path):
    results, errors = session.run([path])
    assert errors == []
    return results[0]


def test_a_retired_title_split_in_two_is_ambiguous_listed_and_left_unchanged(session, article):
    result = run(session, article)
    assert [(b.figure.text, b.socs, a.status) for b, a in result.figures] == [
        ("$46,660", ("29-2072", "29-9021"), "ambiguous"),
        ("7%", ("29-2072", "29-9021"), "ambiguous"),
    ]
    _, outlook = result.figures[1]
    # Both bindings are reported: 6.6% of 29-2072 prints as 7%, 29-9021's 17.4% does not.
    assert "29-2072 Medical records specialists: matches" in outlook.note
    assert "29-9021 Health information technologists and medical registrars: BLS 17%" in outlook.note
    assert not result.changed
    assert [k.text for k in result.kept] == ["$46,660", "7%"]
    assert "fits 2 occupations" in result.kept[0].reason


def test_the_sidecar_pins_the_bindings_and_the_refresh_follows_them(session, article):
    sidecar = article.with_name(article.name + ".bls.toml")
    sidecar.write_text(PINS, encoding="utf-8")
    result = run(session, article)
    assert [(b.soc, b.measure, a.status, b.pin.number) for b, a in result.figures] == [
        ("29-2072", "annual_median", "release not held", 1),
        ("29-2072", "change_percent", "matches", 2),
    ]
    assert result.figures[0][0].occupation_evidence == "pinned by sidecar pin 1"
    assert "earned a median annual wage of $51,140 in May 2025" in result.refreshed
    assert "projected to grow 7% from 2024 to 2034" in result.refreshed
    # The pin naming the old figure text follows it; nothing else in the sidecar changes.
    assert result.sidecar_refreshed == PINS.replace('figure = "$46,660"', 'figure = "$51,140"')


def test_the_nightly_refresh_rewrites_the_pin_so_the_next_run_still_honours_it(con, session, article):
    sidecar = article.with_name(article.stem + ".bls.toml")  # career.bls.toml works as well
    sidecar.write_text(PINS, encoding="utf-8")
    first = refresh_articles_folder(con, article.parent)
    assert first.rewritten == [article.name]
    assert 'figure = "$51,140"' in sidecar.read_text(encoding="utf-8")
    again = run(session, article)
    assert again.stale_pins == []
    assert [(b.soc, a.status) for b, a in again.figures] == [("29-2072", "matches"), ("29-2072", "matches")]
    assert not again.changed
    second = refresh_articles_folder(con, article.parent)
    assert second.rewritten == [] and second.unchanged == [article.name]


def test_an_ignored_figure_and_a_pin_that_binds_nothing_are_listed(session, article):
    sidecar = article.with_name(article.name + ".bls.toml")
    sidecar.write_text(
        '[[pin]]\nfigure = "7%"\nignore = true\n\n[[pin]]\nfigure = "$99,999"\nsoc = "29-2072"\nmeasure = "annual_mean"\n',
        encoding="utf-8",
    )
    result = run(session, article)
    statuses = {b.figure.text: (a.status, a.note) for b, a in result.figures}
    assert statuses["7%"] == ("unbound", "ignored by sidecar pin 1")
    assert [(pin.number, reason) for pin, reason in result.stale_pins] == [(2, "matches no figure of the article")]


@pytest.mark.parametrize(
    ("pin", "line", "message"),
    [
        ('figure = "7%"\nsoc = "29-9999"\nmeasure = "change_percent"\n', 3, "names SOC code 29-9999, which no release"),
        ('figure = "7%"\nsoc = "29-2072"\nmeasure = "median_salary"\n', 4, "unknown measure 'median_salary'"),
        ('figure = "7%"\nsoc = "29-2072"\nmeasure = "change_percent"\ncolour = "red"\n', 5, "unknown key 'colour'"),
        ('soc = "29-2072"\nmeasure = "change_percent"\n', 1, "give the figure's text"),
        ('figure = "7%\nsoc = "29-2072"\n', 2, "not valid TOML"),
        ('figure = "faster than average"\nmeasure = "outlook_words"\n', 1, "soc must be a SOC code"),
    ],
)
def test_a_bad_sidecar_is_refused_naming_its_file_and_line(session, article, pin, line, message):
    sidecar = article.with_name(article.name + ".bls.toml")
    sidecar.write_text("[[pin]]\n" + pin, encoding="utf-8")
    results, errors = session.run([article])
    assert results == []
    (error,) = errors
    assert isinstance(error, ArticleError)
    assert error.file == str(sidecar) and error.line == line
    assert message in str(error) and str(error).startswith(f"{sidecar}:{line}: ")


# BLS's comparison with the average, standing without a figure (factsheets.articles.outlook): physicians and
# surgeons are several codes, so the words fit several occupations until a words pin names one. EP 2024-34:
# 29-1210 Physicians +2.8%, which prints as 3%, against 3% for all occupations: "about as fast as".
COMPARISONS = """Physicians and surgeons

Physicians and surgeons keep growing faster than the average.

Demand for fundraisers grows with giving; their jobs should grow faster than average.

Medical records specialists are projected to grow 9% from 2021 to 2031, much faster than the average.
"""
WORDS_PINS = """[[pin]]
figure = "faster than the average"
measure = "outlook_words"
soc = "29-1210"

[[pin]]
figure = "faster than average"
measure = "outlook_words"
ignore = true
"""


@pytest.fixture
def comparisons(tmp_path) -> Path:
    folder = tmp_path / "comparisons"
    folder.mkdir()
    path = folder / "physicians.txt"
    path.write_text(COMPARISONS, encoding="utf-8")
    return path


def test_a_words_pin_binds_a_comparison_and_follows_its_new_words(con, session, comparisons):
    unpinned = run(session, comparisons)
    assert [c.soc for c in unpinned.outlook] == ["13-1131"]  # fundraisers: 4% against 3%, "about as fast as"
    assert "fits" in unpinned.outlook_kept[0].reason and unpinned.outlook_kept[0].line == 3

    sidecar = comparisons.with_name(comparisons.name + ".bls.toml")
    sidecar.write_text(WORDS_PINS, encoding="utf-8")
    result = run(session, comparisons)
    assert [(c.line, c.old, c.new, c.soc) for c in result.outlook] == [
        (3, "faster than", "about as fast as", "29-1210")
    ]
    assert result.outlook[0].notes[0].endswith("(pinned by sidecar pin 1)")
    assert [(k.line, k.text, k.reason) for k in result.outlook_kept] == [
        (5, "faster than average", "ignored by sidecar pin 2")
    ]
    assert result.stale_pins == []
    assert result.sidecar_refreshed == WORDS_PINS.replace(
        'figure = "faster than the average"', 'figure = "about as fast as the average"'
    )

    folder = refresh_articles_folder(con, comparisons.parent)
    assert folder.rewritten == [comparisons.name]
    assert "Physicians and surgeons keep growing about as fast as the average." in comparisons.read_text()
    again = run(session, comparisons)  # the rewritten pin still holds: nothing moves, nothing is stale
    assert again.outlook == [] and again.stale_pins == []
    assert [k.reason for k in again.outlook_kept] == ["ignored by sidecar pin 2"]


def test_a_words_pin_on_words_that_follow_a_figure_binds_nothing_and_says_what_to_pin(session, comparisons):
    sidecar = comparisons.with_name(comparisons.name + ".bls.toml")
    sidecar.write_text('[[pin]]\nfigure = "much faster than the average"\nmeasure = "outlook_words"\nignore = true\n')
    result = run(session, comparisons)
    assert [(pin.number, reason) for pin, reason in result.stale_pins] == [
        (1, "'much faster than the average' follows the projected change before it: pin that figure")
    ]
    assert "grow 7% from 2024 to 2034, much faster than the average" in result.refreshed  # 6.6%: still much faster
