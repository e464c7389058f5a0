"""decide_and_record(): every caller (HTTP, Idempotency-Key, /ui, batch) counts and logs alike."""

import asyncio
import json
import logging
from collections.abc import Iterator

import pytest
import sqlalchemy
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.engine import Engine, ScreeningRequest
from service.engine.calendar import beijing_today
from service.store import screenings
from service.store.audit_writer import AuditWriter
from service.store.tables import ApiKey
from service.workflows.screening import IdempotencyConflict, Recorder, decide, decide_and_record
from tests.api.test_batches import SAMPLE, upload, wait_done
from tests.api.test_observability import metric
from tests.api.test_screenings import GALLIUM
from tests.ui.test_pages import sign_in


@pytest.fixture
def decided_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The `screening.decided` log records of the test."""
    with caplog.at_level(logging.DEBUG, logger="service.screenings"):
        yield caplog


def decided(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The `screening.decided` records captured so far."""
    return [r for r in caplog.records if r.getMessage() == "screening.decided"]


def decisions(client: TestClient, decision: str) -> float:
    """The decisions metric for one decision."""
    return metric(client.get("/metrics").text, "screening_decisions_total", decision=decision)


def test_a_plain_api_screening_is_stored_counted_and_logged(client, auth, session, decided_logs):
    body = client.post("/v1/screenings", json=GALLIUM, headers=auth).json()
    assert screenings.get_screening(session=session, screening_id=body["id"]) is not None
    assert decisions(client, body["decision"]) == 1
    assert [r.screening_id for r in decided(decided_logs)] == [body["id"]]


def test_an_idempotent_screening_is_counted_once_and_its_replay_not_at_all(
    client, auth, decided_logs
):
    headers = {**auth, "Idempotency-Key": "order-1"}
    first = client.post("/v1/screenings", json=GALLIUM, headers=headers)
    again = client.post("/v1/screenings", json=GALLIUM, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert decisions(client, first.json()["decision"]) == 1
    assert [r.screening_id for r in decided(decided_logs)] == [first.json()["id"]]


def test_a_ui_screening_is_counted_and_logged_like_an_api_one(
    client, make_key, session, decided_logs
):
    _, secret = make_key(name="Form user")
    form = {"csrf_token": sign_in(client, secret), "description": GALLIUM["description"]}
    form |= {"transaction_type": "material_export", "destination_country": "DE"}
    response = client.post("/ui/screenings", data=form, follow_redirects=False)
    assert response.status_code == 303
    screening_id = response.headers["location"].rsplit("/", 1)[1]
    row = screenings.get_screening(session=session, screening_id=screening_id)
    assert row is not None
    assert decisions(client, row.decision) == 1
    assert [r.screening_id for r in decided(decided_logs)] == [screening_id]


def test_batch_rows_are_counted_and_logged_at_debug_level(client, auth, decided_logs):
    job = upload(client, auth, SAMPLE.read_bytes()).json()
    done = wait_done(client, auth, job["id"])
    text = client.get("/metrics").text
    counted = sum(metric(text, "screening_decisions_total", decision=d) for d in done["counts"])
    assert counted == sum(done["counts"].values()) > 0
    rows = decided(decided_logs)
    assert len(rows) == counted
    assert {r.levelno for r in rows} == {logging.DEBUG}


def test_a_request_without_as_of_is_decided_on_the_beijing_day(engine: Engine):
    undated = {k: v for k, v in GALLIUM.items() if k != "as_of"}
    request = ScreeningRequest.model_validate(undated)
    assert decide(engine, request).as_of == beijing_today()


def record(db: sqlalchemy.Engine, engine: Engine, key: ApiKey, **kwargs: str) -> list[str]:
    """decide_and_record() twice on a running audit writer; the counted decisions."""
    counted: list[str] = []
    audit = AuditWriter(db)
    audit.start()
    recorder = Recorder(db=db, audit=audit, count=counted.append)
    request = ScreeningRequest.model_validate(GALLIUM)

    async def twice() -> None:
        for _ in range(2):
            stored = await decide_and_record(
                request, engine=engine, recorder=recorder, api_key_id=key.id, **kwargs
            )
            assert json.loads(json.dumps(stored.record, default=str))["api_key_id"] == key.id

    try:
        asyncio.run(twice())
    finally:
        audit.stop()
    return counted


def test_decide_and_record_without_http_stores_and_counts_each_screening(db, engine, make_key):
    key, _ = make_key()
    counted = record(db, engine, key)
    assert len(counted) == 2
    with Session(db) as session:
        rows, total = screenings.list_screenings(session=session)
    assert total == 2 and {r.decision for r in rows} == set(counted)


def test_decide_and_record_with_a_key_stores_once(db, engine, make_key):
    key, _ = make_key()
    assert len(record(db, engine, key, idempotency_key="k-1")) == 1


def test_a_key_reused_with_another_body_is_a_conflict(db, engine, make_key):
    key, _ = make_key()
    record(db, engine, key, idempotency_key="k-1")
    other = ScreeningRequest.model_validate({**GALLIUM, "reference": "another"})
    recorder = Recorder(db=db, audit=AuditWriter(db))
    with pytest.raises(IdempotencyConflict):
        asyncio.run(
            decide_and_record(
                other, engine=engine, recorder=recorder, api_key_id=key.id, idempotency_key="k-1"
            )
        )
