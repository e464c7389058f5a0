"""Parties over HTTP: screenings and batch rows screen them and record the party matches."""

import csv
import io
import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from service.store.tables import Role
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


def test_looking_up_a_name_finds_its_entries_best_first_in_english_or_chinese(
    client: TestClient, auth
):
    params = {"q": "Lokheed Martin Aeronautics Co.", "as_of": "2026-03-01", "limit": 3}
    page = client.get("/v1/parties", params=params, headers=auth).json()
    assert page["as_of"] == "2026-03-01" and page["limit"] == 3 and page["total"] >= 3
    best = page["items"][0]
    assert best["id"].endswith(".lockheed-martin-aeronautics")
    assert (best["name"], best["country"], best["status"]) == (
        "Lockheed Martin Aeronautics",
        "US",
        "in_force",
    )
    assert best["score"] > 90 and best["list"] in ("unreliable_entity_list", "control_list")
    assert best["measures"]
    chinese = client.get("/v1/parties", params={"q": "斯凯迪奥"}, headers=auth).json()
    assert {item["id"] for item in chinese["items"]} == {
        "uel-2025-04-04.skydio-inc",
        "ecl-2025-03-04.skydio-inc",
    }
    nothing = client.get("/v1/parties", params={"q": "Porcelain Plates"}, headers=auth).json()
    assert (nothing["total"], nothing["items"]) == (0, [])


def test_the_look_up_pages_and_filters_by_list_and_country(client: TestClient, auth):
    everything = client.get("/v1/parties", params={"limit": 1000}, headers=auth).json()
    assert everything["total"] > 250 and everything["limit"] == 200
    # Without q, newest listing first: announcement ids end in their day.
    days = [re.search(r"\d{4}-\d\d-\d\d", i["announcement"])[0] for i in everything["items"]]
    assert days == sorted(days, reverse=True)
    page = client.get(
        "/v1/parties", params={"list": "watch_list", "country": "JP", "offset": 1}, headers=auth
    ).json()
    assert page["total"] >= 2 and page["offset"] == 1
    assert {(i["list"], i["country"]) for i in page["items"]} == {("watch_list", "JP")}
    assert client.get("/v1/parties", params={"list": "no"}, headers=auth).status_code == 422
    assert client.get("/v1/parties", params={"nope": "1"}, headers=auth).status_code == 422


def test_one_entry_shows_names_notice_windows_and_status_on_the_day(client: TestClient, auth):
    url = "/v1/parties/ecl-2025-03-04.skydio-inc"
    before = client.get(url, params={"as_of": "2025-11-09"}, headers=auth).json()
    after = client.get(url, params={"as_of": "2025-11-10"}, headers=auth).json()
    assert (before["status"], after["status"]) == ("in_force", "stopped")
    assert "stopped from 2025-11-10" in after["status_message"]
    assert after["names"] == ["Skydio, Inc.", "斯凯迪奥公司"]
    assert after["windows"][0]["kind"] == "stopped"
    assert after["announcement_detail"]["published"] == "2025-03-04"
    assert after["citation"]["announcement"] == "ECL-2025-03-04"
    assert after["measures"] == ["dual_use_export_ban"]
    missing = client.get("/v1/parties/no-such-entry", headers=auth)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_every_role_reads_the_lists_and_a_key_is_needed(client: TestClient, make_key):
    for role in Role:
        _, secret = make_key(role, role.value)
        response = client.get("/v1/parties", params={"q": "Skydio"}, headers={"X-API-Key": secret})
        assert response.status_code == 200, role
    assert client.get("/v1/parties").status_code == 401
