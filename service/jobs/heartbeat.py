"""Who this process is to the job tables, and the thread that renews the leases it holds."""

import logging
import os
import secrets
import socket
import threading

import sqlalchemy
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from service.store import jobs
from service.store.jobs import Lease

log = logging.getLogger(__name__)


def owner_id() -> str:
    """A name for this process that no other process has: host:pid:random."""
    return f"{socket.gethostname()[:90]}:{os.getpid()}:{secrets.token_hex(4)}"


class Heartbeat:
    """Renews every lease it holds each `interval` seconds, for `seconds` from then.

    When a renewal finds the lease taken (another process claimed the job after it ran out),
    the lease's `lost` event is set and the lease dropped. A database outage only logs: the
    lease runs out unless the database comes back first.
    """

    def __init__(self, db: sqlalchemy.Engine, *, seconds: float, interval: float) -> None:
        self.db, self.seconds, self.interval = db, seconds, interval
        self._leases: dict[Lease, threading.Event] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="jobs-heartbeat", daemon=True)

    def start(self) -> None:
        """Start renewing."""
        self._thread.start()

    def stop(self) -> None:
        """Stop renewing (held leases then run out unless released)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def hold(self, lease: Lease, lost: threading.Event) -> None:
        """Renew `lease` from now on; set `lost` if it turns out to be someone else's."""
        with self._lock:
            self._leases[lease] = lost

    def drop(self, lease: Lease) -> None:
        """Stop renewing `lease`."""
        with self._lock:
            self._leases.pop(lease, None)

    def held(self) -> list[Lease]:
        """The leases renewed now."""
        with self._lock:
            return list(self._leases)

    def _loop(self) -> None:
        while not self._stopping.wait(self.interval):
            self.beat()

    def beat(self) -> None:
        """Renew every held lease once."""
        with self._lock:
            leases = list(self._leases.items())
        for lease, lost in leases:
            try:
                with Session(self.db) as session:
                    ours = jobs.renew(session=session, lease=lease, seconds=self.seconds)
            except SQLAlchemyError as exc:
                extra = {"job_id": lease.job_id, "error": type(exc).__name__}
                log.warning("jobs.heartbeat_failed", extra=extra)
                continue
            except Exception:  # noqa: BLE001 - the heartbeat outlives every error
                log.exception("jobs.heartbeat_failed", extra={"job_id": lease.job_id})
                continue
            if not ours:
                log.warning("jobs.lease_lost", extra={"job_id": lease.job_id, "epoch": lease.epoch})
                lost.set()
                self.drop(lease)
