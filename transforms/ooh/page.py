"""One OOH profile page (``/ooh/<group>/<slug>.htm``) -> an OohProfile: title, dates, tables, sections.

Elements are found by the ids BLS gives them (tabs may be renumbered; ids stay). A page whose
layout drifted (no quick-facts table, no section heading, an unreadable figure) raises LayoutError
naming the page and what was expected; the caller decides what that page's rows become.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from transforms.errors import LayoutError
from transforms.ooh import text as t
from transforms.ooh.records import OohProfile, Section, SocRow
from transforms.ooh.sanitize import sanitize_fragment
from transforms.ooh.tables import quick_facts, similar_occupations, soc_rows
from transforms.schemas import OOH_SECTIONS

__all__ = ["HTML_PARSER", "PROFILES_WITHOUT_QUICK_FACTS", "make_soup", "parse_profile", "parse_soup"]

# Measured by bench/bench_ooh_parse.py over the 292 mirror pages: lxml builds the tree faster.
HTML_PARSER = "lxml"

# Profiles that BLS publishes without Quick Facts (there are no civilian projections or OEWS
# wages for the armed forces). Any other page without the table is layout drift.
PROFILES_WITHOUT_QUICK_FACTS: frozenset[str] = frozenset({"military-careers"})

# Section key -> id of the <h2> that opens it on the page.
_SECTION_H2: dict[str, str] = {
    "what_they_do": "what-they-do",
    "work_environment": "work-environment",
    "how_to_become_one": "become-one",
    "pay": "pay",
    "job_outlook": "job-outlook",
}


# ---- the page --------------------------------------------------------------------------------


def make_soup(html: bytes | str, parser: str = HTML_PARSER) -> BeautifulSoup:
    """The page's tree; bytes are decoded as UTF-8 (BLS's charset) so no detection runs."""
    text = t.decode(bytes(html)) if isinstance(html, (bytes, bytearray, memoryview)) else html
    return BeautifulSoup(text, parser)


def parse_profile(html: bytes | str, *, url: str, parser: str = HTML_PARSER) -> OohProfile:
    """Parse one OOH profile page; LayoutError (file=url) when its layout is not the expected one."""
    return parse_soup(make_soup(html, parser), url=url)


class _Page:
    """One walk over the tree: elements by id, the meta tags, the first h1, the last-modified line.

    BeautifulSoup's find() walks the whole tree on every call; a profile needs a dozen lookups.
    """

    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup
        self.ids: dict[str, Tag] = {}
        self.metas: list[Tag] = []
        self.h1: Tag | None = None
        self.update: Tag | None = None
        for element in soup.descendants:
            if not isinstance(element, Tag):
                continue
            ident = element.get("id")
            if isinstance(ident, str) and ident not in self.ids:
                self.ids[ident] = element
            name = element.name
            if name == "meta":
                self.metas.append(element)
            elif name == "h1" and self.h1 is None:
                self.h1 = element
            elif name == "p" and self.update is None and "update" in element.get_attribute_list("class"):
                self.update = element

    def by_id(self, ident: str, name: str | None = None) -> Tag | None:
        element = self.ids.get(ident)
        return element if element is not None and (name is None or element.name == name) else None

    def meta(self, **attrs: str) -> str:
        for tag in self.metas:
            if all(tag.get(key) == value for key, value in attrs.items()):
                return t.norm(str(tag.get("content") or tag.get("href") or ""))
        return ""


def parse_soup(soup: BeautifulSoup, *, url: str) -> OohProfile:
    """parse_profile on a tree already built (the bench times the two steps apart)."""
    page = _Page(soup)
    parts = t.profile_path_parts(url)
    if parts is None:
        raise LayoutError(file=url, expected="a profile URL ending in /ooh/<group>/<slug>.htm", found=url)
    group, slug = parts
    canonical = f"{t.BLS_SITE}/ooh/{group}/{slug}.htm"

    title = t.text_of(page.h1) or page.meta(property="og:title")
    if not title:
        raise LayoutError(
            file=url, expected="an OOH profile page with an <h1> title", found=t.text_of(soup.title)[:120]
        )

    table = page.by_id("quickfacts", "table")
    if table is None:
        if slug not in PROFILES_WITHOUT_QUICK_FACTS:
            raise LayoutError(
                file=url,
                expected="a Quick Facts table (table#quickfacts)",
                found="no such table on the page",
            )
        facts = None
        codes: tuple[SocRow, ...] = ()
    else:
        facts = quick_facts(table, url=url)
        codes = soc_rows(page.by_id("outlook-table", "table"), url=url)

    return OohProfile(
        url=canonical,
        source_url=url,
        group=group,
        slug=slug,
        title=title,
        group_title=_group_title(page, group),
        last_modified=_last_modified(page),
        description=page.meta(name="description") or None,
        quick_facts=facts,
        soc_rows=codes,
        sections=_sections(page, url=url),
        similar=similar_occupations(page.by_id("similar-occupations", "table"), url=url, base_url=canonical),
    )


def _group_title(page: _Page, group: str) -> str | None:
    crumbs = page.by_id("ooh-breadcrumbs")
    if crumbs is not None:
        for link in crumbs.find_all("a", href=True):
            if urlsplit(str(link["href"])).path.rstrip("/").endswith(f"/ooh/{group}/home.htm"):
                return t.text_of(link) or None
    return None


def _last_modified(page: _Page) -> date | None:
    stated = page.meta(name="date")
    if stated:
        try:
            return date.fromisoformat(stated[:10])
        except ValueError:
            pass
    update = page.update
    if update is not None:
        text = t.text_of(update).split(":", 1)[-1].strip()
        for fmt in ("%A, %B %d, %Y", "%B %d, %Y"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return None


# ---- text sections ---------------------------------------------------------------------------


def _sections(page: _Page, *, url: str) -> tuple[Section, ...]:
    sections: list[Section] = []
    containers: dict[str, tuple[Tag, str]] = {}
    for key, h2_id in _SECTION_H2.items():
        h2 = page.by_id(h2_id, "h2")
        if h2 is None or h2.parent is None:
            raise LayoutError(file=url, expected=f"a section heading h2#{h2_id}", found="no such heading")
        containers[key] = (h2.parent, _heading(h2))

    summary = _summary_nodes(page)
    if summary is not None:
        heading, nodes = summary
        sections.append(_render_section("summary", heading, nodes))

    qualities_nodes: list[Any] = []
    become_one, _ = containers["how_to_become_one"]
    for h3 in become_one.find_all("h3"):
        if t.label(h3.get_text(" ")) == "important qualities":
            qualities_nodes = [h3, *_until_next_heading(h3)]
            break

    for key in ("what_they_do", "work_environment", "how_to_become_one", "pay", "job_outlook"):
        container, heading = containers[key]
        nodes = [child for child in container.children if not (isinstance(child, Tag) and child.name == "h2")]
        skip = {id(node) for node in qualities_nodes} if key == "how_to_become_one" else set()
        sections.append(_render_section(key, heading, nodes, skip=skip))
        if key == "how_to_become_one" and qualities_nodes:
            sections.append(_render_section("important_qualities", t.text_of(qualities_nodes[0]), qualities_nodes[1:]))
    if not any(s.section == "summary" for s in sections):
        first = next(s for s in sections if s.section == "what_they_do")
        paragraph = first.text.split("\n\n", 1)[0]
        sections.insert(0, Section("summary", first.heading, paragraph))
    order = {key: i for i, key in enumerate(OOH_SECTIONS)}
    return tuple(sorted(sections, key=lambda s: order[s.section]))


def _heading(h2: Tag) -> str:
    span = h2.find("span")
    if span is not None:
        return t.text_of(span)
    return t.norm(" ".join(str(s) for s in h2.find_all(string=True, recursive=False)))


def _summary_nodes(page: _Page) -> tuple[str, list[Any]] | None:
    """The Summary tab's 'What <workers> Do' blurb: what follows the h3 linking to the What They Do tab."""
    h2 = page.by_id("Summary", "h2")
    if h2 is None or h2.parent is None:
        return None
    what_they_do = page.by_id("what-they-do", "h2")
    tab = what_they_do.find_parent("div", id=True) if what_they_do is not None else None
    tab_id = str(tab["id"]) if tab is not None else "tab-2"
    for h3 in h2.parent.find_all("h3"):
        if h3.find("a", href=f"#{tab_id}") is not None:
            nodes = _until_next_heading(h3)
            return t.text_of(h3), nodes
    return None


def _until_next_heading(start: Tag) -> list[Any]:
    nodes = []
    for sibling in start.next_siblings:
        if isinstance(sibling, Tag) and sibling.name in {"h1", "h2", "h3"}:
            break
        nodes.append(sibling)
    return nodes


def _render_section(key: str, heading: str, nodes: Iterable[Any], *, skip: set[int] | None = None) -> Section:
    return Section(section=key, heading=heading, text=sanitize_fragment(nodes, skip=skip))
