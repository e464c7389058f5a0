"""The background components of a running app, started in one declared order, stopped in reverse.

`COMPONENTS` is the order: tracing (when on), the rule set, the database, the rate limiter,
the audit writer, the webhook deliverer, the job loop (batches, re-screens, webhook
deliveries), the rule set's recording (which may queue a re-screen), and the SIGHUP reload
last, so a reload never reaches a component not yet started or already stopped. Adding a
component means one function here and one line in `COMPONENTS`.
"""

import asyncio
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy

from service import tracing
from service.batch.pool import RowPool
from service.config import Settings
from service.engine import Engine, RuleSetError, load_ruleset
from service.gc_tuning import tune_garbage_collector
from service.jobs.batch import batch_kind
from service.jobs.kinds import Hooks
from service.jobs.loop import JobLoop
from service.jobs.rescreen import RESCREEN
from service.jobs.webhooks import webhook_kind
from service.live_rules import LiveRules
from service.rescreen.startup import record_ruleset
from service.runtime.key_cache import KeyCache
from service.runtime.metrics import Metrics
from service.runtime.ratelimit import RateLimiter, build_limiter
from service.store.audit_writer import AuditWriter
from service.store.database import create_db_engine
from service.webhooks.delivery import Deliverer
from service.workflows.screening import Recorder

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

log = logging.getLogger("service.app")

Stop = Callable[[], None]


@dataclass(frozen=True)
class Services:
    """What the lifespan builds once: settings, the live rules (engine) and the database engine."""

    settings: Settings
    rules: LiveRules
    db: sqlalchemy.Engine
    jobs: JobLoop
    metrics: Metrics
    audit: AuditWriter
    key_cache: KeyCache
    recorder: Recorder
    # Webhook keys, address policy and HTTP client (the routes seal secrets and check URLs).
    deliverer: Deliverer
    limiter: RateLimiter | None = None


@dataclass
class Startup:
    """The components built so far while starting, and how to stop each one."""

    settings: Settings
    metrics: Metrics
    engine: Engine | None = None
    tracer_provider: "TracerProvider | None" = None
    rules: LiveRules = field(init=False)
    db: sqlalchemy.Engine = field(init=False)
    limiter: RateLimiter | None = None
    audit: AuditWriter = field(init=False)
    deliverer: Deliverer = field(init=False)
    jobs: JobLoop = field(init=False)
    stops: list[tuple[str, Stop]] = field(default_factory=list)


def _tracing(up: Startup) -> Stop | None:
    """Spans for the engine, the audit write and webhook deliveries, sent to the OTLP collector
    when one is configured; nothing without a tracer provider."""
    provider = up.tracer_provider
    if provider is None:
        return None
    flush: Stop | None = None
    if endpoint := up.settings.otlp_endpoint:
        from service.runtime import telemetry  # only when tracing: the SDK is slow to import

        flush = telemetry.export(provider, endpoint)
    tracing.activate(provider)

    def stop() -> None:
        tracing.deactivate()
        if flush is not None:
            flush()

    return stop


def _rules(up: Startup) -> Stop | None:
    """Load the rule set (unless one was given) and serve it through LiveRules."""
    tune_garbage_collector()
    settings = up.settings
    try:
        screener = up.engine or Engine(load_ruleset(settings.rules_dir))
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
    up.rules = LiveRules(screener, settings.rules_dir)
    return None


def _database(up: Startup) -> Stop:
    """The database engine (a connection pool)."""
    settings = up.settings
    up.db = create_db_engine(
        settings.database_url,
        connect_timeout=settings.db_connect_timeout,
        pool_timeout=settings.db_pool_timeout,
    )
    return up.db.dispose


def _limiter(up: Startup) -> Stop | None:
    """The per-key rate limiter, when one is configured."""
    up.limiter = build_limiter(up.settings)
    return up.limiter.close if up.limiter is not None else None


