"""What a kind of background job is: its table, how to run one job of it, how many at once."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy
from sqlalchemy import ColumnElement

from service.config import Settings
from service.engine import Engine
from service.store.jobs import Lease
from service.store.tables import Leased

OnRows = Callable[[int], None]
OnDecision = Callable[[str], object]


def no_conditions() -> tuple[ColumnElement[bool], ...]:
    """No conditions beyond the lease's: every unfinished, unleased job is ready."""
    return ()


@dataclass(frozen=True)
class Hooks:
    """What the runtime wants to hear from jobs: rows stored, decisions made (metrics)."""

    on_rows: OnRows | None = None
    on_decision: OnDecision | None = None


@dataclass(frozen=True)
class Work:
    """One claimed job and what running it takes.

    `engine` is the rule set in service when the job was claimed; a job keeps it to its end.
    `stop` is set when the process stops or the lease is lost: return at the next checkpoint.
    """

    lease: Lease
    db: sqlalchemy.Engine
    engine: Engine
    settings: Settings
    stop: threading.Event
    hooks: Hooks = field(default_factory=Hooks)


@dataclass(frozen=True)
class JobKind:
    """A kind of background job.

    `run` does one job under `work.lease`: every transaction it commits starts with
    `store.jobs.fence`, and it ends with `store.jobs.finish`. It may raise LeaseLost (the job
    is someone else's now), a database error (retried with the same lease) or anything else
    (the job is marked failed).
    """

    name: str
    table: type[Leased]
    run: Callable[[Work], None]
    # Jobs of this kind one process runs at once, so a long batch never holds up the others.
    slots: int = 1
    # Extra conditions a job must meet to be claimed now (e.g. a retry that is due).
    ready: Callable[[], tuple[ColumnElement[bool], ...]] = no_conditions


# step(db, owner, stop) -> how many items it handled.
SweepStep = Callable[[sqlalchemy.Engine, str, threading.Event], int]


@dataclass(frozen=True)
class SweepKind:
    """A kind of background work made of many short items, each claimed by the step itself.

    `step(db, owner, stop)` handles what is due now and returns how many items it handled.
    Every item is claimed under a short lease of its own in its table (e.g. a webhook
    delivery, store/deliveries), so every process may sweep at once and each item is handled by
    one. An item lasts less than its lease (a delivery: the HTTP timeouts), so a sweep needs no
    heartbeat and no thread per item. The loop steps again at once while the step finds work,
    else after `poll_seconds` or a `JobLoop.wake()`; a database outage is retried with the
    loop's growing pause.
    """

    name: str
    step: SweepStep
    poll_seconds: float
