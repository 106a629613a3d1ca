"""Fixtures of the system tests (the nights as an operator runs them): a scripted bls.gov on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture
def fault_server() -> Iterator[HTTPServer]:
    """A fresh pytest-httpserver on 127.0.0.1 (threaded) per test, to serve the sample with faults."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()
