"""Security headers on every answer, CORS only when configured, bodies over the limit are 413."""

import re
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.app import create_app
from service.store.tables import Screening
from tests.api.test_screenings import GALLIUM

COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def test_every_kind_of_answer_carries_the_security_headers(app: FastAPI, auth):
    @app.get("/v1/crash")
    def crash() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        answers = [
            client.get("/healthz"),
            client.get("/v1/instruments", headers=auth),
            client.get("/v1/instruments"),
            client.get("/v1/nothing", headers=auth),
            client.post("/v1/screenings", json={}, headers=auth),
            client.get("/v1/crash", headers=auth),
            client.get("/metrics"),
        ]
    assert [a.status_code for a in answers] == [200, 200, 401, 404, 422, 500, 200]
    for answer in answers:
        assert COMMON.items() <= answer.headers.items(), answer.request.url
        assert answer.headers["content-security-policy"].startswith("default-src 'none'")
        assert answer.headers["cache-control"] == "no-store"


def test_the_docs_csp_allows_exactly_what_swagger_ui_loads(client):
    page = client.get("/docs")
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    for url in re.findall(r"(?:src|href)=['\"](https?://[^'\"]+)", page.text):
        host = re.match(r"https?://[^/]+", url)
        assert host is not None and host.group(0) in csp, url
    assert "'unsafe-eval'" not in csp


def test_no_cors_headers_unless_origins_are_configured(client, settings, engine, auth):
    preflight = {
        "Origin": "https://erp.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "X-API-Key",
    }
    closed = client.options("/v1/screenings", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    opened = settings.model_copy(update={"cors_origins": "https://erp.example, https://b.example"})
    with TestClient(create_app(opened, engine=engine)) as client_with_cors:
        allowed = client_with_cors.options("/v1/screenings", headers=preflight)
        other = client_with_cors.options(
            "/v1/screenings", headers={**preflight, "Origin": "https://evil.example"}
        )
        simple = client_with_cors.get(
            "/v1/instruments", headers={**auth, "Origin": "https://b.example"}
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://erp.example"
    assert "access-control-allow-origin" not in other.headers
    assert simple.headers["access-control-allow-origin"] == "https://b.example"
    assert "X-Request-ID" in simple.headers["access-control-expose-headers"]


def test_a_500_shows_no_trace_and_no_sql(app: FastAPI, auth):
    @app.get("/v1/leak")
    def leak() -> None:
        raise RuntimeError('(psycopg.errors.UndefinedTable) SELECT * FROM "api_key"')

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/leak", headers=auth)
    assert response.status_code == 500
    assert response.json() == {
        "code": "internal_error",
        "message": "internal error; the failure has been logged",
        "details": None,
    }
    assert "SELECT" not in response.text and "Traceback" not in response.text
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_a_broken_database_is_a_500_without_sql(settings, engine, auth, tmp_path):
    # The key lives in the test's database; the app is pointed at a file with no tables at all.
    broken = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/blank.db"})
    with TestClient(create_app(broken, engine=engine), raise_server_exceptions=False) as client:
        response = client.get("/v1/screenings", headers=auth)
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "api_key" not in response.text and "SELECT" not in response.text


def small_limit(settings, engine) -> TestClient:  # noqa: ANN001
    """A client on an app that takes bodies of at most 1,000 bytes."""
    return TestClient(
        create_app(settings.model_copy(update={"max_body_bytes": 1000}), engine=engine)
    )


def test_a_declared_length_over_the_limit_is_413(settings, engine, auth, session: Session):
    body = {**GALLIUM, "description": "gallium " * 200}
    with small_limit(settings, engine) as client:
        response = client.post("/v1/screenings", json=body, headers=auth)
        fits = client.post("/v1/screenings", json=GALLIUM, headers=auth)
    assert response.status_code == 413
    assert response.json() == {
        "code": "payload_too_large",
        "message": "the request body is over the limit of 1000 bytes",
        "details": None,
    }
    assert fits.status_code == 201
    assert session.exec(select(func.count()).select_from(Screening)).one() == 1


def test_a_chunked_body_cannot_get_past_the_limit(settings, engine, auth, session: Session):
    def chunks() -> Iterator[bytes]:
        yield b'{"transaction_type": "material_export", "description": "'
        for _ in range(50):
            yield b"gallium " * 10
        yield b'"}'

    with small_limit(settings, engine) as client:
        response = client.post(
            "/v1/screenings",
            content=chunks(),
            headers={**auth, "Content-Type": "application/json"},
        )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert session.exec(select(func.count()).select_from(Screening)).one() == 0
