"""Which occupation an OOH profile stands for, and which profile covers an occupation: the links of
the warehouse's crosswalks (each profile's own projections table, EP's "Related OOH content"),
read once per run.

An EP or OEWS figure is found by its SOC code whether or not an OOH profile exists: a profile that
is not loaded (a drifted page, one missing from the crawl) still names its occupation through EP's
links, or through its title (OOH titles a single-code profile with the occupation's SOC title).
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cached_property
from typing import Any

from warehouse.sheet_queries import ProfileRow, SheetFacts


class Crosswalk:
    def __init__(self, facts: SheetFacts):
        self.occupations = facts.occupations
        self.profiles = facts.profiles
        self.primary_soc: dict[str, str] = {}  # profile slug -> the code its quick facts describe
        self.linked: dict[str, set[str]] = {}  # profile slug -> every code a crosswalk links to it
        candidates: dict[str, list[tuple[tuple[Any, ...], str, bool]]] = {}
        for link in facts.links:
            slug, code = link.slug, link.soc_code
            self.linked.setdefault(slug, set()).add(code)
            if link.is_primary:
                self.primary_soc.setdefault(slug, code)
            if slug in facts.profiles:
                rank = (0 if link.is_primary else 1, link.depth if link.depth is not None else 9, slug)
                candidates.setdefault(code, []).append((rank, slug, link.is_primary))
        self._profile_for_soc = {code: min(c)[1:] for code, c in candidates.items()}
        for code, line in facts.same_lines.items():
            # 37-3010 is covered by the profile of 37-3000, the same occupations; never its primary code
            if code not in self._profile_for_soc and line in self._profile_for_soc:
                self._profile_for_soc[code] = (self._profile_for_soc[line][0], False)
        self.ep_linked: dict[str, set[str]] = {}  # profile slug -> the codes EP links to it, loaded or not
        for ep in facts.ep_links:
            self.ep_linked.setdefault(ep.slug, set()).add(ep.soc_code)
        self.line_items = sorted(code for code, row in facts.occupations.items() if row.is_line_item)

    def profile_of(self, code: str) -> tuple[ProfileRow | None, bool]:
        """The loaded profile covering a code (its primary one first), and whether it is primary there."""
        found = self._profile_for_soc.get(code)
        if not found:
            return None, False
        slug, primary = found
        return self.profiles.get(slug), primary

    def soc_of_missing_profile(self, slug: str, title: str) -> str | None:
        """The occupation whose EP and OEWS figures stand for a profile that is not loaded: the one
        code a crosswalk links to it, or the EP summary line made of exactly its linked codes, else
        the occupation with the profile's title. None when nothing is certain."""
        linked = self.linked.get(slug, set()) | self.ep_linked.get(slug, set())
        codes = {code for code in linked if code in self.occupations}
        if len(codes) == 1:
            return codes.pop()
        if codes:
            return self._summaries.get(frozenset(codes))
        return self._titles.get(title.casefold())

    @cached_property
    def _summaries(self) -> dict[frozenset[str], str]:
        """The line items under each EP summary line (29-1020: 29-1021 ... 29-1029) -> that line."""
        out: dict[frozenset[str], str] = {}
        items = sorted(self.line_items)
        # The most specific line first: a minor group with one broad group has the same line items.
        for code in sorted(set(self.occupations) - set(items) - {"00-0000"}, key=lambda c: -len(c.rstrip("0"))):
            prefix = code.rstrip("0")
            # Codes are digits and "-": every code starting with prefix sorts before prefix + "~".
            children = frozenset(items[bisect_left(items, prefix) : bisect_left(items, prefix + "~")])
            if children:
                out.setdefault(children, code)
        return out

    @cached_property
    def _titles(self) -> dict[str, str]:
        """Occupation titles naming one code, case-folded -> code. A summary line titled like its only
        line item (29-2070 and 29-2072, Medical records specialists) names that line item."""
        seen: dict[str, set[str]] = {}
        for code, row in self.occupations.items():
            if row.title:
                seen.setdefault(row.title.casefold(), set()).add(code)
        items = set(self.line_items)
        out = {}
        for title, codes in seen.items():
            if len(codes) > 1:
                codes = codes & items
            if len(codes) == 1:
                out[title] = next(iter(codes))
        return out
