"""Several senders on one database: each delivery goes out from one of them; a dead sender's
lease expires and another sends the event again; a sender that lost its lease cannot overwrite
the newer claim."""

import time
from collections import Counter
from datetime import timedelta

from sqlmodel import Session, col, select

from service.config import Settings
from service.engine import Engine
from service.jobs.loop import JobLoop
from service.jobs.webhooks import webhook_kind
from service.live_rules import LiveRules
from service.store import deliveries, outbox
from service.store.database import create_db_engine
from service.store.tables import (
    DeliveryStatus,
    EventType,
    WebhookAttempt,
    WebhookDelivery,
    utcnow,
)
from service.webhooks.delivery import Deliverer, deliver_due, send
from tests.webhooks.test_events import add_subscription


def queue_events(session: Session, url: str, count: int) -> None:
    """One subscription to `url` and `count` review.disposed events for it."""
    add_subscription(session, ["review.disposed"], url=url)
    events = [outbox.Event(EventType.review_disposed, {"n": n}) for n in range(count)]
    outbox.add_events(session=session, events=events)
    session.commit()


def test_two_job_loops_send_each_event_exactly_once(
    hook_settings: Settings, engine: Engine, database_url: str, session: Session, receiver
):
    queue_events(session, receiver.url, 200)
    loops = []
    for _ in (1, 2):
        # A database engine and a deliverer of its own, as a second process would have.
        db, deliverer = create_db_engine(database_url), Deliverer.from_settings(hook_settings)
        rules = LiveRules(engine, hook_settings.rules_dir)
        sweeps = (webhook_kind(deliverer, hook_settings),)
        loop = JobLoop(db=db, rules=rules, settings=hook_settings, kinds=(), sweeps=sweeps)
        loops.append((loop, db))
    for loop, _db in loops:
        loop.start()
    try:
        assert len(receiver.wait_for(200, timeout=60)) >= 200
        time.sleep(0.3)  # a second copy, if any, would arrive now
    finally:
        for loop, db in loops:
            loop.stop()
            db.dispose()
    ids = Counter(item.event["id"] for item in receiver.received)
    assert len(ids) == 200
    assert set(ids.values()) == {1}, "no event went out twice"
    statuses = session.exec(select(WebhookDelivery.status, WebhookDelivery.attempts)).all()
    assert set(statuses) == {(DeliveryStatus.delivered, 1)}
    owners = set(session.exec(select(WebhookAttempt.owner)).all())
    assert owners <= {loop.owner for loop, _db in loops}


def test_a_dead_senders_lease_expires_and_the_event_goes_out_again(
    hook_settings: Settings, db, session: Session, receiver
):
    queue_events(session, receiver.url, 1)
    deliverer = Deliverer.from_settings(hook_settings)
    try:
        # The first sender claims and sends, then dies before recording anything.
        claimed = deliveries.claim_next(db, owner="dead", now=utcnow(), lease=deliverer.lease)
        assert claimed is not None
        late = send(deliverer, claimed)
        assert deliver_due(db, owner="alive", deliverer=deliverer) == 0, "still leased"
        after_lease = utcnow() + deliverer.lease + timedelta(seconds=1)
        assert deliver_due(db, owner="alive", deliverer=deliverer, now=after_lease) == 1
        first, second = receiver.wait_for(2)
        assert first.event["id"] == second.event["id"], "a duplicate is recognisable by its id"
        assert first.body == second.body

        # The dead sender comes back: its attempt is logged, the delivery is not rewritten.
        assert not deliveries.record_attempt(db, claimed=claimed, owner="dead", attempted=late)
        delivery = session.exec(select(WebhookDelivery)).one()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.delivered, 2)
        attempts = session.exec(
            select(WebhookAttempt.number, WebhookAttempt.owner).order_by(col(WebhookAttempt.number))
        ).all()
        assert list(attempts) == [(1, "dead"), (2, "alive")]
    finally:
        deliverer.close()


def test_backoff_doubles_with_jitter_up_to_the_cap(hook_settings: Settings):
    retry = Deliverer.from_settings(
        hook_settings.model_copy(
            update={"webhook_retry_base_seconds": 10, "webhook_retry_cap_seconds": 3600}
        )
    ).retry
    for attempt, ceiling in ((1, 10), (2, 20), (3, 40), (9, 2560), (10, 3600), (40, 3600)):
        waits = [retry.delay(attempt).total_seconds() for _ in range(200)]
        assert ceiling / 2 <= min(waits) and max(waits) <= ceiling, (attempt, waits[:3])
        assert max(waits) - min(waits) > ceiling / 10, "jittered"
