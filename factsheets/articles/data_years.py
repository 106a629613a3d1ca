"""The year a sentence says its figures come from, when it dates none of them itself ("According to BLS data from
2021, employment ... is projected to grow 7% through 2031": the change is dated by "through 2031"). A refresh
moves it when every figure of its sentence moves from releases of that year to releases of one newer year;
otherwise it stays, as the figures it speaks for do. Only a year of data ("data from 2021", "2021 estimates") is
such a year: "Founded in 2021, ..." says nothing of where a figure comes from."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from factsheets.articles.bind import Binding, BoundDocument
from factsheets.articles.catalog import Catalog, Claim
from factsheets.articles.document import Edit
from factsheets.articles.find import Token, find_tokens
from factsheets.articles.measures import MEASURE_SOURCE

if TYPE_CHECKING:
    from factsheets.articles.refresh import Change

_NOUNS = r"(?:data|figures|estimates|statistics|numbers)"
_NOUN_BEFORE = re.compile(rf"\b{_NOUNS}\s+$", re.I)  # "data from 2021" (the token is "from 2021")
_NOUN_AFTER = re.compile(rf"\s+{_NOUNS}\b", re.I)  # "2021 data"
_FIRST_YEAR = re.compile(r"\d{4}")


def claimed_year(claim: Claim) -> int | None:
    """The reference year of the release a figure claims (OEWS May 2021: 2021; EP 2021-31: 2021), held or not."""
    if claim.release is not None:
        return claim.release.reference_year
    found = _FIRST_YEAR.search(claim.label)
    return int(found[0]) if found else None


def data_year_edits(changes: list[Change], bound: BoundDocument, catalog: Catalog) -> dict[int, tuple[Edit, str]]:
    """For the first figure of each sentence whose data year moves: the edit of that year, and the note saying why."""
    by_figure = {c.figure: c for c in changes}
    used = {(t.start, t.end) for b in bound.bindings for t in (b.token, b.dated_by) if t is not None}
    sentences: dict[tuple[int, int], list[Binding]] = {}
    for binding in bound.bindings:
        sentences.setdefault(binding.sentence, []).append(binding)
    edits: dict[int, tuple[Edit, str]] = {}
    for around, in_sentence in sentences.items():
        years = _moved_years(in_sentence, by_figure, catalog)
        if years is None:
            continue
        old, new = years
        for token in find_tokens(bound.document.text, *around, [b.figure for b in in_sentence]):
            if token.years == (old,) and (token.start, token.end) not in used and _of_data(bound, around, token):
                start, end = token.year_spans[0]
                edit = Edit(start, end, f"{new % 100:02d}" if end - start == 2 else str(new))
                note = f"'{token.text}' -> {new}: the year of the data every figure of its sentence now comes from"
                edits[in_sentence[0].figure.index] = (edit, note)
                break
    return edits


def _moved_years(in_sentence: list[Binding], by_figure: dict[int, Change], catalog: Catalog) -> tuple[int, int] | None:
    """(old, new): every figure of the sentence moves, all from releases of `old` to releases of one `new` year."""
    old: set[int] = set()
    new: set[int] = set()
    for binding in in_sentence:
        change = by_figure.get(binding.figure.index)
        if change is None or binding.claim is None:
            return None  # a figure that stays keeps the year it is dated by
        claimed, newest = claimed_year(binding.claim), catalog.newest(MEASURE_SOURCE[change.measure])
        if claimed is None or newest is None:
            return None
        old.add(claimed)
        new.add(newest.reference_year)
    if len(old) != 1 or len(new) != 1 or old == new:
        return None
    return old.pop(), new.pop()


def _of_data(bound: BoundDocument, around: tuple[int, int], token: Token) -> bool:
    text = bound.document.text
    return bool(_NOUN_BEFORE.search(text, around[0], token.start) or _NOUN_AFTER.match(text, token.end))
