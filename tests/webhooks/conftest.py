"""Webhook tests: the app with its delivery sweep, a real receiver on the loopback, and the
README's signature check.

`hook_settings` allow-lists 127.0.0.1 (the receiver) and makes retries fast; `receiver` is a
started Receiver; `verify_signature` is the function printed in the README, executed as it is.
"""

import re
from collections.abc import Callable, Iterator

import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.app import create_app
from service.config import PROJECT_DIR, Settings
from service.engine import Engine
from service.store.tables import Role
from tests.webhooks.receiver import Receiver

SECRET_KEY = Fernet.generate_key().decode()
FAST = {
    "webhook_secret_key": SECRET_KEY,
    "webhook_allowed_networks": "127.0.0.1/32",
    "webhook_retry_base_seconds": 0.2,
    "webhook_retry_cap_seconds": 0.5,
    "webhook_poll_seconds": 0.05,
    "webhook_connect_timeout": 1,
    "webhook_read_timeout": 1,
    "webhook_lease_seconds": 3,
}


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    """The test's settings with webhooks configured for a local receiver and fast retries."""
    return settings.model_copy(update=FAST)


@pytest.fixture
def app(hook_settings: Settings, engine: Engine) -> FastAPI:
    """The app under test, webhooks configured."""
    return create_app(hook_settings, engine=engine)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver listening on a free loopback port."""
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def admin(make_key) -> dict[str, str]:
    """Headers of an admin key."""
    return {"X-API-Key": make_key(Role.admin, "admin")[1]}


def readme_verify() -> Callable[[str, bytes, str], bool]:
    """`verify_signature` exactly as the README's Python snippet defines it."""
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    [snippet] = [
        block
        for block in re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
        if "def verify_signature" in block
    ]
    namespace: dict = {}
    exec(compile(snippet, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    return namespace["verify_signature"]


@pytest.fixture(scope="session")
def verify_signature() -> Callable[[str, bytes, str], bool]:
    """The README's signature check."""
    return readme_verify()


def subscribe(
    client: TestClient, headers: dict[str, str], url: str, events: list[str] | None = None
) -> dict:
    """Create a subscription (all four events by default), asserting 201; its body."""
    events = events or [
        "batch.completed",
        "rescreen.completed",
        "screening.decision_changed",
        "review.disposed",
    ]
    answer = client.post("/v1/webhooks", json={"url": url, "events": events}, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def deliveries(client: TestClient, headers: dict[str, str], webhook_id: str) -> list[dict]:
    """A subscription's deliveries, newest first."""
    answer = client.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]
