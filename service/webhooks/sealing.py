"""Webhook signing secrets, sealed at rest with the server's key and opened only to sign.

The service must recover a secret to sign with it, so it cannot keep only a hash as it does for
API keys. It seals each secret with Fernet (AES-128-CBC + HMAC-SHA256) under
SCREENING_WEBHOOK_SECRET_KEY, which lives in the environment, not in the database: a copy of
the database alone (a backup, a replica, a read-only role) cannot forge a delivery.
"""

import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from service.engine.errors import ScreeningError

SECRET_PREFIX = "whsec_"


class WebhooksNotConfigured(ScreeningError):
    """No key to seal webhook secrets with is configured."""

    code = "webhooks_not_configured"
    status = 503


class SecretBox:
    """Seals and opens secrets with the configured keys: the first seals, every one opens."""

    def __init__(self, keys: str | None) -> None:
        names = [key.strip() for key in (keys or "").split(",") if key.strip()]
        try:
            self._fernet = MultiFernet([Fernet(key) for key in names]) if names else None
        except ValueError as exc:
            raise ValueError(
                "SCREENING_WEBHOOK_SECRET_KEY must be Fernet keys (32 url-safe base64 bytes), "
                "comma-separated"
            ) from exc

    @property
    def configured(self) -> bool:
        """True when a key is set."""
        return self._fernet is not None

    def seal(self, secret: str) -> str:
        """The secret encrypted under the first key."""
        if self._fernet is None:
            raise WebhooksNotConfigured(
                "webhooks need SCREENING_WEBHOOK_SECRET_KEY (a Fernet key) to keep their "
                "signing secrets encrypted; set it and restart"
            )
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        """The secret sealed here; ValueError when no configured key opens it."""
        if self._fernet is None:
            raise ValueError("SCREENING_WEBHOOK_SECRET_KEY is not set")
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("no key in SCREENING_WEBHOOK_SECRET_KEY opens this secret") from exc


def new_secret() -> str:
    """A fresh signing secret, shown to the admin once."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)
