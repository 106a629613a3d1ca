"""Markdown pipe tables: a figure in a cell is measured and dated by its column's header as well as by its
row, and the header's year moves once for the whole column (factsheets/articles/tables.py)."""

from __future__ import annotations

import pytest

from factsheets.articles.session import ArticleSession
from factsheets.articles.tables import column_header

TABLE = """# Health information careers

| Occupation | Median pay (May 2021) | Job growth, 2021-31 |
|---|:---:|---|
| Medical records specialists | $46,660 | 7% |
| Health information technologists and medical registrars | $55,560 | 17% |
"""


def refreshed(session: ArticleSession, tmp_path, text: str):
    path = tmp_path / "careers.md"
    path.write_text(text, encoding="utf-8")
    results, errors = session.run([path])
    assert errors == []
    return results[0]


def test_a_cell_is_measured_and_dated_by_its_columns_header(session, tmp_path):
    result = refreshed(session, tmp_path, TABLE)
    assert [(b.soc, b.measure, b.claim.label, a.status) for b, a in result.figures] == [
        ("29-2072", "annual_median", "OEWS May 2021", "release not held"),
        ("29-2072", "change_percent", "EP 2021-31", "matches"),
        ("29-9021", "annual_median", "OEWS May 2021", "release not held"),
        ("29-9021", "change_percent", "EP 2021-31", "matches"),
    ]
    assert result.kept == []
    assert result.refreshed.splitlines()[2:6] == [
        "| Occupation | Median pay (May 2025) | Job growth, 2024-34 |",
        "|---|:---:|---|",
        "| Medical records specialists | $51,140 | 7% |",
        "| Health information technologists and medical registrars | $68,020 | 15% |",
    ]


def test_a_column_whose_figures_cannot_all_move_stays_whole(session, tmp_path):
    result = refreshed(session, tmp_path, TABLE + "| Information clerks | $37,000 | 3% |\n")
    assert result.changes == [] and not result.changed  # the header's year dates the ambiguous row too
    assert "'(May 2021)' also dates another figure that would not move the same way" in [k.reason for k in result.kept]


def test_only_a_body_row_of_a_pipe_table_has_a_column_header():
    text = TABLE + "\nMedical records specialists | $46,660 earned in a sentence with a bar.\n"
    assert column_header(text, text.index("$46,660")).text == "Median pay (May 2021)"
    assert column_header(text, text.index("17%")).text == "Job growth, 2021-31"
    assert column_header(text, text.index("Median pay")) is None  # the header row itself
    assert column_header(text, text.index("$46,660 earned")) is None  # not in a table


@pytest.mark.parametrize("layout", ["", "\n    "], ids=["one line", "a tag a line"])  # rows apart: one table still
def test_an_html_table_reads_as_a_pipe_table_and_only_its_text_changes(session, tmp_path, layout):
    rows = layout.join(
        f"<tr>{layout}<td>{name}</td><td>{wage}</td><td>{growth}</td>{layout}</tr>"
        for name, wage, growth in [
            ("Medical records specialists", "$46,660", "7%"),
            ("Health information technologists and medical registrars", "$55,560", "17%"),
        ]
    )
    page = (
        f"<html><head><title>Health information careers</title></head><body><table class='pay'>{layout}<thead><tr>"
        "<th>Occupation</th><th>Median pay (May 2021)</th><th>Job growth, 2021-31</th></tr></thead>"
        f"{layout}<tbody>{layout}{rows}{layout}</tbody>{layout}</table><p>After the table.</p></body></html>\n"
    )
    path = tmp_path / "careers.html"
    path.write_text(page, encoding="utf-8")
    results, errors = session.run([path])
    assert errors == []
    (result,) = results
    assert result.kept == [] and len(result.changes) == 4
    expected = (
        page.replace("(May 2021)", "(May 2025)").replace("2021-31", "2024-34").replace("$46,660", "$51,140")
        .replace("$55,560", "$68,020").replace("17%", "15%")
    )  # fmt: skip
    assert result.refreshed == expected  # markup and attributes as they were
