"""Each record path writes its event in its own transaction: a batch's end, a re-screen's chunks
and end, a disposition; fan-out happens then, to the subscriptions that exist then."""

import threading
from datetime import date

from sqlmodel import Session, col, func, select

from service.rescreen import runner
from service.store import batches, jobs, outbox, rescreens, webhooks
from service.store.tables import EventType, RescreenChange, WebhookDelivery, WebhookEvent
from service.webhooks.sealing import SecretBox
from tests.api.test_batches import SAMPLE, upload, wait_done
from tests.webhooks.conftest import SECRET_KEY, subscribe
from tests.webhooks.seeding import LATER, seed
from tests.webhooks.test_delivery import wait_until


def add_subscription(session: Session, events: list[str], url: str = "http://127.0.0.1:9/") -> str:
    """A subscription stored directly; its id."""
    row = webhooks.add_subscription(
        session=session,
        url=url,
        events=events,
        sealed_secret=SecretBox(SECRET_KEY).seal("whsec_test"),
        description=None,
        api_key_id=batches.local_key_id(session=session),
    )
    return row.id


def count(session: Session, table, *conditions) -> int:
    return session.exec(select(func.count()).select_from(table).where(*conditions)).one()


def test_events_fan_out_to_the_subscriptions_of_the_moment(session: Session):
    event = outbox.Event(EventType.review_disposed, {"n": 1})
    assert outbox.add_events(session=session, events=[event]) == 0
    session.commit()
    assert count(session, WebhookEvent) == 0, "an event nobody wants is not kept"
    first = add_subscription(session, ["review.disposed"])
    second = add_subscription(session, ["review.disposed", "batch.completed"])
    add_subscription(session, ["batch.completed"])
    assert outbox.add_events(session=session, events=[event]) == 2
    session.rollback()
    assert count(session, WebhookEvent) == 0, "rolled back with the change it belonged to"
    assert outbox.add_events(session=session, events=[event]) == 2
    session.commit()
    targets = session.exec(select(WebhookDelivery.subscription_id)).all()
    assert sorted(targets) == sorted([first, second])


def test_a_batch_end_sends_batch_completed_with_its_counts(client, admin, receiver):
    subscribe(client, admin, receiver.url, ["batch.completed", "review.disposed"])
    job = upload(client, admin, SAMPLE.read_bytes()).json()
    status = wait_done(client, admin, job["id"])
    [got] = receiver.wait_for(1)
    data = got.event["data"]
    assert got.event["type"] == "batch.completed"
    assert (data["batch_id"], data["status"], data["filename"]) == (job["id"], "done", "orders.csv")
    assert (data["rows_done"], data["error_rows"], data["counts"]) == (
        5,
        1,
        status["counts"],
    )


def test_rescreen_chunks_commit_their_events_with_their_changes(
    session: Session, db, engine, settings
):
    add_subscription(session, ["screening.decision_changed", "rescreen.completed"])
    changing = seed(session, engine, total=1000, changing_every=10)
    job = runner.create_job(
        db=db, engine=engine, settings=settings, as_of=date.fromisoformat(LATER), owner="test"
    )
    lease = jobs.lease_of(job)
    stop = threading.Event()
    runner.run_job(
        db=db,
        engine=engine,
        settings=settings,
        lease=lease,
        stop=stop,
        progress=lambda *_: stop.set(),
    )
    session.expire_all()
    paused = rescreens.get_job(session=session, job_id=job.id)
    assert paused is not None and paused.status == "running"
    assert paused.changed == count(session, RescreenChange) == 20
    assert count(session, WebhookEvent) == 20, "one event per change, committed with it"

    runner.run_job(db=db, engine=engine, settings=settings, lease=lease)
    rows = session.exec(select(WebhookEvent.type, WebhookEvent.payload)).all()
    changed = [p["screening_id"] for t, p in rows if t == EventType.decision_changed]
    assert sorted(changed) == sorted(changing)
    assert [t for t, _ in rows].count(EventType.rescreen_completed) == 1
    assert count(session, WebhookDelivery) == len(rows) == 101


def test_a_10k_rescreen_changing_500_decisions_sends_500_decision_changed_events_only(
    client, admin, receiver, session: Session, engine
):
    hook = subscribe(client, admin, receiver.url)
    changing = seed(session, engine, total=10_000, changing_every=20)
    assert len(changing) == 500
    started = client.post("/v1/rescreens", json={"as_of": LATER}, headers=admin).json()
    # About 3 ms a screening on this busy machine: polled far longer than it should take.
    status = wait_until(lambda: _ended(client, admin, started["id"]), timeout=300)
    assert (status["done"], status["changed"]) == (10_000, 500)
    got = receiver.wait_for(501, timeout=60)
    types = [item.event["type"] for item in got]
    assert types.count("screening.decision_changed") == 500
    assert types.count("rescreen.completed") == 1
    assert len(got) == 501, types
    changed = [item.event["data"] for item in got if item.event["type"] != "rescreen.completed"]
    assert {data["screening_id"] for data in changed} == changing
    assert {(d["old_decision"], d["new_decision"]) for d in changed} == {
        ("allowed", "approval-required")
    }
    assert {tuple(d["categories"]) for d in changed} == {("tc-252604x-lfp",)}
    assert all(d["reference"].startswith("ERP-") for d in changed)
    assert len({item.event["id"] for item in got}) == 501
    assert count(session, WebhookEvent) == 501
    assert (
        count(session, WebhookDelivery, col(WebhookDelivery.subscription_id) == hook["id"]) == 501
    )


def _ended(client, headers: dict[str, str], rescreen_id: str) -> dict | None:
    """The re-screen's status once it has ended, else None."""
    status = client.get(f"/v1/rescreens/{rescreen_id}", headers=headers).json()
    return status if status["status"] in ("done", "failed") else None