def _audit_writer(up: Startup) -> Stop:
    """The thread that group-commits the API's screenings to the audit log."""
    up.audit = AuditWriter(up.db, on_group=up.metrics.audit_groups.observe)
    up.audit.start()
    return up.audit.stop


def _webhook_deliverer(up: Startup) -> Stop:
    """What sending webhooks takes, built once: the sealing key, the address guard, the client."""
    up.deliverer = Deliverer.from_settings(up.settings)
    return up.deliverer.close


def _job_loop(up: Startup) -> Stop:
    """The loop that claims and runs background jobs (batches, re-screens) under leases, and
    sweeps the due webhook deliveries."""
    hooks = Hooks(on_rows=up.metrics.batch_rows.inc, on_decision=up.metrics.count_decision)
    # The batch rows' worker processes start with the first job big enough to need them.
    pool = RowPool(
        jobs=up.settings.batch_jobs,
        rules_dir=up.settings.rules_dir,
        log_level=up.settings.log_level,
    )
    up.jobs = JobLoop(
        db=up.db,
        rules=up.rules,
        settings=up.settings,
        kinds=(batch_kind(pool), RESCREEN),
        sweeps=(webhook_kind(up.deliverer, up.settings),),
        hooks=hooks,
    )
    up.jobs.start()

    def stop() -> None:
        up.jobs.stop()
        pool.close()

    return stop


def _ruleset_recording(up: Startup) -> None:
    """Record the rule set in use now and after every reload (which may queue a re-screen)."""

    def loaded(engine: Engine) -> None:
        """Publish and record a rule set just put in service."""
        up.metrics.set_ruleset(engine.ref)
        record_ruleset(db=up.db, engine=engine, settings=up.settings, wake=up.jobs.wake)

    loaded(up.rules.engine)
    up.rules.on_swap(loaded)


def _sighup(up: Startup) -> Stop | None:
    """Reload the rules on SIGHUP, where this thread can catch signals."""
    loop = asyncio.get_running_loop()
    if not up.rules.watch_sighup(loop):
        return None
    return lambda: loop.remove_signal_handler(signal.SIGHUP)


COMPONENTS: tuple[Callable[[Startup], Stop | None], ...] = (
    _tracing,
    _rules,
    _database,
    _limiter,
    _audit_writer,
    _webhook_deliverer,
    _job_loop,
    _ruleset_recording,
    _sighup,
)


@dataclass(frozen=True)
class Running:
    """The started services and the stops to call, last started first."""

    services: Services
    stops: list[tuple[str, Stop]]


def start(
    settings: Settings,
    metrics: Metrics,
    engine: Engine | None = None,
    tracer_provider: "TracerProvider | None" = None,
) -> Running:
    """Start every component in order; on a failure, stop those already started, then raise."""
    up = Startup(settings=settings, metrics=metrics, engine=engine, tracer_provider=tracer_provider)
    try:
        for component in COMPONENTS:
            if (stop_one := component(up)) is not None:
                up.stops.append((component.__name__.lstrip("_"), stop_one))
    except BaseException:
        _stop_all(up.stops)
        raise
    services = Services(
        settings=settings,
        rules=up.rules,
        db=up.db,
        jobs=up.jobs,
        metrics=metrics,
        audit=up.audit,
        key_cache=KeyCache(settings.key_cache_seconds),
        recorder=Recorder(db=up.db, audit=up.audit, count=metrics.count_decision),
        deliverer=up.deliverer,
        limiter=up.limiter,
    )
    ruleset = up.rules.engine.ruleset
    log.info(
        "service.started",
        extra={"ruleset": ruleset.version, "digest": ruleset.digest, "db": up.db.dialect.name},
    )
    return Running(services=services, stops=up.stops)


def stop(running: Running) -> None:
    """Stop every started component, last started first."""
    _stop_all(running.stops)


def _stop_all(stops: list[tuple[str, Stop]]) -> None:
    for _name, stop_one in reversed(stops):
        stop_one()
