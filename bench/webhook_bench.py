"""Webhook benchmark: outbox writes, and deliveries a second to a local receiver, by senders.

Usage: python bench/webhook_bench.py [--events 2000] [--databases sqlite postgresql]
       [--json out.json]

Per database: a fresh migrated database, one subscription to a receiver on the loopback that
answers 204 at once, `--events` events written through the outbox in one transaction (the time
is what a re-screen chunk or a batch end pays), then `deliver_due` run by 1 and by 2 senders
(threads with a database engine each, as processes would have) until nothing is due. Every
delivery is signed, sent over HTTP and recorded with its lease released, so the figure is the
per-row claim-send-record cycle, not the receiver.
"""

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import delete, update
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import server  # noqa: E402
from service.config import Settings  # noqa: E402
from service.store import batches, outbox, webhooks  # noqa: E402
from service.store.database import create_db_engine  # noqa: E402
from service.store.tables import (  # noqa: E402
    DeliveryStatus,
    EventType,
    WebhookAttempt,
    WebhookDelivery,
)
from service.webhooks.delivery import Deliverer, deliver_due  # noqa: E402
from service.webhooks.sealing import SecretBox  # noqa: E402


class Quiet(BaseHTTPRequestHandler):
    """Reads the body and answers 204."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


def receiver() -> tuple[ThreadingHTTPServer, str]:
    """A started receiver and its URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", server.free_port()), Quiet)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/hook"


def send_all(url: str, settings: Settings, senders: int) -> float:
    """Seconds for `senders` threads to deliver everything due."""

    def run(owner: str) -> None:
        db = create_db_engine(url)
        deliverer = Deliverer.from_settings(settings)
        try:
            while deliver_due(db, owner=owner, deliverer=deliverer, limit=100):
                pass
        finally:
            deliverer.close()
            db.dispose()

    threads = [threading.Thread(target=run, args=(f"bench-{n}",)) for n in range(senders)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def measure(kind: str, events: int, folder: Path) -> dict:
    """One database's figures."""
    url = server.fresh_database(kind, folder)
    server.prepare(url, dict(os.environ))
    httpd, hook = receiver()
    key = Fernet.generate_key().decode()
    settings = Settings(
        database_url=url, webhook_secret_key=key, webhook_allowed_networks="127.0.0.1/32"
    )
    db = create_db_engine(url)
    try:
        with Session(db) as session:
            webhooks.add_subscription(
                session=session,
                url=hook,
                events=[EventType.decision_changed.value],
                sealed_secret=SecretBox(key).seal("whsec_bench"),
                description=None,
                api_key_id=batches.local_key_id(session=session),
            )
            batch = [
                outbox.Event(EventType.decision_changed, {"screening_id": str(n), "n": n})
                for n in range(events)
            ]
            started = time.perf_counter()
            outbox.add_events(session=session, events=batch)
            session.commit()
            write = time.perf_counter() - started
        row = {"database": kind, "events": events, "outbox_write_ms": round(write * 1000, 1)}
        for senders in (1, 2):
            seconds = send_all(url, settings, senders)
            row[f"per_s_{senders}_sender"] = round(events / seconds)
            with Session(db) as session:  # the same events again for the next run
                session.execute(delete(WebhookAttempt))
                session.execute(
                    update(WebhookDelivery).values(status=DeliveryStatus.pending.value, attempts=0)
                )
                session.commit()
        return row
    finally:
        db.dispose()
        httpd.shutdown()


def main() -> None:
    """Measure each database and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = []
    for kind in args.databases:
        with tempfile.TemporaryDirectory() as folder:
            results.append(measure(kind, args.events, Path(folder)))
        print(json.dumps(results[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
