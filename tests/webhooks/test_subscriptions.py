"""Admins subscribe URLs to events: the secret is shown once and kept sealed; unsafe URLs are
refused; deleting stops a subscription but keeps its history."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.app import create_app
from service.store import webhooks
from service.webhooks.sealing import SecretBox
from tests.webhooks.conftest import SECRET_KEY, subscribe


def test_a_subscription_shows_its_secret_once_and_stores_it_sealed(
    client, admin, receiver, session: Session
):
    created = subscribe(client, admin, receiver.url, ["review.disposed", "batch.completed"])
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["batch.completed", "review.disposed"]
    listed = client.get("/v1/webhooks", headers=admin).json()
    assert [item["id"] for item in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in client.get(f"/v1/webhooks/{created['id']}", headers=admin).json()
    stored = webhooks.get_subscription(session=session, subscription_id=created["id"])
    assert stored is not None and created["secret"] not in stored.secret
    assert SecretBox(SECRET_KEY).open(stored.secret) == created["secret"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://127.0.0.1/hooks", "only http and https URLs are allowed"),
        ("file:///etc/passwd", "only http and https URLs are allowed"),
        ("http://user:pw@127.0.0.1/hooks", "credentials in the URL"),
        ("http://10.1.2.3/hooks", "10.1.2.3 is private"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata"),
        ("http://169.254.10.10/", "169.254.10.10 is link-local"),
        ("http://[::1]:8080/", "::1 is loopback"),
        ("http://[::ffff:127.0.0.2]/", "127.0.0.2 is loopback"),
        ("http://2130706434/", "127.0.0.2 is loopback"),
        ("http://100.64.0.1/", "100.64.0.1 is not a public address"),
        ("http://no-such-host.invalid/", "no-such-host.invalid does not resolve"),
    ],
)
def test_unsafe_urls_are_refused_with_422(client, admin, url, reason):
    answer = client.post(
        "/v1/webhooks", json={"url": url, "events": ["review.disposed"]}, headers=admin
    )
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] == "validation_error"
    assert reason in body["message"]
    assert body["details"][0]["loc"] == ["body", "url"]
    assert client.get("/v1/webhooks", headers=admin).json() == []


def test_loopback_needs_the_allow_list(hook_settings, engine, admin, receiver):
    strict = hook_settings.model_copy(update={"webhook_allowed_networks": ""})
    with TestClient(create_app(strict, engine=engine)) as client:
        answer = client.post(
            "/v1/webhooks",
            json={"url": receiver.url, "events": ["review.disposed"]},
            headers=admin,
        )
    assert answer.status_code == 422
    assert (
        "127.0.0.1 is loopback; name it in SCREENING_WEBHOOK_ALLOWED_NETWORKS"
        in (answer.json()["message"])
    )


def test_without_a_secret_key_webhooks_cannot_be_created(settings, engine, admin, receiver):
    open_settings = settings.model_copy(update={"webhook_allowed_networks": "127.0.0.1/32"})
    with TestClient(create_app(open_settings, engine=engine)) as client:
        answer = client.post(
            "/v1/webhooks",
            json={"url": receiver.url, "events": ["review.disposed"]},
            headers=admin,
        )
    assert answer.status_code == 503
    assert answer.json()["code"] == "webhooks_not_configured"
    assert "SCREENING_WEBHOOK_SECRET_KEY" in answer.json()["message"]


def test_unknown_events_and_empty_lists_are_422(client, admin, receiver):
    for events in ([], ["screening.created"]):
        answer = client.post(
            "/v1/webhooks", json={"url": receiver.url, "events": events}, headers=admin
        )
        assert answer.status_code == 422, answer.text


def test_deleting_keeps_the_subscription_readable_and_lists_it_no_more(client, admin, receiver):
    created = subscribe(client, admin, receiver.url)
    deleted = client.delete(f"/v1/webhooks/{created['id']}", headers=admin)
    assert deleted.status_code == 200
    assert deleted.json()["deleted_at"] is not None
    assert client.get("/v1/webhooks", headers=admin).json() == []
    assert client.get(f"/v1/webhooks/{created['id']}", headers=admin).json()["deleted_at"]
    assert client.delete("/v1/webhooks/nope", headers=admin).status_code == 404
    assert client.get("/v1/webhooks/nope/deliveries", headers=admin).status_code == 404
