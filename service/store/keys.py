"""API keys: generated once, stored as a sha256 hash only, looked up by that hash."""

import hashlib
import hmac
import secrets
import uuid

from sqlmodel import Session, col, select

from service.store.tables import ApiKey, Role, utcnow

SECRET_PREFIX = "scr_"
DISPLAY_CHARS = 12


def hash_secret(secret: str) -> str:
    """Hex sha256 of a key's secret; the only form in which a key is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def add_api_key(*, session: Session, name: str, role: Role) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret, which is shown once and never stored."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        id=str(uuid.uuid4()),
        name=name,
        role=role.value,
        key_hash=hash_secret(secret),
        prefix=secret[:DISPLAY_CHARS],
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row, secret


def find_active_key(*, session: Session, secret: str) -> ApiKey | None:
    """The unrevoked key whose secret this is, or None."""
    digest = hash_secret(secret)
    row = session.exec(select(ApiKey).where(col(ApiKey.key_hash) == digest)).first()
    # Compare again in constant time so no code path depends on how much of the hash matched.
    if row is None or not hmac.compare_digest(row.key_hash, digest):
        return None
    return None if row.revoked_at is not None else row


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
