"""Job leases: claim a job for one process, renew the claim, fence every write made under it.

One API for every job table that carries the `Leased` columns (batch_job, rescreen_job and any
kind added later; such a table also has `id`, `status`, `created_at` and `finished_at`).

* A claim writes the claiming process as `lease_owner`, adds one to `lease_epoch` and sets
  `lease_expires_at`. Only a job that is unfinished and unleased (or whose lease ran out) can
  be claimed. PostgreSQL picks it with `SELECT ... FOR UPDATE SKIP LOCKED`; SQLite takes the
  database's write lock first (`BEGIN IMMEDIATE`), so two processes on one file never pick
  the same job either.
* The owner renews the lease while it works (`renew`, the heartbeat).
* Every write under a lease (a chunk, the finish) starts with `fence`, an UPDATE that matches
  only while owner and epoch are still the ones claimed, in the same transaction as the write.
  A process whose lease was taken over therefore cannot commit again, however slow it was.
  This rests on the epoch, not on clocks: clocks that disagree can only make a takeover come
  early or late, never let two owners write.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, Update, or_, select, update
from sqlmodel import Session

from service.store import claims, outbox
from service.store.tables import UNFINISHED_JOBS, JobStatus, Leased, utcnow


class LeaseLost(Exception):
    """The job's lease is no longer ours: another process claimed it, or the job is gone."""


@dataclass(frozen=True)
class Lease:
    """A claim on one job: the table, the job, the owning process and the claim's epoch."""

    table: type[Leased]
    job_id: str
    owner: str
    epoch: int


def _columns(table: type[Leased]) -> Any:  # noqa: ANN401 - a Core column collection
    core: Table = table.__table__  # type: ignore[attr-defined]
    return core.c


def claimable(table: type[Leased]) -> list[ColumnElement[bool]]:
    """The conditions a job of `table` meets when a process may claim it now."""
    c = _columns(table)
    return [
        c.status.in_(UNFINISHED_JOBS),
        or_(c.lease_expires_at.is_(None), c.lease_expires_at < utcnow()),
    ]


def claim_next(
    *,
    session: Session,
    table: type[Leased],
    owner: str,
    seconds: float,
    ready: tuple[ColumnElement[bool], ...] = (),
) -> Lease | None:
    """Claim the oldest claimable job of `table` (that also meets `ready`); None when there is
    none. Run it on a session that has not started a transaction yet."""
    return _claim(session, table, owner, seconds, (*claimable(table), *ready))


def claim_job(
    *, session: Session, table: type[Leased], job_id: str, owner: str, seconds: float
) -> Lease | None:
    """Claim this job if it is claimable now; None when it is finished or another owner's."""
    c = _columns(table)
    return _claim(session, table, owner, seconds, (c.id == job_id, *claimable(table)))


def _claim(
    session: Session,
    table: type[Leased],
    owner: str,
    seconds: float,
    where: tuple[ColumnElement[bool], ...],
) -> Lease | None:
    c = _columns(table)
    pick = select(c.id).where(*where).order_by(c.created_at, c.id).limit(1)
    job_id = claims.lock_first(session, pick)
    if job_id is None:
        return None
    now = utcnow()
    epoch = (
        session.connection()
        .execute(
            update(c.id.table)
            .where(c.id == job_id)
            .values(
                lease_owner=owner,
                lease_epoch=c.lease_epoch + 1,
                heartbeat_at=now,
                lease_expires_at=now + timedelta(seconds=seconds),
                status=JobStatus.running,
            )
            .returning(c.lease_epoch)
        )
        .scalar_one()
    )
    session.commit()
    return Lease(table=table, job_id=job_id, owner=owner, epoch=epoch)


def lease_new(row: Leased, *, owner: str, seconds: float) -> None:
    """Give a job not yet stored its first lease, so no other process claims it once added."""
    now = utcnow()
    row.lease_owner, row.lease_epoch = owner, 1
    row.heartbeat_at, row.lease_expires_at = now, now + timedelta(seconds=seconds)
    row.status = JobStatus.running  # type: ignore[attr-defined]


def lease_of(row: Leased) -> Lease:
    """The lease a job row records (for the process that just claimed or created it)."""
    assert row.lease_owner is not None
    return Lease(
        table=type(row),
        job_id=row.id,  # type: ignore[attr-defined]
        owner=row.lease_owner,
        epoch=row.lease_epoch,
    )


def _held(lease: Lease) -> Update:
    """An UPDATE of the job that matches only while the lease is still this one."""
    c = _columns(lease.table)
    return update(c.id.table).where(
        c.id == lease.job_id, c.lease_owner == lease.owner, c.lease_epoch == lease.epoch
    )


def _extended(seconds: float) -> dict[str, Any]:
    now = utcnow()
    return {"heartbeat_at": now, "lease_expires_at": now + timedelta(seconds=seconds)}


def renew(*, session: Session, lease: Lease, seconds: float) -> bool:
    """Extend the lease by `seconds` from now (a heartbeat); False when it is no longer ours."""
    held = session.execute(_held(lease).values(**_extended(seconds))).rowcount == 1  # type: ignore[attr-defined]
    session.commit()
    return held


def fence(*, session: Session, lease: Lease) -> None:
    """Check in the session's transaction that the lease is still ours, and hold the job row
    until the caller commits; raise LeaseLost otherwise. Call it before the first write."""
    # A write that changes nothing: it takes PostgreSQL's row lock and SQLite's write lock, so
    # no claim can commit between this check and the caller's commit.
    same = _held(lease).values(lease_owner=lease.owner)
    if session.execute(same).rowcount != 1:  # type: ignore[attr-defined]
        raise LeaseLost(f"the lease on job {lease.job_id} (epoch {lease.epoch}) is not ours")


def release(*, session: Session, lease: Lease) -> bool:
    """Give an unfinished job up, so any process may claim it at once; a finished job keeps
    its last owner. False when the lease was not ours or the job is finished."""
    c = _columns(lease.table)
    unfinished = _held(lease).where(c.status.in_(UNFINISHED_JOBS))
    done = session.execute(unfinished.values(lease_owner=None, lease_expires_at=None))
    session.commit()
    return done.rowcount == 1  # type: ignore[attr-defined]


def finish(*, session: Session, lease: Lease, status: JobStatus = JobStatus.done) -> None:
    """Mark the job finished (done or failed) under its lease, with its completion event in the
    outbox (batch.completed, rescreen.completed) in the same transaction; raise LeaseLost if not
    ours. The last owner and heartbeat stay on the row, for the record."""
    finished = _held(lease).values(status=status, finished_at=utcnow(), lease_expires_at=None)
    if session.execute(finished).rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise LeaseLost(f"the lease on job {lease.job_id} (epoch {lease.epoch}) is not ours")
    job = session.get(lease.table, lease.job_id, populate_existing=True)
    event = outbox.completed(job) if job is not None else None
    if event is not None:
        outbox.add_events(session=session, events=[event])
    session.commit()
