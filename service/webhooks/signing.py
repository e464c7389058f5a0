"""Signatures of webhook deliveries, on Stripe's scheme: HMAC-SHA256 over `timestamp.body`."""

import hashlib
import hmac

SIGNATURE_HEADER = "Screening-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256, keyed with the secret, of the timestamp, a dot and the raw body."""
    signed = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The Screening-Signature header's value: `t=<unix seconds>,v1=<hex signature>`."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"
