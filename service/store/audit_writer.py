"""Group commit for the audit log: screenings that arrive together are chained in one transaction.

Every screening answered over HTTP must be in the audit log before its answer leaves. Committing
each one on its own paid, per request, a connection checkout, the chain-head claim, an INSERT,
the head update and a COMMIT (an fsync on SQLite). Instead, the screenings decided in one pass of
the event loop are handed to one writer thread as a group, and the thread stores each group,
with any others that queued while it was committing, in one transaction. Under load the fixed
cost is shared by the group; a lone request still commits at once. A request waits on its own
future, so its answer still leaves only after its row is durable.
"""

import asyncio
import contextlib
import fcntl
import logging
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from service import tracing
from service.store import chain

log = logging.getLogger("service.audit")
# The server or the pool failed, not a row: retrying the group row by row would fail the same way.
OUTAGES = (OperationalError, InterfaceError, PoolTimeout)
MAX_GROUP = 256


@dataclass(frozen=True)
class _Pending:
    record: dict[str, Any]
    loop: asyncio.AbstractEventLoop
    done: asyncio.Future[int]  # the size of the group it was committed with


Outcome = tuple[asyncio.Future[int], int | BaseException]


def _settle(outcomes: list[Outcome]) -> None:
    for done, outcome in outcomes:
        if done.done():  # the request was cancelled; its row is stored all the same
            continue
        if isinstance(outcome, BaseException):
            done.set_exception(outcome)
        else:
            done.set_result(outcome)


def _tell(group: list[_Pending], error: BaseException | None) -> None:
    """Wake the waiting requests: one call into each event loop, not one per row."""
    outcome = error if error is not None else len(group)
    by_loop: dict[asyncio.AbstractEventLoop, list[Outcome]] = {}
    for pending in group:
        by_loop.setdefault(pending.loop, []).append((pending.done, outcome))
    for loop, outcomes in by_loop.items():
        # A closed loop (RuntimeError) has nobody waiting any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, outcomes)


class WriterTurn:
    """Whose turn it is to write a SQLite file, among the server processes sharing it.

    Two workers' audit writers contending for SQLite's write lock met its busy handler, which
    sleeps 1, 2, 5, 10 ms and more between tries: at c16 on two workers p99 reached 60 ms. An
    exclusive flock on a file beside the database is handed over by the kernel the moment it is
    released. PostgreSQL and in-memory SQLite need none (the turn is then always free).
    """

    def __init__(self, path: str | None) -> None:
        self._path = path
        self._fd: int | None = None

    @classmethod
    def for_database(cls, db: sqlalchemy.Engine) -> "WriterTurn":
        """The turn for this database: a lock file beside a SQLite file, else none."""
        name = db.url.database
        if db.dialect.name != "sqlite" or name in (None, "", ":memory:"):
            return cls(None)
        return cls(f"{name}.audit-writer.lock")

    def __enter__(self) -> None:
        if self._path is not None and self._fd is None:
            # No folder to put it in: go without, SQLite will say what is wrong.
            with contextlib.suppress(OSError):
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Release the lock file."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class AuditWriter:
    """One thread that appends screening records to the chained audit log in groups.

    Records appended during one pass of the event loop (the requests that arrived together)
    are handed over as one group; the thread merges whatever groups queued while it committed.
    """

    def __init__(
        self,
        db: sqlalchemy.Engine,
        max_group: int = MAX_GROUP,
        on_group: Callable[[int], object] | None = None,
    ) -> None:
        self.db = db
        self.max_group = max_group
        self.on_group = on_group
        self._queue: queue.SimpleQueue[list[_Pending] | None] = queue.SimpleQueue()
        self._gathering: list[_Pending] = []
        self._held: sqlalchemy.Connection | None = None
        self._turn = WriterTurn.for_database(db)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the writer thread."""
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Store what is queued, then end the thread. Call it from the event loop's thread."""
        if self._thread is None:
            return
        if self._gathering:
            self._hand_over()
        self._queue.put(None)
        self._thread.join()
        self._thread = None

    async def append(self, record: dict[str, Any]) -> None:
        """Chain and store one screening record; returns once it is committed, else raises."""
        if self._thread is None:
            raise RuntimeError("the audit writer is not running")
        loop = asyncio.get_running_loop()
        done: asyncio.Future[int] = loop.create_future()
        with tracing.span("audit.write", screening_id=record.get("id")) as step:
            if not self._gathering:
                loop.call_soon(self._hand_over)  # after the other requests ready in this pass
            self._gathering.append(_Pending(record, loop, done))
            step.set(group_size=await done)

    async def append_all(self, records: list[dict[str, Any]]) -> list[BaseException | None]:
        """Chain and store many records in one hand-over; once all are settled, each one's error.

        A bulk call waits once for its records, which share a transaction (one group).
        """
        if self._thread is None:
            raise RuntimeError("the audit writer is not running")
        if not records:
            return []
        loop = asyncio.get_running_loop()
        pending = [_Pending(record, loop, loop.create_future()) for record in records]
        if not self._gathering:
            loop.call_soon(self._hand_over)
        self._gathering += pending
        settled = await asyncio.gather(*(p.done for p in pending), return_exceptions=True)
        return [error if isinstance(error, BaseException) else None for error in settled]

    def _hand_over(self) -> None:
        gathered, self._gathering = self._gathering, []
        self._queue.put(gathered)

    def _connection(self) -> sqlalchemy.Connection:
        # Kept across groups: a checkout per group cost a pre-ping round trip on PostgreSQL.
        if self._held is None:
            self._held = self.db.connect()
        return self._held

    def _disconnect(self, *, broken: bool = False) -> None:
        if self._held is not None:
            with contextlib.suppress(Exception):  # the server may be gone already
                if broken:
                    self._held.invalidate()
                self._held.close()
            self._held = None

    def _run(self) -> None:
        try:
            self._write_groups()
        finally:
            self._disconnect()
            self._turn.close()

    def _write_groups(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group, stopping = first, False
            while len(group) < self.max_group:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                group += more
            self._store(group)
            if stopping:
                return

    def _store(self, group: list[_Pending], *, reconnect: bool = True) -> None:
        """Commit the group in one transaction; if one row spoils it, store the rows one by one."""
        try:
            connection = self._connection()
            with self._turn, connection.begin():
                chain.append_on(connection, [pending.record for pending in group])
        except Exception as exc:  # noqa: BLE001 - every waiting request must hear of the failure
            if isinstance(exc, OUTAGES):
                self._disconnect(broken=True)
                if reconnect and getattr(exc, "connection_invalidated", False):
                    # The held connection had died (a server restart): once more on a new one.
                    self._store(group, reconnect=False)
                    return
            elif len(group) > 1:
                log.warning("audit.group_failed", extra={"rows": len(group), "error": repr(exc)})
                for pending in group:
                    self._store([pending])
                return
            _tell(group, exc)
            return
        _tell(group, None)
        if self.on_group is not None:
            self.on_group(len(group))
