"""POST /v1/screenings/bulk: many screenings in one call, each answered and stored on its own.

Calls go through service/client.py over the app's TestClient, as an ERP would make them.
"""

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.api.schemas.examples import SCREENING_EXAMPLES
from service.app import create_app
from service.client import ApiError, ScreeningClient
from service.store import chain
from service.store.tables import Role, Screening, ScreeningIdempotency
from tests.api.test_screenings import GALLIUM

EXAMPLES = [example["value"] for example in SCREENING_EXAMPLES.values()]
MISSPELT = {"transaction_type": "material_export", "description": "GaAs", "destinatio": "DE"}


@pytest.fixture
def api(client: TestClient, auth: dict[str, str]) -> Iterator[ScreeningClient]:
    """The typed client on the test's app, as the screener key."""
    yield ScreeningClient(api_key=auth["X-API-Key"], http=client, retries=0)


def stored(session: Session) -> int:
    """How many audit records there are."""
    session.expire_all()
    return session.exec(select(func.count()).select_from(Screening)).one()


def test_each_item_is_answered_in_order_exactly_as_a_single_call_answers_it(
    api: ScreeningClient, session: Session
):
    answer = api.screen_bulk(EXAMPLES)
    singles = [api.screen(example) for example in EXAMPLES]
    assert [item.index for item in answer.items] == list(range(len(EXAMPLES)))
    assert {item.status for item in answer.items} == {201}
    assert (answer.screened, answer.failed) == (len(EXAMPLES), 0)
    for item, single in zip(answer.items, singles, strict=True):
        assert item.screening is not None and item.error is None
        assert item.screening.model_dump(exclude={"id", "created_at"}) == single.model_dump(
            exclude={"id", "created_at"}
        )
    assert stored(session) == 2 * len(EXAMPLES)
    ids = {item.screening.id for item in answer.items if item.screening}
    assert len(ids) == len(EXAMPLES), "each item is its own audit record"
    assert chain.verify(session=session).intact


def test_a_bad_item_is_answered_with_its_error_and_does_not_fail_the_others(
    client: TestClient, auth: dict[str, str], session: Session
):
    body = [GALLIUM, MISSPELT, "not an object", {**GALLIUM, "reference": "GA-2"}]
    response = client.post("/v1/screenings/bulk", json=body, headers=auth)
    assert response.status_code == 200
    answer = response.json()
    assert [item["status"] for item in answer["items"]] == [201, 422, 422, 201]
    assert (answer["screened"], answer["failed"]) == (2, 2)
    misspelt = answer["items"][1]
    assert misspelt["screening"] is None
    assert misspelt["error"] == {
        "code": "validation_error",
        "message": "invalid request: body.1.destinatio: Extra inputs are not permitted",
        "details": [
            {
                "loc": ["body", "1", "destinatio"],
                "message": "Extra inputs are not permitted",
                "type": "extra_forbidden",
            }
        ],
    }
    assert answer["items"][2]["error"]["details"][0]["loc"] == ["body", "2"]
    references = [item["screening"]["reference"] for item in answer["items"] if item["screening"]]
    assert references == ["GA-1", "GA-2"]
    assert stored(session) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"items": [GALLIUM]}, "invalid request: body: Input should be a valid list"),
        ([], "invalid request: body: List should have at least 1 item after validation, not 0"),
    ],
)
def test_a_body_that_is_not_a_list_of_items_is_422_for_the_whole_call(
    client: TestClient, auth: dict[str, str], session: Session, body: object, message: str
):
    response = client.post("/v1/screenings/bulk", json=body, headers=auth)
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert stored(session) == 0


