"""The job loop on the real database: it runs every kind, finds jobs stored by other processes,
gives its jobs up when stopped, and outlives failing jobs and database outages."""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy
from sqlmodel import Session, col, func, select

from service.batch import runner as batch_runner
from service.config import Settings
from service.engine import Engine
from service.jobs.kinds import JobKind, Work
from service.jobs.loop import JobLoop
from service.jobs.registry import KINDS
from service.live_rules import LiveRules
from service.rescreen import runner as rescreen_runner
from service.store import chain, jobs
from service.store.database import create_db_engine
from service.store.tables import BatchJob, BatchRow, RescreenChange, RescreenJob
from tests.jobs.outage import outage_for, wait_for

# The fixture's deals change decision between this day and today (3 of every 5 rows).
BEFORE_THE_CONTROLS = date(2023, 1, 1)


@contextmanager
def running_loop(
    db: sqlalchemy.Engine, settings: Settings, engine: Engine, kinds: tuple[JobKind, ...] = KINDS
) -> Iterator[JobLoop]:
    """A started job loop, stopped at the end."""
    rules = LiveRules(engine, settings.rules_dir)
    loop = JobLoop(db=db, rules=rules, settings=settings, kinds=kinds)
    loop.start()
    try:
        yield loop
    finally:
        loop.stop()


def batch(db: sqlalchemy.Engine, job_id: str) -> BatchJob:
    """The batch job as stored now."""
    with Session(db) as session:
        job = session.get(BatchJob, job_id)
    assert job is not None
    return job


def rescreen(db: sqlalchemy.Engine, job_id: str) -> RescreenJob:
    """The re-screen job as stored now."""
    with Session(db) as session:
        job = session.get(RescreenJob, job_id)
    assert job is not None
    return job


def assert_batch_complete(db: sqlalchemy.Engine, job_id: str, rows: int) -> None:
    """Every row stored exactly once, in order, each with one audit record."""
    with Session(db) as session:
        query = select(BatchRow.row_number).where(col(BatchRow.job_id) == job_id)
        assert sorted(session.exec(query).all()) == list(range(1, rows + 1))
        screened = select(func.count()).select_from(BatchRow)
        screened = screened.where(
            col(BatchRow.job_id) == job_id, col(BatchRow.screening_id).is_not(None)
        )
        assert session.exec(screened).one() == rows
        assert chain.verify(session=session).intact
    job = batch(db, job_id)
    assert (job.status, job.rows_done, sum(job.counts.values())) == ("done", rows, rows)


def assert_rescreen_complete(db: sqlalchemy.Engine, job_id: str) -> None:
    """Every screening re-run once: progress, change count and stored changes agree."""
    job = rescreen(db, job_id)
    with Session(db) as session:
        query = select(func.count()).select_from(RescreenChange)
        stored = session.exec(query.where(col(RescreenChange.job_id) == job_id)).one()
    assert (job.status, job.done) == ("done", job.total)
    assert job.changed == stored == sum(job.counts.values()) > 0


@pytest.fixture
def screened(db, engine, fast, queued_batch) -> Callable[[int], str]:
    """Store `rows` screenings (through a batch run here); returns a queued re-screen's id."""

    def create(rows: int) -> str:
        job = queued_batch(rows=rows, owner="arrange")
        batch_runner.run_job(db=db, engine=engine, settings=fast, lease=jobs.lease_of(job))
        return rescreen_runner.create_job(
            db=db, engine=engine, settings=fast, as_of=BEFORE_THE_CONTROLS
        ).id

    return create


def test_two_loops_share_the_work_and_each_job_is_claimed_once(
    db, engine, fast, queued_batch, screened
):
    rescreen_id = screened(20)
    batch_ids = [queued_batch(rows=15).id for _ in range(3)]
    with running_loop(db, fast, engine) as first, running_loop(db, fast, engine) as second:
        owners = {first.owner, second.owner}
        wait_for(
            lambda: (
                all(batch(db, job_id).status == "done" for job_id in batch_ids)
                and rescreen(db, rescreen_id).status == "done"
            ),
            what="every job to finish",
        )
    for job_id in batch_ids:
        assert_batch_complete(db, job_id, 15)
        job = batch(db, job_id)
        assert (job.lease_owner in owners, job.lease_epoch) == (True, 1)
    assert_rescreen_complete(db, rescreen_id)
    assert rescreen(db, rescreen_id).lease_owner in owners


def test_a_local_submit_wakes_the_loop_without_waiting_for_the_poll(db, engine, fast, queued_batch):
    sleepy = fast.model_copy(update={"job_poll_seconds": 60, "job_heartbeat_seconds": 0.25})
    with running_loop(db, sleepy, engine) as loop:
        time.sleep(0.3)  # the loop's first look found nothing; its next is a minute away
        job = queued_batch(rows=5)
        loop.wake()
        wait_for(lambda: batch(db, job.id).status == "done", timeout=10, what="the woken loop")
    assert_batch_complete(db, job.id, 5)


