"""Nothing lost, nothing twice: a CLI job killed with SIGKILL mid-job is taken over by the
service once its lease lapses."""

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.app import create_app
from service.store.tables import BatchJob, BatchRow, Role, Screening
from tests.data import make_gb18030_fixture

ROWS = 60
CHUNK = 5
JOB_ID = "22222222-2222-2222-2222-222222222222"
LEASE = 2
SCREENING = Path(sys.executable).parent / "screening"


def stored_rows(db, job_id: str) -> list[int]:
    """The row numbers stored for the job."""
    with Session(db) as session:
        query = select(BatchRow.row_number).where(BatchRow.job_id == job_id)
        return sorted(session.exec(query).all())


def start_slow_worker(database_url: str, source: Path, out: Path) -> subprocess.Popen:
    """`screening screen` in its own process, slowed down so it can be killed mid-job."""
    env = {
        **os.environ,
        "SCREENING_DATABASE_URL": database_url,
        "SCREENING_BATCH_CHUNK_SIZE": str(CHUNK),
        "SCREENING_BATCH_ROW_DELAY": "0.05",
        "SCREENING_JOB_LEASE_SECONDS": str(LEASE),
        "SCREENING_JOB_HEARTBEAT_SECONDS": "0.5",
    }
    command = [str(SCREENING), "screen", str(source), "-o", str(out), "--job-id", JOB_ID]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_a_killed_job_resumes_at_startup_and_screens_every_row_exactly_once(
    database_url, db, tmp_path, settings, engine, make_key
):
    # The CLI's job belongs to the local key; an auditor reads every key's batches.
    auth = {"X-API-Key": make_key(Role.auditor, "auditor")[1]}
    source = make_gb18030_fixture.write(tmp_path / "in.csv", ROWS)
    worker = start_slow_worker(database_url, source, tmp_path / "out.csv")
    deadline = time.monotonic() + 60
    while len(stored_rows(db, JOB_ID)) < 2 * CHUNK:
        assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
        assert time.monotonic() < deadline, "the worker made no progress"
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    done = stored_rows(db, JOB_ID)
    assert 0 < len(done) < ROWS
    assert done == list(range(1, len(done) + 1))
    assert len(done) % CHUNK == 0, "a chunk's rows commit together or not at all"

    fast = settings.model_copy(update={"job_poll_seconds": 0.2})
    with TestClient(create_app(fast, engine=engine)) as client:
        deadline = time.monotonic() + 60
        while client.get(f"/v1/batches/{JOB_ID}", headers=auth).json()["status"] != "done":
            assert time.monotonic() < deadline, "the job was not resumed"
            time.sleep(0.05)
        results = client.get(f"/v1/batches/{JOB_ID}/results", headers=auth).text

    assert stored_rows(db, JOB_ID) == list(range(1, ROWS + 1))
    with Session(db) as session:
        job = session.get(BatchJob, JOB_ID)
        assert job is not None
        assert (job.rows_done, job.error_rows, sum(job.counts.values())) == (ROWS, 0, ROWS)
        assert session.exec(select(func.count()).select_from(Screening)).one() == ROWS
    references = [row["reference"] for row in csv.DictReader(io.StringIO(results))]
    assert references == [f"ERP-{n:07d}" for n in range(1, ROWS + 1)]
