"""The jobs repository: a chunk commits whole or not at all, and never stores a row twice."""

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from service.batch import rows, runner
from service.store import batches, jobs
from service.store.tables import BatchJob, Screening

HEADER = ["transaction_type", "description"]


def chunk(engine, numbers):
    """Screened rows for the given row numbers."""
    return [rows.screen_row(engine, HEADER, n, ["material_export", "steel bolts"]) for n in numbers]


def test_a_chunk_repeating_a_stored_row_is_rolled_back_whole(db, engine, settings, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("transaction_type,description\n" + "material_export,steel bolts\n" * 4)
    job = runner.create_job(db=db, path=source, filename="in.csv", settings=settings, owner="me")
    lease = jobs.lease_of(job)
    with Session(db) as session:
        batches.add_chunk(
            session=session,
            job_id=job.id,
            rows=chunk(engine, [1, 2]),
            api_key_id=job.api_key_id,
            lease=lease,
        )
    with Session(db) as session, pytest.raises(IntegrityError):
        batches.add_chunk(
            session=session,
            job_id=job.id,
            rows=chunk(engine, [2, 3]),
            api_key_id=job.api_key_id,
            lease=lease,
        )
    with Session(db) as session:
        assert session.exec(select(func.count()).select_from(Screening)).one() == 2
        stored = session.get(BatchJob, job.id)
        assert stored is not None
        assert (stored.rows_done, stored.status) == (2, "running")
        assert batches.last_row_number(session=session, job_id=job.id) == 2


def test_run_job_finishes_and_a_second_run_adds_nothing(db, engine, settings, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("transaction_type,description\n" + "material_export,steel bolts\n" * 3)
    job = runner.create_job(db=db, path=source, filename="in.csv", settings=settings, owner="me")
    lease = jobs.lease_of(job)
    finished = runner.run_job(db=db, engine=engine, settings=settings, lease=lease)
    assert (finished.status, finished.rows_done, finished.counts) == ("done", 3, {"allowed": 3})
    runner.run_job(db=db, engine=engine, settings=settings, lease=lease)
    with Session(db) as session:
        assert session.exec(select(func.count()).select_from(Screening)).one() == 3
