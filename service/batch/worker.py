"""Runs batch jobs one after another on a background thread of the app; resumes at start-up."""

import logging
import queue
import threading
from collections.abc import Callable

import sqlalchemy
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from sqlmodel import Session

from service.batch import runner
from service.batch.pool import RowPool
from service.config import Settings
from service.live_rules import LiveRules
from service.store import batches
from service.store.tables import JobStatus

log = logging.getLogger("service.batch")
RETRY_SECONDS = 2.0


class JobWorker:
    """A queue of job ids and the one thread that screens them."""

    def __init__(
        self,
        *,
        db: sqlalchemy.Engine,
        rules: LiveRules,
        settings: Settings,
        on_rows: Callable[[int], None] | None = None,
        on_decision: Callable[[str], object] | None = None,
    ) -> None:
        self.db, self.rules, self.settings = db, rules, settings
        self.on_rows, self.on_decision = on_rows, on_decision
        self.jobs: queue.Queue[str | None] = queue.Queue()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="batch-worker", daemon=True)
        # Its processes start with the first job big enough to need them.
        self.pool = RowPool(
            jobs=settings.batch_jobs, rules_dir=settings.rules_dir, log_level=settings.log_level
        )

    def start(self) -> None:
        """Start the thread; it first resumes the jobs a previous process left unfinished."""
        self.thread.start()

    def _resume(self) -> None:
        try:
            with Session(self.db) as session:
                unfinished = batches.unfinished_job_ids(session=session)
        except SQLAlchemyError:
            log.exception("batch.resume_failed")
            return
        for job_id in unfinished:
            log.info("batch.resuming", extra={"job_id": job_id})
            self.jobs.put(job_id)

    def submit(self, job_id: str) -> None:
        """Queue a new job."""
        self.jobs.put(job_id)

    def stop(self) -> None:
        """Stop after the chunk in hand; unfinished jobs resume at the next start."""
        self.stopping.set()
        self.jobs.put(None)
        self.thread.join(timeout=30)
        self.pool.close()

    def _counter(self, job_id: str) -> Callable[[int, int], None] | None:
        """A progress callback that reports how many rows each chunk added."""
        if self.on_rows is None:
            return None
        on_rows = self.on_rows
        with Session(self.db) as session:
            last = batches.last_row_number(session=session, job_id=job_id)

        def progress(done: int, _total: int) -> None:
            nonlocal last
            on_rows(done - last)
            last = done

        return progress

    def _loop(self) -> None:
        self._resume()
        while not self.stopping.is_set():
            job_id = self.jobs.get()
            if job_id is None:
                return
            try:
                runner.run_job(
                    db=self.db,
                    engine=self.rules.engine,  # a job keeps one rule set to its end
                    settings=self.settings,
                    job_id=job_id,
                    stop=self.stopping,
                    progress=self._counter(job_id),
                    count=self.on_decision,
                    pool=self.pool,
                )
            except IntegrityError:
                log.warning("batch.taken_over", extra={"job_id": job_id})
            except (OperationalError, InterfaceError):
                # The database is away: the job keeps its committed chunks and is tried again.
                log.warning("batch.database_unavailable", extra={"job_id": job_id})
                self.stopping.wait(RETRY_SECONDS)
                self.jobs.put(job_id)
            except Exception:  # noqa: BLE001 - a failed job must not stop the worker
                log.exception("batch.failed", extra={"job_id": job_id})
                self._mark_failed(job_id)

    def _mark_failed(self, job_id: str) -> None:
        try:
            with Session(self.db) as session:
                batches.finish_job(session=session, job_id=job_id, status=JobStatus.failed)
        except SQLAlchemyError:
            log.exception("batch.mark_failed_failed", extra={"job_id": job_id})
