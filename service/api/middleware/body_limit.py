"""Refuses request bodies over the size limit, by Content-Length and while reading chunks."""

from collections.abc import Callable
from typing import NamedTuple

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.errors import PayloadTooLarge, error_response


class BodyLimit(NamedTuple):
    """The most bytes a route's body may have, and what that figure is made of (for the 413)."""

    size: int
    made_of: str = ""

    @property
    def message(self) -> str:
        """The 413's message: the limit, and how it is reckoned when that is not obvious."""
        why = f" ({self.made_of})" if self.made_of else ""
        return f"the request body is over the limit of {self.size} bytes{why}"


class BodyLimitMiddleware:
    """413 in the common shape once a body passes the `limit_for(scope)` bytes.

    A declared Content-Length over the limit is refused before anything is read. A chunked
    body (or one that lies about its length) is counted as it arrives: the first chunk over the
    limit stops the read, and whatever the app then answers is replaced by the 413.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[Scope], BodyLimit]) -> None:
        self.app, self.limit_for = app, limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request with a counting `receive`."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        if _declared_length(scope) > limit.size:
            await _too_large(limit)(scope, receive, send)
            return
        received, exceeded, started = 0, False, False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit.size:
                    exceeded = True
                    raise PayloadTooLarge(limit.message)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the app's answer to a cut-off body; the 413 goes out instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except PayloadTooLarge:
            if started:
                raise
        if exceeded and not started:
            await _too_large(limit)(scope, receive, send)


def _too_large(limit: BodyLimit) -> ASGIApp:
    """The 413 answer naming the limit."""
    return error_response(413, "payload_too_large", limit.message)


def _declared_length(scope: Scope) -> int:
    """The Content-Length header as a number, 0 when absent or not a number."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0
