"""Failover between real processes on one database: two `screening serve` replicas and one
`serve --workers 2`. A 20,000-row batch and then a re-screen of its 20,000 screenings each lose
their owner to kill -9 mid-job; another process takes the job over once the lease lapses and
finishes it. Every row is screened exactly once, the results file is complete, and
`screening audit verify` passes."""

import csv
import io
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import sqlalchemy
from sqlmodel import Session, col, func, select

from service.store.tables import (
    BatchJob,
    BatchRow,
    Leased,
    RescreenChange,
    RescreenJob,
    Role,
    Screening,
)
from tests.data import make_gb18030_fixture
from tests.jobs.replicas import SCREENING, alive, replicas

ROWS = 20_000
LEASE = 2.0
SETTINGS = {
    "SCREENING_JOB_LEASE_SECONDS": str(LEASE),
    "SCREENING_JOB_HEARTBEAT_SECONDS": "0.5",
    "SCREENING_JOB_POLL_SECONDS": "0.5",
    "SCREENING_LOG_LEVEL": "WARNING",
}


@dataclass
class Failover:
    """What one kill -9 looked like from outside."""

    killed_owner: str
    done_at_kill: int
    takeover_seconds: float
    new_owner: str


def owner_pid(owner: str) -> int:
    """The process id in an owner name (host:pid:tag)."""
    return int(owner.rsplit(":", 2)[1])


def poll(check: Callable[[], Leased | None], timeout: float, what: str) -> Leased:
    """Call `check` every 0.1 s until it returns a job; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (found := check()) is None:
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return found


def stored(db: sqlalchemy.Engine, table: type[Leased], job_id: str) -> Leased:
    """The job's row as stored now (read from the database: cheaper than asking a replica)."""
    with Session(db) as session:
        job = session.get(table, job_id)
    assert job is not None
    assert job.status != "failed", job  # type: ignore[attr-defined]
    return job


def kill_owner_mid_job(
    db: sqlalchemy.Engine, table: type[Leased], job_id: str, progress: str
) -> Failover:
    """Wait until the job has committed some work, kill -9 its owner, and wait for another
    process to hold the job."""

    def under_way() -> Leased | None:
        job = stored(db, table, job_id)
        assert job.status != "done", "the job ended before the kill"  # type: ignore[attr-defined]
        return job if getattr(job, progress) >= 1000 and job.lease_owner else None

    before = poll(under_way, 300, "the job to get under way")
    assert before.lease_owner is not None
    os.kill(owner_pid(before.lease_owner), signal.SIGKILL)
    killed_at = time.monotonic()

    def taken_over() -> Leased | None:
        job = stored(db, table, job_id)
        return job if job.lease_owner not in (None, before.lease_owner) else None

    after = poll(taken_over, 60, "another process to take the job over")
    assert after.lease_owner is not None
    return Failover(
        killed_owner=before.lease_owner,
        done_at_kill=getattr(before, progress),
        takeover_seconds=round(time.monotonic() - killed_at, 2),
        new_owner=after.lease_owner,
    )


def finished(db: sqlalchemy.Engine, table: type[Leased], job_id: str) -> None:
    """Wait for the job to be done."""

    def done() -> Leased | None:
        job = stored(db, table, job_id)
        return job if job.status == "done" else None  # type: ignore[attr-defined]

    poll(done, 600, f"job {job_id} to finish")


def test_killed_owners_jobs_finish_elsewhere_with_every_row_once(
    database_url, db, make_key, tmp_path
):
    started = time.monotonic()
    admin = {"X-API-Key": make_key(Role.admin, "ops")[1]}
    source = make_gb18030_fixture.write(tmp_path / "orders.csv", ROWS)
    env = {
        **SETTINGS,
        "SCREENING_DATABASE_URL": database_url,
        "SCREENING_DATA_DIR": str(tmp_path / "data"),
    }
    dead: set[int] = set()
    phases: dict[str, float] = {}

    def phase(name: str) -> None:
        phases[name] = round(time.monotonic() - started, 1)

    with replicas(env, tmp_path, workers=(1, 1, 2)) as group:
        phase("replicas up")
        files = {"file": ("orders.csv", source.read_bytes(), "text/csv")}
        upload = httpx.post(f"{group[0].base}/v1/batches", files=files, headers=admin, timeout=60)
        assert upload.status_code == 202, upload.text
        batch_id = upload.json()["id"]
        phase("batch uploaded")
        batch_failover = kill_owner_mid_job(db, BatchJob, batch_id, "rows_done")
        dead = {owner_pid(batch_failover.killed_owner)}
        phase("batch taken over")
        finished(db, BatchJob, batch_id)
        phase("batch done")
        base = alive(group, dead).base
        status = httpx.get(f"{base}/v1/batches/{batch_id}", headers=admin, timeout=30).json()
        results = httpx.get(f"{base}/v1/batches/{batch_id}/results", headers=admin, timeout=120)
        phase("results read")

        body = {"as_of": "2023-01-01"}
        created = httpx.post(f"{group[2].base}/v1/rescreens", json=body, headers=admin, timeout=30)
        assert created.status_code == 202, created.text
        rescreen_id = created.json()["id"]
        rescreen_failover = kill_owner_mid_job(db, RescreenJob, rescreen_id, "done")
        dead.add(owner_pid(rescreen_failover.killed_owner))
        phase("re-screen taken over")
        finished(db, RescreenJob, rescreen_id)
        phase("re-screen done")
        rescreen = f"{alive(group, dead).base}/v1/rescreens/{rescreen_id}"
        rescreened = httpx.get(rescreen, headers=admin, timeout=30).json()
    total = time.monotonic() - started

    assert (status["rows_done"], status["error_rows"], sum(status["counts"].values())) == (
        ROWS,
        0,
        ROWS,
    )
    assert status["owner"] == batch_failover.new_owner
    with Session(db) as session:
        rows = select(
            func.count(),
            func.count(func.distinct(BatchRow.row_number)),
            func.max(BatchRow.row_number),
        ).where(col(BatchRow.job_id) == status["id"])
        assert session.exec(rows).one() == (ROWS, ROWS, ROWS)
        assert session.exec(select(func.count()).select_from(Screening)).one() == ROWS
        changes = select(func.count()).where(col(RescreenChange.job_id) == rescreened["id"])
        assert session.exec(changes).one() == rescreened["changed"]
    references = [row["reference"] for row in csv.DictReader(io.StringIO(results.text))]
    assert references == [f"ERP-{n:07d}" for n in range(1, ROWS + 1)]
    assert (rescreened["total"], rescreened["done"]) == (ROWS, ROWS)
    assert rescreened["changed"] == sum(rescreened["counts"].values()) > 0

    verify = subprocess.run(
        [str(SCREENING), "audit", "verify"],
        env={**os.environ, "SCREENING_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stderr
    assert f"audit chain intact: {ROWS} screenings" in verify.stdout
    phase("audit verified")
    print(
        f"\nfailover: batch {batch_failover}\nfailover: rescreen {rescreen_failover}\n"
        f"failover: replicas stopped at {total:.1f} s; phases {phases}"
    )
