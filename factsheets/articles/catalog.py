"""What the audit knows before it reads an article: the releases held, the names of every occupation,
the SOC crosswalk and the careers config. Built once per run (a handful of queries), shared by every
article of the run."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import duckdb

from factsheets.articles.measures import ALL_OCCUPATIONS, EP, OEWS
from factsheets.articles.names import NameIndex, build_index
from factsheets.articles.ooh_prose import SECTIONS, profile_figures
from warehouse import article_queries as q
from warehouse.article_queries import HeldRelease


@dataclass(frozen=True)
class Claim:
    """The release a figure claims: stated by the text (a year or period) or, when it states none, the newest."""

    source: str
    label: str  # OEWS May 2021, EP 2021-31
    release: HeldRelease | None  # None: the warehouse does not hold it
    stated: bool
    backfill: str | None = None  # what to load when it is not held
    newer_than_held: bool = False  # it claims a release newer than any the warehouse holds


def same_name(title: str) -> str:
    return " ".join(title.casefold().split())


def oews_label(year: int) -> str:
    return f"OEWS May {year}"


def ep_label(base: int, target: int) -> str:
    return f"EP {base}-{target % 100:02d}"


def release_label(release: HeldRelease) -> str:
    if release.source == OEWS:
        return oews_label(release.reference_year)
    if release.source == EP and release.target_year:
        return ep_label(release.reference_year, release.target_year)
    return f"{release.source} {release.release_id}"


@dataclass
class Catalog:
    releases: dict[str, list[HeldRelease]]  # per source, oldest first, only those up to as_of
    later: dict[str, list[HeldRelease]]  # held, but newer than as_of
    names: NameIndex
    codes: dict[str, str]  # every code known -> a title
    successors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # retired -> (code, relation)
    predecessors: dict[str, list[str]] = field(default_factory=dict)
    as_of: int | None = None
    uncoded: NameIndex = field(default_factory=NameIndex)  # occupations the OOH names that no code here carries
    ooh_facts: dict[str, list[q.OohFacts]] = field(default_factory=dict)  # a title (same_name), or code -> profiles
    _broad_groups: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _siblings: dict[str, set[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls, con: duckdb.DuckDBPyConnection, *, as_of: int | None = None, careers_config: Path | str | None = None
    ) -> Catalog:
        releases: dict[str, list[HeldRelease]] = defaultdict(list)
        later: dict[str, list[HeldRelease]] = defaultdict(list)
        for release in q.held_releases(con):
            (later if as_of is not None and release.reference_year > as_of else releases)[release.source].append(
                release
            )
        profiles = q.ooh_profiles(con)
        retired = q.retired_codes(con)
        successors: dict[str, list[tuple[str, str]]] = defaultdict(list)
        predecessors: dict[str, list[str]] = defaultdict(list)
        for old, _title, new, relation in retired:
            successors[old].append((new, relation))
            predecessors[new].append(old)
        careers = careers_names(careers_config, {slug: codes for slug, _, codes, _ in profiles})
        names = build_index(
            titles=q.occupation_titles(con),
            current=q.current_codes(con),
            ooh_profiles=[*profiles, *q.ooh_similar_profiles(con)],
            retired=[(title, new) for _old, title, new, _relation in retired],
            careers=careers,
        )
        # BLS's own words for the whole economy: "the median annual wage for all workers was $49,500" (every
        # OOH page's pay section); bound to the article's subject, that figure was refreshed to the subject's wage
        names.add("all workers", ALL_OCCUPATIONS, "title")
        known = q.known_codes(con)
        for name, soc in common_names():
            if soc in known:
                names.add(name, soc, "common")
        catalog = cls(dict(releases), dict(later), names, known, dict(successors), dict(predecessors), as_of)
        for title in q.ooh_similar_titles(con):
            # no code's name is the whole title ("Craft and Fine Artists"; "Geological and Hydrologic Technicians",
            # in which only "hydrologic technicians" names a code)
            if not any(m.start == 0 and m.end == len(title) for m in names.find_in(title)):
                catalog.uncoded.add(title, "", "ooh_title")
        texts = q.ooh_section_texts(con, SECTIONS)
        for facts in q.ooh_quick_facts(con):
            # A profile of one code prints that code's OEWS and EP figures; a profile of several, or filed under a
            # code other than the one its name gives (grounds maintenance workers: 37-3010; filed under 37-3000),
            # prints figures of its own.
            if facts.primary or len(facts.codes) > 1:
                openings, p10, p90 = profile_figures(texts.get((facts.edition, facts.slug), {}))
                facts = replace(facts, openings=openings, annual_p10=p10, annual_p90=p90)
                for key in (same_name(facts.title), *facts.codes, *facts.primary):
                    catalog.ooh_facts.setdefault(key, []).append(facts)
        return catalog

    def ooh_profiles(self, soc: str) -> list[q.OohFacts]:
        """The quick facts of the profiles named like `soc`, filed under it, or holding it (11-3061 in
        'Purchasing Managers, Buyers, and Purchasing Agents'): those that print figures no one code has."""
        return [*self.ooh_facts.get(same_name(self.title(soc)), ()), *self.ooh_facts.get(soc, ())]

    def newest_ooh(self, facts: q.OohFacts) -> q.OohFacts:
        """The newest edition's quick facts of the same profile."""
        return max(self.ooh_facts[same_name(facts.title)], key=lambda f: (f.pay_year, f.edition))

    def newest(self, source: str) -> HeldRelease | None:
        held = self.releases.get(source)
        return held[-1] if held else None

    def title(self, soc: str) -> str:
        return self.codes.get(soc, soc)

    def claim_oews(self, year: int | None) -> Claim:
        if year is None:
            newest = self.newest(OEWS)
            return Claim(OEWS, release_label(newest) if newest else "OEWS (none held)", newest, False)
        found = next((r for r in self.releases.get(OEWS, []) if r.reference_year == year), None)
        if found is None and year > self._newest_year(OEWS):
            return Claim(
                OEWS, oews_label(year), None, True, f"{oews_label(year)}: not loaded yet (run the refresh)", True
            )
        return Claim(OEWS, oews_label(year), found, True, None if found else self._oews_backfill(year))

    def claim_ep(self, *, base: int | None = None, target: int | None = None) -> Claim:
        cycles = self.releases.get(EP, [])
        if base is None and target is None:
            newest = self.newest(EP)
            return Claim(EP, release_label(newest) if newest else "EP (none held)", newest, False)
        found = next(
            (
                r
                for r in cycles
                if (base is None or r.reference_year == base) and (target is None or r.target_year == target)
            ),
            None,
        )
        if found:
            return Claim(EP, release_label(found), found, True)
        label = (
            ep_label(base, target)
            if base and target
            else f"EP cycle {'based in' if base else 'ending in'} {base or target}"
        )
        if (base or 0) > self._newest_year(EP) or (target or 0) > self._newest_year(EP, target=True):
            return Claim(EP, label, None, True, f"{label}: not loaded yet (run the refresh)", True)
        return Claim(EP, label, None, True, self._ep_backfill(label))

    def _newest_year(self, source: str, *, target: bool = False) -> int:
        held = [*self.releases.get(source, []), *self.later.get(source, [])]
        years = [(r.target_year or 0) if target else r.reference_year for r in held]
        return max(years, default=0)

    def _oews_backfill(self, year: int) -> str:
        if any(r.reference_year == year for r in self.later.get(OEWS, [])):
            return f"{oews_label(year)} is held but newer than --as-of {self.as_of}"
        return f"{oews_label(year)}: `bls-refresh backfill oesm{year % 100:02d}nat.zip` (the OEWS national file)"

    def _ep_backfill(self, label: str) -> str:
        return f"{label}: `bls-refresh backfill` with that cycle's EP occupation workbook (occupation.xlsx)"

    def siblings(self, soc: str) -> set[str]:
        """Codes an article may have mixed up with this one: its SOC broad group, and the codes that came out of
        the same retired code."""
        cached = self._siblings.get(soc)
        if cached is not None:
            return cached
        if not self._broad_groups:
            for code in self.codes:
                if not code.endswith("0"):
                    self._broad_groups.setdefault(code[:6], set()).add(code)
        related = set(self._broad_groups.get(soc[:6], ()))
        for old in self.predecessors.get(soc, []):
            related.update(code for code, _ in self.successors.get(old, []))
        related.discard(soc)
        self._siblings[soc] = related
        return related


def careers_names(path: Path | str | None, profile_codes: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(name, soc) of every career and alternative in the careers config (the shipped one by default)."""
    from factsheets.careers import load_careers_config  # the one place the careers config's API is used

    names: list[tuple[str, str]] = []
    for career in load_careers_config(path).careers:
        codes = list(career.soc_codes[:1]) or list(profile_codes.get(career.ooh or "", ()))
        for soc in codes:
            names.extend([(career.name, soc), (career.plural, soc)])
        for alternative in career.alternatives:
            names.append((alternative.name, alternative.soc))
    return names


def common_names() -> list[tuple[str, str]]:
    """(name, soc) of factsheets/articles/common_names.toml: what editors call an occupation besides its titles."""
    text = resources.files("factsheets.articles").joinpath("common_names.toml").read_text(encoding="utf-8")
    return list(tomllib.loads(text)["names"].items())
