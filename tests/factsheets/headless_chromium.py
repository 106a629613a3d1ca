"""Headless Chromium (Debian's chromium package) for the browser tests of the sheets and the site.

A test fails, not skips, when Chromium is missing: .ci/run installs it (apt-get install chromium)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# A fresh profile, no GPU, and nothing that would reach the network on its own (updates, sync, QUIC).
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_binary() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not found:
        pytest.fail(
            "headless Chromium is needed for the browser tests: apt-get install -y chromium (.ci/run installs it)",
            pytrace=False,
        )
    return found


def chromium_command(profile: Path, *arguments: str) -> list[str]:
    """The command line of a headless Chromium with its own profile folder; `arguments` end with the URL."""
    return [chromium_binary(), *HEADLESS, f"--user-data-dir={profile}", *arguments]
