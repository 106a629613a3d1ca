"""The warehouse's documentation (warehouse/docs.py): the TOML beside the migrations and models is what
duckdb's COMMENTs hold, a change reaches an existing warehouse on its next open, and a description of
something the warehouse lacks is an error that names the file and leaves the warehouse as it was."""

from __future__ import annotations

from importlib import resources

import pytest

import warehouse
from warehouse import docs


def stored_comments(con) -> dict[tuple[str, str | None], str | None]:
    now = docs.read_catalog(con)
    return {**{(name, None): text for name, text in now.comments.items()}, **now.columns}


def test_every_description_in_the_toml_is_the_stored_comment(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    stored = stored_comments(con)
    described = 0
    for entry in docs.all_docs():
        if entry.about is not None:
            assert stored[(entry.name, None)] == entry.about
            described += 1
        for column, text in entry.columns.items():
            assert stored[(entry.name, column)] == text, (entry.where, entry.name, column)
            described += 1
    assert described > 280
    assert stored[("ooh_quick_facts", "jobs")] == "Number of jobs in jobs_year, persons (the page says e.g. 194,800)."
    assert stored[("sheet_oews", None)].startswith("OEWS national cross-industry figures")


def test_an_open_with_nothing_changed_writes_no_comment(tmp_path):
    path = tmp_path / "w.duckdb"
    warehouse.connect(path).close()
    con = warehouse.connect(path)
    assert docs.comment_statements(docs.all_docs(), docs.read_catalog(con)) == []


def with_extra_doc(monkeypatch, tmp_path, text: str) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text(text, encoding="utf-8")
    shipped = docs.doc_files()
    monkeypatch.setattr(docs, "doc_files", lambda: [*shipped, extra])


def test_a_changed_description_reaches_an_existing_warehouse_without_a_migration(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    warehouse.connect(path).close()
    with_extra_doc(monkeypatch, tmp_path, '[releases.columns]\nperiod = "When, as BLS words it."\n')
    con = warehouse.connect(path)
    assert stored_comments(con)[("releases", "period")] == "When, as BLS words it."
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (7,)


def test_a_description_of_a_missing_column_names_the_file_and_changes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    warehouse.connect(path).close()
    with_extra_doc(monkeypatch, tmp_path, '[oews_figures.columns]\nannual_p99 = "No such percentile."\n')
    with pytest.raises(docs.DocsError, match=r"extra.toml: \[oews_figures.columns\] names annual_p99, which view"):
        warehouse.connect(path)
    monkeypatch.undo()
    con = warehouse.connect(path, read_only=True)
    assert stored_comments(con)[("oews_figures", "annual_median")] == "Median annual wage, dollars."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[no_such_view]\nabout = "x"\n', r"\[no_such_view\] documents a table, view or macro the warehouse does not"),
        ('[releases]\nabout = ""\n', r"\[releases\] has an empty or non-text description"),
        ('[releases]\nsummary = "x"\n', r"\[releases\] may hold only `about`"),
        ("[releases\n", "not valid TOML"),
    ],
)
def test_a_malformed_description_is_an_error_naming_its_file(tmp_path, monkeypatch, text, message):
    with_extra_doc(monkeypatch, tmp_path, text)
    with pytest.raises(docs.DocsError, match=message):
        warehouse.connect(tmp_path / "w.duckdb")


def test_every_model_file_has_its_documentation_beside_it():
    models = resources.files("warehouse.models")
    for name in warehouse.db.MODELS:
        assert models.joinpath(f"{name}.toml").is_file(), f"warehouse/models/{name}.toml"
