"""Runs a re-screen job in chunks: each chunk's changes, flags and progress commit together."""

import logging
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime
from threading import Event

import sqlalchemy
from pydantic import ValidationError
from sqlmodel import Session

from service.config import Settings
from service.engine import Engine
from service.engine.calendar import utc_day_start
from service.engine.models import ScreeningRequest, ScreeningResult
from service.rescreen.report import party_key
from service.store import batches, jobs, rescreens, reviews
from service.store.jobs import Lease
from service.store.tables import (
    JobStatus,
    RescreenChange,
    RescreenJob,
    ReviewFlag,
    Screening,
    utcnow,
)

log = logging.getLogger("service.rescreen")

Progress = Callable[[int, int], None]


def create_job(
    *,
    db: sqlalchemy.Engine,
    engine: Engine,
    settings: Settings,
    since: date | None = None,
    as_of: date | None = None,
    api_key_id: str | None = None,
    owner: str | None = None,
) -> RescreenJob:
    """Store a queued job over the screenings created since `since` (all when None); with
    `owner`, the job is stored already leased to that process, which runs it at once."""
    with Session(db) as session:
        job = RescreenJob(
            id=str(uuid.uuid4()),
            status=JobStatus.queued,
            since=since,
            as_of=as_of,
            ruleset_version=engine.ruleset.version,
            ruleset_digest=engine.ruleset.digest,
            counts={},
            api_key_id=api_key_id or batches.local_key_id(session=session),
            created_at=utcnow(),
        )
        job.total = rescreens.count_scope(session=session, job=job, since=_start(since))
        if owner is not None:
            jobs.lease_new(job, owner=owner, seconds=settings.job_lease_seconds)
        return rescreens.add_job(session=session, job=job)


def run_job(
    *,
    db: sqlalchemy.Engine,
    engine: Engine,
    settings: Settings,
    lease: Lease,
    stop: Event | None = None,
    progress: Progress | None = None,
) -> RescreenJob:
    """Re-screen the job's screenings not yet done, a chunk per transaction; stop early when
    `stop` is set. Every chunk commits only while `lease` is the job's (LeaseLost otherwise)."""
    with Session(db) as session:
        job = rescreens.get_job(session=session, job_id=lease.job_id)
    assert job is not None, lease.job_id
    if job.status in (JobStatus.done, JobStatus.failed):
        return job
    since = _start(job.since)
    while True:
        if stop is not None and stop.is_set():
            log.info("rescreen.paused", extra={"job_id": job.id, "done": job.done})
            return job
        with Session(db, expire_on_commit=False) as session:
            size = settings.rescreen_chunk_size
            page = rescreens.scope_page(
                session=session, job=job, since=since, skip=job.done, size=size
            )
            if not page:
                break
            changes = [c for row in page if (c := _rescreen_row(engine, row, job, settings))]
            job = rescreens.save_progress(
                session=session,
                lease=lease,
                screened=len(page),
                changes=changes,
                flags=_flags(session, changes, job),
            )
        if progress is not None:
            progress(job.done, job.total)
    with Session(db, expire_on_commit=False) as session:
        jobs.finish(session=session, lease=lease)
        job = rescreens.get_job(session=session, job_id=lease.job_id)
    assert job is not None
    log.info("rescreen.finished", extra={"job_id": job.id, "changed": job.changed})
    return job


def _rescreen_row(
    engine: Engine, row: Screening, job: RescreenJob, settings: Settings
) -> RescreenChange | None:
    change = rescreen_one(engine, row, job)
    if settings.rescreen_row_delay:
        time.sleep(settings.rescreen_row_delay)
    return change


def rescreen_one(engine: Engine, row: Screening, job: RescreenJob) -> RescreenChange | None:
    """The change a re-screen makes to one stored screening, or None when it stays the same."""
    as_of = job.as_of or row.as_of
    try:
        request = ScreeningRequest.model_validate({**row.request, "as_of": as_of.isoformat()})
    except ValidationError:
        log.warning("rescreen.request_invalid", extra={"screening_id": row.id})
        return None
    result = engine.screen(request, today=as_of)
    if result.decision.value == row.decision:
        return None
    old = ScreeningResult.model_validate(row.result)
    return RescreenChange(
        job_id=job.id,
        screening_id=row.id,
        reference=row.reference,
        as_of=as_of,
        old_decision=row.decision,
        new_decision=result.decision.value,
        old_ruleset_version=row.ruleset_version,
        new_ruleset_version=result.ruleset.version,
        categories=difference(old, result) + party_difference(old, result),
    )


def difference(old: ScreeningResult, new: ScreeningResult) -> list[str]:
    """The categories whose contribution differs between two results (added, gone or changed)."""
    before = {m.category_id: m.decision.value for m in old.matches}
    after = {m.category_id: m.decision.value for m in new.matches}
    return sorted(c for c in before.keys() | after.keys() if before.get(c) != after.get(c))


def party_difference(old: ScreeningResult, new: ScreeningResult) -> list[str]:
    """The listed entries whose contribution differs between two results, each as
    `party:<list>:<entry id>` (stored with the categories; the report tells them apart)."""
    before = {(m.list, m.entry_id): m.decision.value for m in old.party_matches}
    after = {(m.list, m.entry_id): m.decision.value for m in new.party_matches}
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    return [party_key(kind, entry_id) for kind, entry_id in sorted(changed)]


def _flags(session: Session, changes: list[RescreenChange], job: RescreenJob) -> list[ReviewFlag]:
    """A disposed screening whose decision changes goes back into the review queue."""
    disposed = reviews.latest_outcomes(
        session=session, screening_ids=[change.screening_id for change in changes]
    )
    return [
        reviews.new_flag(
            screening_id=change.screening_id,
            rescreen_id=job.id,
            old_decision=change.old_decision,
            new_decision=change.new_decision,
            ruleset_version=job.ruleset_version,
        )
        for change in changes
        if change.screening_id in disposed
    ]


def _start(day: date | None) -> datetime | None:
    """Midnight UTC at the start of `day`, or None."""
    return utc_day_start(day) if day else None
