"""Fixtures of the transform tests: the releases several modules read, each read once per session.
They request `shared_data`, so their tests are skipped with the reason where ../shared is absent."""

from __future__ import annotations

from pathlib import Path

import pytest
from bls_files import EP_WORKBOOK_2024

from transforms.projections import read_occupation_workbook
from transforms.release import Release


@pytest.fixture(scope="session")
def ep_2024(shared_data: Path) -> Release:
    """EP 2024-34, the occupation workbook as bls.gov serves it (its tables are lists: re-readable)."""
    return read_occupation_workbook(EP_WORKBOOK_2024, name=EP_WORKBOOK_2024.name)
