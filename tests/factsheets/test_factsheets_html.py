"""The HTML sheet in a real browser (headless Chromium, Debian's chromium package) and against markup
smuggled into the warehouse or the careers config.

The warehouse holds OEWS May 2025, EP 2024-34 and the three OOH profiles the reference career uses.
The screenshot is kept in tests/artifacts/ (git-ignored). The test fails, not skips, when Chromium
is missing: .ci/run installs it (apt-get install chromium)."""

from __future__ import annotations

import html.parser
import json
import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from analyst_fixtures import load_file, record_of
from area_fixtures import MRS, read_only
from bls_files import REPO, SHARED
from site_fixtures import RUN2

import warehouse
from factsheets.publish import publish_sheets
from transforms.oews import read_national_zip
from transforms.ooh import read_profiles
from transforms.projections import read_occupation_workbook
from warehouse.load import load_release

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]  # whole-set publishes from real releases

WWW = SHARED / "bls-mirror" / "www.bls.gov"
EP = WWW / "emp" / "ind-occ-matrix" / "occupation.xlsx"
OEWS = WWW / "oes" / "special-requests" / "oesm25nat.zip"
PROFILES = [
    "healthcare/medical-records-and-health-information-technicians",
    "management/medical-and-health-services-managers",
    "healthcare/medical-transcriptionists",
]
ARTIFACTS = REPO / "tests" / "artifacts"
FETCHED = datetime(2026, 1, 15, tzinfo=UTC)
CAREER = "health-information-technician"
SCRIPT = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
TEMPLATE_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "h1",
    "p",
    "time",
    "main",
    "section",
    "h2",
    "h3",
    "ul",
    "li",
    "strong",
    "table",
    "caption",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "figure",
    "svg",
    "desc",
    "rect",
    "text",
    "line",
    "figcaption",
    "article",
    "footer",
    "nav",
    "a",
    "code",
}


class Elements(html.parser.HTMLParser):
    """Every element of a page with its attributes, as a browser's tokenizer sees them."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


@pytest.fixture
def chromium(chromium_command):
    """chromium(page, profile, *mode): the page opened in headless Chromium, its console on stderr."""

    def run(page: Path, profile: Path, *mode: str) -> subprocess.CompletedProcess:
        command = chromium_command(profile, "--enable-logging=stderr", "--v=0", *mode, page.as_uri())
        return subprocess.run(command, capture_output=True, text=True, timeout=90)

    return run


def console_messages(stderr: str) -> list[str]:
    """What the page logged to the console (errors, uncaught exceptions, CSP violations)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def build(path: Path, frames_hook=None):
    con = warehouse.connect(path)
    oews = read_national_zip(OEWS, name=OEWS.name)
    load_file(con, oews, "national_zip", "https://www.bls.gov/oes/special-requests/oesm25nat.zip", "a" * 64, FETCHED)
    ep = read_occupation_workbook(EP, name=EP.name)
    load_file(con, ep, "workbook", "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx", "b" * 64, FETCHED)
    pages = {f"https://www.bls.gov/ooh/{p}.htm": WWW / "ooh" / f"{p}.htm" for p in PROFILES}
    ooh = read_profiles(pages)
    assert ooh.quarantined == ()
    frames = {name: frame.copy() for name, (frame,) in ooh.tables.items()}
    if frames_hook:
        frames_hook(frames)
    record = record_of(ooh, "profiles", "https://www.bls.gov/ooh/a-z-index.htm", "c" * 64, FETCHED)
    load_release(con, record, frames)
    return con


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("html")
    con = build(tmp / "w.duckdb")
    try:
        publish_sheets(
            con, out_dir=tmp / "sheets", refreshed_on=date(2026, 3, 1), only=["career:Health Information Technician"]
        )
    finally:
        con.close()
    return tmp / "sheets" / f"{CAREER}.html"


def test_the_page_renders_the_table_and_both_charts_in_chromium_without_console_errors(page, tmp_path, chromium):
    dom = chromium(page, tmp_path / "profile-dom", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert console_messages(dom.stderr) == []
    html = dom.stdout
    assert '<table class="summary">' in html
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html)
    plain = [re.sub(r"<[^>]+>", "", c) for c in cells]
    assert plain[0::2] == ["Education", "Job Skills", "Median Salary*", "Career Outlook*"]
    assert plain[5] == "$51,140 (2025)" and plain[7] == "7% (2024-2034)"
    svgs = re.findall(r"<svg\b[^>]*>.*?</svg>", html, re.DOTALL)
    assert len(svgs) == 2
    wage, jobs = svgs
    assert (
        'role="img"' in wage
        and "Wage distribution, May 2025" in wage
        and wage.count("<rect") >= 5
        and "$51,140" in wage
    )
    assert 'role="img"' in jobs and "194,800 jobs" in jobs and "208,600 jobs" in jobs
    assert "<script" not in html

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "factsheet-health-information-technician.png"
    shot.unlink(missing_ok=True)
    run = chromium(
        page, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1200,3400", "--hide-scrollbars"
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert console_messages(run.stderr) == []
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_console_capture_is_not_blind(tmp_path, chromium):
    """The console check above would see a page's errors: a page that logs one is caught."""
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!DOCTYPE html><html lang="en"><title>probe</title><script>console.error("probe-4711"); missing();</script></html>'
    )
    run = chromium(probe, tmp_path / "profile", "--dump-dom")
    messages = console_messages(run.stderr)
    assert any("probe-4711" in m for m in messages) and any("Uncaught" in m for m in messages)


