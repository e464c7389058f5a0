"""API keys are stored as hashes only, found by their secret, and stop working when revoked."""

import hashlib

from sqlalchemy import text
from sqlmodel import Session

from service.store import keys
from service.store.tables import Role


def test_a_new_key_is_found_by_its_secret(session: Session):
    row, secret = keys.add_api_key(session=session, name="erp", role=Role.screener)
    found = keys.find_active_key(session=session, secret=secret)
    assert found is not None
    assert (found.id, found.name, found.role) == (row.id, "erp", "screener")
    assert found.revoked_at is None


def test_only_the_hash_and_a_display_prefix_are_stored(session: Session):
    row, secret = keys.add_api_key(session=session, name="erp", role=Role.auditor)
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(row.prefix) and len(row.prefix) < len(secret) // 2
    stored = session.exec(text("SELECT * FROM api_key")).all()  # type: ignore[call-overload]
    assert all(secret not in str(value) for value in stored[0])


def test_secrets_are_long_and_unique(session: Session):
    secrets = {
        keys.add_api_key(session=session, name=str(i), role=Role.screener)[1] for i in range(5)
    }
    assert len(secrets) == 5
    assert all(len(s) >= 40 for s in secrets)


def test_wrong_secret_finds_nothing(session: Session):
    keys.add_api_key(session=session, name="erp", role=Role.screener)
    assert keys.find_active_key(session=session, secret="scr_wrong") is None
    assert keys.find_active_key(session=session, secret="") is None


def test_revoked_key_is_not_active(session: Session):
    row, secret = keys.add_api_key(session=session, name="erp", role=Role.screener)
    revoked = keys.revoke_api_key(session=session, key_id=row.id)
    assert revoked is not None and revoked.revoked_at is not None
    assert keys.find_active_key(session=session, secret=secret) is None
    assert keys.get_api_key(session=session, key_id=row.id) is not None
    assert keys.revoke_api_key(session=session, key_id="no-such-key") is None


def test_keys_are_listed_oldest_first(session: Session):
    names = ["a", "b", "c"]
    for name in names:
        keys.add_api_key(session=session, name=name, role=Role.admin)
    assert [k.name for k in keys.list_api_keys(session=session)] == names
