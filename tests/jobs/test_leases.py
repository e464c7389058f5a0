"""Leases on the real database: one owner per job, a lapsed lease is taken over, and an owner
whose lease was taken over cannot commit another chunk, however slow it was."""

import threading
import time
from collections.abc import Callable

import pytest
import sqlalchemy
from sqlmodel import Session, col, func, select

from service.batch import rows as batch_rows
from service.batch import runner
from service.config import Settings
from service.engine import Engine
from service.store import batches, chain, jobs
from service.store.jobs import Lease, LeaseLost
from service.store.tables import BatchJob, BatchRow, Screening
from tests.jobs.conftest import LEASE

HEADER = ["reference", "transaction_type", "description"]


def claim(db: sqlalchemy.Engine, owner: str, seconds: float = LEASE) -> Lease | None:
    """The next claimable batch job for `owner`, on a session of its own."""
    with Session(db) as session:
        return jobs.claim_next(session=session, table=BatchJob, owner=owner, seconds=seconds)


def stored_rows(db: sqlalchemy.Engine, job_id: str) -> list[int]:
    """The row numbers stored for a job, in order."""
    with Session(db) as session:
        query = select(BatchRow.row_number).where(col(BatchRow.job_id) == job_id)
        return sorted(session.exec(query).all())


def screenings(db: sqlalchemy.Engine) -> int:
    """How many screenings the audit log holds."""
    with Session(db) as session:
        return session.exec(select(func.count()).select_from(Screening)).one()


def test_concurrent_claims_give_each_job_to_exactly_one_owner(db, queued_batch):
    created = {queued_batch().id for _ in range(3)}
    won: list[Lease] = []
    start = threading.Barrier(8)

    def contend(owner: str) -> None:
        start.wait()
        while (lease := claim(db, owner)) is not None:
            won.append(lease)

    threads = [threading.Thread(target=contend, args=(f"owner-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(lease.job_id for lease in won) == sorted(created)
    assert {lease.epoch for lease in won} == {1}
    with Session(db) as session:
        for lease in won:
            job = session.get(BatchJob, lease.job_id)
            assert job is not None
            assert (job.lease_owner, job.status) == (lease.owner, "running")


def test_a_held_lease_is_not_claimed_and_a_lapsed_one_is_taken_over(db, queued_batch):
    job = queued_batch()
    first = claim(db, "A", seconds=0.5)
    assert first is not None and first.job_id == job.id
    assert claim(db, "B") is None
    with Session(db) as session:
        assert jobs.renew(session=session, lease=first, seconds=0.5)
    time.sleep(0.6)
    second = claim(db, "B")
    assert second is not None
    assert (second.job_id, second.owner, second.epoch) == (job.id, "B", 2)
    with Session(db) as session:
        assert not jobs.renew(session=session, lease=first, seconds=LEASE)
        assert not jobs.release(session=session, lease=first)
        with pytest.raises(LeaseLost):
            jobs.finish(session=session, lease=first)
        stored = session.get(BatchJob, job.id)
        assert stored is not None
        assert (stored.lease_owner, stored.lease_epoch) == ("B", 2)


def test_a_released_job_is_claimable_at_once_and_a_finished_one_never(db, queued_batch):
    job = queued_batch()
    lease = claim(db, "A", seconds=60)
    assert lease is not None
    with Session(db) as session:
        assert jobs.release(session=session, lease=lease)
    again = claim(db, "B", seconds=60)
    assert again is not None and (again.job_id, again.epoch) == (job.id, 2)
    with Session(db) as session:
        jobs.finish(session=session, lease=again)
        assert not jobs.release(session=session, lease=again)
        stored = session.get(BatchJob, job.id)
        assert stored is not None
        assert (stored.status, stored.lease_owner, stored.lease_expires_at) == ("done", "B", None)
    assert claim(db, "C") is None


def test_a_chunk_under_a_lost_lease_writes_nothing(db, engine: Engine, queued_batch):
    job = queued_batch(rows=10, owner="A")
    stale = jobs.lease_of(job)
    first = [
        batch_rows.screen_row(engine, HEADER, n, [f"ERP-{n}", "material_export", "steel bolts"])
        for n in range(1, 6)
    ]
    with Session(db) as session:
        batches.add_chunk(
            session=session, job_id=job.id, rows=first, api_key_id=job.api_key_id, lease=stale
        )
    with Session(db) as session:
        # Another process claims the job after A's lease ran out.
        session.execute(
            sqlalchemy.update(BatchJob)
            .where(col(BatchJob.id) == job.id)
            .values(lease_expires_at=BatchJob.created_at)
        )
        session.commit()
    assert claim(db, "B") is not None
    later = [
        batch_rows.screen_row(engine, HEADER, n, [f"ERP-{n}", "material_export", "steel bolts"])
        for n in range(6, 11)
    ]
    with Session(db) as session, pytest.raises(LeaseLost):
        batches.add_chunk(
            session=session, job_id=job.id, rows=later, api_key_id=job.api_key_id, lease=stale
        )
    assert stored_rows(db, job.id) == [1, 2, 3, 4, 5]
    assert screenings(db) == 5
    with Session(db) as session:
        assert chain.verify(session=session).intact
        stored = session.get(BatchJob, job.id)
        assert stored is not None and stored.rows_done == 5


def test_a_slow_owner_overtaken_mid_job_stops_and_every_row_is_stored_once(
    db, engine: Engine, fast: Settings, queued_batch: Callable[..., BatchJob]
):
    # A screens slowly and never renews its lease (its heartbeat is stuck); B takes the job
    # over when the lease lapses and runs it to the end; A's next chunk is refused.
    rows = 40
    job = queued_batch(rows=rows, owner="A")
    slow = fast.model_copy(update={"batch_row_delay": 0.05})
    outcome: list[BaseException] = []

    def run_a() -> None:
        try:
            runner.run_job(db=db, engine=engine, settings=slow, lease=jobs.lease_of(job))
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)

    owner_a = threading.Thread(target=run_a)
    owner_a.start()
    deadline = time.monotonic() + 30
    while (lease_b := claim(db, "B")) is None:
        assert time.monotonic() < deadline, "the lease never lapsed"
        time.sleep(0.05)
    taken_at = len(stored_rows(db, job.id))
    assert 0 < taken_at < rows, "B must take over mid-job"
    finished = runner.run_job(db=db, engine=engine, settings=fast, lease=lease_b)
    owner_a.join(timeout=30)
    assert [type(exc) for exc in outcome] == [LeaseLost]
    assert stored_rows(db, job.id) == list(range(1, rows + 1))
    assert screenings(db) == rows
    assert (finished.status, finished.rows_done, finished.lease_owner) == ("done", rows, "B")
    with Session(db) as session:
        assert chain.verify(session=session).intact


def test_a_heartbeat_slower_than_half_the_lease_is_refused():
    with pytest.raises(ValueError, match="at most half of job_lease_seconds"):
        Settings(job_lease_seconds=4, job_heartbeat_seconds=3)
    assert Settings(job_lease_seconds=4, job_heartbeat_seconds=2).job_lease_seconds == 4
