"""The audit writer stores each screening before its caller goes on, in groups, chained intact."""

import asyncio
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from service.store import chain, screenings
from service.store.audit_writer import AuditWriter, WriterTurn
from service.store.tables import Screening
from tests.store.test_screenings import make_request, make_result


def records(key_id: str, count: int) -> list[dict]:
    """`count` screening records of the key, as the API builds them."""
    return [
        screenings.screening_record(make_request(reference=f"PO-{n}"), make_result(), key_id)
        for n in range(count)
    ]


def stored_ids(db: sqlalchemy.Engine) -> set[str]:
    with Session(db) as session:
        return set(session.exec(select(Screening.id)))


@pytest.fixture
def writer(db: sqlalchemy.Engine) -> Iterator[AuditWriter]:
    audit = AuditWriter(db)
    audit.start()
    yield audit
    audit.stop()


def test_concurrent_appends_are_all_stored_and_chained_before_they_return(
    db, writer: AuditWriter, key_id: str
):
    batch = records(key_id, 200)

    async def append_all() -> None:
        await asyncio.gather(*(writer.append(record) for record in batch))

    asyncio.run(append_all())
    assert stored_ids(db) == {record["id"] for record in batch}
    with Session(db) as session:
        verdict = chain.verify(session=session)
    assert verdict.intact and verdict.rows == 200


def test_a_row_that_cannot_be_stored_fails_alone(db, writer: AuditWriter, key_id: str):
    good = records(key_id, 6)
    clash = {**records(key_id, 1)[0], "id": good[2]["id"]}  # same primary key as a good row

    async def append_all() -> list[BaseException | None]:
        return await asyncio.gather(
            *(writer.append(record) for record in [*good, clash]), return_exceptions=True
        )

    outcomes = asyncio.run(append_all())
    assert outcomes[:6] == [None] * 6
    assert isinstance(outcomes[6], IntegrityError)
    assert stored_ids(db) == {record["id"] for record in good}
    with Session(db) as session:
        assert chain.verify(session=session).intact


def test_append_all_stores_many_records_in_one_group_and_names_the_one_that_failed(db, key_id: str):
    groups: list[int] = []
    audit = AuditWriter(db, on_group=groups.append)
    audit.start()
    good = records(key_id, 300)
    clash = {**records(key_id, 1)[0], "id": good[7]["id"]}
    try:
        clean = asyncio.run(audit.append_all(good[:260]))
        mixed = asyncio.run(audit.append_all([*good[260:], clash]))
    finally:
        audit.stop()
    assert clean == [None] * 260
    assert groups[0] == 260, "more than MAX_GROUP records handed over at once stay one group"
    assert mixed[:40] == [None] * 40
    assert isinstance(mixed[40], IntegrityError)
    assert stored_ids(db) == {record["id"] for record in good}
    with Session(db) as session:
        assert chain.verify(session=session).rows == 300


def test_an_unreachable_database_fails_every_waiting_caller(tmp_path, key_id: str, db):
    unreachable = sqlalchemy.create_engine(f"sqlite:///{tmp_path}/no-such-folder/audit.db")
    audit = AuditWriter(unreachable)
    audit.start()

    async def append_three() -> list[BaseException | None]:
        return await asyncio.gather(
            *(audit.append(record) for record in records(key_id, 3)), return_exceptions=True
        )

    try:
        outcomes = asyncio.run(append_three())
    finally:
        audit.stop()
    assert [type(outcome) for outcome in outcomes] == [OperationalError] * 3
    assert stored_ids(db) == set()


def test_stop_stores_what_is_queued_and_refuses_more(db, key_id: str):
    audit = AuditWriter(db)
    audit.start()
    record = records(key_id, 1)[0]

    async def append_then_stop() -> None:
        pending = asyncio.ensure_future(audit.append(record))
        await asyncio.sleep(0)  # the record now waits for the end of the loop's pass
        audit.stop()  # on the loop's thread, as the app's lifespan does
        await pending

    asyncio.run(append_then_stop())
    assert stored_ids(db) == {record["id"]}
    with pytest.raises(RuntimeError, match="not running"):
        asyncio.run(audit.append(records(key_id, 1)[0]))


def test_a_connection_cut_between_groups_is_replaced_without_failing_a_request(
    db, writer: AuditWriter, key_id: str, session: Session
):
    if db.dialect.name != "postgresql":
        pytest.skip("needs a database server that can cut a connection")
    first, second = records(key_id, 2)
    asyncio.run(writer.append(first))
    session.close()  # the fixture's own connection goes back to the pool, which pre-pings
    with db.connect() as connection:  # what a server restart does to the writer's connection
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    asyncio.run(writer.append(second))
    assert stored_ids(db) == {first["id"], second["id"]}


def test_writers_of_one_sqlite_file_take_turns(tmp_path):
    db = sqlalchemy.create_engine(f"sqlite:///{tmp_path}/audit.db")
    first, second = WriterTurn.for_database(db), WriterTurn.for_database(db)  # two processes
    entered = threading.Event()

    def write() -> None:
        with second:
            entered.set()

    with first:
        other = threading.Thread(target=write)
        other.start()
        assert not entered.wait(0.2)
    assert entered.wait(2)
    other.join()
    first.close()
    second.close()
