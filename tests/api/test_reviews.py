"""The review queue and dispositions: unknowns wait, officers rule, the engine's answer stays."""

import pytest
import sqlalchemy
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from service.store import reviews
from service.store.tables import Role
from tests.api.workflow import LFP_BEFORE_AMENDMENT, LFP_UNKNOWN, dispose, queue_ids, screen

LICENCE = {
    "licence_number": "LIC-2026-000123",
    "issuing_authority": "MOFCOM",
    "scope": "LFP cathode know-how to DE",
    "valid_from": "2026-01-01",
    "valid_to": "2026-06-30",
}


@pytest.fixture
def officer(make_key) -> dict[str, str]:
    """Headers of an officer key named 'Officer Wang'."""
    return {"X-API-Key": make_key(Role.officer, "Officer Wang")[1]}


def test_unknowns_wait_in_the_queue_oldest_first_and_allowed_ones_do_not(client, auth, officer):
    first = screen(client, auth, LFP_UNKNOWN)
    screen(client, auth, LFP_BEFORE_AMENDMENT)  # allowed: never queued
    second = screen(client, auth, {**LFP_UNKNOWN, "reference": "ERP-2"})
    assert first["decision"] == second["decision"] == "unknown"
    body = client.get("/v1/reviews", headers=officer).json()
    assert [item["id"] for item in body["items"]] == [first["id"], second["id"]]
    assert body["total"] == 2
    item = body["items"][0]
    assert item["destination_country"] == "PL"
    assert item["flagged"] is False
    assert item["missing_information"] == first["missing_information"]
    assert "CN-TECH-CATALOGUE" in item["instruments"]


def test_the_queue_filters_by_destination_type_instrument_and_age(client, auth, officer):
    screened = screen(client, auth, LFP_UNKNOWN)
    assert queue_ids(client, officer, destination_country="PL") == [screened["id"]]
    assert queue_ids(client, officer, destination_country="DE") == []
    assert queue_ids(client, officer, transaction_type="technology_transfer") == [screened["id"]]
    assert queue_ids(client, officer, transaction_type="material_export") == []
    assert queue_ids(client, officer, instrument="CN-TECH-CATALOGUE") == [screened["id"]]
    assert queue_ids(client, officer, instrument="NO-SUCH-INSTRUMENT") == []
    assert queue_ids(client, officer, min_age_days="0") == [screened["id"]]
    assert queue_ids(client, officer, min_age_days="1") == []


def test_screener_keys_neither_see_the_queue_nor_dispose(client, auth):
    screened = screen(client, auth, LFP_UNKNOWN)
    assert client.get("/v1/reviews", headers=auth).status_code == 403
    response = client.post(
        f"/v1/screenings/{screened['id']}/dispositions",
        json={"outcome": "cleared", "reason": "x"},
        headers=auth,
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "cleared"},
        {"outcome": "cleared", "reason": "   "},
        {"outcome": "allowed", "reason": "not an outcome"},
        {"outcome": "cleared", "reason": "licence on a clearance", "licence": LICENCE},
        {
            "outcome": "approval-required",
            "reason": "dates reversed",
            "licence": {**LICENCE, "valid_to": "2025-01-01"},
        },
    ],
)
def test_a_disposition_needs_a_reason_a_known_outcome_and_a_licence_only_when_approval(
    client, auth, officer, body
):
    screened = screen(client, auth, LFP_UNKNOWN)
    response = client.post(
        f"/v1/screenings/{screened['id']}/dispositions", json=body, headers=officer
    )
    assert response.status_code == 422


def test_disposing_takes_a_screening_out_of_the_queue_and_keeps_the_engine_answer(
    client, auth, officer, make_key
):
    screened = screen(client, auth, LFP_UNKNOWN)
    record = dispose(
        client,
        officer,
        screened["id"],
        {
            "outcome": "cleared",
            "reason": "Parameters checked: below thresholds",
            "attachments": ["DMS-42"],
        },
    )
    assert record["officer"]["name"] == "Officer Wang"
    assert record["ruleset"] == screened["ruleset"]
    assert queue_ids(client, officer) == []
    history = client.get(f"/v1/screenings/{screened['id']}", headers=auth).json()
    assert history["decision"] == "unknown"
    assert history["status"]["engine_decision"] == "unknown"
    assert history["status"]["state"] == "cleared"
    assert history["status"]["may_proceed"] is True
    assert [d["id"] for d in history["dispositions"]] == [record["id"]]
    listed = client.get("/v1/screenings", params={"reference": "ERP-UNKNOWN"}, headers=auth)
    assert listed.json()["items"][0]["disposition"] == "cleared"


def test_licence_validity_is_checked_on_the_day_asked(client, auth, officer):
    screened = screen(client, auth, LFP_UNKNOWN)
    dispose(
        client,
        officer,
        screened["id"],
        {"outcome": "approval-required", "reason": "Needs licence", "licence": LICENCE},
    )
    url = f"/v1/screenings/{screened['id']}"
    inside = client.get(url, params={"on": "2026-03-01"}, headers=auth).json()["status"]
    after = client.get(url, params={"on": "2026-07-01"}, headers=auth).json()["status"]
    assert (inside["licence_valid"], inside["may_proceed"]) == (True, True)
    assert (after["licence_valid"], after["may_proceed"]) == (False, False)
    assert inside["disposition"]["licence"]["licence_number"] == "LIC-2026-000123"


def test_dispositions_are_append_only_in_the_database(
    client, auth, officer, db: sqlalchemy.Engine, session: Session
):
    screened = screen(client, auth, LFP_UNKNOWN)
    first = dispose(client, officer, screened["id"], {"outcome": "prohibited", "reason": "a"})
    second = dispose(client, officer, screened["id"], {"outcome": "cleared", "reason": "b"})
    stored = reviews.list_dispositions(session=session, screening_id=screened["id"])
    assert [row.id for row in stored] == [first["id"], second["id"]]
    with pytest.raises(DBAPIError), db.begin() as connection:
        connection.execute(sqlalchemy.text("UPDATE disposition SET reason = 'rewritten'"))
    with pytest.raises(DBAPIError), db.begin() as connection:
        connection.execute(sqlalchemy.text("DELETE FROM disposition"))


def test_disposing_an_unknown_screening_id_is_404(client, officer):
    response = client.post(
        "/v1/screenings/nope/dispositions",
        json={"outcome": "cleared", "reason": "x"},
        headers=officer,
    )
    assert response.status_code == 404
