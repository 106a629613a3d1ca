"""A figure that fits two occupations is listed and left as written; the editor's sidecar (ARTICLE.bls.toml) pins
it, later runs honour the pin (it follows the figure's new text), and a sidecar that names an unknown SOC code or
measure is refused with its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from articles_fixtures import ARTICLES

from factsheets.articles import ArticleError, audit_articles, refresh_articles_folder

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


def run(con, path: Path):
    results, errors = audit_articles(con, [path])
    assert errors == []
    return results[0]


def test_a_retired_title_split_in_two_is_ambiguous_listed_and_left_unchanged(con, article):
    result = run(con, article)
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


def test_the_sidecar_pins_the_bindings_and_the_refresh_follows_them(con, article):
    sidecar = article.with_name(article.name + ".bls.toml")
    sidecar.write_text(PINS, encoding="utf-8")
    result = run(con, article)
    assert [(b.soc, b.measure, a.status, b.pin.number) for b, a in result.figures] == [
        ("29-2072", "annual_median", "release not held", 1),
        ("29-2072", "change_percent", "matches", 2),
    ]
    assert result.figures[0][0].occupation_evidence == "pinned by sidecar pin 1"
    assert "earned a median annual wage of $51,140 in May 2025" in result.refreshed
    assert "projected to grow 7% from 2024 to 2034" in result.refreshed
    # The pin naming the old figure text follows it; nothing else in the sidecar changes.
    assert result.sidecar_refreshed == PINS.replace('figure = "$46,660"', 'figure = "$51,140"')


def test_the_nightly_refresh_rewrites_the_pin_so_the_next_run_still_honours_it(con, article):
    sidecar = article.with_name(article.stem + ".bls.toml")  # career.bls.toml works as well
    sidecar.write_text(PINS, encoding="utf-8")
    first = refresh_articles_folder(con, article.parent)
    assert first.rewritten == [article.name]
    assert 'figure = "$51,140"' in sidecar.read_text(encoding="utf-8")
    again = run(con, article)
    assert again.stale_pins == []
    assert [(b.soc, a.status) for b, a in again.figures] == [("29-2072", "matches"), ("29-2072", "matches")]
    assert not again.changed
    second = refresh_articles_folder(con, article.parent)
    assert second.rewritten == [] and second.unchanged == [article.name]


def test_an_ignored_figure_and_a_pin_that_binds_nothing_are_listed(con, article):
    sidecar = article.with_name(article.name + ".bls.toml")
    sidecar.write_text(
        '[[pin]]\nfigure = "7%"\nignore = true\n\n[[pin]]\nfigure = "$99,999"\nsoc = "29-2072"\nmeasure = "annual_mean"\n',
        encoding="utf-8",
    )
    result = run(con, article)
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
    ],
)
def test_a_bad_sidecar_is_refused_naming_its_file_and_line(con, article, pin, line, message):
    sidecar = article.with_name(article.name + ".bls.toml")
    sidecar.write_text("[[pin]]\n" + pin, encoding="utf-8")
    results, errors = audit_articles(con, [article])
    assert results == []
    (error,) = errors
    assert isinstance(error, ArticleError)
    assert error.file == str(sidecar) and error.line == line
    assert message in str(error) and str(error).startswith(f"{sidecar}:{line}: ")
