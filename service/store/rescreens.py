"""Re-screen jobs and the changes they found; the job row is the only thing updated.

Each chunk's changes commit with their `screening.decision_changed` events, and the job's end
with its `rescreen.completed` event (store/outbox).
"""

from datetime import datetime

from sqlmodel import Session, col, func, select

from service.store import jobs, outbox
from service.store.jobs import Lease
from service.store.tables import JobStatus, RescreenChange, RescreenJob, ReviewFlag, Screening


def add_job(*, session: Session, job: RescreenJob) -> RescreenJob:
    """Store a new job."""
    session.add(job)
    session.commit()
    session.refresh(job)
    return job


def get_job(*, session: Session, job_id: str) -> RescreenJob | None:
    """The job with this id, or None."""
    return session.get(RescreenJob, job_id)


def list_jobs(*, session: Session, limit: int = 50) -> list[RescreenJob]:
    """Jobs, newest first."""
    query = select(RescreenJob).order_by(col(RescreenJob.created_at).desc()).limit(limit)
    return list(session.exec(query))


def _scope(job: RescreenJob, since: datetime | None) -> list:
    """Screenings a job covers: created before the job, and on or after `since`."""
    conditions = [col(Screening.created_at) <= job.created_at]
    if since is not None:
        conditions.append(col(Screening.created_at) >= since)
    return conditions


def count_scope(*, session: Session, job: RescreenJob, since: datetime | None) -> int:
    """How many screenings the job covers."""
    query = select(func.count()).select_from(Screening).where(*_scope(job, since))
    return session.exec(query).one()


def scope_page(
    *, session: Session, job: RescreenJob, since: datetime | None, skip: int, size: int
) -> list[Screening]:
    """`size` of the job's screenings after the first `skip`, in a stable order (oldest first)."""
    query = (
        select(Screening)
        .where(*_scope(job, since))
        .order_by(col(Screening.created_at), col(Screening.id))
        .offset(skip)
        .limit(size)
    )
    return list(session.exec(query).all())


def save_progress(
    *,
    session: Session,
    lease: Lease,
    screened: int,
    changes: list[RescreenChange],
    flags: list[ReviewFlag],
) -> RescreenJob:
    """Store a chunk's changes, review flags and progress in one transaction, if `lease` is
    still the job's (LeaseLost otherwise, and nothing is stored); the job as it now stands."""
    jobs.fence(session=session, lease=lease)
    job = session.get(RescreenJob, lease.job_id, populate_existing=True)
    assert job is not None
    counts = dict(job.counts)
    for change in changes:
        transition = f"{change.old_decision}->{change.new_decision}"
        counts[transition] = counts.get(transition, 0) + 1
    session.add_all([*changes, *flags])
    job.counts, job.status = counts, JobStatus.running
    job.done, job.changed = job.done + screened, job.changed + len(changes)
    session.add(job)
    events = [outbox.decision_changed(change, job.ruleset_digest) for change in changes]
    outbox.add_events(session=session, events=events)
    session.commit()
    session.refresh(job)
    return job


def list_changes(*, session: Session, job_id: str) -> list[RescreenChange]:
    """A job's changes, in the order of the screenings' ids."""
    query = select(RescreenChange).where(col(RescreenChange.job_id) == job_id)
    return list(session.exec(query.order_by(col(RescreenChange.screening_id))))
