"""The test helpers' scratch folders (tests/scratch.py) go when the process that made them exits, not
when a forked child of it does: left behind, the sheet tests' warehouses filled the CI machine's disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

PROGRAM = """
import os, sys
sys.path.insert(0, sys.argv[1])
from scratch import process_folder
folder = process_folder("bls-refresh-scratch-test-")
(folder / "warehouse.duckdb").write_bytes(b"x" * 1024)
print(folder, flush=True)
child = os.fork()
if child == 0:
    sys.exit(0)  # runs the inherited exit hooks
os.waitpid(child, 0)
print(folder.is_dir(), flush=True)
"""


def test_a_scratch_folder_outlives_a_forked_child_and_goes_with_its_maker():
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(TESTS)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    folder, kept_after_child = done.stdout.split()
    assert kept_after_child == "True"
    assert not Path(folder).exists()
