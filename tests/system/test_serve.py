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
from bls_files import REPO

PREFECT = Path(sys.executable).with_name("prefect")
pytestmark = [pytest.mark.slow, pytest.mark.prefect]


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
    # Prefect's runners make TMPDIR/runner_storage and leave it: the tests' processes keep theirs here.
    (home / "tmp").mkdir()
    env["TMPDIR"] = str(home / "tmp")
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


SAMPLE_FLAGS = ["--mirror", str(REPO / "data" / "sample"), "--oews-form", "flatfiles", "--sources", "oews,projections"]
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def wait_for_final_state(client, flow_run_id, timeout: float):
    def final():
        run = client.read_flow_run(flow_run_id)
        return run if run.state and run.state.type.value in FINAL else None

    return wait_until(final, timeout, f"flow run {flow_run_id} to finish")


def medical_records_median(data_dir: Path) -> float:
    import duckdb

    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("SELECT annual_median FROM latest_oews_national WHERE soc_code = '29-2072'").fetchone()[0]
    finally:
        con.close()


def test_a_triggered_run_of_the_served_deployment_completes(prefect_server, tmp_path):
    """The deployment registers with its cron, and a run of it (as the scheduler would start one)
    completes in the serving process with the figures in the warehouse."""
    from prefect.client.orchestration import SyncPrefectClient

    api, base_env = prefect_server
    data = tmp_path / "data"
    env = {**base_env, "PREFECT_API_URL": api, "BLS_REFRESH_DATA_DIR": str(data)}
    serve = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "serve", "--name", "served", *SAMPLE_FLAGS, "--contact", "ops@example.org"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with SyncPrefectClient(api) as client:
            deployment = wait_until(lambda: client.read_deployment_by_name("refresh/served"), 120, "the deployment")
            (schedule,) = deployment.schedules
            assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 6 * * *", "America/New_York")
            assert schedule.active
            assert deployment.parameters["settings"]["sources"] == ["oews", "projections"]
            assert "contact" not in deployment.parameters["settings"]  # the address stays out of the server
            assert deployment.global_concurrency_limit is not None and deployment.global_concurrency_limit.limit == 1
            flow_run = client.create_flow_run_from_deployment(deployment.id)
            finished = wait_for_final_state(client, flow_run.id, 300)
            assert finished.state.type.value == "COMPLETED", finished.state.message
        assert serve.poll() is None  # it keeps serving
    finally:
        output = stop(serve)
    assert medical_records_median(data) == 51140.0
    assert "ops@example.org" not in output
    assert "Traceback" not in output and "| ERROR" not in output, output


def test_a_work_pool_deployment_runs_on_a_process_worker(prefect_server, tmp_path):
    """The README's other way: `prefect deploy` to a process work pool, `prefect worker start`."""
    from prefect.client.orchestration import SyncPrefectClient

    api, base_env = prefect_server
    data = tmp_path / "data"
    env = {**base_env, "PREFECT_API_URL": api}
    prefect = lambda *args: subprocess.run(  # noqa: E731
        [str(PREFECT), "--no-prompt", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )
    created = prefect("work-pool", "create", "bls-test", "--type", "process")
    assert created.returncode == 0, created.stdout + created.stderr
    deployed = prefect(
        "deploy", "flows/refresh.py:refresh", "-n", "pooled", "-p", "bls-test",
        "--cron", "0 6 * * *", "--timezone", "America/New_York",
    )  # fmt: skip
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    with SyncPrefectClient(api) as client:
        deployment = client.read_deployment_by_name("refresh/pooled")
        flow_run = client.create_flow_run_from_deployment(deployment.id)
    # The worker's environment is the run's: the settings come from it, as on an operator's host.
    worker_env = {
        **env,
        "BLS_REFRESH_DATA_DIR": str(data),
        "BLS_REFRESH_MIRROR": str(REPO / "data" / "sample"),
        "BLS_REFRESH_OEWS_FORM": "flatfiles",
        "BLS_REFRESH_SOURCES": "oews,projections",
    }
    worker = subprocess.run(
        [str(PREFECT), "worker", "start", "-p", "bls-test", "--run-once"],
        cwd=REPO,
        env=worker_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    with SyncPrefectClient(api) as client:
        finished = wait_for_final_state(client, flow_run.id, 120)
    assert finished.state.type.value == "COMPLETED", finished.state.message + worker.stdout + worker.stderr
    assert medical_records_median(data) == 51140.0
    assert "Traceback" not in worker.stdout + worker.stderr


def serve_refused(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`bls-refresh serve ARGS` that must stop with exit status 2 (a setting is wrong)."""
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "serve", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    return done


def test_serve_refuses_bls_gov_without_a_contact(prefect_server, tmp_path):
    api, base_env = prefect_server
    env = {**base_env, "PREFECT_API_URL": api}
    done = serve_refused(env, "--name", "anonymous")
    assert "BLS_REFRESH_CONTACT" in done.stderr and "Traceback" not in done.stderr


def test_serve_without_a_server_says_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_URL", "BLS_REFRESH_"))}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    done = serve_refused(env, "--contact", "ops@example.org")
    assert "prefect server start" in done.stderr and "PREFECT_API_URL" in done.stderr
