"""Re-screens: re-run stored screenings under the current rule set, report what changes."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse, Response

from service.api.deps import Authorized, EngineDep, ServicesDep, SessionDep, authorize
from service.api.errors import BAD_JSON_BODY, ERROR_RESPONSES, ErrorBody, NotFound
from service.api.schemas.rescreens import RescreenCreate, RescreenStatus, status_from_job
from service.rescreen import report, runner
from service.store import rescreens
from service.store.tables import RescreenJob

router = APIRouter(
    prefix="/v1/rescreens",
    tags=["rescreens"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)
NO_JOB = {404: {"model": ErrorBody, "description": "no re-screen with this id"}}


@router.post(
    "",
    status_code=202,
    operation_id="create_rescreen",
    responses={
        **BAD_JSON_BODY,
        403: {"model": ErrorBody, "description": "only admin keys start re-screens"},
    },
)
def create_rescreen(
    body: RescreenCreate, services: ServicesDep, engine: EngineDep, caller: Authorized
) -> RescreenStatus:
    """Start re-running stored screenings in the background; no new audit records are made."""
    job = runner.create_job(
        db=services.db,
        engine=engine,
        settings=services.settings,
        since=body.since,
        as_of=body.as_of,
        api_key_id=caller.key.id,
    )
    services.jobs.wake()
    return status_from_job(job)


@router.get("/{rescreen_id}", operation_id="get_rescreen", responses=NO_JOB)
def get_rescreen(rescreen_id: str, session: SessionDep) -> RescreenStatus:
    """A re-screen's progress and counts."""
    return status_from_job(_job(session, rescreen_id))


@router.get(
    "/{rescreen_id}/report",
    operation_id="get_rescreen_report",
    response_class=Response,
    responses={
        200: {
            "description": "JSON by default or with format=json; CSV with format=csv or "
            "Accept: text/csv",
            "content": {"application/json": {}, "text/csv": {}},
        },
        **NO_JOB,
    },
)
def get_rescreen_report(
    rescreen_id: str,
    session: SessionDep,
    format: Annotated[str | None, Query(pattern="^(json|csv)$")] = None,  # noqa: A002
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """Every screening whose decision would change: old and new decision, categories, versions."""
    job = _job(session, rescreen_id)
    changes = rescreens.list_changes(session=session, job_id=job.id)
    if format == "csv" or (format is None and accept and "text/csv" in accept):
        headers = {"Content-Disposition": f'attachment; filename="rescreen-{job.id}.csv"'}
        return Response(report.report_csv(changes), media_type="text/csv", headers=headers)
    return JSONResponse(report.report_json(job, changes))


def _job(session: SessionDep, rescreen_id: str) -> RescreenJob:
    job = rescreens.get_job(session=session, job_id=rescreen_id)
    if job is None:
        raise NotFound(f"no re-screen with id {rescreen_id}")
    return job
