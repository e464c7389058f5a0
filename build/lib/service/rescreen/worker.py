"""Runs re-screen jobs one after another on a background thread; resumes them at start-up."""

import logging
import queue
import threading

import sqlalchemy
from sqlmodel import Session

from service.live_rules import LiveRules
from service.rescreen import runner
from service.store import rescreens
from service.store.tables import JobStatus

log = logging.getLogger("service.rescreen")


class RescreenWorker:
    """A queue of re-screen job ids and the one thread that runs them."""

    def __init__(self, *, db: sqlalchemy.Engine, rules: LiveRules) -> None:
        self.db, self.rules = db, rules
        self.jobs: queue.Queue[str | None] = queue.Queue()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="rescreen-worker", daemon=True)

    def start(self) -> None:
        """Start the thread; it first resumes unfinished jobs."""
        self.thread.start()

    def submit(self, job_id: str) -> None:
        """Queue a new job."""
        self.jobs.put(job_id)

    def stop(self) -> None:
        """Stop after the chunk in hand; unfinished jobs resume at the next start."""
        self.stopping.set()
        self.jobs.put(None)
        self.thread.join(timeout=30)

    def _resume(self) -> None:
        try:
            with Session(self.db) as session:
                for job_id in rescreens.unfinished_job_ids(session=session):
                    self.jobs.put(job_id)
        except Exception:  # noqa: BLE001 - an unmigrated database must not stop the app
            log.exception("rescreen.resume_failed")

    def _loop(self) -> None:
        self._resume()
        while not self.stopping.is_set():
            job_id = self.jobs.get()
            if job_id is None:
                return
            try:
                runner.run_job(
                    db=self.db, engine=self.rules.engine, job_id=job_id, stop=self.stopping
                )
            except Exception:  # noqa: BLE001 - a failed job must not stop the worker
                log.exception("rescreen.failed", extra={"job_id": job_id})
                with Session(self.db) as session:
                    job = rescreens.get_job(session=session, job_id=job_id)
                    if job is not None:
                        rescreens.finish_job(session=session, job=job, status=JobStatus.failed)
