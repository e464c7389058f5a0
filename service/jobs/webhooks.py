"""The webhook-delivery sweep: send the deliveries that are due, each from one process."""

import threading

import sqlalchemy

from service.config import Settings
from service.jobs.kinds import SweepKind
from service.webhooks.delivery import Deliverer, deliver_due


def webhook_kind(deliverer: Deliverer, settings: Settings) -> SweepKind:
    """The sweep that sends due webhook deliveries with `deliverer` (built once per process)."""

    def step(db: sqlalchemy.Engine, owner: str, stop: threading.Event) -> int:
        return deliver_due(db, owner=owner, deliverer=deliverer, stop=stop)

    return SweepKind(name="webhook_delivery", step=step, poll_seconds=settings.webhook_poll_seconds)
