"""Over-long fields and out-of-range values are 422 with a message that says what is allowed."""

import pytest

VALID = {"transaction_type": "material_export", "description": "Gallium arsenide wafers"}


def message(response) -> str:  # noqa: ANN001
    """The 422's message, after checking the status and code."""
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    return response.json()["message"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"description": "x" * 4001}, "body.description: String should have at most 4000"),
        ({"reference": "r" * 201}, "body.reference: String should have at most 200 characters"),
        ({"engineer": {"role": "r" * 501}}, "body.engineer.role: String should have at most 500"),
        ({"counterparty": {"name": "n" * 501}}, "body.counterparty.name: String should have at"),
        ({"description": ""}, "body.description: String should have at least 1 character"),
    ],
)
def test_field_lengths_are_limited(client, auth, change, expected):
    response = client.post("/v1/screenings", json={**VALID, **change}, headers=auth)
    assert expected in message(response)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"as_of": "2026-02-30"}, "body.as_of: Input should be a valid date"),
        ({"as_of": "28.11.2026"}, "body.as_of: Input should be a valid date"),
        ({"destination_country": "Germany"}, "body.destination_country: String should match"),
        ({"origin_country": "cn"}, "body.origin_country: String should match"),
        ({"counterparty": {"country": "DEU"}}, "body.counterparty.country: String should match"),
        ({"engineer": {"work_country": "H"}}, "body.engineer.work_country: String should match"),
        ({"hs_code": "28a5"}, "body.hs_code: String should match"),
    ],
)
def test_dates_countries_and_codes_say_what_is_allowed(client, auth, change, expected):
    text = message(client.post("/v1/screenings", json={**VALID, **change}, headers=auth))
    assert expected in text
    hints = ("YYYY-MM-DD, e.g. 2026-11-28", "ISO 3166-1 alpha-2 code in capitals, e.g. DE")
    assert any(hint in text for hint in (*hints, "4 to 10 digits")), text


def test_numeric_ranges_name_the_range_and_the_unit(client, auth):
    body = {**VALID, "parameters": {"purity_pct": 150}}
    text = message(client.post("/v1/screenings", json=body, headers=auth))
    assert "parameter purity_pct must be a number between 0 and 100 %, got 150.0" in text
    not_a_number = {**VALID, "parameters": {"purity_pct": "high"}}
    text = message(client.post("/v1/screenings", json=not_a_number, headers=auth))
    assert "body.parameters.purity_pct: Input should be a valid number" in text


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("/v1/screenings", {"limit": 0}, "query.limit: Input should be greater than or equal to 1"),
        ("/v1/screenings", {"offset": -1}, "query.offset: Input should be greater than or equal"),
        ("/v1/screenings", {"created_to": "soon"}, "YYYY-MM-DD"),
        ("/v1/batches", {"limit": -5}, "query.limit: Input should be greater than or equal to 1"),
        ("/v1/batches", {"offset": -1}, "query.offset: Input should be greater than or equal to 0"),
        ("/v1/categories", {"q": "q" * 201}, "query.q: String should have at most 200 characters"),
    ],
)
def test_list_parameters_are_checked(client, auth, path, params, expected):
    assert expected in message(client.get(path, params=params, headers=auth))
