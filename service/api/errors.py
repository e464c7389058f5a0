"""API-only errors and the handlers that turn every failure into one JSON shape."""

import logging
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from service.engine.errors import ScreeningError

log = logging.getLogger("service.api")

# A COMMIT cut off by a server going down may still have been made durable: say so.
MESSAGE_DB_DOWN = (
    "the database is unreachable; retry shortly (a screening cut off mid-commit may have been "
    "stored: look it up by its reference before sending it again)"
)
PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


class ErrorBody(BaseModel):
    """The one shape of every 4xx and 5xx answer."""

    code: str = Field(description="stable machine-readable error code", examples=["not_found"])
    message: str = Field(
        description="what went wrong, for a human", examples=["no screening with id 42"]
    )
    details: Any = Field(
        default=None,
        description="structured detail, e.g. one entry per invalid field",
        examples=[[{"loc": ["body", "destination_country"], "message": "...", "type": "..."}]],
    )


class NotFound(ScreeningError):
    """The addressed resource does not exist."""

    code = "not_found"
    status = 404


class Unauthorized(ScreeningError):
    """No API key, or one that is wrong or revoked."""

    code = "unauthorized"
    status = 401


class Forbidden(ScreeningError):
    """The key is valid but its role may not do this."""

    code = "forbidden"
    status = 403


class Conflict(ScreeningError):
    """The request contradicts what an earlier request with the same key established."""

    code = "conflict"
    status = 409


class TooManyRequests(ScreeningError):
    """The key has used up its requests for the last minute."""

    code = "too_many_requests"
    status = 429

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(
            f"rate limit of {limit} requests a minute reached; retry in {retry_after} s",
            details={"limit_per_minute": limit, "retry_after": retry_after},
        )
        self.headers = {"Retry-After": str(retry_after)}


class PayloadTooLarge(ScreeningError):
    """The request body is over the configured size limit."""

    code = "payload_too_large"
    status = 413


class NotReady(ScreeningError):
    """The rule set or the database is not available."""

    code = "not_ready"
    status = 503


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict | None = None
) -> JSONResponse:
    """Render an error in the common shape."""
    body = ErrorBody(code=code, message=message, details=details).model_dump(mode="json")
    return JSONResponse(body, status_code=status, headers=headers)


async def _screening_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ScreeningError)
    headers = getattr(exc, "headers", None)
    return error_response(exc.status, exc.code, exc.message, exc.details, headers=headers)


# What an allowed value looks like, added to pydantic's message where it only names a rule.
DATE_HINT = "expected a date as YYYY-MM-DD, e.g. 2026-11-28"
COUNTRY_HINT = "expected an ISO 3166-1 alpha-2 code in capitals, e.g. DE"
FIELD_HINTS = {
    "country": COUNTRY_HINT,
    "origin_country": COUNTRY_HINT,
    "destination_country": COUNTRY_HINT,
    "work_country": COUNTRY_HINT,
    "hs_code": "expected 4 to 10 digits of a customs code, e.g. 28539090",
    "idempotency-key": "expected 1 to 150 printable ASCII characters without spaces",
}


def _message(error: dict[str, Any]) -> str:
    """pydantic's message, with what is allowed when pydantic only names the broken rule."""
    message = str(error["msg"]).removeprefix("Value error, ")
    field = str(error["loc"][-1]) if error["loc"] else ""
    if error["type"].startswith("date_"):
        return f"{message}; {DATE_HINT}"
    if error["type"] == "string_pattern_mismatch" and field in FIELD_HINTS:
        return f"{message}; {FIELD_HINTS[field]}"
    return message


def validation_error(errors: Sequence[Any], at: tuple[str, ...] = ()) -> ErrorBody:
    """The common 422 body for pydantic's errors; `at` leads each location (e.g. body, 3)."""
    problems = [
        {
            "loc": [*at, *(str(part) for part in error["loc"])],
            "message": _message(error),
            "type": error["type"],
        }
        for error in errors
    ]
    summary = "; ".join(f"{'.'.join(p['loc'])}: {p['message']}" for p in problems)
    return ErrorBody(
        code="validation_error", message=f"invalid request: {summary}", details=problems
    )


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    body = validation_error(exc.errors())
    return error_response(422, body.code, body.message, body.details)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = {
        404: f"no resource at {request.url.path}",
        405: f"method {request.method} is not allowed on {request.url.path}",
    }.get(exc.status_code, str(exc.detail))
    headers = exc.headers
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
    return error_response(exc.status_code, code, message, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    return [
        method
        for method in PROBED_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    if "no such table" in str(getattr(exc, "orig", "")):
        return await _unexpected(request, exc)  # SQLite: an unmigrated database, not an outage
    log.warning(
        "database.unavailable",
        extra={"method": request.method, "path": request.url.path, "error": type(exc).__name__},
    )
    return error_response(
        503,
        "database_unavailable",
        MESSAGE_DB_DOWN,
        headers={"Retry-After": "5"},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error(
        "request.failed",
        exc_info=exc,
        extra={"method": request.method, "path": request.url.path},
    )
    return error_response(500, "internal_error", "internal error; the failure has been logged")


EXCEPTION_HANDLERS: dict[Any, Callable[..., Any]] = {
    ScreeningError: _screening_error,
    RequestValidationError: _validation_error,
    StarletteHTTPException: _http_error,
    # Connection refused or lost, server shutting down, pool exhausted: the transaction (if one
    # began) is rolled back by the database, so a 503 is the whole truth.
    OperationalError: _database_unavailable,
    InterfaceError: _database_unavailable,
    SQLAlchemyTimeoutError: _database_unavailable,
    Exception: _unexpected,
}

# For routes that take a JSON body: one that is not UTF-8 JSON cannot even be validated.
BAD_JSON_BODY: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "the body is not UTF-8 JSON"}
}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing, wrong, revoked or expired X-API-Key"},
    403: {"model": ErrorBody, "description": "the key's role may not do this"},
    422: {"model": ErrorBody, "description": "the request does not validate"},
    429: {"model": ErrorBody, "description": "rate limit reached; see Retry-After"},
    500: {"model": ErrorBody, "description": "unexpected failure; details are only logged"},
    503: {"model": ErrorBody, "description": "database_unavailable: retry after Retry-After"},
}
