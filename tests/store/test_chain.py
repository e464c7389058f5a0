"""The audit chain: every write path chains its rows, and verify finds any change or removal."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
import sqlalchemy
from sqlalchemy import Connection, text
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from service.cli import app
from service.engine.models import Decision, ScreeningRequest
from service.store import batches, chain, jobs, migrate, screenings
from service.store.batches import ScreenedRow
from service.store.json_codec import EncodedJson, json_text
from service.store.tables import BatchJob, Screening
from tests.conftest import MIGRATIONS
from tests.store.test_screenings import make_request, make_result


def sqlite_triggers(table: str) -> list[str]:
    """The SQLite append-only triggers of `table`, as the migrations create them."""
    return [
        f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for action in ("UPDATE", "DELETE")
    ]


@contextmanager
def triggers_lifted(db: sqlalchemy.Engine, table: str = "screening") -> Iterator[Connection]:
    """A transaction in which the append-only triggers do not fire: how a tamperer would work."""
    with db.begin() as connection:
        if db.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            yield connection
            return
        for action in ("update", "delete"):
            connection.execute(text(f"DROP TRIGGER {table}_no_{action}"))
        yield connection
        for statement in sqlite_triggers(table):
            connection.execute(text(statement))


@pytest.fixture
def five(session: Session, key_id: str) -> list[Screening]:
    """Five chained screenings, in chain order."""
    for n in range(5):
        screenings.add_screening(
            session=session,
            request=make_request(reference=f"R{n}"),
            result=make_result(),
            api_key_id=key_id,
        )
    return list(session.exec(select(Screening).order_by(col(Screening.seq))))


def verify(db: sqlalchemy.Engine) -> chain.Verdict:
    """Walk the test database's chain."""
    with Session(db) as session:
        return chain.verify(session=session)


def test_rows_are_chained_in_order_and_verify_passes(db, five: list[Screening]):
    assert [row.seq for row in five] == [1, 2, 3, 4, 5]
    assert five[0].prev_hash == chain.GENESIS
    assert [row.prev_hash for row in five[1:]] == [row.row_hash for row in five[:-1]]
    verdict = verify(db)
    assert (verdict.intact, verdict.rows, verdict.last_hash) == (True, 5, five[-1].row_hash)


def test_a_changed_decision_is_caught_at_its_row(db, five: list[Screening]):
    with triggers_lifted(db) as connection:
        connection.execute(
            text("UPDATE screening SET decision = 'allowed' WHERE id = :id"), {"id": five[2].id}
        )
    verdict = verify(db)
    assert (verdict.screening_id, verdict.rows) == (five[2].id, 2)
    assert "row_hash does not match" in (verdict.problem or "")


def test_a_row_rehashed_by_the_tamperer_breaks_the_next_link(db, five: list[Screening]):
    forged = five[1].model_dump() | {"decision": "allowed"}
    with triggers_lifted(db) as connection:
        connection.execute(
            text("UPDATE screening SET decision = 'allowed', row_hash = :h WHERE id = :id"),
            {"h": chain.row_hash(forged, five[1].prev_hash), "id": five[1].id},
        )
    verdict = verify(db)
    assert verdict.screening_id == five[2].id
    assert "prev_hash" in (verdict.problem or "")


def test_a_row_deleted_in_the_middle_is_caught(db, five: list[Screening]):
    with triggers_lifted(db) as connection:
        connection.execute(text("DELETE FROM screening WHERE id = :id"), {"id": five[2].id})
    verdict = verify(db)
    assert verdict.screening_id == five[3].id
    assert "seq 4 where 3 was due" in (verdict.problem or "")


def test_a_row_deleted_at_the_end_is_caught_by_the_head(db, five: list[Screening]):
    with triggers_lifted(db) as connection:
        connection.execute(text("DELETE FROM screening WHERE id = :id"), {"id": five[-1].id})
    verdict = verify(db)
    assert not verdict.intact and verdict.screening_id is None
    assert "removed from the end" in (verdict.problem or "")


