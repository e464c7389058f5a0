"""Shared dependencies: the services built at startup, a session per request, the caller's key."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

import sqlalchemy
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from sqlmodel import Session

from service.api.errors import Forbidden, NotReady, Unauthorized
from service.batch.worker import JobWorker
from service.config import Settings
from service.engine import Engine
from service.store import keys
from service.store.tables import ApiKey, Role


@dataclass(frozen=True)
class Services:
    """What the lifespan builds once: settings, the screening engine and the database engine."""

    settings: Settings
    engine: Engine
    db: sqlalchemy.Engine
    worker: JobWorker


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in the
# threadpool, and each such hop cost more than the work it wrapped.
async def get_services(request: Request) -> Services:
    """The services of the running app; 503 until the lifespan has built them."""
    services = getattr(request.app.state, "services", None)
    if services is None:
        raise NotReady("the service is starting: rule set and database not ready yet")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_engine(services: ServicesDep) -> Engine:
    """The screening engine over the loaded rule set."""
    return services.engine


async def get_settings(services: ServicesDep) -> Settings:
    """The settings the app was created with."""
    return services.settings


def get_session(services: ServicesDep) -> Iterator[Session]:
    """One database session per request, closed afterwards."""
    # Rows stay readable after commit: reloading them would take a pooled connection and keep
    # it until the session closes, in a later threadpool hop (see current_key).
    with Session(services.db, expire_on_commit=False) as session:
        yield session


async def get_worker(services: ServicesDep) -> JobWorker:
    """The background worker that runs batch jobs."""
    return services.worker


WorkerDep = Annotated[JobWorker, Depends(get_worker)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]

api_key_header = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKey",
    description="an API key from `screening keys create`",
    auto_error=False,
)


def current_key(
    services: ServicesDep, secret: Annotated[str | None, Security(api_key_header)]
) -> ApiKey:
    """The caller's active API key; 401 when it is missing, wrong or revoked."""
    if not secret:
        raise Unauthorized("missing X-API-Key header")
    # A session of its own, closed here: a connection held from this threadpool hop to the
    # handler's let 40+ concurrent requests exhaust the pool while every thread waited on it.
    with Session(services.db) as session:
        key = keys.find_active_key(session=session, secret=secret)
    if key is None:
        raise Unauthorized("invalid or revoked API key")
    return key


CurrentKey = Annotated[ApiKey, Depends(current_key)]


async def screener_key(key: CurrentKey) -> ApiKey:
    """A key allowed to screen: screener or admin; auditors only read."""
    if key.role not in (Role.screener, Role.admin):
        raise Forbidden(f"a {key.role} key may not create screenings")
    return key


ScreenerKey = Annotated[ApiKey, Depends(screener_key)]
