"""Shared dependencies: the services built at startup, a session per request, the caller's key."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from service.api.errors import Forbidden, NotReady, TooManyRequests, Unauthorized
from service.api.permissions import Permission, Scope, grant, route_permission
from service.config import Settings
from service.engine import Engine
from service.runtime.services import Services
from service.store import keys
from service.store.tables import ApiKey

log = logging.getLogger("service.api")


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in the
# threadpool, and each such hop cost more than the work it wrapped.
async def get_services(request: Request) -> Services:
    """services_of(request) as a dependency."""
    return services_of(request)


def services_of(request: Request) -> Services:
    """The services of the running app; 503 until the lifespan has built them."""
    services = getattr(request.app.state, "services", None)
    if services is None:
        raise NotReady("the service is starting: rule set and database not ready yet")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_engine(services: ServicesDep) -> Engine:
    """The screening engine over the rule set in service now; kept for the whole request."""
    return services.rules.engine


async def get_settings(services: ServicesDep) -> Settings:
    """The settings the app was created with."""
    return services.settings


def get_session(services: ServicesDep) -> Iterator[Session]:
    """One database session per request, closed afterwards."""
    # Rows stay readable after commit: reloading them would take a pooled connection and keep
    # it until the session closes, in a later threadpool hop (see current_key).
    session = Session(services.db, expire_on_commit=False)
    try:
        yield session
    finally:
        try:
            session.close()
        except (OperationalError, InterfaceError):
            # The server went away after the answer was written (found by bench/fault_pg.py):
            # the connection is discarded; raising now would cut off a response already sent.
            log.warning("database.close_failed")


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]

api_key_header = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKey",
    description="an API key from `screening keys create`",
    auto_error=False,
)


async def current_key(services: Services, secret: str | None) -> ApiKey:
    """The caller's active API key; 401 when it is missing, wrong, revoked or expired."""
    if not secret:
        raise Unauthorized("missing X-API-Key header")
    key = services.key_cache.get(secret)
    if key is None:
        key = await run_in_threadpool(_read_key, services, secret)
    if key is None or key.revoked_at is not None:
        raise Unauthorized("invalid or revoked API key")
    if keys.is_expired(key):
        raise Unauthorized("expired API key")
    return key


def _read_key(services: Services, secret: str) -> ApiKey | None:
    """The key row for this secret from the database, remembered and marked used when active."""
    # A session of its own, closed here: a connection held from this threadpool hop to the
    # handler's let 40+ concurrent requests exhaust the pool while every thread waited on it.
    with Session(services.db, expire_on_commit=False) as session:
        key = keys.find_key(session=session, secret=secret)
        if key is None or key.revoked_at is not None or keys.is_expired(key):
            return key
        keys.touch_api_key(session=session, key=key)
    services.key_cache.put(secret, key)
    return key


@dataclass(frozen=True)
class Caller:
    """An authenticated key and how much of the route's resource its role may see."""

    key: ApiKey
    scope: Scope

    @property
    def owner(self) -> str | None:
        """The key id to restrict reads to, or None when the role reads everything."""
        return self.key.id if self.scope is Scope.own else None


# One dependency with no dependencies of its own but the header: FastAPI's resolution of a
# tree of them cost more per request than the checks they made.
async def authorize(
    request: Request, secret: Annotated[str | None, Security(api_key_header)]
) -> Caller:
    """Find the caller's key, rate-limit it, and check its role against the route's entry in
    permissions.py; 401, 429 or 403 otherwise."""
    services = services_of(request)
    key = await current_key(services, secret)
    if (limiter := services.limiter) is not None:
        retry = (
            limiter.hit(key.id)
            if limiter.in_process
            else await run_in_threadpool(limiter.hit, key.id)
        )
        if retry is not None:
            raise TooManyRequests(services.settings.rate_limit_per_minute, retry)
    route = request.scope.get("route")
    permission = route_permission(request.method, getattr(route, "path", ""))
    if permission is None or permission is Permission.public:
        raise Forbidden("this route has no permission entry; it refuses every key")
    scope = grant(key.role, permission)
    if scope is None:
        raise Forbidden(f"a {key.role} key may not do {permission.value}")
    return Caller(key=key, scope=scope)


Authorized = Annotated[Caller, Depends(authorize)]


def caller_owns(caller: Caller, api_key_id: str) -> bool:
    """True when the caller may see a record made by `api_key_id`."""
    return caller.owner is None or caller.owner == api_key_id
