"""With the database away, requests fail fast with 503 database_unavailable in the common shape."""

import time

from fastapi.testclient import TestClient

from service.api.errors import MESSAGE_DB_DOWN
from service.app import create_app
from tests.runtime.serving import free_port


def test_an_unreachable_database_is_a_fast_503_not_a_500(settings, engine):
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/screening"
    app = create_app(settings.model_copy(update={"database_url": nowhere}), engine=engine)
    with TestClient(app) as client:
        started = time.monotonic()
        response = client.get("/v1/screenings", headers={"X-API-Key": "scr_anything"})
        elapsed = time.monotonic() - started
        ready = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {
        "code": "database_unavailable",
        "message": MESSAGE_DB_DOWN,
        "details": None,
    }
    assert elapsed < 2
    assert ready.status_code == 503
