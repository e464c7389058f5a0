"""Liveness, readiness and the generic 500: no stack trace or SQL reaches a client."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.app import create_app
from service.engine import Engine, RuleSetError


def test_healthz_says_ok(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_rule_set_and_database(client, engine: Engine):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "ruleset": {"version": engine.ruleset.version, "digest": engine.ruleset.digest},
        "database": "ok",
    }


def test_readyz_is_503_when_the_database_is_unreachable(settings, engine: Engine, tmp_path):
    broken = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path}/missing-dir/screening.db"}
    )
    with TestClient(create_app(broken, engine=engine)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "code": "not_ready",
        "message": "database unreachable",
        "details": {"database": "unreachable"},
    }


def test_lifespan_loads_the_rules_itself_when_no_engine_is_given(settings, engine: Engine):
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz").json()
    assert ready["ruleset"]["digest"] == engine.ruleset.digest


def test_unexpected_errors_are_a_generic_500(app: FastAPI, auth, caplog):
    @app.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("SELECT secret FROM api_key")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/boom", headers=auth)
    assert response.status_code == 500
    assert response.json() == {
        "code": "internal_error",
        "message": "internal error; the failure has been logged",
        "details": None,
    }
    assert "SELECT" not in response.text
    assert any(r.message == "request.failed" for r in caplog.records)


def test_invalid_rules_stop_the_service_from_starting(settings, tmp_path, caplog):
    (tmp_path / "rules").mkdir()
    broken = settings.model_copy(update={"rules_dir": tmp_path / "rules"})
    with pytest.raises(RuleSetError, match="ruleset.yaml"), TestClient(create_app(broken)):
        pass
    assert any(r.message == "ruleset.invalid" for r in caplog.records)
