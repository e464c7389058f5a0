"""At start-up: record the loaded rule set and, when configured, re-screen under a new one."""

import logging
from collections.abc import Callable

import sqlalchemy
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from service.config import Settings
from service.engine import Engine
from service.rescreen import runner
from service.store import rulesets

log = logging.getLogger("service.rescreen")


def record_ruleset(
    *, db: sqlalchemy.Engine, engine: Engine, settings: Settings, wake: Callable[[], None]
) -> str | None:
    """Record this start-up's rule set; return the id of a re-screen it queued, if any (and
    `wake` the job loop so it starts at once)."""
    ruleset = engine.ruleset
    try:
        with Session(db) as session:
            _, is_new = rulesets.add_load(
                session=session, version=ruleset.version, digest=ruleset.digest
            )
    except SQLAlchemyError:
        log.exception("ruleset.record_failed")
        return None
    if not (is_new and settings.rescreen_on_new_ruleset):
        return None
    # The stored as_of of each screening is kept, so the report shows the rule change alone.
    job = runner.create_job(db=db, engine=engine, settings=settings)
    wake()
    log.info("rescreen.started_for_new_ruleset", extra={"job_id": job.id})
    return job.id
