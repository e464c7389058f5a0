"""Builds the FastAPI application; nothing is loaded until the app starts."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import Scope

from service.api.errors import EXCEPTION_HANDLERS
from service.api.middleware.body_limit import BodyLimit, BodyLimitMiddleware
from service.api.middleware.metrics import MetricsMiddleware
from service.api.middleware.request_context import RequestContextMiddleware
from service.api.middleware.security_headers import SecurityHeadersMiddleware
from service.api.routes import (
    admin,
    batches,
    categories,
    dispositions,
    docs,
    health,
    instruments,
    metrics,
    parameters,
    parties,
    rescreens,
    reviews,
    rulesets,
    screenings,
    webhooks,
)
from service.api.routes import keys as keys_api
from service.config import Settings
from service.engine import Engine
from service.runtime import services as runtime
from service.runtime.metrics import Metrics
from service.ui import routes as ui_routes

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

log = logging.getLogger("service.app")

DESCRIPTION = """Screens technology transfers, equipment sales, material exports and engineer
hires against Chinese export-approval categories, and answers `prohibited`,
`approval-required`, `unknown` or `allowed` with matches, citations and an explanation.

Every `/v1` route needs an `X-API-Key` header (`screening keys create`); what each role may
do is in the README. Every error has the shape `{"code", "message", "details"}`."""
# Room for the multipart framing around a batch file of the largest allowed size.
MULTIPART_OVERHEAD = 1 << 20


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    tracer_provider: "TracerProvider | None" = None,
) -> FastAPI:
    """The application; `engine` lets a caller share one prebuilt engine (e.g. across tests),
    and `tracer_provider` turns tracing on with the caller's own exporters."""
    settings = settings or Settings()
    app_metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Start the runtime's components for the app's life; stop them in reverse order."""
        running = runtime.start(settings, app_metrics, engine, app.state.tracer_provider)
        app.state.services = running.services
        try:
            yield
        finally:
            app.state.services = None
            runtime.stop(running)

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
        parties,
        keys_api,
        webhooks,
        admin,
        health,
        metrics,
    ):
        app.include_router(module.router)
    ui_routes.install(app, settings)
    add_middleware(app, settings, app_metrics)
    app.state.tracer_provider = add_tracing(app, settings, tracer_provider)
    return app


def add_tracing(
    app: FastAPI, settings: Settings, provider: "TracerProvider | None"
) -> "TracerProvider | None":
    """A span per request when tracing is on (a provider given, or an OTLP endpoint set), as the
    outermost layer; the provider, or None when tracing is off."""
    if provider is None and not settings.otlp_endpoint:
        return None
    from service.runtime import telemetry  # only when tracing: the SDK is slow to import

    provider = provider or telemetry.tracer_provider()
    telemetry.instrument(app, provider)
    return provider


def add_middleware(app: FastAPI, settings: Settings, app_metrics: Metrics) -> None:
    """Pure ASGI middleware, innermost first: body limit, CORS, request id, metrics, headers."""

    def body_limit(scope: Scope) -> BodyLimit:
        if scope["method"] == "POST" and scope["path"] == "/v1/batches":
            return BodyLimit(settings.batch_max_upload_bytes + MULTIPART_OVERHEAD)
        if scope["method"] == "POST" and scope["path"] == "/v1/screenings/bulk":
            return BodyLimit(
                settings.bulk_max_body_bytes,
                f"{settings.bulk_max_items} items of {settings.bulk_item_bytes} bytes each",
            )
        return BodyLimit(settings.max_body_bytes)

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
