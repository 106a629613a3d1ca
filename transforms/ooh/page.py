"""One OOH profile page (``/ooh/<group>/<slug>.htm``) -> an OohProfile: title, dates, tables, sections.

Elements are found by the ids BLS gives them (tabs may be renumbered; ids stay). A page whose
layout drifted (no quick-facts table, no section heading, an unreadable figure) raises LayoutError
naming the page and what was expected; the caller decides what that page's rows become.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import urlsplit

from lxml import etree

from transforms.errors import LayoutError
from transforms.ooh import text as t
from transforms.ooh.records import OohProfile, Section, SocRow
from transforms.ooh.sanitize import sanitize_fragment
from transforms.ooh.tables import quick_facts, similar_occupations, soc_rows
from transforms.ooh.text import Element
from transforms.schemas import OOH_SECTIONS

__all__ = ["PROFILES_WITHOUT_QUICK_FACTS", "make_tree", "parse_profile", "parse_tree"]

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


def make_tree(html: bytes | str) -> Element:
    """The page's tree, built by lxml's HTML parser (BeautifulSoup's tree on the same parser took 15 times as long:
    13 s for the 292 profiles, against 0.8 s); bytes are decoded as UTF-8 (BLS's charset) so no detection runs."""
    text = t.decode(bytes(html)) if isinstance(html, (bytes, bytearray, memoryview)) else html
    root = etree.fromstring(text.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))
    return root if root is not None else etree.Element("html")  # an empty page: no title, as it is reported


def parse_profile(html: bytes | str, *, url: str) -> OohProfile:
    """Parse one OOH profile page; LayoutError (file=url) when its layout is not the expected one."""
    return parse_tree(make_tree(html), url=url)


class _Page:
    """One walk over the tree: elements by id, the meta tags, the first h1 and title, the last-modified line.

    A search walks the whole tree on every call; a profile needs a dozen lookups.
    """

    def __init__(self, root: Element) -> None:
        self.ids: dict[str, Element] = {}
        self.metas: list[Element] = []
        self.h1: Element | None = None
        self.title: Element | None = None
        self.update: Element | None = None
        for element in root.iter(etree.Element):
            ident = element.get("id")
            if ident is not None and ident not in self.ids:
                self.ids[ident] = element
            name = element.tag
            if name == "meta":
                self.metas.append(element)
            elif name == "h1" and self.h1 is None:
                self.h1 = element
            elif name == "title" and self.title is None:
                self.title = element
            elif name == "p" and self.update is None and "update" in t.classes(element):
                self.update = element

    def by_id(self, ident: str, name: str | None = None) -> Element | None:
        element = self.ids.get(ident)
        return element if element is not None and (name is None or element.tag == name) else None

    def meta(self, **attrs: str) -> str:
        for tag in self.metas:
            if all(tag.get(key) == value for key, value in attrs.items()):
                return t.norm(str(tag.get("content") or tag.get("href") or ""))
        return ""


def parse_tree(root: Element, *, url: str) -> OohProfile:
    """parse_profile on a tree already built (the bench times the two steps apart)."""
    page = _Page(root)
    parts = t.profile_path_parts(url)
    if parts is None:
        raise LayoutError(file=url, expected="a profile URL ending in /ooh/<group>/<slug>.htm", found=url)
    group, slug = parts
    canonical = f"{t.BLS_SITE}/ooh/{group}/{slug}.htm"

    title = t.text_of(page.h1) or page.meta(property="og:title")
    if not title:
        raise LayoutError(
            file=url, expected="an OOH profile page with an <h1> title", found=t.text_of(page.title)[:120]
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
        for link in t.descendants(crumbs, "a", href=True):
            if urlsplit(str(link.get("href"))).path.rstrip("/").endswith(f"/ooh/{group}/home.htm"):
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
    containers: dict[str, tuple[Element, str]] = {}
    for key, h2_id in _SECTION_H2.items():
        h2 = page.by_id(h2_id, "h2")
        parent = h2.getparent() if h2 is not None else None
        if h2 is None or parent is None:
            raise LayoutError(file=url, expected=f"a section heading h2#{h2_id}", found="no such heading")
        containers[key] = (parent, _heading(h2))

    summary = _summary_heading(page)
    if summary is not None:
        nodes = _until_next_heading(summary)
        sections.append(_render_section("summary", t.text_of(summary), nodes, summary.getparent()))

    qualities: Element | None = None
    become_one, _ = containers["how_to_become_one"]
    for h3 in t.descendants(become_one, "h3"):
        if t.label(t.text_of(h3)) == "important qualities":
            qualities = h3
            break
    qualities_nodes = [] if qualities is None else [qualities, *_until_next_heading(qualities)]

    for key in ("what_they_do", "work_environment", "how_to_become_one", "pay", "job_outlook"):
        container, heading = containers[key]
        nodes = [child for child in t.children(container) if not (t.is_tag(child) and child.tag == "h2")]
        skip = {node for node in qualities_nodes if t.is_tag(node)} if key == "how_to_become_one" else set()
        sections.append(_render_section(key, heading, nodes, container, skip=skip))
        if key == "how_to_become_one" and qualities is not None:
            heading = t.text_of(qualities)
            sections.append(_render_section("important_qualities", heading, qualities_nodes[1:], qualities.getparent()))
    if not any(s.section == "summary" for s in sections):
        first = next(s for s in sections if s.section == "what_they_do")
        paragraph = first.text.split("\n\n", 1)[0]
        sections.insert(0, Section("summary", first.heading, paragraph))
    order = {key: i for i, key in enumerate(OOH_SECTIONS)}
    return tuple(sorted(sections, key=lambda s: order[s.section]))


def _heading(h2: Element) -> str:
    span = t.first(h2, "span")
    if span is not None:
        return t.text_of(span)
    # the h2's own strings, a comment's too (BeautifulSoup's find_all(string=True, recursive=False) gave both)
    parts = [h2.text or ""]
    for child in h2:
        if not t.is_tag(child):
            parts.append(child.text or "")
        parts.append(child.tail or "")
    return t.norm(" ".join(part for part in parts if part))


def _summary_heading(page: _Page) -> Element | None:
    """The h3 of the Summary tab's 'What <workers> Do' blurb (the blurb follows it): the h3 linking to the What
    They Do tab."""
    h2 = page.by_id("Summary", "h2")
    parent = h2.getparent() if h2 is not None else None
    if h2 is None or parent is None:
        return None
    what_they_do = page.by_id("what-they-do", "h2")
    tab = _div_with_id_around(what_they_do) if what_they_do is not None else None
    tab_id = str(tab.get("id")) if tab is not None else "tab-2"
    for h3 in t.descendants(parent, "h3"):
        if t.first(h3, "a", href=f"#{tab_id}") is not None:
            return h3
    return None


def _div_with_id_around(element: Element) -> Element | None:
    return next((div for div in element.iterancestors("div") if div.get("id") is not None), None)


def _until_next_heading(start: Element) -> list[str | Element]:
    nodes: list[str | Element] = []
    for sibling in t.following(start):
        if t.is_tag(sibling) and sibling.tag in {"h1", "h2", "h3"}:
            break
        nodes.append(sibling)
    return nodes


def _render_section(
    key: str, heading: str, nodes: Iterable[str | Element], within: Element, *, skip: set[Element] | None = None
) -> Section:
    """`nodes` are content of the element `within`."""
    return Section(section=key, heading=heading, text=sanitize_fragment(nodes, within=within, skip=skip))
