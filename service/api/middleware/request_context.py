"""Gives every request an id (the client's X-Request-ID when sane) and turns crashes into 500s."""

import logging
import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import tracing
from service.api.errors import error_response
from service.logs import request_id

log = logging.getLogger("service.http")
SANE_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")


def pick_request_id(scope: Scope) -> str:
    """The client's X-Request-ID when it is short and plain, else a new random id."""
    for name, value in scope["headers"]:
        if name == b"x-request-id" and SANE_ID.match(value):
            return value.decode("ascii")
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Sets the request id for log lines, echoes it, and answers unhandled errors with a 500.

    The 500 is in the common error shape with no trace or SQL in it; the trace goes to the log,
    under the same request id the client sees.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request inside its request-id context."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = pick_request_id(scope)
        token = request_id.set(rid)
        tracing.annotate(request_id=rid)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "request.failed", extra={"method": scope["method"], "path": scope["path"]}
            )
            if started:
                raise
            # The client finds the log lines by the X-Request-ID header of this answer.
            response = error_response(
                500, "internal_error", "internal error; the failure has been logged"
            )
            await response(scope, receive, send_with_id)
        finally:
            request_id.reset(token)
