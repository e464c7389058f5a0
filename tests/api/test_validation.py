"""Bad requests get 422 (or 404/405) in the one error shape, saying precisely what is wrong."""

from service.engine.parameters import CANONICAL_NAMES

VALID = {
    "transaction_type": "material_export",
    "description": "Gallium arsenide wafers",
    "destination_country": "DE",
}


def problem(response) -> dict:
    """The error body, after checking it has exactly the common shape."""
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    return body


def test_unknown_field_is_rejected(client, auth):
    response = client.post("/v1/screenings", json={**VALID, "colour": "red"}, headers=auth)
    assert response.status_code == 422
    body = problem(response)
    assert body["code"] == "validation_error"
    assert body["details"] == [
        {
            "loc": ["body", "colour"],
            "message": "Extra inputs are not permitted",
            "type": "extra_forbidden",
        }
    ]
    assert "body.colour" in body["message"]


def test_unknown_parameter_name_lists_the_canonical_names(client, auth):
    body = {**VALID, "parameters": {"energy_density": 310}}
    response = client.post("/v1/screenings", json=body, headers=auth)
    assert response.status_code == 422
    error = problem(response)
    assert "energy_density" in error["message"]
    for name in CANONICAL_NAMES:
        assert name in error["message"]
    assert error["details"][0]["loc"] == ["body", "parameters"]


def test_bad_country_code_is_rejected(client, auth):
    response = client.post(
        "/v1/screenings", json={**VALID, "destination_country": "Germany"}, headers=auth
    )
    assert response.status_code == 422
    assert problem(response)["details"][0]["loc"] == ["body", "destination_country"]


def test_bad_date_is_rejected(client, auth):
    response = client.post("/v1/screenings", json={**VALID, "as_of": "2026-02-30"}, headers=auth)
    assert response.status_code == 422
    assert problem(response)["details"][0]["loc"] == ["body", "as_of"]


def test_missing_description_and_bad_type_are_both_reported(client, auth):
    response = client.post("/v1/screenings", json={"transaction_type": "gift"}, headers=auth)
    assert response.status_code == 422
    locs = [d["loc"] for d in problem(response)["details"]]
    assert ["body", "transaction_type"] in locs
    assert ["body", "description"] in locs


def test_malformed_json_is_rejected(client, auth):
    response = client.post(
        "/v1/screenings",
        content=b'{"transaction_type": ',
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert problem(response)["code"] == "validation_error"


def test_nothing_is_stored_for_an_invalid_request(client, auth):
    client.post("/v1/screenings", json={**VALID, "colour": "red"}, headers=auth)
    assert client.get("/v1/screenings", headers=auth).json()["total"] == 0


def test_bad_list_filters_are_rejected(client, auth):
    for params in (
        {"decision": "maybe"},
        {"limit": 0},
        {"created_from": "yesterday"},
        {"created_from": "2026-11-02", "created_to": "2026-11-01"},
        {"colour": "red"},
    ):
        response = client.get("/v1/screenings", params=params, headers=auth)
        assert response.status_code == 422, params
        assert problem(response)["code"] == "validation_error"


def test_unknown_path_is_404_in_the_common_shape(client, auth):
    response = client.get("/v1/nothing-here", headers=auth)
    assert response.status_code == 404
    assert problem(response) == {
        "code": "not_found",
        "message": "no resource at /v1/nothing-here",
        "details": None,
    }


def test_wrong_method_is_405_in_the_common_shape(client, auth):
    response = client.delete("/v1/instruments", headers=auth)
    assert response.status_code == 405
    assert problem(response)["code"] == "method_not_allowed"
