"""The test helpers' scratch folders (tests/scratch.py) go when the process that made them exits, not
when a forked child of it does: left behind, the sheet tests' warehouses filled the CI machine's disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scratch import process_folder

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


KILLED = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from scratch import process_folder
folder = process_folder("bls-refresh-scratch-test-")
(folder / "warehouse.duckdb").write_bytes(b"x" * 1024)
print(folder, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no exit hook runs
"""

NEXT = """
import sys
sys.path.insert(0, sys.argv[1])
from scratch import process_folder
print(process_folder("bls-refresh-scratch-test-"), flush=True)
"""


def test_the_folder_of_a_killed_process_goes_with_the_next_one_made():
    killed = subprocess.run([sys.executable, "-c", KILLED, str(TESTS)], capture_output=True, text=True, timeout=60)
    assert killed.returncode == -9, killed.stderr
    orphan = Path(killed.stdout.strip())
    assert (orphan / "warehouse.duckdb").is_file()  # the kill left it
    following = subprocess.run([sys.executable, "-c", NEXT, str(TESTS)], capture_output=True, text=True, timeout=60)
    assert following.returncode == 0, following.stderr
    assert not orphan.exists()
    assert not Path(following.stdout.strip()).exists()  # and its own went at its exit


def test_a_running_process_keeps_its_folder_while_another_is_made():
    mine = process_folder("bls-refresh-scratch-test-")  # this process runs: its folder stays
    other = subprocess.run([sys.executable, "-c", NEXT, str(TESTS)], capture_output=True, text=True, timeout=60)
    assert other.returncode == 0, other.stderr
    assert mine.is_dir()
