"""The README's quick start, run as a user would: a fresh clone, the README's own first command."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import duckdb
import pytest
from bls_files import REPO

pytestmark = pytest.mark.slow


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    quick = text.split("## Quick start", 1)[1]
    return re.findall(r"```sh\n(.+?)\n```", quick, flags=re.S)[:2]


def assert_no_error_or_traceback(output: str) -> None:
    """A successful run prints no ERROR line and no traceback: noise hides real trouble."""
    assert "Traceback" not in output, output[-5000:]
    assert not [line for line in output.splitlines() if re.search(r"\bERROR\b", line)], output[-5000:]


def test_readme_gives_setup_and_test_commands():
    setup_and_run, tests = readme_commands()
    assert "bls-refresh run" in setup_and_run and "data/sample" in setup_and_run
    ci = (REPO / ".ci" / "run").read_text()
    assert tests.strip() in ci  # CI runs exactly the README's test command


@pytest.mark.prefect  # the README's command runs the night as a Prefect flow (its own temporary server)
def test_readme_sample_command_from_a_fresh_clone(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    # The shared BLS files sit beside a checkout; the sample command itself must not need them.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BLS_REFRESH_", "VIRTUAL_ENV"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PYTHON=sys.executable)
    command = readme_commands()[0]
    done = subprocess.run(["sh", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert_no_error_or_traceback(done.stdout + done.stderr)
    assert re.search(r"oews\s+loaded\s+May 2025", done.stdout), done.stdout
    assert re.search(r"projections\s+loaded\s+2024-2034", done.stdout), done.stdout
    con = duckdb.connect(str(clone / "bls-data" / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT annual_median FROM latest_oews_national WHERE soc_code='29-2072'").fetchone() == (
        51140.0,
    )
    con.close()
    sheets = clone / "bls-data" / "sheets"
    medical = (sheets / "29-2072-medical-records-specialists.md").read_text()
    assert "| Median Salary* | $51,140 (2025) |" in medical and "| Career Outlook* | 7% (2024-2034) |" in medical
    # The sample's EP workbook is part of Table 1.2: a code it lacks is not one BLS did not publish.
    chiefs = (sheets / "11-1011-chief-executives.md").read_text()
    assert "| Career Outlook* | Not in the loaded BLS releases |" in chiefs
    assert "holds only part of BLS's table and has no line for chief executives" in chiefs
    assert not [p.name for p in sheets.glob("*.md") if "did not publish a projection" in p.read_text()]

    again = subprocess.run(["sh", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-3000:]
    assert_no_error_or_traceback(again.stdout + again.stderr)
    assert re.search(r"oews\s+unchanged.*downloaded\s+0 B", again.stdout), again.stdout