def assert_changelogs_are_text(folder: Path, changed) -> None:
    """Every changelog, rendered by a CommonMark renderer, has only the elements of its own layout:
    the markup in BLS's text and the careers config shows as text."""
    from markdown_it import MarkdownIt

    entries = [e for e in changed.changes if e.kind == "changed"]
    assert any("<script>alert(9)</script>" in (e.new or "") for e in entries)
    assert any("<img src=x onerror=alert(8)>" in (e.new or "") for e in entries)
    renderer = MarkdownIt("commonmark").enable("table")
    for path in sorted(folder.glob("*.md")):
        rendered = renderer.render(path.read_text())
        elements = Elements()
        elements.feed(rendered)
        tags = {tag for tag, _ in elements.found}
        assert tags <= {"h1", "h2", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "code"}, (path, tags)
        assert not [attrs for _, attrs in elements.found if attrs], path
    text = (folder / f"{changed.run_id}.md").read_text()
    rendered = renderer.render(text)
    assert "&lt;script&gt;alert(9)&lt;/script&gt;" in rendered and "&lt;img src=x onerror=alert(8)&gt;" in rendered
    (first,) = [p for p in folder.glob("*.md") if p.stem not in (changed.run_id, "latest")]
    assert "Coder &lt;b onmouseover=alert(4)&gt;bold&lt;/b&gt; Career Requirements" in renderer.render(
        first.read_text()
    )


def test_markup_in_source_text_cannot_inject_into_the_page(tmp_path, chromium):
    def poison(frames):
        sections = frames["ooh_sections"]
        sections["text"] = SCRIPT + " " + sections["text"] + "\n\n- </li></ul><iframe src=javascript:alert(2)>"
        profiles = frames["ooh_profiles"]
        profiles["description"] = profiles["description"] + ' "><svg onload=alert(3)>'
        similar = frames["ooh_similar"]
        similar["job_duties"] = similar["job_duties"] + SCRIPT

    con = build(tmp_path / "w.duckdb", poison)
    careers = tmp_path / "careers.toml"
    careers.write_text(
        '[[career]]\nname = "Coder <b onmouseover=alert(4)>bold</b>"\nsoc = "29-2072"\nslug = "coder"\n'
        '[career.overrides]\nskills = ["</td></tr></table><script>alert(5)</script>", "A & B"]\n'
        '[[career.alternative]]\nname = "Manager <script>alert(6)</script>"\nsoc = "11-9111"\n'
        'description = "</p><a href=\\"javascript:alert(7)\\">click</a>"\n'
    )
    try:
        publish_sheets(con, out_dir=tmp_path / "sheets", refreshed_on=date(2026, 3, 1), careers_config=careers)
        con.execute("UPDATE ooh_sections SET text = ? || text", ["<b>New:</b> <img src=x onerror=alert(8)> "])
        con.execute("UPDATE oews_occupations SET title = title || ' <script>alert(9)</script>'")
        changed = publish_sheets(
            con, out_dir=tmp_path / "sheets", refreshed_on=date(2026, 4, 1), careers_config=careers
        )
    finally:
        con.close()
    assert_changelogs_are_text(tmp_path / "sheets" / "changelog", changed)
    page = tmp_path / "sheets" / "coder.html"
    source = page.read_text()
    assert (
        "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in source
        or "&lt;script&gt;alert(&quot;pwned&quot;)" in source
    )
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;alert(5)" in source
    # every page of the poisoned warehouse: no element but the template's, no event handler, no script URL
    for path in (tmp_path / "sheets").glob("*.html"):
        if path.name == "index.html":  # the site's index: tests/test_site.py
            continue
        elements = Elements()
        elements.feed(path.read_text())
        tags = {tag for tag, _ in elements.found}
        assert tags <= TEMPLATE_TAGS, (path.name, tags - TEMPLATE_TAGS)
        for tag, attrs in elements.found:
            assert not [name for name, _ in attrs if name.startswith("on")], (path.name, tag, attrs)
            href = dict(attrs).get("href")
            sibling = href is not None and re.fullmatch(r"[a-z0-9-]+\.html", href) and (path.parent / href).is_file()
            assert href is None or href.startswith(("https://", "http://")) or sibling or href == "index.html", (
                path.name,
                href,
            )
    markdown = (tmp_path / "sheets" / "coder.md").read_text()
    assert not re.search(r"(?<!\\)<[a-z/]", markdown) and "\\<script\\>" in markdown  # every < escaped
    doc = json.loads((tmp_path / "sheets" / "coder.json").read_text())
    assert doc["career"] == "Coder <b onmouseover=alert(4)>bold</b>"  # JSON keeps the text; the CMS escapes it

    dom = chromium(page, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0 and console_messages(dom.stderr) == []
    body = dom.stdout.lower()
    assert "<script" not in body and "<img" not in body and "<iframe" not in body and "<b " not in body
    assert len(re.findall(r"<svg\b", body)) == 2 and body.count("<table") == 1


def test_an_area_sheet_renders_in_chromium_with_texas_beside_the_nation(tmp_path, chromium):
    with read_only("slice") as con:
        publish_sheets(con, out_dir=tmp_path / "sheets", areas=["TX"], **RUN2)
    page = tmp_path / "sheets" / "areas" / "tx" / f"{MRS}.html"  # through the area folder's symlink
    dom = chromium(page, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert console_messages(dom.stderr) == []
    html = dom.stdout
    assert "<title>Medical Records Specialists in Texas</title>" in html
    plain = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html)]
    assert plain[1:3] == ["Texas", "United States"]
    median = plain.index("Median Salary*")
    assert plain[median + 1 : median + 3] == ["$48,860 (2025)", "$51,140 (2025)"]  # BLS: Texas, the nation
    outlook = plain.index("Career Outlook*")
    assert plain[outlook + 1 : outlook + 3] == ["national projection only", "7% (2024-2034)"]
