"""Re-screens re-run stored requests under a chosen as_of, report changes and re-flag rulings."""

import csv
import io
import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.app import create_app
from service.store import rescreens, rulesets
from service.store.tables import Role, Screening
from tests.api.workflow import LFP_BEFORE_AMENDMENT, LFP_UNKNOWN, dispose, queue_ids, screen


@pytest.fixture
def admin(make_key) -> dict[str, str]:
    """Headers of an admin key."""
    return {"X-API-Key": make_key(Role.admin, "admin")[1]}


def finished(client: TestClient, headers: dict[str, str], rescreen_id: str) -> dict:
    """Poll a re-screen until it is done (at most 30 s) and return its status."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = client.get(f"/v1/rescreens/{rescreen_id}", headers=headers).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"re-screen {rescreen_id} did not finish: {body}")


def test_a_rescreen_reports_changed_decisions_without_new_audit_records(
    client, auth, admin, session: Session
):
    allowed = screen(client, auth, LFP_BEFORE_AMENDMENT)
    screen(client, auth, LFP_UNKNOWN)
    assert allowed["decision"] == "allowed"
    started = client.post("/v1/rescreens", json={"as_of": "2025-08-01"}, headers=admin)
    assert started.status_code == 202, started.text
    status = finished(client, admin, started.json()["id"])
    assert (status["total"], status["done"], status["changed"]) == (2, 2, 1)
    assert status["counts"] == {"allowed->approval-required": 1}
    report = client.get(f"/v1/rescreens/{status['id']}/report", headers=admin).json()
    [change] = report["changes"]
    assert change["screening_id"] == allowed["id"]
    assert (change["old_decision"], change["new_decision"]) == ("allowed", "approval-required")
    assert change["categories"] == ["tc-252604x-lfp"]
    assert change["old_ruleset_version"] == allowed["ruleset"]["version"]
    assert session.exec(select(func.count()).select_from(Screening)).one() == 2
    text = client.get(
        f"/v1/rescreens/{status['id']}/report", params={"format": "csv"}, headers=admin
    ).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["reference"], r["new_decision"]) for r in rows] == [("ERP-LFP", "approval-required")]


def test_a_changed_decision_sends_a_disposed_screening_back_to_the_queue(client, auth, admin):
    allowed = screen(client, auth, LFP_BEFORE_AMENDMENT)
    dispose(client, admin, allowed["id"], {"outcome": "cleared", "reason": "Checked"})
    assert queue_ids(client, admin) == []
    started = client.post("/v1/rescreens", json={"as_of": "2025-08-01"}, headers=admin).json()
    finished(client, admin, started["id"])
    queue = client.get("/v1/reviews", headers=admin).json()["items"]
    assert [(item["id"], item["flagged"]) for item in queue] == [(allowed["id"], True)]
    history = client.get(f"/v1/screenings/{allowed['id']}", headers=auth).json()
    assert history["decision"] == "allowed"
    assert history["status"]["state"] == "pending-review"
    assert history["status"]["may_proceed"] is False
    assert [f["new_decision"] for f in history["review_flags"]] == ["approval-required"]
    dispose(client, admin, allowed["id"], {"outcome": "approval-required", "reason": "New rule"})
    assert queue_ids(client, admin) == []


def test_a_rescreen_keeps_each_screenings_own_date_when_as_of_is_not_given(client, auth, admin):
    screen(client, auth, LFP_BEFORE_AMENDMENT)
    started = client.post("/v1/rescreens", json={}, headers=admin).json()
    assert finished(client, admin, started["id"])["changed"] == 0


def test_only_admins_start_rescreens(client, auth, make_key):
    officer = {"X-API-Key": make_key(Role.officer, "officer")[1]}
    for headers in (auth, officer):
        assert client.post("/v1/rescreens", json={}, headers=headers).status_code == 403


def test_rulesets_lists_the_version_loaded_at_start_up(client, auth, engine):
    [seen] = client.get("/v1/rulesets", headers=auth).json()
    assert (seen["version"], seen["digest"]) == (engine.ruleset.version, engine.ruleset.digest)
    assert (seen["loads"], seen["current"]) == (1, True)


def test_a_new_rule_set_starts_a_rescreen_when_configured(settings, engine, session: Session):
    rulesets.add_load(session=session, version="0.0.1", digest="sha256:" + "0" * 64)
    with TestClient(
        create_app(settings.model_copy(update={"rescreen_on_new_ruleset": True}), engine=engine)
    ):
        pass
    assert len(rescreens.list_jobs(session=session)) == 1
    with TestClient(create_app(settings, engine=engine)):
        pass
    assert len(rescreens.list_jobs(session=session)) == 1


def test_a_new_rule_set_starts_no_rescreen_by_default(settings, engine, session: Session):
    rulesets.add_load(session=session, version="0.0.1", digest="sha256:" + "0" * 64)
    with TestClient(create_app(settings, engine=engine)):
        pass
    assert rescreens.list_jobs(session=session) == []
