"""API keys: generated once, stored as a sha256 hash only, looked up by that hash."""

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from service.store.tables import ApiKey, Role, as_utc, utcnow

SECRET_PREFIX = "scr_"
DISPLAY_CHARS = 12
# last_used_at is written at most this often per key, so the hot path rarely writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """Hex sha256 of a key's secret; the only form in which a key is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def add_api_key(
    *, session: Session, name: str, role: Role, expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret, which is shown once and never stored."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        id=str(uuid.uuid4()),
        name=name,
        role=role.value,
        key_hash=hash_secret(secret),
        prefix=secret[:DISPLAY_CHARS],
        expires_at=expires_at,
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row, secret


def find_key(*, session: Session, secret: str) -> ApiKey | None:
    """The key whose secret this is, revoked or expired or not, or None."""
    digest = hash_secret(secret)
    row = session.exec(select(ApiKey).where(col(ApiKey.key_hash) == digest)).first()
    # Compare again in constant time so no code path depends on how much of the hash matched.
    if row is None or not hmac.compare_digest(row.key_hash, digest):
        return None
    return row


def is_expired(key: ApiKey, now: datetime | None = None) -> bool:
    """True once the key's expiry time has passed."""
    return key.expires_at is not None and as_utc(key.expires_at) <= (now or utcnow())


def find_active_key(*, session: Session, secret: str) -> ApiKey | None:
    """The unrevoked, unexpired key whose secret this is, or None."""
    row = find_key(session=session, secret=secret)
    if row is None or row.revoked_at is not None or is_expired(row):
        return None
    return row


def touch_api_key(*, session: Session, key: ApiKey) -> None:
    """Record that the key was used now, unless that was already recorded within a minute."""
    now = utcnow()
    if key.last_used_at is not None and now - as_utc(key.last_used_at) < LAST_USED_RESOLUTION:
        return
    session.execute(update(ApiKey).where(col(ApiKey.id) == key.id).values(last_used_at=now))
    session.commit()


def get_api_key(*, session: Session, key_id: str) -> ApiKey | None:
    """The key with this id, revoked or not, or None."""
    return session.get(ApiKey, key_id)


def list_api_keys(*, session: Session) -> list[ApiKey]:
    """Every key, oldest first."""
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.created_at), col(ApiKey.id))))


def revoke_api_key(*, session: Session, key_id: str) -> ApiKey | None:
    """Mark a key revoked from now on; None when there is no such key."""
    row = session.get(ApiKey, key_id)
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        session.commit()
        session.refresh(row)
    return row
