"""Parties over HTTP: screenings and batch rows screen them and record the party matches."""

import csv
import io
import json
from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.test_batches import upload, wait_done
from tests.api.test_screenings import post

PARTIES_CSV = Path(__file__).parents[1] / "data" / "parties.csv"

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


def test_a_batch_row_naming_a_listed_end_user_is_prohibited_and_shows_the_match(
    client: TestClient, auth
):
    job = upload(client, auth, PARTIES_CSV.read_bytes()).json()
    assert job["unknown_columns"] == []
    wait_done(client, auth, job["id"])
    response = client.get(f"/v1/batches/{job['id']}/results", headers=auth)
    rows = {row["reference"]: row for row in csv.DictReader(io.StringIO(response.text))}
    assert rows["PT-1"]["decision"] == "prohibited"
    assert "uel-2025-01-02.lockheed-martin-missiles-and-fire-control" in rows["PT-1"]["parties"]
    records = client.get(
        f"/v1/batches/{job['id']}/results", headers={**auth, "Accept": "application/x-ndjson"}
    ).text.splitlines()
    first = json.loads(records[0])
    assert first["end_user_name"] == "Lockheed Martin Missiles & Fire Control"
    assert first["parties"][0].startswith("end_user 'Lockheed Martin Missiles & Fire Control'")
