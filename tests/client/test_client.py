"""service/client.py against the real app: typed answers, safe retries, typed errors, batches."""

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.app import create_app
from service.client import ApiError, ScreeningClient
from service.store.tables import Screening
from tests.api.test_screenings import GALLIUM

SAMPLE = Path(__file__).parents[1] / "data" / "sample.csv"


class LosesFirstAnswers(httpx.BaseTransport):
    """Delivers every request to the app, but loses the first `lost` answers on the way back."""

    def __init__(self, app_client: TestClient, lost: int) -> None:
        self.app_client, self.lost, self.delivered = app_client, lost, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.app_client.request(
            request.method, str(request.url), headers=dict(request.headers), content=request.read()
        )
        self.delivered += 1
        if self.delivered <= self.lost:
            raise httpx.ReadError("connection reset by peer", request=request)
        return httpx.Response(
            answer.status_code, headers=dict(answer.headers), content=answer.content
        )


def stored(session: Session) -> int:
    """How many audit records there are."""
    session.expire_all()
    return session.exec(select(func.count()).select_from(Screening)).one()


def test_a_lost_answer_is_retried_with_the_same_key_and_stores_one_screening(
    client: TestClient, auth, session: Session
):
    waits: list[float] = []
    flaky = LosesFirstAnswers(client, lost=2)
    http = httpx.Client(transport=flaky, base_url="http://testserver")
    with ScreeningClient(api_key=auth["X-API-Key"], http=http, sleep=waits.append) as api:
        record = api.screen(GALLIUM)
        answers = api.screen_bulk([GALLIUM, {**GALLIUM, "reference": "GA-2"}])
    assert flaky.delivered == 4, "the first call reached the service three times"
    assert waits == [0.5, 1.0]
    assert record.decision == "approval-required" and record.reference == "GA-1"
    assert [item.screening.reference for item in answers.items if item.screening] == [
        "GA-1",
        "GA-2",
    ]
    assert stored(session) == 3


def test_a_429_is_retried_after_retry_after_and_then_raised(settings, engine, auth, session):
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 2}), engine=engine)
    waits: list[float] = []
    with TestClient(app) as app_client:
        api = ScreeningClient(
            api_key=auth["X-API-Key"], http=app_client, retries=2, max_wait=120, sleep=waits.append
        )
        api.screen(GALLIUM)
        api.screen(GALLIUM)
        with pytest.raises(ApiError) as refused:
            api.screen(GALLIUM)
    assert refused.value.status == 429
    assert refused.value.code == "too_many_requests"
    retry_after = refused.value.error.details["retry_after"]
    assert len(waits) == 2
    assert all(wait >= min(retry_after, 1) for wait in waits), "Retry-After is honoured"
    assert all(wait <= 120 for wait in waits), "the wait is bounded"
    assert stored(session) == 2


def test_the_wait_between_tries_doubles_and_is_bounded():
    api = ScreeningClient("http://127.0.0.1:9", backoff=0.5, max_wait=3)
    assert [api.retry_wait(attempt, None) for attempt in range(5)] == [0.5, 1.0, 2.0, 3, 3]
    assert api.retry_wait(0, "2") == 2.0
    assert api.retry_wait(0, "600") == 3


def test_a_4xx_raises_an_api_error_carrying_the_common_shape(client: TestClient, auth):
    api = ScreeningClient(api_key=auth["X-API-Key"], http=client)
    with pytest.raises(ApiError) as refused:
        api.screen({**GALLIUM, "colour": "red"})
    assert refused.value.status == 422
    assert refused.value.error.code == "validation_error"
    assert refused.value.error.details[0]["loc"] == ["body", "colour"]
    with pytest.raises(ApiError) as unknown:
        ScreeningClient(api_key="wrong", http=client).screen(GALLIUM)
    assert (unknown.value.status, unknown.value.code) == (401, "unauthorized")


def test_an_unreachable_service_is_retried_then_the_transport_error_raised():
    waits: list[float] = []
    api = ScreeningClient("http://127.0.0.1:9", "k", retries=3, sleep=waits.append)
    with api, pytest.raises(httpx.ConnectError):
        api.screen(GALLIUM)
    assert waits == [0.5, 1.0, 2.0]


def test_a_batch_is_uploaded_and_waited_for(client: TestClient, auth):
    api = ScreeningClient(api_key=auth["X-API-Key"], http=client)
    job = api.upload_batch(SAMPLE, idempotency_key="sample-1")
    again = api.upload_batch(SAMPLE, idempotency_key="sample-1")
    assert again.id == job.id
    done = api.wait_for_batch(job.id, timeout=60, interval=0.05)
    assert (done.status, done.total_rows, done.rows_done, done.error_rows) == ("done", 5, 5, 1)
    assert sum(done.counts.values()) == 4
    results = api.batch_results(job.id).splitlines()
    assert len(results) == 6 and "decision" in results[0]
