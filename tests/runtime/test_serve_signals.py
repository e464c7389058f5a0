"""A real serving process: SIGHUP and `screening rules reload` swap the rules; SIGTERM lets
requests in flight finish and checkpoints a running batch, which resumes on restart."""

import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from service.cli import app
from service.store import chain
from service.store.tables import BatchRow, Role, Screening
from tests.data import make_gb18030_fixture
from tests.runtime.rules_edit import GAAS, ban_gallium_arsenide, break_gallium_arsenide, copy_rules
from tests.runtime.serving import serving


def wait_for(check, timeout: float = 20) -> None:
    """Poll `check` until it is true."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_sighup_and_the_cli_reload_the_rules_of_a_running_server(
    database_url, tmp_path: Path, make_key
):
    rules = copy_rules(tmp_path / "rules")
    admin = make_key(Role.admin, "ops")[1]
    env = {"SCREENING_DATABASE_URL": database_url, "SCREENING_RULES_DIR": str(rules)}
    with serving(env) as (base, process):
        old = httpx.get(f"{base}/readyz").json()["ruleset"]["version"]
        ban_gallium_arsenide(rules, version="2099.01.01-1")
        process.send_signal(signal.SIGHUP)
        wait_for(lambda: httpx.get(f"{base}/readyz").json()["ruleset"]["version"] != old)
        answer = httpx.post(f"{base}/v1/screenings", json=GAAS, headers={"X-API-Key": admin})
        assert answer.json()["decision"] == "prohibited"
        assert answer.json()["ruleset"]["version"] == "2099.01.01-1"

        break_gallium_arsenide(rules)
        process.send_signal(signal.SIGHUP)
        wait_for(lambda: httpx.get(f"{base}/readyz").status_code == 503)
        assert "colour" in httpx.get(f"{base}/readyz").json()["message"]
        refused = CliRunner().invoke(app, ["rules", "reload", "--url", base, "--key", admin])
        assert refused.exit_code == 1
        assert "reload refused (422 ruleset_invalid)" in refused.output

        ban_gallium_arsenide(rules, version="2099.01.01-2")
        (rules / "MOFCOM-GAC-2023-23.yaml").write_text(
            (rules / "MOFCOM-GAC-2023-23.yaml").read_text("utf-8").replace("    colour: red\n", "")
        )
        done = CliRunner().invoke(app, ["rules", "reload", "--url", base, "--key", admin])
        assert done.exit_code == 0, done.output
        assert done.output.startswith("reloaded: 2099.01.01-2 sha256:")
        assert "(was 2099.01.01-1)" in done.output
        assert httpx.get(f"{base}/readyz").status_code == 200
        assert process.poll() is None, "SIGHUP must not end the process"


def test_sigterm_lets_requests_in_flight_finish(database_url, db, make_key):
    headers = {"X-API-Key": make_key(Role.screener, "load")[1], "Content-Type": "application/json"}
    body = json.dumps(GAAS).encode()
    answers: list[int | str] = []
    finished_at: list[float] = []
    started = threading.Semaphore(0)
    signalled = threading.Event()

    def slow_body() -> Iterator[bytes]:
        """Half the body, then the rest only once SIGTERM has been sent: a request in flight."""
        yield body[:10]
        started.release()
        signalled.wait(30)
        time.sleep(0.3)
        yield body[10:]

    with serving({"SCREENING_DATABASE_URL": database_url}) as (base, process):

        def send() -> None:
            try:
                response = httpx.post(
                    f"{base}/v1/screenings", content=slow_body(), headers=headers, timeout=30
                )
                answers.append(response.status_code)
            except httpx.HTTPError as exc:
                answers.append(type(exc).__name__)
            finished_at.append(time.monotonic())

        clients = [threading.Thread(target=send) for _ in range(8)]
        for client in clients:
            client.start()
        for _ in clients:
            assert started.acquire(timeout=30), "a request did not start"
        # Sent is not yet read: a request is in flight once the server has parsed its headers.
        # On a busy machine the server's loop can take a moment to read them, and a connection
        # it has not read from yet is idle to it, closed at shutdown (RemoteProtocolError).
        time.sleep(1.0)
        process.send_signal(signal.SIGTERM)
        sent_at = time.monotonic()
        signalled.set()
        for client in clients:
            client.join()
        # uvicorn shuts down gracefully, then re-raises the signal it caught.
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)

    assert answers == [201] * 8
    assert min(finished_at) > sent_at, "the requests were still in flight at SIGTERM"
    with Session(db) as session:
        assert session.exec(select(func.count()).select_from(Screening)).one() == 8


def test_sigterm_checkpoints_a_running_batch_which_resumes_on_restart(
    database_url, db, tmp_path: Path, make_key
):
    rows = 80
    headers = {"X-API-Key": make_key(Role.screener, "batch")[1]}
    source = make_gb18030_fixture.write(tmp_path / "in.csv", rows)
    env = {
        "SCREENING_DATABASE_URL": database_url,
        "SCREENING_DATA_DIR": str(tmp_path / "data"),
        "SCREENING_BATCH_CHUNK_SIZE": "50",
        "SCREENING_BATCH_ROW_DELAY": "0.05",
    }
    with serving(env) as (base, process):
        with source.open("rb") as handle:
            job = httpx.post(f"{base}/v1/batches", files={"file": handle}, headers=headers).json()
        # A job says "running" only after its first chunk; at 20 rows/s, 1 s is mid-chunk.
        time.sleep(1.0)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) in (0, -signal.SIGTERM)
    with Session(db) as session:
        stored = sorted(
            session.exec(select(BatchRow.row_number).where(BatchRow.job_id == job["id"]))
        )
    assert 0 < len(stored) < 50, "the rows in hand were committed at shutdown, mid-chunk"
    assert stored == list(range(1, len(stored) + 1))

    with serving(env | {"SCREENING_BATCH_ROW_DELAY": "0"}) as (base, _):
        wait_for(
            lambda: (
                httpx.get(f"{base}/v1/batches/{job['id']}", headers=headers).json()["status"]
                == "done"
            )
        )
    with Session(db) as session:
        numbers = session.exec(select(BatchRow.row_number).where(BatchRow.job_id == job["id"]))
        assert sorted(numbers) == list(range(1, rows + 1))
        assert session.exec(select(func.count()).select_from(Screening)).one() == rows
        assert chain.verify(session=session).intact
