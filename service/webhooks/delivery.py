"""Webhook delivery: send the due deliveries one by one, signed, and schedule the retries.

`deliver_due` is one pass of the delivery job. It claims a due delivery under a short lease
(store/deliveries), sends it, records the attempt, and takes the next, until none is due. Any
number of processes may run it at once: each delivery goes out from the one that holds its
lease. Delivery is at least once: a process that dies after sending but before recording leaves
the lease to expire, and the event is sent again with the same event id.
"""

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from threading import Event

import httpx
import orjson
import sqlalchemy

from service import tracing
from service.config import Settings
from service.store import deliveries
from service.store.deliveries import Attempted, Claimed
from service.store.tables import DeliveryStatus, utcnow
from service.webhooks.addresses import AddressPolicy, GuardedTransport
from service.webhooks.sealing import SecretBox
from service.webhooks.signing import SIGNATURE_HEADER, signature_header

log = logging.getLogger("service.webhooks")

USER_AGENT = "export-screening-webhooks/1"


@dataclass(frozen=True)
class RetryPolicy:
    """When a failed delivery is tried again, and when it is given up."""

    base_seconds: float
    cap_seconds: float
    window: timedelta
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempt: int) -> timedelta:
        """The wait after failed attempt `attempt` (1, 2, ...): doubling up to the cap, with
        "equal jitter" (between half and all of it) so receivers are not hit in waves."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** min(attempt - 1, 60))
        return timedelta(seconds=ceiling / 2 + self.rng.uniform(0, ceiling / 2))

    def after_failure(self, claimed: Claimed, now: datetime) -> tuple[DeliveryStatus, datetime]:
        """Pending again at the next retry time, or failed once that is past the window."""
        retry_at = now + self.delay(claimed.epoch)
        if retry_at > claimed.first_due_at + self.window:
            return DeliveryStatus.failed, now
        return DeliveryStatus.pending, retry_at


@dataclass
class Deliverer:
    """Everything one process needs to send deliveries: the keys, the client and the policies."""

    box: SecretBox
    addresses: AddressPolicy
    retry: RetryPolicy
    lease: timedelta
    client: httpx.Client

    @classmethod
    def from_settings(cls, settings: Settings) -> "Deliverer":
        """Built once per process from the webhook settings."""
        addresses = AddressPolicy(settings.webhook_network_list)
        return cls(
            box=SecretBox(settings.webhook_secret_key),
            addresses=addresses,
            retry=RetryPolicy(
                base_seconds=settings.webhook_retry_base_seconds,
                cap_seconds=settings.webhook_retry_cap_seconds,
                window=timedelta(seconds=settings.webhook_retry_window_seconds),
            ),
            lease=timedelta(seconds=settings.webhook_lease_seconds),
            client=httpx.Client(
                transport=GuardedTransport(addresses),
                timeout=httpx.Timeout(
                    settings.webhook_read_timeout, connect=settings.webhook_connect_timeout
                ),
                follow_redirects=False,
                trust_env=False,
            ),
        )

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()


def body_of(claimed: Claimed) -> bytes:
    """The JSON body of an event, the same bytes on every attempt."""
    created = claimed.event_created_at.isoformat().replace("+00:00", "Z")
    envelope = {
        "id": claimed.event_id,
        "type": claimed.event_type,
        "created_at": created,
        "data": claimed.payload,
    }
    return orjson.dumps(envelope)


def send(deliverer: Deliverer, claimed: Claimed) -> Attempted:
    """POST one delivery, signed; what came of it (the retry decision included)."""
    started, clock = utcnow(), time.perf_counter()
    status_code, error = None, None
    try:
        secret = deliverer.box.open(claimed.sealed_secret)
        body = body_of(claimed)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Screening-Event-Id": claimed.event_id,
            "Screening-Event-Type": claimed.event_type,
            SIGNATURE_HEADER: signature_header(secret, timestamp, body),
        }
        # The answer's body is never read: only its status counts, whatever its size.
        with deliverer.client.stream("POST", claimed.url, content=body, headers=headers) as answer:
            status_code = answer.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except Exception as exc:  # noqa: BLE001 - any failure is this attempt's, recorded as such
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration = int((time.perf_counter() - clock) * 1000)
    if error is None:
        return Attempted(started, duration, status_code, None, DeliveryStatus.delivered)
    status, retry_at = deliverer.retry.after_failure(claimed, utcnow())
    return Attempted(started, duration, status_code, error, status, retry_at)


def deliver_due(
    db: sqlalchemy.Engine,
    *,
    owner: str,
    deliverer: Deliverer,
    now: datetime | None = None,
    limit: int = 500,
    stop: Event | None = None,
) -> int:
    """Send the deliveries due as of `now` (default: now), each under its own lease, up to
    `limit`; how many were attempted. A failed one is not retried within the same pass."""
    cutoff = now or utcnow()
    attempted = 0
    while attempted < limit and not (stop is not None and stop.is_set()):
        claimed = deliveries.claim_next(db, owner=owner, now=cutoff, lease=deliverer.lease)
        if claimed is None:
            break
        with tracing.span(
            "webhook.deliver",
            event_id=claimed.event_id,
            event_type=claimed.event_type,
            delivery_id=claimed.delivery_id,
            attempt=claimed.epoch,
        ) as step:
            outcome = send(deliverer, claimed)
            step.set(status_code=outcome.status_code, status=outcome.status.value)
        settled = deliveries.record_attempt(db, claimed=claimed, owner=owner, attempted=outcome)
        _log(claimed, outcome, settled)
        attempted += 1
    return attempted


def _log(claimed: Claimed, outcome: Attempted, settled: bool) -> None:
    """One line per attempt; a warning when the lease had been lost meanwhile."""
    fields = {
        "delivery_id": claimed.delivery_id,
        "event_id": claimed.event_id,
        "event_type": claimed.event_type,
        "attempt": claimed.epoch,
        "status_code": outcome.status_code,
        "status": outcome.status.value,
        "duration_ms": outcome.duration_ms,
    }
    if not settled:
        log.warning("webhook.lease_lost", extra=fields)
    elif outcome.error is None:
        log.info("webhook.delivered", extra=fields)
    else:
        log.info("webhook.attempt_failed", extra={**fields, "error": outcome.error})
