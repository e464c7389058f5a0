"""The batch kind: screen an uploaded CSV file, a chunk of rows per transaction."""

from sqlmodel import Session

from service.batch import runner
from service.batch.runner import Progress
from service.jobs.kinds import JobKind, OnRows, Work
from service.store import batches
from service.store.tables import BatchJob


def run(work: Work) -> None:
    """Screen the rows of the job not yet stored (see batch/runner.py)."""
    runner.run_job(
        db=work.db,
        engine=work.engine,
        settings=work.settings,
        lease=work.lease,
        stop=work.stop,
        progress=_counter(work, work.hooks.on_rows),
        count=work.hooks.on_decision,
    )


def _counter(work: Work, on_rows: OnRows | None) -> Progress | None:
    """A progress callback that reports how many rows each chunk added."""
    if on_rows is None:
        return None
    with Session(work.db) as session:
        last = batches.last_row_number(session=session, job_id=work.lease.job_id)

    def progress(done: int, _total: int) -> None:
        nonlocal last
        on_rows(done - last)
        last = done

    return progress


BATCH = JobKind(name="batch", table=BatchJob, run=run)
