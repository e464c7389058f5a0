"""The tamper-evident audit chain: every screening row hashes its content and its predecessor.

One chain per database. A writer locks the single `audit_chain_head` row (an UPDATE: a row
lock on PostgreSQL, the database's write lock on SQLite), gives its rows the next positions and
hashes, inserts them and records the last hash, all in the caller's transaction. Writers are
therefore serialised for the few statements of an insert; `bench/chain_bench.py` measures what
that costs. Audit events (facts recorded beside the screenings, such as a Spark run's
manifest) take positions in the same chain, so one walk in `seq` order covers both tables.
"""

import hashlib
import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, insert, select, update
from sqlmodel import Session, col

from service.store.json_codec import EncodedJson
from service.store.tables import AuditChainHead, AuditEvent, Screening, as_utc

GENESIS = "0" * 64
HEAD_ID = 1
# The stored fields a row hash covers, besides prev_hash; changing this list breaks old chains.
HASHED_FIELDS = (
    "id",
    "seq",
    "reference",
    "transaction_type",
    "decision",
    "as_of",
    "request",
    "result",
    "ruleset_version",
    "ruleset_digest",
    "api_key_id",
    "created_at",
)
# The same for an audit event's row; as above, never change it once rows are stored.
EVENT_HASHED_FIELDS = (
    "id",
    "seq",
    "kind",
    "reference",
    "payload",
    "ruleset_version",
    "ruleset_digest",
    "api_key_id",
    "created_at",
)


def _plain(value: Any) -> Any:
    """A value as it is hashed: dates ISO, times UTC with microseconds, JSON as encoded."""
    if isinstance(value, EncodedJson):
        # The sorted-key bytes orjson would write for the value itself: the same hash.
        return orjson.Fragment(value.canonical)
    if isinstance(value, datetime):
        return as_utc(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical(
    record: Mapping[str, Any], prev_hash: str, fields: tuple[str, ...] = HASHED_FIELDS
) -> bytes:
    """The bytes a row hash is taken over: the hashed fields and prev_hash, sorted-key JSON."""
    payload = {name: _plain(record[name]) for name in fields}
    payload["prev_hash"] = prev_hash
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)


def row_hash(
    record: Mapping[str, Any], prev_hash: str, fields: tuple[str, ...] = HASHED_FIELDS
) -> str:
    """Hex sha256 of a record chained to `prev_hash`."""
    return hashlib.sha256(canonical(record, prev_hash, fields)).hexdigest()


def chained(
    records: list[dict[str, Any]],
    seq: int,
    prev_hash: str,
    fields: tuple[str, ...] = HASHED_FIELDS,
) -> tuple[int, str]:
    """Give records the positions after `seq` and their hashes; the new (seq, last hash)."""
    for record in records:
        seq += 1
        record["seq"], record["prev_hash"] = seq, prev_hash
        record["row_hash"] = prev_hash = row_hash(record, prev_hash, fields)
    return seq, prev_hash


_HEAD = AuditChainHead.__table__
_SCREENING = Screening.__table__
# Built once and in plain Core: on the audit write path, building ORM-enabled statements anew
# and letting the Session sync them with loaded objects cost more than running them.
_CLAIM = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(seq=_HEAD.c.seq + bindparam("count"))
    .returning(_HEAD.c.seq, _HEAD.c.last_hash)
)
_INSERT = insert(_SCREENING)
_INSERT_EVENT = insert(AuditEvent.__table__)
_SET_LAST_HASH = update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(last_hash=bindparam("last"))


def _claim(connection: Connection, count: int) -> tuple[int, str]:
    """Lock the chain head for this transaction, claim `count` positions; (seq before, hash).

    An UPDATE rather than a SELECT: it takes PostgreSQL's row lock and SQLite's write lock
    (which a SELECT would not) and reads the head in the same round trip.
    """
    seq, last_hash = connection.execute(_CLAIM, {"count": count}).one()
    return seq - count, last_hash


def append(*, session: Session, records: list[dict[str, Any]]) -> None:
    """Chain and insert screening records in the session's transaction (the caller commits)."""
    append_on(session.connection(), records)


def append_on(connection: Connection, records: list[dict[str, Any]]) -> None:
    """Chain and insert screening records in the connection's transaction (the caller commits)."""
    if not records:
        return
    _, last_hash = chained(records, *_claim(connection, len(records)))
    connection.execute(_INSERT, records)
    connection.execute(_SET_LAST_HASH, {"last": last_hash})


def append_event(*, session: Session, record: dict[str, Any]) -> None:
    """Chain and insert one audit event in the session's transaction (the caller commits)."""
    connection = session.connection()
    _, last_hash = chained([record], *_claim(connection, 1), EVENT_HASHED_FIELDS)
    connection.execute(_INSERT_EVENT, [record])
    connection.execute(_SET_LAST_HASH, {"last": last_hash})


@dataclass(frozen=True)
class Verdict:
    """The outcome of walking the chain: how many rows, and the first problem if any.

    `rows` counts every good record, screenings and audit events; `events` the events among them.
    """

    rows: int
    last_hash: str
    problem: str | None = None
    screening_id: str | None = None
    events: int = 0
    event_id: str | None = None

    @property
    def intact(self) -> bool:
        """True when every row and the head check out."""
        return self.problem is None


def _rows(
    session: Session, table: type[Screening] | type[AuditEvent], page: int = 1000
) -> Iterator[Screening | AuditEvent]:
    after = 0
    while True:
        query = (select(table).where(col(table.seq) > after).order_by(col(table.seq))).limit(page)
        rows = list(session.scalars(query))
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        for row in rows:
            session.expunge(row)


def verify(*, session: Session) -> Verdict:
    """Walk the chain in order; stop at the first row whose position or hashes do not hold."""
    expected_seq, prev, count, events = 1, GENESIS, 0, 0
    walk = heapq.merge(
        _rows(session, Screening), _rows(session, AuditEvent), key=lambda row: row.seq
    )
    for row in walk:
        record = row.model_dump()
        fields = EVENT_HASHED_FIELDS if isinstance(row, AuditEvent) else HASHED_FIELDS
        problem = None
        if row.seq != expected_seq:
            problem = f"seq {row.seq} where {expected_seq} was due: rows are missing before it"
        elif row.prev_hash != prev:
            problem = "prev_hash is not the previous row's hash: a row before it was changed"
        elif row.row_hash != row_hash(record, row.prev_hash, fields):
            problem = "row_hash does not match the stored content: this row was changed"
        if problem:
            where = {"event_id" if isinstance(row, AuditEvent) else "screening_id": row.id}
            return Verdict(rows=count, last_hash=prev, problem=problem, events=events, **where)
        expected_seq, prev, count = row.seq + 1, row.row_hash, count + 1
        events += isinstance(row, AuditEvent)
    head = session.execute(
        select(AuditChainHead.seq, AuditChainHead.last_hash).where(
            col(AuditChainHead.id) == HEAD_ID
        )
    ).one_or_none()
    if head is None:
        return Verdict(
            rows=count, last_hash=prev, problem="the chain head row is missing", events=events
        )
    if tuple(head) != (count, prev):
        return Verdict(
            rows=count,
            last_hash=prev,
            events=events,
            problem=f"the head records {head[0]} rows ending in {head[1][:12]}, the table holds "
            f"{count} ending in {prev[:12]}: rows were removed from the end",
        )
    return Verdict(rows=count, last_hash=prev, events=events)
