"""Helpers that read a release into frames and build broken copies of the real BLS files.

The real files are read in place; broken copies are written under pytest's tmp_path only.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from bls_files import OE_FLATFILES, OEWS_ZIP_2025, OOH_PAGES

from transforms.release import Release


def table(release: Release, name: str) -> pd.DataFrame:
    """One table of a release as a single frame (iterating it reads the source), Categoricals as text."""
    chunks = list(release.chunks(name))
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0].reset_index(drop=True)
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype({c: str for c in categorical})


def identity(release: Release) -> tuple[str, str, str, int]:
    """What names a release: (source, release_id, period, reference_year)."""
    return release.source, release.release_id, release.period, release.reference_year


def flatfile_paths(directory: Path) -> dict[str, Path]:
    """The oe.* files of a directory keyed by their BLS names, as read_flatfiles takes them."""
    return {path.name: path for path in sorted(directory.iterdir()) if path.name.startswith("oe.")}


def copy_flatfiles(target: Path) -> dict[str, Path]:
    target.mkdir(parents=True, exist_ok=True)
    for path in flatfile_paths(OE_FLATFILES).values():
        if path.name != "oe.series":  # not read by the transforms, and 3.5 MB
            shutil.copyfile(path, target / path.name)
    return flatfile_paths(target)


def replace_data_line(paths: dict[str, Path], line_number: int, edit: Callable[[str], str]) -> str:
    """Rewrite one line (1-based) of oe.data.0.Current; returns the new line."""
    data = paths["oe.data.0.Current"]
    lines = data.read_text().splitlines(keepends=True)
    lines[line_number - 1] = edit(lines[line_number - 1])
    data.write_text("".join(lines))
    return lines[line_number - 1]


def data_line_number(paths: dict[str, Path], series_id: str) -> int:
    lines = paths["oe.data.0.Current"].read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(series_id))


def edited_workbook(source: Path, target: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    """A copy of a real workbook with one edit, saved by openpyxl."""
    workbook = openpyxl.load_workbook(source)
    edit(workbook)
    workbook.save(target)
    return target


def national_zip_member(source: Path = OEWS_ZIP_2025) -> tuple[str, bytes]:
    with zipfile.ZipFile(source) as archive:
        (member,) = archive.namelist()
        return member, archive.read(member)


def rebuilt_zip(member: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, content)
    return buffer.getvalue()


def edited_national_zip(edit: Callable[[openpyxl.Workbook], None], source: Path = OEWS_ZIP_2025) -> bytes:
    """The national zip rebuilt around an edited copy of its xlsx."""
    member, content = national_zip_member(source)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return rebuilt_zip(member, buffer.getvalue())


def header_cell(sheet: openpyxl.worksheet.worksheet.Worksheet, text: str, header_row: int = 1):
    """The cell of a header row whose text is `text`."""
    return next(cell for cell in sheet[header_row] if cell.value == text)


def find_row(sheet: openpyxl.worksheet.worksheet.Worksheet, column: int, value: str) -> int:
    """First row number whose cell in `column` (1-based) equals value."""
    for (cell,) in sheet.iter_rows(min_col=column, max_col=column):
        if cell.value == value:
            return cell.row
    raise LookupError(value)


# ---- OOH pages --------------------------------------------------------------------------------


def url_of(path: str) -> str:
    """The bls.gov URL of an OOH profile, e.g. healthcare/medical-transcriptionists."""
    return f"https://www.bls.gov/ooh/{path}.htm"


def ooh_page(path: str) -> bytes:
    """The real page of an OOH profile, read in place from the mirror in ../shared."""
    file = OOH_PAGES / f"{path}.htm"
    if not file.is_file():
        pytest.fail(f"{file} is missing from the shared mirror")
    return file.read_bytes()


def replaced(html: bytes, old: str, new: str, count: int = 1) -> bytes:
    """The page with `old` replaced by `new` (the first `count` times); `old` must be on it, or the
    test would change nothing."""
    text = html.decode("utf-8")
    assert old in text, f"{old!r} not on the page: the test no longer changes anything"
    return text.replace(old, new, count).encode("utf-8")


def without_quick_facts(html: bytes) -> bytes:
    text = html.decode("utf-8")
    cut = re.sub(r'<table[^>]*id="quickfacts".*?</table>', "", text, count=1, flags=re.S)
    assert cut != text
    return cut.encode("utf-8")
