"""The /ui sign-in: an HMAC-signed, HttpOnly, SameSite=Strict cookie naming the key and CSRF token.

The cookie holds the API key's id, never its secret: a stolen cookie stops working when the
key is revoked, and the secret typed at sign-in is not kept anywhere but the key table's hash.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from fastapi import Request, Response

COOKIE = "screening_session"
LIFETIME_SECONDS = 8 * 3600


@dataclass(frozen=True)
class UiSession:
    """Who is signed in, and the token every form must send back."""

    key_id: str
    csrf: str


def _signature(secret: str, payload: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def encode(secret: str, session: UiSession, now: float | None = None) -> str:
    """The cookie value for a session: base64 JSON payload, a dot, its HMAC-SHA256."""
    expires = int((now or time.time()) + LIFETIME_SECONDS)
    body = json.dumps({"kid": session.key_id, "csrf": session.csrf, "exp": expires})
    payload = base64.urlsafe_b64encode(body.encode("utf-8"))
    return payload.decode("ascii") + "." + _signature(secret, payload)


def decode(secret: str, value: str | None, now: float | None = None) -> UiSession | None:
    """The session in a cookie value, or None when it is missing, forged or expired."""
    if not value or "." not in value:
        return None
    payload, signature = value.rsplit(".", 1)
    if not hmac.compare_digest(signature, _signature(secret, payload.encode("ascii"))):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except ValueError:
        return None
    if data.get("exp", 0) < (now or time.time()):
        return None
    return UiSession(key_id=data["kid"], csrf=data["csrf"])


def new_session(key_id: str) -> UiSession:
    """A fresh session for a key, with a new CSRF token."""
    return UiSession(key_id=key_id, csrf=secrets.token_urlsafe(24))


def same_token(expected: str, given: str) -> bool:
    """Compare CSRF tokens in constant time; an empty token never matches."""
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def set_cookie(response: Response, request: Request, secret: str, session: UiSession) -> None:
    """Attach the signed session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS."""
    response.set_cookie(
        COOKIE,
        encode(secret, session),
        max_age=LIFETIME_SECONDS,
        path="/ui",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_cookie(response: Response) -> None:
    """Sign out."""
    response.delete_cookie(COOKIE, path="/ui", httponly=True, samesite="strict")
