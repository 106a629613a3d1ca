"""The published site in a real browser: headless Chromium (Debian's chromium package) driven over
its DevTools protocol (the `websockets` client Prefect already installs), the folder opened from
file:// as an editor would before putting it online, with no server.

The index loads with every sheet, typing "medical" into the search box filters the list, a link
opens the sheet, print media hides the page chrome, and neither page logs a console error or a CSP
violation. Screenshots are kept in tests/artifacts/ (git-ignored). The test fails, not skips, when
Chromium is missing: .ci/run installs it (apt-get install chromium)."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from site_fixtures import ARTIFACTS, MRS, RUN2, read_only
from websockets.sync.client import connect

from factsheets.publish import publish_sheets

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]

LISTENING = re.compile(r"DevTools listening on (ws://127\.0\.0\.1:(\d+)/\S+)")


class Page:
    """One tab, over the DevTools protocol: commands, and every console message and error it logged."""

    def __init__(self, ws_url: str):
        self.ws = connect(ws_url, max_size=None, open_timeout=30)
        self.next_id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    def send(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        seen = len(self.events)
        while time.monotonic() < deadline:
            for event in self.events[seen:]:
                if event.get("method") == method:
                    self.events.remove(event)
                    return event
            seen = len(self.events)
            try:
                self.events.append(json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))))
            except TimeoutError:
                break
        raise AssertionError(f"no {method} within {timeout} s")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str) -> None:
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def screenshot(self, name: str) -> Path:
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=False)["data"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        path.write_bytes(base64.b64decode(data))
        return path

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, and browser log errors (CSP violations)."""
        out = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
                out.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                out.append(f"exception: {params['exceptionDetails']}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                out.append(f"log {params['entry']['level']}: {params['entry']['text']}")
        return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    with read_only("new") as con:
        publish_sheets(con, out_dir=tmp / "sheets", **RUN2)
    return tmp / "sheets"


@pytest.fixture
def page(tmp_path, chromium_command):
    process = subprocess.Popen(
        chromium_command(
            tmp_path / "profile",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "--window-size=1100,900",
            "about:blank",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = None
        deadline = time.monotonic() + 60
        assert process.stderr is not None
        while port is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                pytest.fail(f"Chromium exited with status {process.returncode} before listening")
            found = LISTENING.search(line)
            port = found.group(2) if found else None
        assert port, "Chromium did not open its DevTools port"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as answer:
            targets = [t for t in json.load(answer) if t["type"] == "page"]
        tab = Page(targets[0]["webSocketDebuggerUrl"])
        yield tab
        tab.ws.close()
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


VISIBLE = "Array.from(document.querySelectorAll('li.sheet')).filter(li => li.offsetParent !== null)"


def test_the_index_searches_without_a_server_and_opens_a_sheet_without_console_errors(site, page):
    index = json.loads((site / "index.json").read_text())
    page.open((site / "index.html").as_uri())
    assert page.evaluate("document.title") == "Career fact sheets"
    assert page.evaluate(f"{VISIBLE}.length") == index["count"] > 900
    assert page.evaluate("document.getElementById('search').hidden") is False  # the script ran
    assert page.evaluate("document.getElementById('shown').textContent") == f"{index['count']} sheets"

    page.evaluate("document.getElementById('q').focus()")
    for character in "medical":  # typed, one key at a time
        page.send("Input.dispatchKeyEvent", type="keyDown", text=character, key=character)
        page.send("Input.dispatchKeyEvent", type="keyUp", key=character)
    assert page.evaluate("document.getElementById('q').value") == "medical"
    titles = page.evaluate(f"{VISIBLE}.map(li => li.querySelector('a').textContent)")
    expected = [s for s in index["sheets"] if "medical" in " ".join([s["title"], s["heading"], s["slug"]]).lower()]
    assert 0 < len(titles) == len(expected) < index["count"]
    assert "Medical Records Specialists" in titles and "Chief Executives" not in titles
    assert all("medical" in title.lower() for title in titles), titles
    shown = page.evaluate("document.getElementById('shown').textContent")
    assert shown == f"{len(titles)} of {index['count']} sheets match \u201cmedical\u201d"
    hidden_groups = page.evaluate("Array.from(document.querySelectorAll('section.group')).filter(s => s.hidden).length")
    assert hidden_groups > 0  # groups without a match fold away, and their links above
    groups = page.evaluate("document.querySelectorAll('section.group').length")
    assert page.evaluate("document.querySelectorAll('nav.groups li:not([hidden])').length") == groups - hidden_groups
    page.screenshot("site-index-medical.png")

    page.evaluate(f"document.querySelector('a[href=\"{MRS}.html\"]').click()")
    page.wait_for("Page.loadEventFired")
    assert page.evaluate("location.href") == (site / f"{MRS}.html").as_uri()
    assert (
        page.evaluate("document.querySelector('h1').textContent") == "Medical Records Specialists Career Requirements"
    )
    assert page.evaluate("document.querySelector('nav.site a').getAttribute('href')") == "index.html"
    page.screenshot("site-sheet.png")
    assert page.problems() == []


def test_print_media_hides_the_page_chrome(site, page):
    page.open((site / f"{MRS}.html").as_uri())
    page.send("Emulation.setEmulatedMedia", media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('nav.site')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('figure')).breakInside") == "avoid"
    pdf = base64.b64decode(page.send("Page.printToPDF", printBackground=False)["data"])
    assert pdf.startswith(b"%PDF")
    (ARTIFACTS / "site-sheet-print.pdf").write_bytes(pdf)

    page.send("Emulation.setEmulatedMedia", media="")
    page.open((site / "index.html").as_uri() + "?q=nurse")
    assert page.evaluate("document.getElementById('q').value") == "nurse"  # a search can be linked to
    matches = page.evaluate(f"{VISIBLE}.length")
    assert 0 < matches < json.loads((site / "index.json").read_text())["count"]
    page.send("Emulation.setEmulatedMedia", media="print")
    assert page.evaluate("getComputedStyle(document.getElementById('search')).display") == "none"
    assert page.evaluate(f"{VISIBLE}.length") == matches  # the list prints as the search shows it
    assert page.problems() == []
