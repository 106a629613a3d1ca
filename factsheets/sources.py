"""The BLS pages a sheet's figures and words come from, as links a reader can follow.

Each source names its page on bls.gov (the OEWS occupation page of the release's year, EP's table of
occupational projections, the OOH profile), the data file the figures were read from, when it was
fetched (a date a reader reads) and, for the JSON only, the sha256 of its bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from factsheets.figures import PROGRAMS, Provenance, full_period_from_cycle, long_date

OEWS_PAGE = "https://www.bls.gov/oes/{year}/{month}/oes{code}.htm"  # one detailed occupation
OEWS_NATIONAL_PAGE = "https://www.bls.gov/oes/{year}/{month}/oes_nat.htm"  # every occupation, national
EP_PAGE = "https://www.bls.gov/emp/tables/occupational-projections-and-characteristics.htm"  # Table 1.2
BLS_HOSTS = ("bls.gov",)


@dataclass(frozen=True)
class SourceLink:
    program: str  # oews | projections | ooh
    label: str  # "Occupational Employment and Wage Statistics, May 2025"
    page_title: str  # what the page is: "Medical Records Specialists", "Table 1.2 ..."
    page_url: str  # on www.bls.gov
    provenance: Provenance  # the data file (or OOH page) read: URL, fetched-at, sha256

    @cached_property
    def fetched_on(self) -> str | None:
        """'January 15, 2026' (UTC), or None when the fetch was not recorded."""
        if not self.provenance.fetched_at:
            return None
        return long_date(datetime.fromisoformat(self.provenance.fetched_at).date())

    @property
    def data_name(self) -> str:
        """The data file's name: 'oesm25nat.zip', 'occupation.xlsx', the page for the OOH."""
        path = urlsplit(self.provenance.source_url or "").path
        return path.rsplit("/", 1)[-1] or (self.provenance.source_url or "")

    @property
    def data_link(self) -> str | None:
        """The data file's URL when it is BLS's own (a run from a local mirror has a local URL: not shown)."""
        url = self.provenance.source_url or ""
        host = urlsplit(url).hostname or ""
        if urlsplit(url).scheme == "https" and any(host == h or host.endswith("." + h) for h in BLS_HOSTS):
            return url
        return None

    def as_json(self) -> dict[str, Any]:
        return {
            "program": PROGRAMS.get(self.program, self.program),
            "program_code": self.program,
            "label": self.label,
            "page_title": self.page_title,
            "page_url": self.page_url,
            "data_url": self.provenance.source_url,
            "fetched_at": self.provenance.fetched_at,
            "sha256": self.provenance.sha256,
        }


def oews_link(code: str | None, title: str | None, detailed: bool, prov: Provenance) -> SourceLink:
    """The OEWS page of the occupation for the release's year (national page for a summary code)."""
    month, _, year = (prov.period or "May").partition(" ")
    year = year or (prov.release or "")[:4]
    label = f"Occupational Employment and Wage Statistics, {prov.period}"
    if code and detailed:
        url = OEWS_PAGE.format(year=year, month=month.lower(), code=code.replace("-", ""))
        return SourceLink("oews", label, f"{title} ({code})" if title else code, url, prov)
    url = OEWS_NATIONAL_PAGE.format(year=year, month=month.lower())
    return SourceLink("oews", label, "National occupational employment and wage estimates", url, prov)


def ep_link(prov: Provenance) -> SourceLink:
    period = full_period_from_cycle(prov.release or "")
    title = "Table 1.2: Occupational projections and worker characteristics"
    return SourceLink("projections", f"Employment Projections, {period}", title, EP_PAGE, prov)


def ooh_link(title: str, url: str, prov: Provenance) -> SourceLink:
    label = (
        f"Occupational Outlook Handbook, {prov.release} edition" if prov.release else "Occupational Outlook Handbook"
    )
    return SourceLink("ooh", label, title, url, prov)
