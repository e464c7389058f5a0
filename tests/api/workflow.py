"""Deals and helpers shared by the officer-workflow tests (plain functions, no fixtures)."""

from fastapi.testclient import TestClient

# Dev cases D03 and D01/D02: LFP know-how without parameters is `unknown`; with parameters it is
# `allowed` the day before the July 2025 amendment and `approval-required` from its effective day.
LFP_UNKNOWN = {
    "transaction_type": "technology_transfer",
    "destination_country": "PL",
    "as_of": "2025-08-01",
    "description": "LFP cathode powder preparation know-how for a new plant",
    "reference": "ERP-UNKNOWN",
}
LFP_BEFORE_AMENDMENT = {
    "transaction_type": "technology_transfer",
    "destination_country": "DE",
    "as_of": "2025-07-14",
    "description": "Licence of lithium iron phosphate cathode material synthesis technology",
    "parameters": {
        "compaction_density_g_cm3": 2.6,
        "specific_capacity_mah_g": 162,
        "first_cycle_efficiency_pct": 97.2,
    },
    "reference": "ERP-LFP",
}


def screen(client: TestClient, headers: dict[str, str], body: dict) -> dict:
    """Create a screening, asserting 201, and return its body."""
    response = client.post("/v1/screenings", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def dispose(client: TestClient, headers: dict[str, str], screening_id: str, body: dict) -> dict:
    """Record a disposition, asserting 201, and return its body."""
    response = client.post(
        f"/v1/screenings/{screening_id}/dispositions", json=body, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def queue_ids(client: TestClient, headers: dict[str, str], **filters: str) -> list[str]:
    """Ids in the review queue, in its order."""
    response = client.get("/v1/reviews", params=filters, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]