def test_batch_chunks_are_chained_with_single_screenings(db, session: Session, key_id: str):
    screenings.add_screening(
        session=session, request=make_request(), result=make_result(), api_key_id=key_id
    )
    job = BatchJob(
        id="job-1",
        status="queued",
        filename="in.csv",
        input_path="/nowhere/in.csv",
        encoding="utf-8",
        columns=["transaction_type", "description"],
        unknown_columns=[],
        total_rows=3,
        counts={},
        api_key_id=key_id,
    )
    jobs.lease_new(job, owner="me", seconds=30)
    batches.add_job(session=session, job=job)
    rows = [
        ScreenedRow(n, ["material_export", "x"], encoded(make_request(reference=f"B{n}")), {})
        for n in (1, 2)
    ]
    rows.append(ScreenedRow(3, ["bad", ""], None, {"error": "bad row"}))
    lease = jobs.lease_of(job)
    batches.add_chunk(session=session, job_id="job-1", rows=rows, api_key_id=key_id, lease=lease)
    verdict = verify(db)
    assert (verdict.intact, verdict.rows) == (True, 3)
    stored = session.exec(select(Screening).where(Screening.reference == "B2")).one()
    assert list(stored.request.items()) == list(
        make_request(reference="B2").model_dump(mode="json").items()
    )
    assert list(stored.result.items()) == list(make_result().model_dump(mode="json").items())


def encoded(request: ScreeningRequest) -> dict:
    """A batch row's audit fields, encoded as a worker process sends them."""
    return screenings.decided_fields(request, make_result(), encoded=True)


def test_a_record_encoded_ahead_is_hashed_and_stored_as_its_plain_form():
    plain = screenings.screening_record(make_request(), make_result(), "key-1") | {"seq": 7}
    ahead = plain | encoded(make_request())
    assert isinstance(ahead["result"], EncodedJson)
    assert chain.canonical(ahead, chain.GENESIS) == chain.canonical(plain, chain.GENESIS)
    for field in ("request", "result"):
        assert json_text(ahead[field]) == json_text(plain[field])


def test_concurrent_writers_leave_one_unbroken_chain(db, key_id: str):
    def write(n: int) -> None:
        with Session(db) as own:
            for i in range(5):
                screenings.add_screening(
                    session=own,
                    request=make_request(reference=f"T{n}-{i}"),
                    result=make_result(Decision.unknown),
                    api_key_id=key_id,
                )

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    verdict = verify(db)
    assert (verdict.intact, verdict.rows) == (True, 30)


def test_the_migration_chains_rows_stored_before_it(empty_database_url):
    with empty_database_url() as url:
        migrate.upgrade(database_url=url, migrations_dir=MIGRATIONS, revision="0002")
        db = sqlalchemy.create_engine(url)
        with db.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO api_key (id, name, role, key_hash, prefix, created_at) "
                    "VALUES ('k', 'old', 'screener', :h, 'scr_', :t)"
                ),
                {"h": "f" * 64, "t": datetime(2026, 1, 1, tzinfo=UTC)},
            )
            for n in range(3):
                connection.execute(
                    text(
                        "INSERT INTO screening (id, reference, transaction_type, decision, as_of,"
                        " request, result, ruleset_version, ruleset_digest, api_key_id,"
                        " created_at) VALUES (:id, NULL, 'material_export', 'allowed', :d,"
                        " '{\"a\": 1.5}', '{\"b\": [\"镓\"]}', 'v1', 'sha256:x', 'k', :t)"
                    ),
                    {
                        "id": f"old-{n}",
                        "d": date(2026, 1, 1),
                        "t": datetime(2026, 1, 2, n, tzinfo=UTC),
                    },
                )
        db.dispose()
        migrate.upgrade(database_url=url, migrations_dir=MIGRATIONS)
        db = sqlalchemy.create_engine(url)
        try:
            verdict = verify(db)
            with Session(db) as session:
                order = list(session.exec(select(Screening.id).order_by(col(Screening.seq))))
        finally:
            db.dispose()
    assert (verdict.intact, verdict.rows) == (True, 3)
    assert order == ["old-0", "old-1", "old-2"]


def test_cli_verify_exits_0_when_intact_and_1_naming_the_tampered_row(
    db, database_url, five: list[Screening]
):
    env = {"SCREENING_DATABASE_URL": database_url}
    intact = CliRunner().invoke(app, ["audit", "verify"], env=env)
    assert intact.exit_code == 0, intact.output
    assert intact.output.strip() == f"audit chain intact: 5 screenings, head {five[-1].row_hash}"
    with triggers_lifted(db) as connection:
        connection.execute(
            text("UPDATE screening SET reference = 'X' WHERE id = :id"), {"id": five[3].id}
        )
    broken = CliRunner().invoke(app, ["audit", "verify"], env=env)
    assert broken.exit_code == 1
    assert f"BROKEN at screening {five[3].id} after 3 good rows: row_hash" in broken.output
