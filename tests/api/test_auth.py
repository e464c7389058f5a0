"""Every route of the app against every role and every kind of bad key: the permission table.

Routes are read from `app.routes`, so a new route without an entry in permissions.ROUTES, or in
EXPECTED below, fails here; EXPECTED is the README's table, written out by hand on purpose.
"""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.routing import iter_route_contexts
from sqlmodel import Session

from service.api.permissions import ROUTES as PERMISSION_TABLE
from service.api.permissions import Permission, route_permission
from service.app import create_app
from service.store import keys
from service.store.tables import Role

S, A, OF, D = Role.screener, Role.auditor, Role.officer, Role.admin
PUBLIC = "public"
EXPECTED: dict[tuple[str, str], set[Role] | str] = {
    ("POST", "/v1/screenings"): {S, D},
    ("POST", "/v1/screenings/bulk"): {S, D},
    ("GET", "/v1/screenings"): {S, A, OF, D},
    ("GET", "/v1/screenings/{screening_id}"): {S, A, OF, D},
    ("POST", "/v1/screenings/{screening_id}/dispositions"): {OF, D},
    ("GET", "/v1/reviews"): {A, OF, D},
    ("POST", "/v1/rescreens"): {D},
    ("GET", "/v1/rescreens/{rescreen_id}"): {A, OF, D},
    ("GET", "/v1/rescreens/{rescreen_id}/report"): {A, OF, D},
    ("GET", "/v1/rulesets"): {S, A, OF, D},
    ("POST", "/v1/batches"): {S, D},
    ("GET", "/v1/batches"): {S, A, D},
    ("GET", "/v1/batches/{job_id}"): {S, A, D},
    ("GET", "/v1/batches/{job_id}/results"): {S, A, D},
    ("GET", "/v1/instruments"): {S, A, OF, D},
    ("GET", "/v1/categories"): {S, A, OF, D},
    ("GET", "/v1/categories/{category_id}"): {S, A, OF, D},
    ("GET", "/v1/parameters"): {S, A, OF, D},
    ("GET", "/v1/parties"): {S, A, OF, D},
    ("GET", "/v1/parties/{entry_id}"): {S, A, OF, D},
    ("POST", "/v1/admin/rules/reload"): {D},
    ("POST", "/v1/keys"): {D},
    ("GET", "/v1/keys"): {D},
    ("DELETE", "/v1/keys/{key_id}"): {D},
    ("POST", "/v1/webhooks"): {D},
    ("GET", "/v1/webhooks"): {D},
    ("GET", "/v1/webhooks/{webhook_id}"): {D},
    ("DELETE", "/v1/webhooks/{webhook_id}"): {D},
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): {D},
    ("POST", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"): {D},
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
}


def app_routes() -> list[tuple[str, str]]:
    """Every (method, path template) in app.routes (included routers unfolded), HEAD left out.

    Left out: the Swagger UI's static files, and the /ui pages, which sign in with a session
    cookie instead of X-API-Key and check the same permission table (tests/ui covers them).
    """
    found = []
    for route in iter_route_contexts(create_app().routes):
        if route.path == "/docs-assets" or route.path.startswith("/ui"):
            continue
        assert route.path and route.methods, route
        found += [(m, route.path) for m in sorted(route.methods) if m != "HEAD"]
    return sorted(found)


ROUTES = app_routes()
PROTECTED = [r for r in ROUTES if EXPECTED.get(r) != PUBLIC]


def concrete(path: str) -> str:
    """The route's path with each {parameter} filled in with a made-up id."""
    return path.replace("{", "").replace("}", "-x")


def call(client, method: str, path: str, headers: dict[str, str]):  # noqa: ANN001, ANN201
    """Call a route with an empty JSON body (it never gets far enough to change anything)."""
    kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    return client.request(method, concrete(path), headers=headers, **kwargs)


def test_every_route_has_an_entry_in_the_table_and_in_this_test():
    assert sorted(EXPECTED) == ROUTES
    for method, path in ROUTES:
        permission = route_permission(method, path)
        assert permission is not None, (method, path)
        assert (permission is Permission.public) == (EXPECTED[(method, path)] == PUBLIC)
    assert PERMISSION_TABLE[("POST", "/v1/admin/rules/reload")] is Permission.rules_reload


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_allowed_exactly_what_the_table_says(client, make_key, role):
    _, secret = make_key(role)
    for method, path in ROUTES:
        response = call(client, method, path, {"X-API-Key": secret})
        allowed = EXPECTED[(method, path)]
        if allowed == PUBLIC or role in allowed:
            assert response.status_code not in (401, 403), (role, method, path, response.text)
        else:
            assert response.status_code == 403, (role, method, path)
            assert response.json()["code"] == "forbidden"


def _revoked(session: Session) -> str:
    row, secret = keys.add_api_key(session=session, name="old", role=Role.admin)
    keys.revoke_api_key(session=session, key_id=row.id)
    return secret


def _expired(session: Session) -> str:
    past = datetime.now(UTC) - timedelta(seconds=1)
    return keys.add_api_key(session=session, name="old", role=Role.admin, expires_at=past)[1]


BAD_KEYS = {
    "missing": (lambda _s: None, "missing X-API-Key header"),
    "wrong": (lambda _s: "scr_" + "x" * 43, "invalid or revoked API key"),
    "revoked": (_revoked, "invalid or revoked API key"),
    "expired": (_expired, "expired API key"),
}


@pytest.mark.parametrize("kind", list(BAD_KEYS))
def test_bad_keys_get_401_on_every_protected_route_and_public_ones_stay_open(
    client, session: Session, kind
):
    make_secret, message = BAD_KEYS[kind]
    secret = make_secret(session)
    headers = {"X-API-Key": secret} if secret else {}
    for method, path in PROTECTED:
        response = call(client, method, path, headers)
        assert response.status_code == 401, (kind, method, path)
        assert response.json() == {"code": "unauthorized", "message": message, "details": None}
    for method, path in sorted(set(ROUTES) - set(PROTECTED)):
        assert call(client, method, path, headers).status_code == 200, (method, path)


def test_a_key_expiring_later_works(client, session: Session):
    later = datetime.now(UTC) + timedelta(hours=1)
    _, secret = keys.add_api_key(session=session, name="t", role=Role.auditor, expires_at=later)
    assert client.get("/v1/instruments", headers={"X-API-Key": secret}).status_code == 200
