"""Deliveries run in the job loop's webhook sweep, which outlives a database outage: once the
database is back, the events go out."""

import time
from pathlib import Path

from sqlmodel import Session

from service.config import Settings
from service.engine import Engine
from service.jobs.loop import JobLoop
from service.jobs.webhooks import webhook_kind
from service.live_rules import LiveRules
from service.store import migrate
from service.store.database import create_db_engine
from service.webhooks.delivery import Deliverer
from tests.conftest import MIGRATIONS
from tests.webhooks.test_claims import queue_events


def test_the_sweep_waits_out_a_database_that_is_not_there_yet(
    hook_settings: Settings, engine: Engine, tmp_path: Path, receiver
):
    # A SQLite file in a folder that does not exist yet: every query fails until it does.
    url = f"sqlite:///{tmp_path / 'later' / 'screening.db'}"
    db = create_db_engine(url)
    deliverer = Deliverer.from_settings(hook_settings)
    loop = JobLoop(
        db=db,
        rules=LiveRules(engine, hook_settings.rules_dir),
        settings=hook_settings,
        kinds=(),
        sweeps=(webhook_kind(deliverer, hook_settings),),
    )
    loop.start()
    try:
        time.sleep(0.5)
        assert loop.is_alive()
        (tmp_path / "later").mkdir()
        migrate.upgrade(database_url=url, migrations_dir=MIGRATIONS)
        with Session(db) as session:
            queue_events(session, receiver.url, 3)
        got = receiver.wait_for(3, timeout=20)
        assert len({item.event["id"] for item in got}) == 3
    finally:
        loop.stop()
        deliverer.close()
        db.dispose()
    assert not loop.is_alive()
