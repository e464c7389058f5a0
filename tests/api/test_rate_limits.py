"""Per-key rate limits over a moving minute: 429 in the common shape with Retry-After; Redis
shares one limit."""

import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from service.app import create_app
from service.config import Settings
from service.engine import Engine
from service.store.tables import Role

REDIS_URL = Settings().test_redis_url
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="set SCREENING_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/6)"
)


def limited(settings: Settings, **changes: object) -> Settings:
    """The test's settings with rate limiting switched on."""
    return settings.model_copy(update={"rate_limit_per_minute": 3, **changes})


def test_the_fourth_request_in_a_minute_is_429(settings, engine: Engine, make_key):
    headers = {"X-API-Key": make_key(Role.auditor)[1]}
    other = {"X-API-Key": make_key(Role.auditor, "other")[1]}
    with TestClient(create_app(limited(settings), engine=engine)) as client:
        statuses = [client.get("/v1/instruments", headers=headers).status_code for _ in range(3)]
        refused = client.get("/v1/instruments", headers=headers)
        assert client.get("/v1/instruments", headers=other).status_code == 200
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "too_many_requests"
    assert body["message"].startswith("rate limit of 3 requests a minute reached; retry in")
    # The window moves: the first of the three requests leaves it a minute after it was made,
    # not at the next full minute of the clock.
    retry = int(refused.headers["Retry-After"])
    assert 50 <= retry <= 60 and body["details"] == {"limit_per_minute": 3, "retry_after": retry}


def test_limits_are_off_by_default(client, make_key):
    headers = {"X-API-Key": make_key(Role.auditor)[1]}
    assert {client.get("/v1/parameters", headers=headers).status_code for _ in range(20)} == {200}


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in Redis, its keys deleted afterwards (never FLUSHALL)."""
    prefix = f"test-6a-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL or "")
    for name in client.scan_iter(match=f"{prefix}:*"):
        client.delete(name)
    client.close()


@needs_redis
def test_two_instances_sharing_redis_share_one_limit(settings, engine, make_key, redis_prefix):
    shared = limited(settings, redis_url=REDIS_URL, redis_prefix=redis_prefix)
    headers = {"X-API-Key": make_key(Role.auditor)[1]}
    with (
        TestClient(create_app(shared, engine=engine)) as first,
        TestClient(create_app(shared, engine=engine)) as second,
    ):
        statuses = [
            client.get("/v1/instruments", headers=headers).status_code
            for client in (first, second, first, second)
        ]
    assert statuses == [200, 200, 200, 429]
    # One moving window for the key, holding the three requests let through (not the refused).
    stored = redis.Redis.from_url(REDIS_URL or "")
    assert [stored.llen(name) for name in stored.scan_iter(f"{redis_prefix}:*")] == [3]
    stored.close()


def test_an_unreachable_redis_lets_requests_through(settings, engine, make_key):
    down = limited(settings, redis_url="redis://127.0.0.1:1/0")
    headers = {"X-API-Key": make_key(Role.auditor)[1]}
    with TestClient(create_app(down, engine=engine)) as client:
        statuses = {client.get("/v1/instruments", headers=headers).status_code for _ in range(5)}
    assert statuses == {200}
