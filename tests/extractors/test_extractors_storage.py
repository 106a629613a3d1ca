"""The raw archive on a disk that says no, and after a download was killed: a full disk, a
read-only one, one the user may not write (each a real filesystem: a small tmpfs in a private
mount namespace, a remounted read-only tmpfs, a real unprivileged user), and leftover .part files
of processes killed with SIGKILL, while another process's download in progress is left alone."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from extractor_helpers import TEST_USER_AGENT, run_on_small_tmpfs, shared_file
from faultserver import Fault

import extractors.partial as partial_module
from extractors import RawArchive, StorageError

WORKBOOK = "/www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"
OCCUPATIONS = "/download.bls.gov/pub/time.series/oe/oe.occupation"
T0 = datetime(2026, 3, 31, 13, 30, 5, tzinfo=UTC)

# A fetch in a separate process; prints what happened as one JSON line.
FETCH_CHILD = """
import json, sys
from extractors import HttpConfig, PoliteClient, RawArchive
root, url, user_agent = sys.argv[1:4]
try:
    client = PoliteClient(HttpConfig(user_agent=user_agent, timeout=5.0, max_retries=0), RawArchive(root))
    result = client.fetch(url)
    out = {"ok": True, "sha256": result.sha256}
except Exception as exc:
    out = {"ok": False, "type": type(exc).__name__, "message": str(exc),
           "path": str(getattr(exc, "path", "")), "errno": getattr(exc, "errno", None)}