def test_more_items_than_the_limit_is_413_stating_the_limit(settings, engine, auth, session):
    app = create_app(settings.model_copy(update={"bulk_max_items": 3}), engine=engine)
    with TestClient(app) as client:
        fits = client.post("/v1/screenings/bulk", json=[GALLIUM] * 3, headers=auth)
        over = client.post("/v1/screenings/bulk", json=[GALLIUM] * 4, headers=auth)
    assert fits.status_code == 200
    assert over.status_code == 413
    assert over.json() == {
        "code": "payload_too_large",
        "message": "the request holds 4 items; the limit is 3 items a call",
        "details": {"items": 4, "limit": 3},
    }
    assert stored(session) == 3


def test_the_body_limit_grows_with_the_item_limit_and_the_413_states_it(
    settings, engine, auth, session
):
    limits = {"max_body_bytes": 1000, "bulk_max_items": 4, "bulk_item_bytes": 1024}
    app = create_app(settings.model_copy(update=limits), engine=engine)
    with TestClient(app) as client:
        # Four items are well over the single-call limit of 1,000 bytes, and fit the bulk's.
        fits = client.post("/v1/screenings/bulk", json=[GALLIUM] * 4, headers=auth)
        long = {**GALLIUM, "description": "gallium arsenide " * 300}
        over = client.post("/v1/screenings/bulk", json=[long], headers=auth)
    assert fits.status_code == 200
    assert over.status_code == 413
    assert over.json()["message"] == (
        "the request body is over the limit of 4096 bytes (4 items of 1024 bytes each)"
    )
    assert stored(session) == 4


def test_all_items_of_a_call_are_stored_in_one_group_commit(client, auth, session):
    items = [{**GALLIUM, "reference": f"GA-{n}"} for n in range(40)]
    response = client.post("/v1/screenings/bulk", json=items, headers=auth)
    assert response.json()["screened"] == 40
    metrics = client.get("/metrics").text
    assert "screening_audit_group_rows_count 1.0" in metrics
    assert "screening_audit_group_rows_sum 40.0" in metrics
    assert chain.verify(session=session).rows == 40


def test_a_retry_with_the_same_key_replays_the_whole_call(client, auth, session):
    headers = {**auth, "Idempotency-Key": "order-4711"}
    body = [GALLIUM, MISSPELT, *EXAMPLES]
    first = client.post("/v1/screenings/bulk", json=body, headers=headers)
    again = client.post("/v1/screenings/bulk", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert "idempotent-replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert stored(session) == 1 + len(EXAMPLES)
    # The call's key is its own: the same key on one screening is a different request.
    single = client.post("/v1/screenings", json=GALLIUM, headers=headers)
    assert single.status_code == 201
    assert stored(session) == 2 + len(EXAMPLES)


def test_the_same_key_with_another_body_is_409(api: ScreeningClient, session: Session):
    api.screen_bulk([GALLIUM, *EXAMPLES], idempotency_key="k1")
    with pytest.raises(ApiError) as refused:
        api.screen_bulk([GALLIUM], idempotency_key="k1")
    assert refused.value.status == 409
    assert refused.value.error.message == (
        "Idempotency-Key k1 was first used with a different request body"
    )
    assert stored(session) == 1 + len(EXAMPLES)


def test_concurrent_calls_with_one_key_store_each_item_once(client, auth, session):
    headers = {**auth, "Idempotency-Key": "burst"}
    body = [{**GALLIUM, "reference": f"GA-{n}"} for n in range(20)]
    answers: list = []
    start = threading.Barrier(3)

    def send() -> None:
        start.wait()
        answers.append(client.post("/v1/screenings/bulk", json=body, headers=headers).json())

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 3
    assert answers[0] == answers[1] == answers[2]
    assert stored(session) == 20
    keys = session.exec(select(func.count()).select_from(ScreeningIdempotency)).one()
    assert keys == 20
    assert chain.verify(session=session).intact


def test_an_auditor_may_not_screen_in_bulk(client, make_key, session):
    auditor = {"X-API-Key": make_key(Role.auditor, "auditor")[1]}
    response = client.post("/v1/screenings/bulk", json=[GALLIUM], headers=auditor)
    assert response.status_code == 403
    assert stored(session) == 0
