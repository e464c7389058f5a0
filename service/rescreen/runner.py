"""Runs a re-screen job in chunks: each chunk's changes, flags and progress commit together."""

import logging
import uuid
from collections.abc import Callable
from datetime import date, datetime
from threading import Event

import sqlalchemy
from pydantic import ValidationError
from sqlmodel import Session

from service.engine import Engine
from service.engine.calendar import utc_day_start
from service.engine.models import ScreeningRequest, ScreeningResult
from service.rescreen.report import party_key
from service.store import batches, rescreens, reviews
from service.store.tables import JobStatus, RescreenChange, RescreenJob, Screening, utcnow

log = logging.getLogger("service.rescreen")

CHUNK = 200
Progress = Callable[[int, int], None]


def create_job(
    *,
    db: sqlalchemy.Engine,
    engine: Engine,
    since: date | None = None,
    as_of: date | None = None,
    api_key_id: str | None = None,
) -> RescreenJob:
    """Store a queued job over the screenings created since `since` (all when None)."""
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
        return rescreens.add_job(session=session, job=job)


def run_job(
    *,
    db: sqlalchemy.Engine,
    engine: Engine,
    job_id: str,
    stop: Event | None = None,
    progress: Progress | None = None,
) -> RescreenJob:
    """Re-screen the job's screenings not yet done; stop early when `stop` is set."""
    with Session(db) as session:
        job = rescreens.get_job(session=session, job_id=job_id)
        assert job is not None, job_id
        if job.status in (JobStatus.done, JobStatus.failed):
            return job
        since = _start(job.since)
        pages = rescreens.iter_scope(
            session=session, job=job, since=since, skip=job.done, size=CHUNK
        )
        for page in pages:
            changes = [c for row in page if (c := rescreen_one(engine, row, job)) is not None]
            for change in changes:
                _flag_if_disposed(session, change, job)
            rescreens.save_progress(
                session=session, job=job, changes=changes, done=job.done + len(page)
            )
            if progress is not None:
                progress(job.done, job.total)
            if stop is not None and stop.is_set():
                log.info("rescreen.paused", extra={"job_id": job_id})
                return job
        job = rescreens.finish_job(session=session, job=job)
    log.info("rescreen.finished", extra={"job_id": job_id, "changed": job.changed})
    return job


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


def _flag_if_disposed(session: Session, change: RescreenChange, job: RescreenJob) -> None:
    """A disposed screening whose decision changes goes back into the review queue."""
    if reviews.list_dispositions(session=session, screening_id=change.screening_id):
        reviews.add_flag(
            session=session,
            screening_id=change.screening_id,
            rescreen_id=job.id,
            old_decision=change.old_decision,
            new_decision=change.new_decision,
            ruleset_version=job.ruleset_version,
        )


def _start(day: date | None) -> datetime | None:
    """Midnight UTC at the start of `day`, or None."""
    return utc_day_start(day) if day else None