print(json.dumps(out))
"""


def fetch_command(root: Path, url: str) -> list[str]:
    return [sys.executable, "-c", FETCH_CHILD, str(root), url, TEST_USER_AGENT]


def child_result(completed: subprocess.CompletedProcess) -> dict:
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parts_in(root: Path) -> list[Path]:
    return sorted((root / ".partial").glob("*.part"))


# ---- a real full, read-only, forbidden disk ----------------------------------------------------


def on_small_tmpfs(disk: Path, command: list[str], size: str = "256k", read_only: bool = False) -> dict:
    completed = run_on_small_tmpfs(disk, command, size=size, read_only=read_only, prepare=["raw/.partial"])
    return child_result(completed)


def test_a_full_disk_is_a_storage_error_naming_the_path_and_what_to_do(faulty_mirror, tmp_path):
    disk = tmp_path / "disk"
    # 407 kB workbook onto a 256 kB filesystem: the write fails part-way with ENOSPC. The tmpfs
    # exists only inside the child's namespace, so the child also reports what it left on it.
    script = FETCH_CHILD + (
        "\nimport os\nout['left'] = sorted(os.listdir(os.path.join(root, '.partial')))"
        "\nout['manifest'] = os.path.exists(os.path.join(root, 'manifest.jsonl'))\nprint(json.dumps(out))\n"
    )
    result = on_small_tmpfs(
        disk, [sys.executable, "-c", script, str(disk / "raw"), faulty_mirror.url + WORKBOOK, TEST_USER_AGENT]
    )

    assert result["ok"] is False and result["type"] == "StorageError"
    assert result["errno"] == 28  # ENOSPC, from the kernel
    message = result["message"]
    assert message.startswith(f"cannot write the raw archive at {disk}/raw/.partial/")
    assert f"while archiving {faulty_mirror.url + WORKBOOK}" in message
    assert f"no space left on {disk}" in message
    assert f"free space on {disk}, or point BLS_REFRESH_DATA_DIR (or BLS_REFRESH_ARCHIVE_DIR) elsewhere" in message
    assert "Errno" not in message
    assert result["left"] == [] and result["manifest"] is False  # the part was removed, nothing recorded


def test_a_read_only_disk_is_a_storage_error_naming_the_mount(faulty_mirror, tmp_path):
    disk = tmp_path / "disk"
    result = on_small_tmpfs(disk, fetch_command(disk / "raw", faulty_mirror.url + OCCUPATIONS), read_only=True)

    assert result["ok"] is False and result["type"] == "StorageError" and result["errno"] == 30  # EROFS
    message = result["message"]
    assert f"cannot write the raw archive at {disk}/raw/.partial" in message
    assert f"{disk} is mounted read-only; remount {disk} read-write, or point BLS_REFRESH_DATA_DIR" in message
    assert faulty_mirror.requests(OCCUPATIONS) == 1  # fetched once, never retried: waiting does not help


def test_a_folder_the_user_may_not_write_is_a_storage_error_naming_user_and_folder(faulty_mirror, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    data_dir.chmod(0o555)  # no one may create the archive in it
    command = fetch_command(data_dir / "raw", faulty_mirror.url + OCCUPATIONS)
    if os.geteuid() == 0:
        # Root ignores permissions; in a user namespace of its own it keeps its files but loses that power.
        if shutil.which("unshare") is None or subprocess.run(["unshare", "--user", "true"]).returncode != 0:
            pytest.skip("running as root without user namespaces: no way to be refused a write")
        command = ["unshare", "--user", *command]
    try:
        result = child_result(subprocess.run(command, capture_output=True, text=True, timeout=60))
    finally:
        data_dir.chmod(0o755)

    assert result["ok"] is False and result["type"] == "StorageError" and result["errno"] == 13  # EACCES
    message = result["message"]
    assert message.startswith(f"cannot write the raw archive at {data_dir}/raw")
    assert re.search(rf"permission denied for user (\S+); give \1 write access to {re.escape(str(data_dir))},", message)


def test_a_full_disk_while_recording_is_a_storage_error_and_leaves_no_orphan(tmp_path):
    # /dev/full answers every write with ENOSPC: the body is stored, the manifest line is refused.
    root = tmp_path / "raw"
    root.mkdir()
    (root / "manifest.jsonl").symlink_to("/dev/full")
    archive = RawArchive(root)
    with pytest.raises(StorageError) as caught:
        archive.store("https://download.bls.gov/pub/time.series/oe/oe.release", b"release\n", 200, {}, T0)

    error = caught.value
    assert error.errno == 28 and error.path == root / "manifest.jsonl"
    assert str(error).startswith(f"cannot write the raw archive at {root / 'manifest.jsonl'}")
    assert "no space left on /dev" in str(error) and "BLS_REFRESH_DATA_DIR" in str(error)
    assert [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()] == []


def test_a_body_that_fails_on_the_network_is_not_a_storage_error(tmp_path):
    # Network errors are OSErrors too (requests' ConnectionError is one): they must not be dressed as disk errors.
    def body():
        yield b"first part"
        raise ConnectionResetError(104, "Connection reset by peer")

    with pytest.raises(ConnectionResetError):
        RawArchive(tmp_path).store("https://www.bls.gov/x", body(), 200, {}, T0)
    assert parts_in(tmp_path) == []


# ---- leftovers of killed downloads ------------------------------------------------------------------


def test_a_new_archive_removes_parts_whose_writer_is_gone(tmp_path):
    partial = tmp_path / ".partial"
    partial.mkdir()
    for name in ("tmpa1b2c3.part", "tmpd4e5f6.part"):
        (partial / name).write_bytes(b"x" * 1000)
    (partial / "notes.txt").write_text("not a part: left alone")

    archive = RawArchive(tmp_path)
    assert archive.removed_partials == 2
    assert sorted(p.name for p in partial.iterdir()) == ["notes.txt"]
    assert RawArchive(tmp_path).removed_partials == 0


def test_a_download_killed_with_sigkill_leaves_a_part_that_the_next_archive_removes(faulty_mirror, tmp_path):
    root = tmp_path / "raw"
    faulty_mirror.set_fault(WORKBOOK, Fault(trickle=50_000))  # 8 s for the whole file
    child = subprocess.Popen(
        fetch_command(root, faulty_mirror.url + WORKBOOK), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        part = wait_for_part(root, child, min_bytes=8192)
        live = RawArchive(root)  # opened while the download runs: it must not touch the part
        assert live.removed_partials == 0 and part.exists()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()

    assert parts_in(root) == [part]  # the killed process could not clean up after itself
    assert RawArchive(root).removed_partials == 1 and parts_in(root) == []
    faulty_mirror.clear_faults()
    completed = subprocess.run(fetch_command(root, faulty_mirror.url + WORKBOOK), capture_output=True, text=True)
    assert child_result(completed) == {"ok": True, "sha256": sha256_of(shared_file(WORKBOOK.lstrip("/")))}


def test_opening_an_archive_never_deletes_another_process_download_in_progress(faulty_mirror, tmp_path):
    root = tmp_path / "raw"
    faulty_mirror.set_fault(OCCUPATIONS, Fault(trickle=40_000))  # 57 kB in ~1.4 s
    child = subprocess.Popen(
        fetch_command(root, faulty_mirror.url + OCCUPATIONS), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    wait_for_part(root, child, min_bytes=0)
    opened = 0
    while child.poll() is None:
        opened += 1
        assert RawArchive(root).removed_partials == 0
        time.sleep(0.05)
    out, err = child.communicate()
    assert opened >= 5
    assert json.loads(out) == {"ok": True, "sha256": sha256_of(shared_file(OCCUPATIONS.lstrip("/")))}, err
    assert parts_in(root) == []


def wait_for_part(root: Path, child: subprocess.Popen, min_bytes: int, timeout: float = 20.0) -> Path:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        parts = parts_in(root)
        if parts and parts[0].stat().st_size >= min_bytes:
            return parts[0]
        if child.poll() is not None:
            pytest.fail(f"the fetching child exited ({child.returncode}) before its download was under way")
        time.sleep(0.02)
    pytest.fail(f"no .part of {min_bytes}+ bytes appeared in {root / '.partial'} within {timeout} s")


def test_hashing_happens_while_streaming(tmp_path):
    # A one-shot iterator cannot be read twice: the hash must come from the single pass that wrote the file.
    body = (bytes([i]) * 65536 for i in range(64))
    result = RawArchive(tmp_path).store("https://www.bls.gov/big", body, 200, {}, T0)
    expected = hashlib.sha256(b"".join(bytes([i]) * 65536 for i in range(64))).hexdigest()
    assert result.sha256 == expected == sha256_of(result.path) and result.size == 64 * 65536


def test_a_body_that_fails_midway_leaves_no_hasher_behind(tmp_path):
    # From its second chunk a body is hashed in a thread beside the write: the thread ends with the download.
    def body():
        for i in range(20):
            yield bytes([i]) * 65536
        raise ConnectionResetError(104, "Connection reset by peer")

    with pytest.raises(ConnectionResetError):
        RawArchive(tmp_path).store("https://www.bls.gov/big", body(), 200, {}, T0)
    assert [t.name for t in threading.enumerate() if t.name.startswith("sha256")] == []
    assert parts_in(tmp_path) == []


def test_a_large_body_is_handed_to_the_disk_while_it_streams(tmp_path, monkeypatch):
    # The fsync before the rename then has little left to wait for, and the page cache never holds
    # the whole body dirty. Every range is written back once, in order, before the body ends.
    handed: list[tuple[int, int]] = []
    start_writeback = partial_module.start_writeback

    def recording(fd: int, offset: int, length: int) -> None:
        handed.append((offset, length))
        start_writeback(fd, offset, length)

    monkeypatch.setattr(partial_module, "start_writeback", recording, raising=True)
    chunk = partial_module.WRITEBACK_EVERY // 4
    body = (bytes([i]) * chunk for i in range(10))
    result = RawArchive(tmp_path).store("https://www.bls.gov/big", body, 200, {}, T0)

    every = partial_module.WRITEBACK_EVERY
    assert handed == [(0, every), (every, every)]
    assert result.size == 10 * chunk and result.sha256 == sha256_of(result.path)


def test_starting_writeback_reaches_the_kernel(tmp_path):
    path = tmp_path / "file"
    path.write_bytes(b"x" * 100_000)
    fd = os.open(path, os.O_RDWR)
    try:
        partial_module.start_writeback(fd, 0, 100_000)
    finally:
        os.close(fd)
    if sys.platform.startswith("linux"):
        with pytest.raises(OSError) as caught:
            partial_module.start_writeback(fd, 0, 100_000)  # closed: the kernel answers EBADF
        assert caught.value.errno == 9


def test_a_filesystem_that_refuses_early_writeback_still_gets_the_whole_body(tmp_path, monkeypatch):
    # Early writeback is a hint: refused (EINVAL on some filesystems), it is not asked again and the
    # body is stored whole, made durable by the fsync as always.
    asked: list[int] = []

    def refusing(fd: int, offset: int, length: int) -> None:
        asked.append(offset)
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(partial_module, "start_writeback", refusing, raising=True)
    chunk = partial_module.WRITEBACK_EVERY // 2
    body = [bytes([i]) * chunk for i in range(6)]
    result = RawArchive(tmp_path).store("https://www.bls.gov/big", iter(body), 200, {}, T0)

    assert asked == [0]
    assert result.size == 6 * chunk and result.path.read_bytes() == b"".join(body)
