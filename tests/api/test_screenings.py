"""POST /v1/screenings decides with the real engine and stores the audit record; reads return it."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.api.schemas.examples import SCREENING_EXAMPLES
from service.engine import Engine, ScreeningRequest
from service.store import screenings
from service.store.tables import ApiKey, Role

EXAMPLES = {name: example["value"] for name, example in SCREENING_EXAMPLES.items()}
GALLIUM = {
    "transaction_type": "material_export",
    "description": "Gallium arsenide wafers, 6 inch, semi-insulating",
    "destination_country": "DE",
    "as_of": "2026-11-28",
    "reference": "GA-1",
}


def post(client: TestClient, auth: dict[str, str], body: dict) -> dict:
    """Create a screening and return the response body, asserting 201."""
    response = client.post("/v1/screenings", json=body, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_documented_example_is_decided_by_the_engine_and_stored(
    name, client, auth, screener, engine: Engine, session: Session
):
    body = EXAMPLES[name]
    answer = post(client, auth, body)
    expected = engine.screen(ScreeningRequest.model_validate(body)).model_dump(mode="json")
    assert {k: v for k, v in answer.items() if k in expected} == expected
    assert answer["reference"] == body["reference"]
    row = screenings.get_screening(session=session, screening_id=answer["id"])
    assert row is not None
    assert row.result == expected
    assert row.request == ScreeningRequest.model_validate(body).model_dump(mode="json")
    assert row.decision == answer["decision"]
    assert row.transaction_type == name
    assert row.api_key_id == screener[0].id
    assert (row.ruleset_version, row.ruleset_digest) == (
        engine.ruleset.version,
        engine.ruleset.digest,
    )


def test_response_follows_the_contract_field_order(client, auth):
    answer = post(client, auth, EXAMPLES["technology_transfer"])
    assert list(answer) == [
        "id", "reference", "decision", "as_of", "ruleset", "matches", "near_misses",
        "missing_information", "advisories", "explanation", "checked_against", "party_matches",
        "created_at",
    ]  # fmt: skip
    assert answer["ruleset"]["digest"].startswith("sha256:")
    created = datetime.fromisoformat(answer["created_at"])
    assert abs(created - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_controlled_material_is_not_answered_allowed(client, auth):
    answer = post(client, auth, GALLIUM)
    assert answer["decision"] in ("approval-required", "prohibited")
    assert any(m["instrument_id"] == "MOFCOM-GAC-2023-23" for m in answer["matches"])


def test_as_of_defaults_to_today_in_beijing(client, auth):
    body = {k: v for k, v in GALLIUM.items() if k != "as_of"}
    answer = post(client, auth, body)
    beijing = datetime.now(UTC) + timedelta(hours=8)
    assert answer["as_of"] == beijing.date().isoformat()


def test_get_returns_the_stored_record_with_request_and_key(client, auth, screener):
    created = post(client, auth, GALLIUM)
    response = client.get(f"/v1/screenings/{created['id']}", headers=auth)
    assert response.status_code == 200
    record = response.json()
    assert {k: record[k] for k in created} == created
    assert record["api_key_id"] == screener[0].id
    assert record["request"]["description"] == GALLIUM["description"]
    assert record["request"]["as_of"] == "2026-11-28"


def test_get_unknown_id_is_404_in_the_common_shape(client, auth):
    response = client.get("/v1/screenings/no-such-id", headers=auth)
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "no screening with id no-such-id",
        "details": None,
    }


def test_auditor_may_read_but_not_screen(client, make_key):
    _, secret = make_key(Role.auditor)
    response = client.post("/v1/screenings", json=GALLIUM, headers={"X-API-Key": secret})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert client.get("/v1/screenings", headers={"X-API-Key": secret}).status_code == 200


def test_admin_may_screen(client, make_key):
    _, secret = make_key(Role.admin)
    response = client.post("/v1/screenings", json=GALLIUM, headers={"X-API-Key": secret})
    assert response.status_code == 201


def test_list_filters_by_decision_reference_and_type(client, auth):
    stored = [post(client, auth, {**body, "reference": f"R{i}"}) for i, body in enumerate(
        [GALLIUM, *EXAMPLES.values()]
    )]  # fmt: skip
    everything = client.get("/v1/screenings", headers=auth).json()
    assert everything["total"] == len(stored)
    assert [item["id"] for item in everything["items"]] == [s["id"] for s in reversed(stored)]
    decision = stored[0]["decision"]
    same = client.get("/v1/screenings", params={"decision": decision}, headers=auth).json()
    assert same["total"] == sum(1 for s in stored if s["decision"] == decision)
    assert {item["decision"] for item in same["items"]} == {decision}
    one = client.get("/v1/screenings", params={"reference": "R2"}, headers=auth).json()
    assert [item["id"] for item in one["items"]] == [stored[2]["id"]]
    hires = client.get(
        "/v1/screenings", params={"transaction_type": "engineer_hire"}, headers=auth
    ).json()
    assert [item["transaction_type"] for item in hires["items"]] == ["engineer_hire"]


def test_list_filters_by_creation_day(client, auth):
    created = post(client, auth, GALLIUM)
    today = datetime.now(UTC).date()
    day = timedelta(days=1)

    def total(**params: object) -> int:
        return client.get("/v1/screenings", params=params, headers=auth).json()["total"]

    assert total(created_from=today, created_to=today) == 1
    assert total(created_from=today + day) == 0
    assert total(created_to=today - day) == 0
    item = client.get("/v1/screenings", headers=auth).json()["items"][0]
    assert item["id"] == created["id"]
    assert item["ruleset"] == created["ruleset"]


def test_list_pages_with_limit_and_offset(client, auth):
    ids = [post(client, auth, {**GALLIUM, "reference": f"P{i}"})["id"] for i in range(5)]
    page = client.get("/v1/screenings", params={"limit": 2, "offset": 1}, headers=auth).json()
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)
    assert [item["id"] for item in page["items"]] == ids[::-1][1:3]


def test_list_cuts_limit_to_the_configured_maximum(client, auth, settings):
    response = client.get("/v1/screenings", params={"limit": 10_000}, headers=auth)
    assert response.json()["limit"] == settings.max_page_size


def test_screening_records_the_key_that_made_it(client, make_key, session: Session):
    first: tuple[ApiKey, str] = make_key(Role.screener, "first")
    second: tuple[ApiKey, str] = make_key(Role.admin, "second")
    for _, secret in (first, second):
        post(client, {"X-API-Key": secret}, GALLIUM)
    rows, total = screenings.list_screenings(session=session)
    assert total == 2
    assert {row.api_key_id for row in rows} == {first[0].id, second[0].id}


def test_a_decision_is_logged_without_the_secret(client, auth, screener, caplog):
    caplog.set_level("INFO", logger="service")
    answer = post(client, auth, GALLIUM)
    [event] = [r for r in caplog.records if r.message == "screening.decided"]
    assert (event.screening_id, event.api_key_id) == (answer["id"], screener[0].id)
    assert screener[1] not in caplog.text
