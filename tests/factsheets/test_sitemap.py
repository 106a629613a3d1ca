"""sitemap.xml past the 50,000 URLs sitemaps.org allows in one file (`--areas all` publishes more):
the pages are split into numbered sitemaps and sitemap.xml becomes their index."""

from __future__ import annotations

from lxml import etree

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
