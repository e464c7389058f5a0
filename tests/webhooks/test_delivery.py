"""Deliveries to a real receiver on the loopback: signed, retried until the receiver is back,
never redirected, given up after the retry window, re-sent on request."""

import time

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.app import create_app
from service.store.tables import WebhookEvent
from tests.api.workflow import LFP_UNKNOWN, dispose, screen
from tests.webhooks.conftest import deliveries, subscribe


def wait_until(check, timeout: float = 20):
    """Poll `check` until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def test_a_disposition_reaches_the_receiver_signed(
    client, admin, receiver, verify_signature, session: Session
):
    hook = subscribe(client, admin, receiver.url, ["review.disposed"])
    screening = screen(client, admin, LFP_UNKNOWN)
    disposition = dispose(client, admin, screening["id"], {"outcome": "cleared", "reason": "OK"})
    [got] = receiver.wait_for(1)
    assert verify_signature(hook["secret"], got.body, got.headers["Screening-Signature"])
    assert not verify_signature("whsec_other", got.body, got.headers["Screening-Signature"])
    assert not verify_signature(hook["secret"], got.body + b" ", got.headers["Screening-Signature"])
    event = got.event
    assert got.headers["Screening-Event-Id"] == event["id"]
    assert got.headers["Screening-Event-Type"] == event["type"] == "review.disposed"
    assert got.headers["Content-Type"] == "application/json"
    assert event["data"] == {
        "disposition_id": disposition["id"],
        "screening_id": screening["id"],
        "reference": "ERP-UNKNOWN",
        "engine_decision": "unknown",
        "outcome": "cleared",
        "reason": "OK",
        "licence": None,
        "disposed_by": "admin",
        "created_at": event["data"]["created_at"],
    }
    [stored] = session.exec(select(WebhookEvent)).all()
    assert stored.id == event["id"]
    [delivery] = wait_until(
        lambda: [d for d in deliveries(client, admin, hook["id"]) if d["status"] == "delivered"]
    )
    assert delivery["event_id"] == event["id"]
    assert [(a["number"], a["status_code"], a["error"]) for a in delivery["attempts"]] == [
        (1, 200, None)
    ]


def test_a_stale_or_forged_signature_header_does_not_verify(verify_signature):
    body = b'{"id": "x"}'
    assert not verify_signature("whsec_a", body, "t=1,v1=00")
    assert not verify_signature("whsec_a", body, "garbage")
    assert not verify_signature("whsec_a", body, "")


def test_a_receiver_that_is_down_gets_the_event_once_it_is_back(client, admin, receiver):
    hook = subscribe(client, admin, receiver.url, ["review.disposed"])
    receiver.stop()
    screening = screen(client, admin, LFP_UNKNOWN)
    dispose(client, admin, screening["id"], {"outcome": "cleared", "reason": "OK"})
    failed = wait_until(
        lambda: [d for d in deliveries(client, admin, hook["id"]) if len(d["attempts"]) >= 2]
    )
    [delivery] = failed
    assert delivery["status"] == "pending"
    assert all(a["status_code"] is None for a in delivery["attempts"])
    assert "ConnectError" in delivery["attempts"][0]["error"]
    receiver.start()
    [got] = receiver.wait_for(1)
    assert got.event["id"] == delivery["event_id"]
    [done] = wait_until(
        lambda: [d for d in deliveries(client, admin, hook["id"]) if d["status"] == "delivered"]
    )
    assert done["attempts"][-1]["status_code"] == 200
    assert len(done["attempts"]) >= 3


def test_redirects_are_not_followed_and_count_as_failures(client, admin, receiver):
    receiver.status, receiver.location = 302, "http://127.0.0.1:9/elsewhere"
    hook = subscribe(client, admin, receiver.url, ["review.disposed"])
    screening = screen(client, admin, LFP_UNKNOWN)
    dispose(client, admin, screening["id"], {"outcome": "cleared", "reason": "OK"})
    [delivery] = wait_until(
        lambda: [d for d in deliveries(client, admin, hook["id"]) if len(d["attempts"]) >= 2]
    )
    assert {item.path for item in receiver.received} == {"/hooks"}
    assert delivery["status"] == "pending"
    assert [a["status_code"] for a in delivery["attempts"][:2]] == [302, 302]
    assert delivery["attempts"][0]["error"] == "HTTP 302"


def test_retries_stop_after_the_window_and_a_manual_retry_sends_again(
    hook_settings, engine, admin, receiver
):
    receiver.status = 500
    short = hook_settings.model_copy(update={"webhook_retry_window_seconds": 1.5})
    with TestClient(create_app(short, engine=engine)) as client:
        hook = subscribe(client, admin, receiver.url, ["review.disposed"])
        screening = screen(client, admin, LFP_UNKNOWN)
        dispose(client, admin, screening["id"], {"outcome": "cleared", "reason": "OK"})
        [failed] = wait_until(
            lambda: [d for d in deliveries(client, admin, hook["id"]) if d["status"] == "failed"]
        )
        tries = len(failed["attempts"])
        assert 3 <= tries <= 8, tries
        starts = [a["started_at"] for a in failed["attempts"]]
        assert starts == sorted(starts)
        assert all(a["status_code"] == 500 for a in failed["attempts"])
        assert failed["next_attempt_at"] is None
        time.sleep(0.5)
        assert len(receiver.received) == tries, "a failed delivery is not tried again"

        receiver.status = 204
        url = f"/v1/webhooks/{hook['id']}/deliveries/{failed['id']}/retry"
        retried = client.post(url, headers=admin)
        assert retried.status_code == 202, retried.text
        assert retried.json()["status"] == "pending"
        receiver.wait_for(tries + 1)
        [done] = wait_until(
            lambda: [d for d in deliveries(client, admin, hook["id"]) if d["status"] == "delivered"]
        )
        assert done["attempts"][-1]["status_code"] == 204
        events = {item.event["id"] for item in receiver.received}
        assert events == {failed["event_id"]}, "every attempt carries the same event id"
        missing = client.post(f"/v1/webhooks/{hook['id']}/deliveries/nope/retry", headers=admin)
        assert missing.status_code == 404


def test_the_address_is_checked_again_at_delivery(hook_settings, engine, admin, receiver):
    with TestClient(create_app(hook_settings, engine=engine)) as client:
        hook = subscribe(client, admin, receiver.url, ["review.disposed"])
    strict = hook_settings.model_copy(update={"webhook_allowed_networks": ""})
    with TestClient(create_app(strict, engine=engine)) as client:
        screening = screen(client, admin, LFP_UNKNOWN)
        dispose(client, admin, screening["id"], {"outcome": "cleared", "reason": "OK"})
        [delivery] = wait_until(
            lambda: [d for d in deliveries(client, admin, hook["id"]) if d["attempts"]]
        )
    assert receiver.received == []
    assert "127.0.0.1 is loopback" in delivery["attempts"][0]["error"]


def test_a_deleted_subscription_gets_nothing_more(client, admin, receiver):
    receiver.stop()
    hook = subscribe(client, admin, receiver.url, ["review.disposed"])
    screening = screen(client, admin, LFP_UNKNOWN)
    dispose(client, admin, screening["id"], {"outcome": "cleared", "reason": "OK"})
    client.delete(f"/v1/webhooks/{hook['id']}", headers=admin)
    [delivery] = deliveries(client, admin, hook["id"])
    assert delivery["status"] == "cancelled"
    dispose(client, admin, screening["id"], {"outcome": "cleared", "reason": "Again"})
    assert len(deliveries(client, admin, hook["id"])) == 1
    receiver.start()
    time.sleep(0.5)
    assert receiver.received == []
    retry = client.post(
        f"/v1/webhooks/{hook['id']}/deliveries/{delivery['id']}/retry", headers=admin
    )
    assert retry.status_code == 409
