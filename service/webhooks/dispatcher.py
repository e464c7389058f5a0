"""The background thread that sends webhook deliveries in every server process (for now).

MOVES INTO service/jobs: once the one background loop with database leases lands, webhook
delivery becomes one more job kind whose step is `delivery.deliver_due(db, owner=..., ...)`,
and this module goes. Until then each process runs this thread; the per-row lease in
store/deliveries already makes several processes safe (each delivery goes out from one).
"""

import logging
import os
import socket
import threading
import uuid

import sqlalchemy
from sqlalchemy.exc import SQLAlchemyError

from service.config import Settings
from service.webhooks.delivery import Deliverer, deliver_due

log = logging.getLogger("service.webhooks")
# After a database error, wait this long (or the poll interval, if longer) before trying again.
OUTAGE_PAUSE_SECONDS = 2.0


def process_owner() -> str:
    """This process's name in leases: host, pid and a random tag (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class WebhookDispatcher:
    """A thread that runs `deliver_due` whenever something may be due, until stopped."""

    def __init__(self, *, db: sqlalchemy.Engine, settings: Settings) -> None:
        self.db = db
        self.deliverer = Deliverer.from_settings(settings)
        self.poll = settings.webhook_poll_seconds
        self.owner = process_owner()
        self.stopping = threading.Event()
        self.woken = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="webhook-dispatcher", daemon=True)

    def start(self) -> None:
        """Start sending."""
        self.thread.start()

    def wake(self) -> None:
        """Look for due deliveries now rather than at the next poll."""
        self.woken.set()

    def stop(self) -> None:
        """Stop after the delivery in hand; what is pending is sent by the next process up."""
        self.stopping.set()
        self.woken.set()
        self.thread.join(timeout=30)
        self.deliverer.close()

    def _loop(self) -> None:
        outage = False
        while not self.stopping.is_set():
            pause = self.poll
            try:
                sent = deliver_due(
                    self.db, owner=self.owner, deliverer=self.deliverer, stop=self.stopping
                )
                if outage:
                    log.info("webhook.database_back")
                outage = False
            except SQLAlchemyError as exc:
                # The database is away: nothing is lost (the outbox is in it); try again later.
                # Logged once per outage, without a trace: the loop retries every few seconds.
                if not outage:
                    error = str(exc).splitlines()[0][:300]
                    log.warning("webhook.database_unavailable", extra={"error": error})
                outage, sent, pause = True, 0, max(self.poll, OUTAGE_PAUSE_SECONDS)
            except Exception:  # noqa: BLE001 - the loop must outlive any one failure
                log.exception("webhook.dispatch_failed")
                sent, pause = 0, max(self.poll, OUTAGE_PAUSE_SECONDS)
            if sent == 0:
                self.woken.wait(pause)
                self.woken.clear()
