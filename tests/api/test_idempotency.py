"""Idempotency-Key on POST /v1/screenings: a retry returns the first record, never a second one."""

import threading
from datetime import date

import sqlalchemy
from sqlmodel import Session, func, select

from service.engine import Engine
from service.engine.models import ScreeningRequest
from service.store import chain, idempotency, screenings
from service.store.tables import ApiKey, Role, Screening, ScreeningIdempotency
from tests.api.test_screenings import GALLIUM


def count_screenings(session: Session) -> int:
    """How many audit records are stored."""
    session.expire_all()
    return session.exec(select(func.count()).select_from(Screening)).one()


def test_a_retry_returns_the_first_record_and_stores_nothing_new(client, auth, session):
    headers = {**auth, "Idempotency-Key": "order-4711-try"}
    first = client.post("/v1/screenings", json=GALLIUM, headers=headers)
    again = client.post("/v1/screenings", json=GALLIUM, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert "idempotent-replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count_screenings(session) == 1


def test_the_same_key_with_another_body_is_409(client, auth, session):
    headers = {**auth, "Idempotency-Key": "k1"}
    first = client.post("/v1/screenings", json=GALLIUM, headers=headers).json()
    response = client.post(
        "/v1/screenings", json={**GALLIUM, "reference": "other"}, headers=headers
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "Idempotency-Key k1 was first used with a different request body",
        "details": {"screening_id": first["id"]},
    }
    assert count_screenings(session) == 1


def test_keys_are_scoped_per_api_key_and_optional(client, auth, make_key, session):
    other = {"X-API-Key": make_key(Role.screener, "other")[1], "Idempotency-Key": "k1"}
    mine = client.post("/v1/screenings", json=GALLIUM, headers={**auth, "Idempotency-Key": "k1"})
    theirs = client.post("/v1/screenings", json=GALLIUM, headers=other)
    assert mine.json()["id"] != theirs.json()["id"]
    plain = [client.post("/v1/screenings", json=GALLIUM, headers=auth) for _ in range(2)]
    assert plain[0].json()["id"] != plain[1].json()["id"]
    assert count_screenings(session) == 4


def test_an_overlong_or_unprintable_key_is_422(client, auth):
    for bad in ("k" * 151, "with space"):
        response = client.post(
            "/v1/screenings", json=GALLIUM, headers={**auth, "Idempotency-Key": bad}
        )
        assert response.status_code == 422, bad
        assert response.json()["details"][0]["loc"] == ["header", "idempotency-key"]


def test_concurrent_retries_over_http_store_one_screening(client, auth, session):
    headers = {**auth, "Idempotency-Key": "burst"}
    answers: list = []
    start = threading.Barrier(4)

    def send() -> None:
        start.wait()
        answers.append(client.post("/v1/screenings", json=GALLIUM, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(a.status_code for a in answers) == [201] * 4
    assert len({a.json()["id"] for a in answers}) == 1
    assert count_screenings(session) == 1


def test_the_database_decides_a_race_between_two_transactions(
    db: sqlalchemy.Engine, engine: Engine, screener: tuple[ApiKey, str]
):
    """B starts while A's row is uncommitted; the primary key makes B give up and return A's."""
    key_id = screener[0].id
    request = ScreeningRequest(**GALLIUM)
    result = engine.screen(request, today=date(2026, 11, 28))
    outcome: list = []
    with Session(db) as first:
        row = screenings.screening_record(request, result, key_id)
        chain.append(session=first, records=[row])
        first.add(
            ScreeningIdempotency(
                api_key_id=key_id,
                key="race",
                request_hash=idempotency.request_digest(request),
                screening_id=row["id"],
            )
        )
        first.flush()
        first_id = row["id"]

        def second() -> None:
            with Session(db) as other:
                outcome.append(
                    idempotency.add_screening_once(
                        session=other, request=request, result=result, api_key_id=key_id, key="race"
                    )
                )

        racer = threading.Thread(target=second)
        racer.start()
        racer.join(0.5)
        assert racer.is_alive(), "the second transaction should wait for the first"
        first.commit()
        racer.join(10)
    [(new, record)] = outcome
    assert new is None and record.screening_id == first_id
    with Session(db) as check:
        assert check.exec(select(func.count()).select_from(Screening)).one() == 1
