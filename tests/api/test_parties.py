"""POST /v1/screenings screens the deal's parties and records the party matches."""

from fastapi.testclient import TestClient

from tests.api.test_screenings import post

LOCKHEED = {
    "transaction_type": "equipment_sale",
    "description": "Industrial sewing machines",
    "destination_country": "US",
    "parties": [
        {"role": "end_user", "name": "Lockheed Martin Missiles & Fire Control", "country": "US"}
    ],
    "as_of": "2026-08-01",
    "reference": "LM-1",
}


def test_a_listed_end_user_makes_the_deal_prohibited(client: TestClient, auth):
    answer = post(client, auth, LOCKHEED)
    assert answer["decision"] == "prohibited"
    match = answer["party_matches"][0]
    assert list(match)[:8] == [
        "party", "entry_id", "list", "name_matched", "score", "status", "measures", "citation",
    ]  # fmt: skip
    assert match["party"] == LOCKHEED["parties"][0]
    assert match["entry_id"] == "uel-2025-01-02.lockheed-martin-missiles-and-fire-control"
    assert (match["list"], match["status"], match["score"]) == (
        "unreliable_entity_list",
        "in_force",
        100.0,
    )
    stored = client.get(f"/v1/screenings/{answer['id']}", headers=auth).json()
    assert stored["party_matches"] == answer["party_matches"]


def test_the_counterparty_is_screened_as_the_importer(client: TestClient, auth):
    body = {**LOCKHEED, "parties": [], "counterparty": {"name": "SUBARU Corporation"}}
    answer = post(client, auth, body)
    assert answer["decision"] == "approval-required"
    assert answer["party_matches"][0]["party"]["role"] == "importer"


def test_an_unknown_role_is_rejected(client: TestClient, auth):
    body = {**LOCKHEED, "parties": [{"role": "buyer", "name": "Someone"}]}
    response = client.post("/v1/screenings", json=body, headers=auth)
    assert response.status_code == 422
