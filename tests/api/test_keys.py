"""Admins manage keys over HTTP: the secret shows once, is never listed; revoking keeps the row."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from service.app import create_app
from service.config import Settings
from service.engine import Engine
from service.store import keys
from service.store.tables import ApiKey, Role, as_utc

LISTED = {"id", "name", "role", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"}


def admin_headers(make_key) -> dict[str, str]:  # noqa: ANN001
    """Headers of a fresh admin key."""
    return {"X-API-Key": make_key(Role.admin, "admin")[1]}


def test_create_shows_the_secret_once_and_it_works(client, make_key, session: Session):
    admin = admin_headers(make_key)
    response = client.post("/v1/keys", json={"name": "erp", "role": "screener"}, headers=admin)
    assert response.status_code == 201
    created = response.json()
    assert set(created) == LISTED | {"secret"}
    assert (created["name"], created["role"], created["expires_at"]) == ("erp", "screener", None)
    secret = created["secret"]
    assert secret.startswith(created["prefix"])
    screened = client.post(
        "/v1/screenings",
        json={"transaction_type": "material_export", "description": "Gallium arsenide"},
        headers={"X-API-Key": secret},
    )
    assert screened.status_code == 201
    listed = client.get("/v1/keys", headers=admin)
    assert listed.status_code == 200
    assert secret not in listed.text
    row = session.get(ApiKey, created["id"])
    assert row is not None and row.key_hash not in listed.text
    assert all(set(item) == LISTED for item in listed.json())


def test_an_expiring_key_stops_working_when_it_expires(client, make_key):
    admin = admin_headers(make_key)
    soon = datetime.now(UTC) + timedelta(seconds=1.5)
    body = {"name": "pilot", "role": "auditor", "expires_at": soon.isoformat()}
    created = client.post("/v1/keys", json=body, headers=admin).json()
    headers = {"X-API-Key": created["secret"]}
    assert client.get("/v1/instruments", headers=headers).status_code == 200
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.05)
    # The key row is still in the server's key cache: expiry is checked on every request.
    response = client.get("/v1/instruments", headers=headers)
    assert response.status_code == 401
    assert response.json()["message"] == "expired API key"


def trusting_keys_for(seconds: float, settings: Settings, engine: Engine) -> TestClient:
    """A client of an app with SCREENING_KEY_CACHE_SECONDS set to `seconds`."""
    return TestClient(
        create_app(settings.model_copy(update={"key_cache_seconds": seconds}), engine=engine)
    )


@pytest.fixture
def uncached(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """A client of an app that reads the key row on every request, for tests that change key
    rows behind the app's back."""
    with trusting_keys_for(0, settings, engine) as test_client:
        yield test_client


def test_a_key_revoked_from_the_cli_stops_within_the_key_cache_time(
    settings: Settings, engine: Engine, make_key, session: Session
):
    row, secret = make_key(Role.auditor, "reader")
    headers = {"X-API-Key": secret}
    with trusting_keys_for(0.5, settings, engine) as client:
        assert client.get("/v1/instruments", headers=headers).status_code == 200
        keys.revoke_api_key(session=session, key_id=row.id)  # what `screening keys revoke` does
        assert client.get("/v1/instruments", headers=headers).status_code == 200
        time.sleep(0.6)
        assert client.get("/v1/instruments", headers=headers).status_code == 401


def test_expiry_must_be_in_the_future_and_carry_a_zone(client, make_key):
    admin = admin_headers(make_key)
    for expires, message in (
        ("2001-01-01T00:00:00Z", "expires_at must be in the future"),
        ("2099-01-01T00:00:00", "expires_at needs a time zone"),
    ):
        body = {"name": "x", "role": "screener", "expires_at": expires}
        response = client.post("/v1/keys", json=body, headers=admin)
        assert response.status_code == 422
        assert message in response.json()["message"]


def test_bad_role_and_overlong_name_are_422(client, make_key):
    admin = admin_headers(make_key)
    bad_role = client.post("/v1/keys", json={"name": "x", "role": "root"}, headers=admin)
    assert bad_role.status_code == 422
    assert "'screener', 'auditor', 'admin' or 'officer'" in bad_role.json()["message"]
    long_name = client.post("/v1/keys", json={"name": "n" * 201, "role": "admin"}, headers=admin)
    assert long_name.status_code == 422
    assert "at most 200 characters" in long_name.json()["message"]


def test_revoke_keeps_the_row_and_stops_the_key(client, make_key, session: Session):
    admin = admin_headers(make_key)
    victim, secret = make_key(Role.screener, "victim")
    assert client.get("/v1/instruments", headers={"X-API-Key": secret}).status_code == 200
    response = client.delete(f"/v1/keys/{victim.id}", headers=admin)
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert client.get("/v1/instruments", headers={"X-API-Key": secret}).status_code == 401
    assert keys.get_api_key(session=session, key_id=victim.id) is not None
    listed = {item["id"]: item for item in client.get("/v1/keys", headers=admin).json()}
    assert listed[victim.id]["revoked_at"] is not None


def test_revoking_an_unknown_key_is_404(client, make_key):
    response = client.delete("/v1/keys/no-such-key", headers=admin_headers(make_key))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_last_use_is_recorded_at_most_once_a_minute(uncached, make_key, session: Session):
    client = uncached
    row, secret = make_key(Role.auditor, "reader")
    assert row.last_used_at is None
    client.get("/v1/instruments", headers={"X-API-Key": secret})
    session.expire_all()
    first = session.get(ApiKey, row.id)
    assert first is not None and first.last_used_at is not None
    stamp = as_utc(first.last_used_at)
    client.get("/v1/instruments", headers={"X-API-Key": secret})
    session.expire_all()
    again = session.get(ApiKey, row.id)
    assert again is not None and as_utc(again.last_used_at) == stamp
    old = stamp - timedelta(minutes=2)
    session.execute(
        text("UPDATE api_key SET last_used_at = :t WHERE id = :id"), {"t": old, "id": row.id}
    )
    session.commit()
    client.get("/v1/instruments", headers={"X-API-Key": secret})
    session.expire_all()
    later = session.get(ApiKey, row.id)
    assert later is not None and as_utc(later.last_used_at) > stamp


def test_secrets_never_reach_the_logs(client, make_key, caplog):
    caplog.set_level("DEBUG")
    admin = admin_headers(make_key)
    created = client.post("/v1/keys", json={"name": "erp", "role": "screener"}, headers=admin)
    secret = created.json()["secret"]
    client.get("/v1/instruments", headers={"X-API-Key": secret})
    client.delete(f"/v1/keys/{created.json()['id']}", headers=admin)
    assert any(r.message == "key.created" for r in caplog.records)
    assert secret not in caplog.text
    assert admin["X-API-Key"] not in caplog.text
