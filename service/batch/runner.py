"""Runs a batch job in chunks; each chunk's rows and progress commit together, so it resumes."""

import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from threading import Event

import sqlalchemy
from sqlmodel import Session

from service.batch import reading
from service.batch.pool import RowPool, screen_here
from service.config import Settings
from service.engine import Engine
from service.store import batches, jobs
from service.store.batches import ScreenedRow
from service.store.jobs import Lease
from service.store.tables import BatchJob, JobStatus
from service.workflows.screening import CountDecision, record_rows

log = logging.getLogger("service.batch")

Progress = Callable[[int, int], None]


def create_job(
    *,
    db: sqlalchemy.Engine,
    path: Path,
    filename: str,
    settings: Settings,
    api_key_id: str | None = None,
    idempotency_key: str | None = None,
    job_id: str | None = None,
    owner: str | None = None,
) -> BatchJob:
    """Check the file (raising before any work) and store a queued job for it; with `owner`,
    the job is stored already leased to that process, which runs it at once."""
    checked = reading.inspect_file(path, max_rows=settings.batch_max_rows)
    with Session(db) as session:
        job = BatchJob(
            id=job_id or str(uuid.uuid4()),
            status=JobStatus.queued,
            filename=filename,
            input_path=str(path.resolve()),
            encoding=checked.encoding,
            columns=checked.header,
            unknown_columns=checked.unknown_columns,
            total_rows=checked.total_rows,
            counts={},
            idempotency_key=idempotency_key,
            api_key_id=api_key_id or batches.local_key_id(session=session),
        )
        if owner is not None:
            jobs.lease_new(job, owner=owner, seconds=settings.job_lease_seconds)
        return batches.add_job(session=session, job=job)


def run_job(
    *,
    db: sqlalchemy.Engine,
    engine: Engine,
    settings: Settings,
    lease: Lease,
    stop: Event | None = None,
    progress: Progress | None = None,
    count: CountDecision | None = None,
    pool: RowPool | None = None,
) -> BatchJob:
    """Screen the rows not yet stored, a chunk per transaction; stop early when `stop` is set.

    Every chunk commits only while `lease` is the job's: LeaseLost ends the run otherwise.
    `count` hears the decision of every row stored (the service's decisions metric); `pool`
    screens the rows in worker processes (by default they are screened in this one).
    """
    job_id = lease.job_id
    with Session(db) as session:
        job = batches.get_job(session=session, job_id=job_id)
        assert job is not None, job_id
        if job.status == JobStatus.done:
            return job
        done = batches.last_row_number(session=session, job_id=job_id)
    log.info("batch.started", extra={"job_id": job_id, "from_row": done + 1})
    rows = reading.iter_csv_rows(Path(job.input_path), job.encoding)
    unscreened = ((number, cells) for number, cells in rows if number > done)
    if pool is None:
        screened = screen_here(engine, job.columns, unscreened)
    else:
        screened = pool.screen(engine, job.columns, unscreened, count=job.total_rows - done)
    chunk: list[ScreenedRow] = []
    for row in screened:
        chunk.append(row)
        if settings.batch_row_delay:
            time.sleep(settings.batch_row_delay)
        stopping = stop is not None and stop.is_set()
        if len(chunk) >= settings.batch_chunk_size or stopping:
            # On shutdown the rows in hand are committed at once (a checkpoint), not at chunk end.
            _commit(db, job, chunk, lease, progress, count)
            chunk = []
            if stopping:
                log.info("batch.paused", extra={"job_id": job_id, "at_row": row.number})
                return job
    if chunk:
        _commit(db, job, chunk, lease, progress, count)
    with Session(db) as session:
        jobs.finish(session=session, lease=lease)
        finished = batches.get_job(session=session, job_id=job_id)
    assert finished is not None
    log.info("batch.finished", extra={"job_id": job_id, "rows": finished.rows_done})
    return finished


def _commit(
    db: sqlalchemy.Engine,
    job: BatchJob,
    chunk: list[ScreenedRow],
    lease: Lease,
    progress: Progress | None,
    count: CountDecision | None,
) -> None:
    record_rows(db, job_id=job.id, rows=chunk, api_key_id=job.api_key_id, lease=lease, count=count)
    if progress is not None:
        progress(chunk[-1].number, job.total_rows)
