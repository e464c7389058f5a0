"""Batch upload with live progress (a meta refresh, so it works without JavaScript)."""

import uuid

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlmodel import Session

from service.api.deps import ServicesDep, SessionDep
from service.api.permissions import Permission
from service.batch import reading, runner, writing
from service.store import batches
from service.ui.deps import CsrfChecked, SignedIn, need, owns, render
from service.workflows.batches import save_upload

router = APIRouter(prefix="/ui/batches", include_in_schema=False)


@router.get("")
def batch_list(request: Request, user: SignedIn, session: SessionDep) -> Response:
    """The upload form and the latest jobs (a screener's own only)."""
    owner = need(user.key, Permission.batches_read)
    jobs = batches.list_jobs(session=session, api_key_id=owner, limit=20, offset=0)
    return render(request, "batches.html", user, jobs=jobs, error=None)


@router.post("", dependencies=[CsrfChecked])
def upload(request: Request, file: UploadFile, user: SignedIn, services: ServicesDep) -> Response:
    """Store the CSV as a job and wake the job loop; then show its progress page."""
    owner = need(user.key, Permission.batches_create)
    job_id = str(uuid.uuid4())
    try:
        path = save_upload(file.file, services.settings, job_id)
        job = runner.create_job(
            db=services.db,
            path=path,
            filename=file.filename or "upload.csv",
            settings=services.settings,
            api_key_id=user.key.id,
            job_id=job_id,
        )
    except (reading.BatchFileError, reading.BatchTooLarge) as exc:
        with Session(services.db) as session:
            jobs = batches.list_jobs(session=session, api_key_id=owner, limit=20, offset=0)
        return render(request, "batches.html", user, status=400, jobs=jobs, error=exc.message)
    services.jobs.wake()
    return RedirectResponse(f"/ui/batches/{job.id}", status_code=303)


@router.get("/{job_id}")
def batch_page(request: Request, job_id: str, user: SignedIn, session: SessionDep) -> Response:
    """A job's progress; the page refreshes itself every two seconds until it is finished."""
    owner = need(user.key, Permission.batches_read)
    job = batches.get_job(session=session, job_id=job_id)
    if job is None or not owns(owner, job.api_key_id):
        return render(request, "error.html", user, status=404, message="no such batch")
    errors = batches.list_row_errors(session=session, job_id=job_id)
    return render(request, "batch.html", user, job=job, errors=errors)


@router.get("/{job_id}/results")
def batch_results(job_id: str, user: SignedIn, services: ServicesDep) -> Response:
    """The results CSV, for a browser that cannot send an X-API-Key header."""
    owner = need(user.key, Permission.batches_read)
    with Session(services.db) as session:
        job = batches.get_job(session=session, job_id=job_id)
    if job is None or not owns(owner, job.api_key_id):
        return Response("no such batch", status_code=404)

    def lines():  # noqa: ANN202 - a generator of CSV text
        with Session(services.db) as session:
            yield from writing.csv_lines(
                job.columns, batches.iter_stored_rows(session=session, job_id=job_id)
            )

    headers = {"Content-Disposition": f'attachment; filename="{job_id}.csv"'}
    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=headers)
