"""Every /v1 route refuses a request without a valid, unrevoked X-API-Key, in the common shape."""

import pytest
from sqlmodel import Session

from service.app import create_app
from service.store import keys

ROUTES = sorted(
    (method.upper(), path)
    for path, operations in create_app().openapi()["paths"].items()
    if path.startswith("/v1")
    for method in operations
)
CONCRETE = {"{screening_id}": "some-id", "{job_id}": "some-id", "{category_id}": "some-id"}


def concrete(path: str) -> str:
    """The route's path with its parameters filled in."""
    for placeholder, value in CONCRETE.items():
        path = path.replace(placeholder, value)
    return path


def test_every_v1_route_is_covered():
    assert ROUTES == [
        ("GET", "/v1/batches"),
        ("GET", "/v1/batches/{job_id}"),
        ("GET", "/v1/batches/{job_id}/results"),
        ("GET", "/v1/categories"),
        ("GET", "/v1/categories/{category_id}"),
        ("GET", "/v1/instruments"),
        ("GET", "/v1/parameters"),
        ("GET", "/v1/screenings"),
        ("GET", "/v1/screenings/{screening_id}"),
        ("POST", "/v1/admin/rules/reload"),
        ("POST", "/v1/batches"),
        ("POST", "/v1/screenings"),
    ]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_missing_key_is_401(client, method, path):
    response = client.request(method, concrete(path), json={})
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthorized",
        "message": "missing X-API-Key header",
        "details": None,
    }


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_wrong_key_is_401(client, screener, method, path):
    wrong = screener[1][:-2] + ("xy" if not screener[1].endswith("xy") else "zz")
    response = client.request(method, concrete(path), json={}, headers={"X-API-Key": wrong})
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthorized",
        "message": "invalid or revoked API key",
        "details": None,
    }


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_revoked_key_is_401(client, screener, session: Session, method, path):
    row, secret = screener
    keys.revoke_api_key(session=session, key_id=row.id)
    response = client.request(method, concrete(path), json={}, headers={"X-API-Key": secret})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_valid_key_gets_past_authentication(client, auth, method, path):
    response = client.request(method, concrete(path), json={}, headers=auth)
    # A screener key is authenticated everywhere, and authorised everywhere but /v1/admin.
    assert response.status_code in ((403,) if "/admin/" in path else (200, 404, 422))


def test_health_probes_need_no_key(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
