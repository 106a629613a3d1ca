"""Editors' sentences (tests/articles/sentences.toml) audited and refreshed against the articles warehouse: each
refreshes to the figures BLS publishes, with the years and words that go with them, or stays with its reason."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

CASES = {case["name"]: case for case in tomllib.loads((Path(__file__).parent / "sentences.toml").read_text())["case"]}


@pytest.mark.parametrize("name", CASES)
def test_an_editors_sentence_refreshes_as_bls_publishes_it(session, tmp_path, name):
    case = CASES[name]
    path = tmp_path / f"article.{case.get('format', 'txt')}"  # md: its tables are read as tables
    path.write_text("Careers\n\n" + case["text"].strip() + "\n", encoding="utf-8")
    results, errors = session.run([path])
    assert errors == []
    result = results[0]
    assert [[c.old, c.new, c.measure] for c in result.changes] == case["changes"], case["before"]
    assert [sentence for sentence in case["written"] if sentence not in result.refreshed] == [], result.refreshed
    assert [[k.line, k.reason] for k in result.kept] == case.get("kept", [])
