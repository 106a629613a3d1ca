"""Audit and refresh a batch of articles: read and bind them all, fetch the figures every one of them needs
in one batch, then audit and plan each refresh in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from factsheets.articles.audit import Audit, Store, audit_binding
from factsheets.articles.bind import Binding, BoundDocument, bind_document
from factsheets.articles.catalog import Catalog, release_label
from factsheets.articles.document import ArticleError, Document, read_article
from factsheets.articles.measures import EP, OEWS
from factsheets.articles.outlook import OutlookPhrase, find_outlook_phrases, rewritten_pin_text
from factsheets.articles.refresh import Change, Kept, filed_narrower, plan_outlook, plan_refresh, unique_edits
from factsheets.articles.sidecar import Pin, Sidecar, find_sidecar, load_sidecar, rewrite_figures

# The words of a reason to keep a figure that ask the editor to act (reasons are written in factsheets.articles)
EDITOR_ASKS = ("reword the sentence", "by hand")


@dataclass
class ArticleResult:
    path: Path
    document: Document
    figures: list[tuple[Binding, Audit]]
    changes: list[Change]
    kept: list[Kept]
    refreshed: str  # the article's text after the refresh (== document.source when nothing moved)
    releases: dict[str, str]  # source -> the newest release label the refresh used
    as_of: int | None = None
    sidecar: Sidecar | None = None
    sidecar_refreshed: str | None = None  # the sidecar with refreshed pins' figure text, when it changed
    stale_pins: list[tuple[Pin, str]] = field(default_factory=list)
    outlook: list[Change] = field(default_factory=list)  # comparisons with the average standing without a figure
    outlook_kept: list[Kept] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.document.name

    @property
    def changed(self) -> bool:
        return self.refreshed != self.document.source

    @property
    def to_review(self) -> list[Kept]:
        """The figures left as written that ask the editor to act: "reword the sentence", "check it by hand"."""
        return [k for k in [*self.kept, *self.outlook_kept] if any(ask in k.reason for ask in EDITOR_ASKS)]

    def refreshed_bytes(self) -> bytes:
        return self.document.encode(self.refreshed)


class ArticleSession:
    """One warehouse connection, its catalog (names and releases), and the articles of one run."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        as_of: int | None = None,
        careers_config: Path | str | None = None,
        catalog: Catalog | None = None,
    ):
        self.con = con
        self.as_of = as_of
        self.catalog = catalog or Catalog.load(con, as_of=as_of, careers_config=careers_config)

    def read(self, path: Path, *, name: str | None = None) -> tuple[Document, Sidecar | None]:
        """The article and its sidecar (ArticleError names the file that is wrong)."""
        document = read_article(path, name=name)
        found = find_sidecar(path)
        return document, load_sidecar(found, self.catalog.codes) if found else None

    def run(self, paths: Sequence[Path]) -> tuple[list[ArticleResult], list[ArticleError]]:
        """Audit and plan the refresh of every article; a bad article is reported, not fatal to the others."""
        items, errors = [], []
        for path in paths:
            try:
                items.append((Path(path), *self.read(Path(path))))
            except ArticleError as exc:
                errors.append(exc)
        return self.process(items), errors

    def process(self, items: Sequence[tuple[Path, Document, Sidecar | None]]) -> list[ArticleResult]:
        pins = [sidecar.pins if sidecar else () for _, _, sidecar in items]
        bound = [bind_document(document, self.catalog, p) for (_, document, _), p in zip(items, pins, strict=True)]
        phrases = [find_outlook_phrases(b, self.catalog, p) for b, p in zip(bound, pins, strict=True)]
        related = [self._related(b) for b in bound]
        wanted = {soc for found in phrases for phrase in found for soc in phrase.socs}
        codes = set().union(wanted, *related)
        # a figure of an OOH profile filed under a narrower code moves with that code (refresh.filed_narrower)
        filed = {
            code for soc in codes for facts in self.catalog.ooh_profiles(soc) if (code := filed_narrower(soc, facts))
        }
        store = Store.load(self.con, codes | filed)
        return [
            self._result(path, sidecar, b, store, codes, found)
            for (path, _, sidecar), b, codes, found in zip(items, bound, related, phrases, strict=True)
        ]

    def _related(self, bound: BoundDocument) -> set[str]:
        """Every code whose figures the audit of this article may look at."""
        codes = set(bound.named_codes)
        for binding in bound.bindings:
            for soc in binding.socs:
                codes.add(soc)
                codes.update(self.catalog.siblings(soc))
        return codes

    def _result(
        self,
        path: Path,
        sidecar: Sidecar | None,
        bound: BoundDocument,
        store: Store,
        related: set[str],
        phrases: list[OutlookPhrase],
    ) -> ArticleResult:
        audits = [audit_binding(b, self.catalog, store, related) for b in bound.bindings]
        changes, kept = plan_refresh(bound, audits, self.catalog, store)
        outlook, outlook_kept = plan_outlook(bound, phrases, self.catalog, store, changes)
        refreshed = bound.document.apply(unique_edits(changes + outlook))
        releases = {s: release_label(r) for s in (OEWS, EP) if (r := self.catalog.newest(s)) is not None}
        result = ArticleResult(
            path, bound.document, list(zip(bound.bindings, audits, strict=True)), changes, kept, refreshed, releases,
            self.as_of, sidecar, stale_pins=bound.stale_pins, outlook=outlook, outlook_kept=outlook_kept,
        )  # fmt: skip
        if sidecar is not None:
            pinned = {b.figure.index: b.pin for b in bound.bindings if b.pin is not None and b.pin.figure}
            renamed = {pinned[c.figure].number: c.new for c in changes if c.figure in pinned and c.new != c.old}
            renamed.update(_renamed_words(phrases, outlook))
            if renamed:
                result.sidecar_refreshed = rewrite_figures(sidecar, renamed)
        return result


def _renamed_words(phrases: list[OutlookPhrase], outlook: list[Change]) -> dict[int, str]:
    """The words pins' new text (by pin number), so that they still hold on the next run."""
    pinned = {(p.line, p.column): p for p in phrases if p.pin is not None}
    renamed = {}
    for change in outlook:
        phrase = pinned.get((change.line, change.column))
        if phrase is not None and phrase.pin is not None and (text := rewritten_pin_text(phrase, change.new)):
            renamed[phrase.pin.number] = text
    return renamed


def audit_articles(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    *,
    as_of: int | None = None,
    careers_config: Path | str | None = None,
) -> tuple[list[ArticleResult], list[ArticleError]]:
    """Audit every article and plan its refresh (nothing is written): results, and the articles that could not
    be read (binary, undecodable, unparseable HTML, a bad sidecar), each naming its file."""
    return ArticleSession(con, as_of=as_of, careers_config=careers_config).run(paths)
