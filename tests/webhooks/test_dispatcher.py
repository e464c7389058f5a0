"""The delivery thread outlives a database outage: once the database is back, events go out."""

import time
from pathlib import Path

from sqlmodel import Session

from service.config import Settings
from service.store import migrate
from service.store.database import create_db_engine
from service.webhooks.dispatcher import WebhookDispatcher
from tests.conftest import MIGRATIONS
from tests.webhooks.test_claims import queue_events


def test_the_dispatcher_waits_out_a_database_that_is_not_there_yet(
    hook_settings: Settings, tmp_path: Path, receiver
):
    # A SQLite file in a folder that does not exist yet: every query fails until it does.
    url = f"sqlite:///{tmp_path / 'later' / 'screening.db'}"
    db = create_db_engine(url)
    dispatcher = WebhookDispatcher(db=db, settings=hook_settings)
    dispatcher.start()
    try:
        time.sleep(0.5)
        assert dispatcher.thread.is_alive()
        (tmp_path / "later").mkdir()
        migrate.upgrade(database_url=url, migrations_dir=MIGRATIONS)
        with Session(db) as session:
            queue_events(session, receiver.url, 3)
        got = receiver.wait_for(3, timeout=20)
        assert len({item.event["id"] for item in got}) == 3
    finally:
        dispatcher.stop()
        db.dispose()
    assert not dispatcher.thread.is_alive()
