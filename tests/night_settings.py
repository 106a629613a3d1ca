"""Settings of a night against a local server laid out as bls.gov is: the mirror of ../shared, the bundled
sample, or a scripted fault server at `base` (its URL without a trailing slash)."""

from __future__ import annotations

from pathlib import Path

from flows.settings import Settings


def served_settings(base: str, tmp_path: Path, **overrides) -> Settings:
    values = dict(
        www_base_url=f"{base}/www.bls.gov",
        download_base_url=f"{base}/download.bls.gov",
        data_dir=tmp_path / "data",
        contact="tests@example.org",
    )
    return Settings(**{**values, **overrides})


def sample_settings(base: str, tmp_path: Path, **overrides) -> Settings:
    """Over the bundled sample: its OEWS flat files and EP workbook (it holds no OOH pages)."""
    return served_settings(
        base, tmp_path, **{"oews_form": "flatfiles", "sources": ["oews", "projections"], **overrides}
    )
