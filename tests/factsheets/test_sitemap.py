"""sitemap.xml past the 50,000 URLs sitemaps.org allows in one file (`--areas all` publishes more):
the pages are split into numbered sitemaps and sitemap.xml becomes their index; when the set shrinks,
the numbered sitemaps it no longer needs leave the published folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from area_fixtures import read_only
from lxml import etree
from site_fixtures import RUN2

import factsheets.site
from factsheets.publish import publish_sheets
from factsheets.site import SITEMAP_LIMIT, is_site_file, sitemap_files

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://careers.example.org/sheets/"


def pages(n: int) -> list[dict[str, str]]:
    return [{"loc": f"{BASE}p{i}.html", "lastmod": f"2026-11-{1 + i % 28:02d}"} for i in range(n)]


def test_up_to_the_limit_one_sitemap_lists_every_page():
    files = sitemap_files(pages(5), BASE, limit=5)
    assert list(files) == ["sitemap.xml"]
    root = etree.fromstring(files["sitemap.xml"])
    assert etree.QName(root).localname == "urlset" and len(root.findall("s:url", NS)) == 5


def test_past_the_limit_the_pages_are_split_and_sitemap_xml_is_their_index():
    files = sitemap_files(pages(12), BASE, limit=5)
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = etree.fromstring(files["sitemap.xml"])
    assert etree.QName(index).localname == "sitemapindex"
    assert [e.text for e in index.findall("s:sitemap/s:loc", NS)] == [f"{BASE}sitemap-{n}.xml" for n in (1, 2, 3)]
    listed = [
        loc.text for n in (1, 2, 3) for loc in etree.fromstring(files[f"sitemap-{n}.xml"]).findall("s:url/s:loc", NS)
    ]
    assert listed == [p["loc"] for p in pages(12)]  # every page once, in order
    lastmods = [e.text for e in index.findall("s:sitemap/s:lastmod", NS)]
    assert lastmods == ["2026-11-05", "2026-11-10", "2026-11-12"]  # each part's newest page
    assert all(is_site_file(name) for name in files) and not is_site_file("sitemap-x.xml")


def test_the_limit_is_the_one_sitemaps_org_sets():
    assert SITEMAP_LIMIT == 50_000


def by_number(names: list[str]) -> list[str]:
    return sorted(names, key=lambda name: int(name.removeprefix("sitemap-").removesuffix(".xml")))


def sitemap_parts(folder: Path) -> list[str]:
    return by_number([name for name in os.listdir(folder) if name.startswith("sitemap-")])


def listed_parts(folder: Path) -> list[str]:
    index = etree.fromstring((folder / "sitemap.xml").read_bytes())
    return [str(loc.text) for loc in index.findall("s:sitemap/s:loc", NS)]


@pytest.mark.shared_data
def test_the_numbered_sitemaps_a_smaller_set_no_longer_needs_leave_the_published_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(factsheets.site, "SITEMAP_LIMIT", 2)  # a few pages stand for 50,000
    out = tmp_path / "sheets"
    with read_only("slice") as con:
        publish_sheets(con, out_dir=out, areas=["TX", "CA"], **RUN2)
        before = Path(os.path.realpath(out))
        many = sitemap_parts(before)
        publish_sheets(con, out_dir=out, areas=["TX"], **RUN2)
    after = Path(os.path.realpath(out))
    fewer = sitemap_parts(after)
    assert after != before and len(fewer) < len(many)
    assert fewer == listed_parts(after) == [f"sitemap-{n}.xml" for n in range(1, len(fewer) + 1)]
    assert sitemap_parts(before) == many  # the previous version, kept for its readers, is untouched
