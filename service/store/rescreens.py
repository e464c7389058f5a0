"""Re-screen jobs and the changes they found; the job row is the only thing updated.

Each chunk's changes commit with their `screening.decision_changed` events, and the job's end
with its `rescreen.completed` event (store/outbox).
"""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from service.store import outbox
from service.store.tables import (
    UNFINISHED_JOBS,
    JobStatus,
    RescreenChange,
    RescreenJob,
    Screening,
    utcnow,
)


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


def unfinished_job_ids(*, session: Session) -> list[str]:
    """Jobs queued or running, oldest first: to resume at start-up."""
    query = select(RescreenJob.id).where(col(RescreenJob.status).in_(UNFINISHED_JOBS))
    return list(session.exec(query.order_by(col(RescreenJob.created_at))))


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


def iter_scope(
    *, session: Session, job: RescreenJob, since: datetime | None, skip: int, size: int
) -> Iterator[list[Screening]]:
    """The job's screenings in a stable order (oldest first), `size` at a time after `skip`."""
    offset = skip
    while True:
        page = session.exec(
            select(Screening)
            .where(*_scope(job, since))
            .order_by(col(Screening.created_at), col(Screening.id))
            .offset(offset)
            .limit(size)
        ).all()
        if not page:
            return
        yield list(page)
        offset += len(page)


def save_progress(
    *, session: Session, job: RescreenJob, changes: list[RescreenChange], done: int
) -> None:
    """Store a chunk's changes and the job's progress in one transaction."""
    for change in changes:
        session.add(change)
        job.counts = {
            **job.counts,
            f"{change.old_decision}->{change.new_decision}": job.counts.get(
                f"{change.old_decision}->{change.new_decision}", 0
            )
            + 1,
        }
    job.done, job.changed, job.status = done, job.changed + len(changes), JobStatus.running
    session.add(job)
    events = [outbox.decision_changed(change, job.ruleset_digest) for change in changes]
    outbox.add_events(session=session, events=events)
    session.commit()
    session.refresh(job)


def finish_job(
    *, session: Session, job: RescreenJob, status: JobStatus = JobStatus.done
) -> RescreenJob:
    """Mark an unfinished job finished (done or failed), with its `rescreen.completed` event."""
    ended = session.execute(
        update(RescreenJob)
        .where(col(RescreenJob.id) == job.id, col(RescreenJob.status).in_(UNFINISHED_JOBS))
        .values(status=status, finished_at=utcnow())
    )
    session.refresh(job)
    if ended.rowcount:
        outbox.add_events(session=session, events=[outbox.rescreen_completed(job)])
    session.commit()
    session.refresh(job)
    return job


def list_changes(*, session: Session, job_id: str) -> list[RescreenChange]:
    """A job's changes, in the order of the screenings' ids."""
    query = select(RescreenChange).where(col(RescreenChange.job_id) == job_id)
    return list(session.exec(query.order_by(col(RescreenChange.screening_id))))
