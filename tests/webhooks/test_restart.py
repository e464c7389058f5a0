"""Real `screening serve` processes: one is killed (SIGKILL) while its retries run and while it
holds a delivery in flight; two new ones share the work. Every event arrives, the one cut off
mid-send twice with the same event id, every other exactly once."""

import time
from collections import Counter
from collections.abc import Callable

import httpx
from sqlmodel import Session, select

from service.store.tables import Role, WebhookEvent
from tests.api.workflow import LFP_UNKNOWN
from tests.runtime.serving import serving
from tests.webhooks.conftest import FAST
from tests.webhooks.receiver import Receiver

EVENTS = 5
# Three server starts in one test: generous, so a busy machine does not fail it at start-up.
START = 120


def poll(check: Callable[[], object], timeout: float = 60) -> object:
    """Call `check` until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def delivery_list(base: str, headers: dict[str, str], webhook_id: str) -> list[dict]:
    """The subscription's deliveries, from a running server."""
    answer = httpx.get(f"{base}/v1/webhooks/{webhook_id}/deliveries", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_a_killed_server_loses_no_event_and_two_new_ones_send_each_once(
    database_url, tmp_path, make_key, db
):
    receiver = Receiver()  # down: nothing listens on its port yet
    headers = {"X-API-Key": make_key(Role.admin, "admin")[1]}
    env = {f"SCREENING_{name.upper()}": str(value) for name, value in FAST.items()}
    env |= {"SCREENING_DATABASE_URL": database_url, "SCREENING_DATA_DIR": str(tmp_path)}
    # serving() never reads the servers' stderr: a line per failed attempt would fill the pipe.
    env["SCREENING_LOG_LEVEL"] = "WARNING"
    with serving(env, START) as (base, process):
        hook = httpx.post(
            f"{base}/v1/webhooks",
            json={"url": receiver.url, "events": ["review.disposed"]},
            headers=headers,
        ).json()
        for number in range(EVENTS):
            body = {**LFP_UNKNOWN, "reference": f"ERP-{number}"}
            screening = httpx.post(f"{base}/v1/screenings", json=body, headers=headers).json()
            disposition = {"outcome": "cleared", "reason": "Checked"}
            url = f"{base}/v1/screenings/{screening['id']}/dispositions"
            assert httpx.post(url, json=disposition, headers=headers).status_code == 201
        poll(
            lambda: all(
                len(item["attempts"]) >= 2 for item in delivery_list(base, headers, hook["id"])
            )
        )
        # The receiver comes up but holds each request: the server is killed mid-send.
        receiver.hold = 30
        receiver.start()
        receiver.wait_for(1)
        process.kill()
        process.wait(timeout=10)
    receiver.hold = 0
    try:
        with serving(env, START) as (base, _), serving(env, START):
            done = poll(
                lambda: (
                    [
                        item
                        for item in delivery_list(base, headers, hook["id"])
                        if item["status"] == "delivered"
                    ]
                    if len(receiver.received) >= EVENTS + 1
                    else None
                )
            )
            assert len(done) == EVENTS
    finally:
        receiver.stop()
    with Session(db) as session:
        stored = set(session.exec(select(WebhookEvent.id)).all())
    received = Counter(item.event["id"] for item in receiver.received)
    assert set(received) == stored and len(stored) == EVENTS, "every event arrived"
    cut_off = receiver.received[0].event["id"]
    assert received == Counter({**dict.fromkeys(stored, 1), cut_off: 2})
    copies = {item.body for item in receiver.received if item.event["id"] == cut_off}
    assert len(copies) == 1, "a duplicate is the same event, recognisable by its id"
