"""Batches: upload a CSV, screen it in the background, follow progress, fetch results."""

import json
import uuid
from collections.abc import Iterator
from typing import Annotated

import sqlalchemy
from fastapi import APIRouter, Depends, Header, Query, UploadFile
from fastapi.responses import StreamingResponse
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from service.api.deps import (
    Authorized,
    Caller,
    ServicesDep,
    SessionDep,
    SettingsDep,
    authorize,
    caller_owns,
)
from service.api.errors import ERROR_RESPONSES, ErrorBody, NotFound, NotReady
from service.api.schemas.batches import BatchList, BatchStatus, status_from_job
from service.api.schemas.screenings import PageQuery
from service.batch import runner, writing
from service.store import batches
from service.store.tables import BatchJob
from service.workflows.batches import save_upload

router = APIRouter(
    prefix="/v1/batches",
    tags=["batches"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


@router.post(
    "",
    status_code=202,
    operation_id="create_batch",
    responses={
        400: {"model": ErrorBody, "description": "not UTF-8/GB18030, empty, or missing columns"},
        413: {"model": ErrorBody, "description": "over the upload size or row limit"},
    },
)
def create_batch(
    file: UploadFile,
    services: ServicesDep,
    caller: Authorized,
    idempotency_key: Annotated[str | None, Header(max_length=150)] = None,
) -> BatchStatus:
    """Upload a CSV (one transaction a row); the job is screened in the background."""
    key = caller.key
    # Scoped by API key, so one client's key never returns another client's job.
    idempotency_key = f"{key.id}:{idempotency_key}" if idempotency_key else None
    with Session(services.db) as session:
        if idempotency_key and (
            job := batches.find_job_by_idempotency_key(session=session, key=idempotency_key)
        ):
            return status_from_job(job)
    job_id = str(uuid.uuid4())
    path = save_upload(file.file, services.settings, job_id)
    try:
        job = runner.create_job(
            db=services.db,
            path=path,
            filename=(file.filename or "").replace("\x00", "") or "upload.csv",
            settings=services.settings,
            api_key_id=key.id,
            idempotency_key=idempotency_key,
            job_id=job_id,
        )
    except IntegrityError:
        path.unlink(missing_ok=True)
        return _same_key_job(services.db, idempotency_key)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    services.jobs.wake()
    return status_from_job(job)


def _same_key_job(db: sqlalchemy.Engine, key: str | None) -> BatchStatus:
    """The job a concurrent upload with the same Idempotency-Key created first."""
    with Session(db) as session:
        job = batches.find_job_by_idempotency_key(session=session, key=key) if key else None
    if job is None:
        raise NotReady("the upload could not be stored; try again")
    return status_from_job(job)


@router.get("", operation_id="list_batches")
def list_batches(
    query: Annotated[PageQuery, Query()],
    session: SessionDep,
    settings: SettingsDep,
    caller: Authorized,
) -> BatchList:
    """Batch jobs, newest first; a screener key sees only its own."""
    limit = min(query.limit, settings.max_page_size)
    jobs = batches.list_jobs(
        session=session, api_key_id=caller.owner, limit=limit, offset=query.offset
    )
    return BatchList(items=[status_from_job(job) for job in jobs])


@router.get(
    "/{job_id}",
    operation_id="get_batch",
    responses={404: {"model": ErrorBody, "description": "no batch with this id"}},
)
def get_batch(job_id: str, session: SessionDep, caller: Authorized) -> BatchStatus:
    """A job's status, rows done and total, counts per decision and first row errors."""
    job = _job(session, job_id, caller)
    return status_from_job(job, batches.list_row_errors(session=session, job_id=job_id))


@router.get(
    "/{job_id}/results",
    operation_id="get_batch_results",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "CSV by default; a JSON array for Accept: application/json, "
            "JSON lines for application/x-ndjson",
            "content": {"text/csv": {}, "application/json": {}, "application/x-ndjson": {}},
        },
        404: {"model": ErrorBody, "description": "no batch with this id"},
    },
)
def get_batch_results(
    job_id: str,
    session: SessionDep,
    services: ServicesDep,
    caller: Authorized,
    accept: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """The rows screened so far (all of them once done): input columns, then the results."""
    job = _job(session, job_id, caller)
    headers = {"X-Batch-Status": job.status}
    if accept and "application/x-ndjson" in accept:
        lines = _stream(services.db, job_id, lambda rows: writing.json_lines(job.columns, rows))
        return StreamingResponse(lines, media_type="application/x-ndjson", headers=headers)
    if accept and "application/json" in accept:
        array = _stream(services.db, job_id, lambda rows: _json_array(job.columns, rows))
        return StreamingResponse(array, media_type="application/json", headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{job_id}.csv"'
    text = _stream(services.db, job_id, lambda rows: writing.csv_lines(job.columns, rows))
    return StreamingResponse(text, media_type="text/csv; charset=utf-8", headers=headers)


def _job(session: Session, job_id: str, caller: Caller) -> BatchJob:
    """The job, if the caller may see it (a screener only its own); else 404."""
    job = batches.get_job(session=session, job_id=job_id)
    if job is None or not caller_owns(caller, job.api_key_id):
        raise NotFound(f"no batch with id {job_id}")
    return job


def _stream(db: sqlalchemy.Engine, job_id: str, render) -> Iterator[str]:  # noqa: ANN001
    with Session(db) as session:
        yield from render(batches.iter_stored_rows(session=session, job_id=job_id))


def _json_array(columns: list[str], rows) -> Iterator[str]:  # noqa: ANN001
    yield "["
    for index, row in enumerate(rows):
        prefix = "," if index else ""
        yield prefix + json.dumps(writing.json_record(columns, row), ensure_ascii=False)
    yield "]\n"
