"""`bls-refresh serve` against a real `prefect server start` on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
PREFECT = Path(sys.executable).with_name("prefect")
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception:
            pass
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out or ""


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_UI_ENABLED="false")
    server = subprocess.Popen(
        [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_until(lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200, 180, "prefect server start")
        yield api, env
    finally:
        stop(server)


def test_serve_registers_the_nightly_deployment_with_its_cron_schedule(prefect_server, tmp_path):
    from prefect.client.orchestration import SyncPrefectClient

    api, base_env = prefect_server
    env = {**base_env, "PREFECT_API_URL": api, "BLS_REFRESH_DATA_DIR": str(tmp_path / "data")}
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "serve",
            "--mirror",
            str(REPO / "data" / "sample"),
            "--oews-form",
            "flatfiles",
            "--sources",
            "oews,projections",
            "--contact",
            "ops@example.org",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with SyncPrefectClient(api) as client:
            deployment = wait_until(lambda: client.read_deployment_by_name("refresh/nightly"), 120, "the deployment")
        (schedule,) = deployment.schedules
        assert schedule.schedule.cron == "0 6 * * *"
        assert schedule.schedule.timezone == "America/New_York"
        assert schedule.active
        assert deployment.parameters["settings"]["sources"] == ["oews", "projections"]
        assert "contact" not in deployment.parameters["settings"]  # the address stays out of the server
        assert deployment.global_concurrency_limit is not None and deployment.global_concurrency_limit.limit == 1
        assert serve.poll() is None  # it keeps serving
    finally:
        output = stop(serve)
    assert "ops@example.org" not in output


def test_serve_without_a_server_says_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_URL", "BLS_REFRESH_"))}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "serve"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "prefect server start" in done.stderr and "PREFECT_API_URL" in done.stderr