def test_a_stopped_loop_gives_its_job_up_and_the_next_owner_resumes_it_at_once(
    db, engine, fast, queued_batch
):
    rows = 60
    slow = fast.model_copy(update={"batch_row_delay": 0.02, "job_lease_seconds": 60.0})
    job = queued_batch(rows=rows)
    with running_loop(db, slow, engine) as first:
        wait_for(lambda: batch(db, job.id).rows_done >= 10, what="the first chunks")
    paused = batch(db, job.id)
    assert paused.status == "running" and paused.rows_done < rows
    assert (paused.lease_owner, paused.lease_expires_at) == (None, None)
    started = time.monotonic()
    with running_loop(db, slow, engine) as second:
        wait_for(lambda: batch(db, job.id).lease_owner == second.owner, what="the takeover")
        # Far sooner than the 60 s lease: the first owner released it.
        assert time.monotonic() - started < 10
        wait_for(lambda: batch(db, job.id).status == "done", what="the resumed job")
    assert first.owner != second.owner
    assert_batch_complete(db, job.id, rows)
    assert batch(db, job.id).lease_epoch == 2


def test_a_job_that_fails_is_marked_failed_and_the_loop_runs_the_next(
    db, engine, fast, queued_batch
):
    broken = queued_batch(rows=5)
    Path(broken.input_path).unlink()  # the upload is gone: the job cannot be run
    good = queued_batch(rows=5)
    with running_loop(db, fast, engine):
        wait_for(
            lambda: batch(db, good.id).status == "done" and batch(db, broken.id).status == "failed",
            what="both jobs to end",
        )
    assert_batch_complete(db, good.id, 5)
    assert batch(db, broken.id).finished_at is not None


def test_a_failure_whose_handler_meets_a_database_outage_does_not_end_the_loop(
    db, database_url, fast, engine, queued_batch, caplog
):
    # The bug this replaces: a failed re-screen's handler wrote to the database inside
    # `except`; with the database away that raised again and ended the thread for good.
    outage = outage_for(database_url)
    calls: list[int] = []

    def crash_during_an_outage(work: Work) -> None:
        calls.append(work.lease.epoch)
        if len(calls) == 1:
            outage.cut()
            raise RuntimeError("the job broke while the database was away")
        with Session(work.db) as session:
            jobs.finish(session=session, lease=work.lease)

    kind = JobKind(name="flaky", table=BatchJob, run=crash_during_an_outage)
    job = queued_batch(rows=1)
    remote = create_db_engine(outage.url)
    caplog.set_level(logging.WARNING, logger="service.jobs")
    try:
        with running_loop(remote, fast, engine, kinds=(kind,)) as loop:
            wait_for(lambda: len(calls) == 1, what="the first run")
            time.sleep(outage.seconds)
            outage.restore()
            wait_for(lambda: batch(db, job.id).status == "done", what="the job to run again")
            assert loop.is_alive()
    finally:
        outage.close()
        remote.dispose()
    assert calls == [1, 2], "the lease lapsed during the outage and the job was claimed again"
    assert "jobs.final_write_failed" in caplog.messages


def test_the_loop_runs_its_jobs_through_a_database_outage(
    db, database_url, engine, fast, queued_batch, screened, caplog
):
    rescreen_id = screened(100)
    rows = 120
    job = queued_batch(rows=rows)
    slow = fast.model_copy(update={"batch_row_delay": 0.03, "rescreen_row_delay": 0.03})
    outage = outage_for(database_url)
    remote = create_db_engine(outage.url)
    caplog.set_level(logging.WARNING, logger="service.jobs")
    try:
        with running_loop(remote, slow, engine) as loop:
            wait_for(
                lambda: batch(db, job.id).rows_done >= 10 and rescreen(db, rescreen_id).done >= 10,
                what="both jobs under way",
            )
            outage.cut()
            time.sleep(outage.seconds)
            assert batch(db, job.id).status == "running"
            assert rescreen(db, rescreen_id).status == "running"
            outage.restore()
            wait_for(
                lambda: (
                    batch(db, job.id).status == "done"
                    and rescreen(db, rescreen_id).status == "done"
                ),
                timeout=60,
                what="both jobs to finish after the outage",
            )
            # The loop is still there: a job submitted now runs too.
            after = queued_batch(rows=5)
            loop.wake()
            wait_for(lambda: batch(db, after.id).status == "done", what="a job after the outage")
    finally:
        outage.close()
        remote.dispose()
    assert "jobs.database_unavailable" in caplog.messages
    assert_batch_complete(db, job.id, rows)
    assert_rescreen_complete(db, rescreen_id)
    assert batch(db, job.id).lease_epoch == 1, "the loop kept its own lease through the outage"


def test_a_runner_thread_is_not_left_behind_by_stop(db, engine, fast):
    with running_loop(db, fast, engine) as loop:
        pass
    assert not loop.is_alive()
    assert not any(t.name.startswith("job") and t.is_alive() for t in threading.enumerate())
