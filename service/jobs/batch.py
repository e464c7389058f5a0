"""The batch kind: screen an uploaded CSV file, a chunk of rows per transaction."""

from collections.abc import Callable

from sqlmodel import Session

from service.batch import runner
from service.batch.pool import RowPool
from service.batch.runner import Progress
from service.jobs.kinds import JobKind, OnRows, Work
from service.store import batches
from service.store.tables import BatchJob


def runs_with(pool: RowPool | None) -> Callable[[Work], None]:
    """How a batch job runs: the rows not yet stored, screened in `pool`'s worker processes
    (in this process when None), a chunk per transaction (see batch/runner.py)."""

    def run(work: Work) -> None:
        runner.run_job(
            db=work.db,
            engine=work.engine,
            settings=work.settings,
            lease=work.lease,
            stop=work.stop,
            progress=_counter(work, work.hooks.on_rows),
            count=work.hooks.on_decision,
            pool=pool,
        )

    return run


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


def batch_kind(pool: RowPool | None) -> JobKind:
    """The batch kind, screening its rows in `pool` (see runs_with)."""
    return JobKind(name="batch", table=BatchJob, run=runs_with(pool))


BATCH = batch_kind(None)
