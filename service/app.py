"""Builds the FastAPI application; nothing is loaded until the app starts."""

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import Scope

from service.api import (
    admin,
    batches,
    categories,
    dispositions,
    docs,
    health,
    instruments,
    metrics,
    parameters,
    rescreens,
    reviews,
    rulesets,
    screenings,
)
from service.api import keys as keys_api
from service.api.body_limit import BodyLimitMiddleware
from service.api.deps import Services
from service.api.errors import EXCEPTION_HANDLERS
from service.api.key_cache import KeyCache
from service.api.metrics import Metrics, MetricsMiddleware
from service.api.ratelimit import build_limiter
from service.api.request_context import RequestContextMiddleware
from service.api.security_headers import SecurityHeadersMiddleware
from service.batch.worker import JobWorker
from service.config import Settings
from service.engine import Engine, RuleSetError, load_ruleset
from service.gc_tuning import tune_garbage_collector
from service.live_rules import LiveRules
from service.rescreen.startup import record_ruleset
from service.rescreen.worker import RescreenWorker
from service.store.audit_writer import AuditWriter
from service.store.database import create_db_engine
from service.ui import routes as ui_routes
from service.workflows.screening import Recorder

log = logging.getLogger("service.app")

DESCRIPTION = """Screens technology transfers, equipment sales, material exports and engineer
hires against Chinese export-approval categories, and answers `prohibited`,
`approval-required`, `unknown` or `allowed` with matches, citations and an explanation.

Every `/v1` route needs an `X-API-Key` header (`screening keys create`); what each role may
do is in the README. Every error has the shape `{"code", "message", "details"}`."""
# Room for the multipart framing around a batch file of the largest allowed size.
MULTIPART_OVERHEAD = 1 << 20


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The application; `engine` lets a caller share one prebuilt engine (e.g. across tests)."""
    settings = settings or Settings()
    app_metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tune_garbage_collector()
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
        worker = JobWorker(
            db=db,
            rules=rules,
            settings=settings,
            on_rows=app_metrics.batch_rows.inc,
            on_decision=app_metrics.count_decision,
        )
        worker.start()
        rescreener = RescreenWorker(db=db, rules=rules)
        rescreener.start()
        audit = AuditWriter(db, on_group=app_metrics.audit_groups.observe)
        audit.start()

        def loaded(engine: Engine) -> None:
            app_metrics.set_ruleset(engine.ref)
            record_ruleset(db=db, engine=engine, settings=settings, worker=rescreener)

        loaded(screener)
        rules.on_swap(loaded)
        limiter = build_limiter(settings)
        app.state.services = Services(
            settings=settings,
            rules=rules,
            db=db,
            worker=worker,
            rescreener=rescreener,
            metrics=app_metrics,
            audit=audit,
            key_cache=KeyCache(settings.key_cache_seconds),
            recorder=Recorder(db=db, audit=audit, count=app_metrics.count_decision),
            limiter=limiter,
        )
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
            audit.stop()
            worker.stop()
            rescreener.stop()
            db.dispose()
            if limiter is not None:
                limiter.close()

    app = FastAPI(
        title="Export-approval screening",
        version=version("export-screening"),
        description=DESCRIPTION,
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,
        docs_url=None,
    )
    app.state.metrics = app_metrics
    docs.install(app)
    for module in (
        screenings,
        dispositions,
        reviews,
        batches,
        rescreens,
        rulesets,
        instruments,
        categories,
        parameters,
        keys_api,
        admin,
        health,
        metrics,
    ):
        app.include_router(module.router)
    ui_routes.install(app, settings)
    add_middleware(app, settings, app_metrics)
    return app


def add_middleware(app: FastAPI, settings: Settings, app_metrics: Metrics) -> None:
    """Pure ASGI middleware, innermost first: body limit, CORS, request id, metrics, headers."""

    def body_limit(scope: Scope) -> int:
        if scope["method"] == "POST" and scope["path"] == "/v1/batches":
            return settings.batch_max_upload_bytes + MULTIPART_OVERHEAD
        return settings.max_body_bytes

    app.add_middleware(BodyLimitMiddleware, limit_for=body_limit)
    if origins := settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["X-API-Key", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After", "X-Batch-Status"],
        )
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=app_metrics)
    app.add_middleware(SecurityHeadersMiddleware)
