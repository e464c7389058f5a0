"""The one background loop of a process: claim jobs of every kind, run them, retry outages.

Threads: the loop itself (claims a job whenever a kind has a free slot: at once when woken by
a local submit or a job ending, else every `job_poll_seconds`), one thread per running job,
the heartbeat that renews their leases, and one thread per sweep (webhook deliveries: items
that claim themselves, see `kinds.SweepKind`). No exception ends the loop: a database outage
while claiming or sweeping is retried with a growing pause, one while running is retried under
the same lease, and a job that fails for any other reason is marked failed (itself guarded,
since the database may be what failed).
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy
from sqlalchemy.exc import (
    DBAPIError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import (
    TimeoutError as PoolTimeout,
)
from sqlmodel import Session

from service.config import Settings
from service.jobs.heartbeat import Heartbeat, owner_id
from service.jobs.kinds import Hooks, JobKind, SweepKind, Work
from service.jobs.registry import KINDS
from service.live_rules import LiveRules
from service.store import jobs
from service.store.jobs import Lease, LeaseLost
from service.store.tables import JobStatus

log = logging.getLogger(__name__)
STOP_SECONDS = 30


def is_outage(exc: BaseException) -> bool:
    """True for errors that mean the database is unreachable or busy, not that the job is bad."""
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


@dataclass
class Running:
    """A job this process runs: its kind, its lease, its thread and the event that stops it."""

    kind: JobKind
    lease: Lease
    stop: threading.Event
    thread: threading.Thread


class JobLoop:
    """Claims and runs the background jobs of every kind; `wake()` after submitting one."""

    def __init__(
        self,
        *,
        db: sqlalchemy.Engine,
        rules: LiveRules,
        settings: Settings,
        kinds: tuple[JobKind, ...] = KINDS,
        sweeps: tuple[SweepKind, ...] = (),
        hooks: Hooks | None = None,
    ) -> None:
        self.db, self.rules, self.settings, self.kinds = db, rules, settings, kinds
        self.sweeps = {kind: threading.Event() for kind in sweeps}
        self.hooks = hooks or Hooks()
        self.owner = owner_id()
        self.heartbeat = Heartbeat(
            db, seconds=settings.job_lease_seconds, interval=settings.job_heartbeat_seconds
        )
        self.running: list[Running] = []
        self._lock = threading.Lock()
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="jobs", daemon=True)
        self._sweepers = [
            threading.Thread(
                target=self._sweep, args=(kind, woken), name=f"sweep-{kind.name}", daemon=True
            )
            for kind, woken in self.sweeps.items()
        ]

    def start(self) -> None:
        """Start claiming: first whatever is unfinished and unowned, then as jobs come."""
        self.heartbeat.start()
        self._thread.start()
        for sweeper in self._sweepers:
            sweeper.start()
        log.info("jobs.started", extra={"owner": self.owner})

    def is_alive(self) -> bool:
        """True while the loop claims jobs and sweeps (from start to stop)."""
        return self._thread.is_alive() and all(t.is_alive() for t in self._sweepers)

    def wake(self) -> None:
        """Look for jobs to claim and items to sweep now (one was just submitted here)."""
        self._wakeup.set()
        for woken in self.sweeps.values():
            woken.set()

    def stop(self) -> None:
        """Stop claiming; running jobs stop at their next checkpoint and give their leases up,
        so another process resumes them at once."""
        self._stopping.set()
        self.wake()
        self._thread.join(timeout=STOP_SECONDS)
        for sweeper in self._sweepers:
            sweeper.join(timeout=STOP_SECONDS)
        with self._lock:
            running = list(self.running)
        for job in running:
            job.stop.set()
        for job in running:
            job.thread.join(timeout=STOP_SECONDS)
        self.heartbeat.stop()

    def _loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            self._wakeup.clear()
            try:
                self._claim_all()
            except Exception as exc:  # noqa: BLE001 - the loop outlives every error
                failures += 1
                if is_outage(exc):
                    extra = {"failures": failures, "error": type(exc).__name__}
                    log.warning("jobs.claim_failed", extra=extra)
                else:
                    log.exception("jobs.claim_failed", extra={"failures": failures})
            else:
                failures = 0
            self._wakeup.wait(self._pause(failures))

    def _sweep(self, kind: SweepKind, woken: threading.Event) -> None:
        """Step `kind` again and again: at once while it finds work, else when woken or after
        its poll interval; through outages with a growing pause."""
        failures = 0
        while not self._stopping.is_set():
            handled = 0
            try:
                handled = kind.step(self.db, self.owner, self._stopping)
            except Exception as exc:  # noqa: BLE001 - the sweep outlives every error
                failures += 1
                extra = {"kind": kind.name, "failures": failures, "error": type(exc).__name__}
                if not is_outage(exc):
                    log.exception("jobs.sweep_failed", extra=extra)
                elif failures == 1:
                    # Once per outage, without a trace: the sweep retries every few seconds.
                    log.warning("jobs.sweep_failed", extra=extra)
            else:
                if failures:
                    log.info("jobs.sweep_resumed", extra={"kind": kind.name})
                failures = 0
            if failures or handled == 0:
                woken.wait(self._pause(failures) if failures else kind.poll_seconds)
                woken.clear()

    def _pause(self, failures: int) -> float:
        """Seconds until the next look: the poll interval, growing after failures (to a cap)."""
        poll = self.settings.job_poll_seconds
        cap = max(poll, self.settings.job_heartbeat_seconds)
        return min(poll * 2 ** min(failures, 16), cap) if failures else poll

    def _free_slots(self, kind: JobKind) -> int:
        with self._lock:
            return kind.slots - sum(1 for job in self.running if job.kind is kind)

    def _claim_all(self) -> None:
        for kind in self.kinds:
            while self._free_slots(kind) > 0 and not self._stopping.is_set():
                with Session(self.db) as session:
                    lease = jobs.claim_next(
                        session=session,
                        table=kind.table,
                        owner=self.owner,
                        seconds=self.settings.job_lease_seconds,
                        ready=kind.ready(),
                    )
                if lease is None:
                    break
                self._start(kind, lease)

    def _start(self, kind: JobKind, lease: Lease) -> None:
        stop = threading.Event()
        self.heartbeat.hold(lease, stop)
        thread = threading.Thread(
            target=self._run, args=(kind, lease, stop), name=f"job-{kind.name}", daemon=True
        )
        with self._lock:
            self.running.append(Running(kind, lease, stop, thread))
        log.info(
            "jobs.claimed",
            extra={"kind": kind.name, "job_id": lease.job_id, "epoch": lease.epoch},
        )
        thread.start()

    def _run(self, kind: JobKind, lease: Lease, stop: threading.Event) -> None:
        try:
            work = Work(
                lease=lease,
                db=self.db,
                engine=self.rules.engine,
                settings=self.settings,
                stop=stop,
                hooks=self.hooks,
            )
            run_with_retries(kind, work, pause=self._pause)
        finally:
            self.heartbeat.drop(lease)
            with self._lock:
                self.running = [job for job in self.running if job.lease != lease]
            # A slot is free, and the job's end may have queued a webhook event.
            self.wake()


def run_with_retries(kind: JobKind, work: Work, *, pause: Callable[[int], float]) -> None:
    """Run one job to its end: through database outages (same lease), until its lease is lost
    or it fails (marked failed); on a stop, give the lease up for another process."""
    lease, failures = work.lease, 0
    while True:
        try:
            kind.run(work)
        except LeaseLost:
            log.warning("jobs.lease_lost", extra={"kind": kind.name, "job_id": lease.job_id})
            return
        except Exception as exc:  # noqa: BLE001 - a job's failure must not end the loop
            if not is_outage(exc):
                log.exception("jobs.failed", extra={"kind": kind.name, "job_id": lease.job_id})
                guarded_write(
                    work.db,
                    lambda session: jobs.finish(
                        session=session, lease=lease, status=JobStatus.failed
                    ),
                )
                return
            failures += 1
            log.warning(
                "jobs.database_unavailable",
                extra={"kind": kind.name, "job_id": lease.job_id, "failures": failures},
            )
            if not work.stop.wait(pause(failures)):
                continue
        guarded_write(work.db, lambda session: jobs.release(session=session, lease=lease))
        return


def guarded_write(db: sqlalchemy.Engine, write: Callable[[Session], object]) -> None:
    """A write after the job's end that may fail (database away, lease gone) without harm."""
    try:
        with Session(db) as session:
            write(session)
    except (SQLAlchemyError, LeaseLost) as exc:
        log.warning("jobs.final_write_failed", extra={"error": type(exc).__name__})
