"""Builds the FastAPI application; nothing is loaded until the app starts."""

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import FastAPI

from service.api import admin, batches, categories, health, instruments, parameters, screenings
from service.api.deps import Services
from service.api.errors import EXCEPTION_HANDLERS
from service.batch.worker import JobWorker
from service.config import Settings
from service.engine import Engine, RuleSetError, load_ruleset
from service.live_rules import LiveRules
from service.store.database import create_db_engine

log = logging.getLogger("service.app")

DESCRIPTION = """Screens technology transfers, equipment sales, material exports and engineer
hires against Chinese export-approval categories, and answers `prohibited`,
`approval-required`, `unknown` or `allowed` with matches, citations and an explanation.

Every `/v1` route needs an `X-API-Key` header (`screening keys create`). Every error has
the shape `{"code", "message", "details"}`."""


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The application; `engine` lets a caller share one prebuilt engine (e.g. across tests)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            screener = engine or Engine(load_ruleset(settings.rules_dir))
        except RuleSetError as exc:
            log.error(
                "ruleset.invalid", extra={"rules_dir": str(settings.rules_dir), "error": str(exc)}
            )
            raise
        ruleset = screener.ruleset
        if ruleset.recorded_digest != ruleset.digest:
            log.warning(
                "ruleset.unstamped",
                extra={"recorded_digest": ruleset.recorded_digest, "digest": ruleset.digest},
            )
        rules = LiveRules(screener, settings.rules_dir)
        sighup = rules.watch_sighup(asyncio.get_running_loop())
        db = create_db_engine(
            settings.database_url,
            connect_timeout=settings.db_connect_timeout,
            pool_timeout=settings.db_pool_timeout,
        )
        worker = JobWorker(db=db, rules=rules, settings=settings)
        worker.start()
        app.state.services = Services(settings=settings, rules=rules, db=db, worker=worker)
        log.info(
            "service.started",
            extra={"ruleset": ruleset.version, "digest": ruleset.digest, "db": db.dialect.name},
        )
        try:
            yield
        finally:
            if sighup:
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            app.state.services = None
            worker.stop()
            db.dispose()

    app = FastAPI(
        title="Export-approval screening",
        version=version("export-screening"),
        description=DESCRIPTION,
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,
    )
    for module in (screenings, batches, instruments, categories, parameters, health, admin):
        app.include_router(module.router)
    return app
