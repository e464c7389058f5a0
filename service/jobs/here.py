"""One job run by this process in the foreground (the CLI), under a lease like the loop's."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from threading import Event

import sqlalchemy
from sqlmodel import Session

from service.config import Settings
from service.jobs.heartbeat import Heartbeat
from service.jobs.loop import guarded_write
from service.store import jobs
from service.store.jobs import Lease
from service.store.tables import UNFINISHED_JOBS, Leased


def claim_here(
    *,
    db: sqlalchemy.Engine,
    settings: Settings,
    table: type[Leased],
    job_id: str,
    owner: str,
    on_wait: Callable[[Leased], None],
) -> Lease | None:
    """Claim this job for `owner`, waiting while another live process holds its lease
    (`on_wait` hears each wait); None once the job is finished, by anyone, or gone."""
    while True:
        with Session(db) as session:
            lease = jobs.claim_job(
                session=session,
                table=table,
                job_id=job_id,
                owner=owner,
                seconds=settings.job_lease_seconds,
            )
        if lease is not None:
            return lease
        with Session(db) as session:
            row = session.get(table, job_id)
        if row is None or row.status not in UNFINISHED_JOBS:  # type: ignore[attr-defined]
            return None
        on_wait(row)
        time.sleep(settings.job_poll_seconds)


@contextmanager
def holding(*, db: sqlalchemy.Engine, settings: Settings, lease: Lease) -> Iterator[Event]:
    """Renew `lease` while the block runs; yield an event set if the lease is lost. The lease
    of a job left unfinished (interrupted) is given up, so another process resumes it at once."""
    lost = Event()
    heartbeat = Heartbeat(
        db, seconds=settings.job_lease_seconds, interval=settings.job_heartbeat_seconds
    )
    heartbeat.hold(lease, lost)
    heartbeat.start()
    try:
        yield lost
    finally:
        heartbeat.stop()
        guarded_write(db, lambda session: jobs.release(session=session, lease=lease))
