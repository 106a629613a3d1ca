"""EP's links from occupations to Occupational Outlook Handbook profiles: the `ep_ooh_links` table.

Since the 2023-33 workbook the worker-characteristics table has a "Related Occupational Outlook
Handbook (OOH) content" column whose cells are hyperlinks to the profile covering the occupation
(a second SOC crosswalk besides each profile's own projections table). calamine reads cell values,
not hyperlinks, so openpyxl reads the link cells of the rows the projections were read from.
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import unquote, urlsplit

import numpy as np
import openpyxl
import pandas as pd

from transforms.errors import LayoutError
from transforms.projections_layout import Source
from transforms.schemas import EP_OOH_LINKS, validate

__all__ = ["LINK_COLUMNS", "ooh_slug", "read_ooh_links"]

LINK_COLUMNS = ["cycle", "soc_code", "title", "ooh_url", "slug"]
_PROFILE_PATH = re.compile(r"/ooh/[a-z0-9][a-z0-9-]*/(?P<slug>[a-z0-9][a-z0-9-]*)\.htm$")


def ooh_slug(url: str) -> str | None:
    """The profile slug of an OOH profile URL (.../ooh/<group>/<slug>.htm), None for any other link."""
    match = _PROFILE_PATH.search(unquote(urlsplit(url).path))
    return None if match is None else match["slug"]


def read_ooh_links(
    raw: bytes, projections: pd.DataFrame, source_rows: np.ndarray, *, column: int, header: str, source: Source
) -> pd.DataFrame:
    """The profile each row of `projections` links to. source_rows are the rows' sheet rows (as Excel
    numbers them), column and header the link column's position and text. Other links are left out."""
    sheet = _sheet(raw, source)
    urls = []
    for row in source_rows:
        link = sheet.cell(row=int(row), column=column + 1).hyperlink
        urls.append(link.target if link is not None and link.target else "")
    slugs = pd.Series([ooh_slug(url) for url in urls], dtype=object)
    profile = slugs.notna().to_numpy()
    if not profile.any():
        raise LayoutError(
            file=source.file,
            sheet=source.sheet,
            column=header,
            expected="hyperlinks to OOH profiles (.../ooh/<group>/<slug>.htm)",
            found="none",
        )
    links = projections[["cycle", "soc_code", "title"]].assign(ooh_url=urls, slug=slugs.to_numpy())
    return validate(
        links[profile][LINK_COLUMNS].reset_index(drop=True).astype(str),
        EP_OOH_LINKS,
        file=source.file,
        sheet=source.sheet,
        source_rows=source_rows[profile],
    )


def _sheet(raw: bytes, source: Source):
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw))
        return workbook[source.sheet]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LayoutError(
            file=source.file,
            sheet=source.sheet,
            expected="a workbook openpyxl reads, with hyperlinks",
            found=f"{type(exc).__name__}: {exc}",
        ) from exc
