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
from service.config import Settings
from service.engine import Engine
from service.engine.models import ScreeningResult
from service.store import batches, jobs
from service.store.batches import ScreenedRow
from service.store.jobs import Lease
from service.store.tables import BatchJob, JobStatus
from service.workflows.screening import CountDecision, decide, record_rows

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
) -> BatchJob:
    """Screen the rows not yet stored, a chunk per transaction; stop early when `stop` is set.

    Every chunk commits only while `lease` is the job's: LeaseLost ends the run otherwise.
    `count` hears the decision of every row stored (the service's decisions metric).
    """
    job_id = lease.job_id
    with Session(db) as session:
        job = batches.get_job(session=session, job_id=job_id)
        assert job is not None, job_id
        if job.status == JobStatus.done:
            return job
        done = batches.last_row_number(session=session, job_id=job_id)
    log.info("batch.started", extra={"job_id": job_id, "from_row": done + 1})
    chunk: list[ScreenedRow] = []
    for number, cells in reading.iter_csv_rows(Path(job.input_path), job.encoding):
        if number <= done:
            continue
        chunk.append(screen_row(engine, job.columns, number, cells))
        if settings.batch_row_delay:
            time.sleep(settings.batch_row_delay)
        stopping = stop is not None and stop.is_set()
        if len(chunk) >= settings.batch_chunk_size or stopping:
            # On shutdown the rows in hand are committed at once (a checkpoint), not at chunk end.
            _commit(db, job, chunk, lease, progress, count)
            chunk = []
            if stopping:
                log.info("batch.paused", extra={"job_id": job_id, "at_row": number})
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


def screen_row(engine: Engine, header: list[str], number: int, cells: list[str]) -> ScreenedRow:
    """One CSV row screened; its request and result are None when it cannot be read."""
    try:
        request = reading.to_request(header, cells)
        result = decide(engine, request)
    except ValueError as exc:
        return ScreenedRow(number, cells, None, None, {"error": str(exc)})
    except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
        log.exception("batch.row_failed", extra={"row": number})
        error = {"error": f"internal error: {type(exc).__name__}"}
        return ScreenedRow(number, cells, None, None, error)
    return ScreenedRow(number, cells, request, result, outcome(result))


def outcome(result: ScreeningResult) -> dict:
    """The output fields of one screened row."""
    return {
        "decision": result.decision.value,
        "categories": [m.category_id for m in result.matches],
        "citations": [
            f"{m.instrument_id} {m.citation.item_number or m.citation.number}"
            for m in result.matches
        ],
        "missing_information": result.missing_information,
        "advisories": [a.code for a in result.advisories],
        "explanation": result.explanation,
        "error": None,
    }
