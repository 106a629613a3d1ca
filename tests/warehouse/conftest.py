"""Fixtures of the warehouse tests: the all-areas OEWS slice of tests/fixtures/oews-slice, unpacked."""

from __future__ import annotations

from pathlib import Path

import pytest
from analyst_fixtures import unpack_slice


@pytest.fixture(scope="module")
def slice_paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The slice's flat files, keyed by BLS name, in a temporary folder of the module."""
    return unpack_slice(tmp_path_factory.mktemp("oews-slice"))
