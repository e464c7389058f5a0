"""The committed openapi/openapi.json is the published contract: it must match the app."""

from service.app import create_app
from service.cli import openapi_text
from service.config import PROJECT_DIR
from service.engine.schema import TransactionType

COMMITTED = PROJECT_DIR / "openapi" / "openapi.json"


def test_committed_contract_matches_the_app():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_text(), (
        "the API changed: review the difference, then run `make openapi` and commit the file"
    )


def test_operation_ids_are_stable():
    spec = create_app().openapi()
    ids = sorted(op["operationId"] for path in spec["paths"].values() for op in path.values())
    assert ids == [
        "create_batch",
        "create_disposition",
        "create_key",
        "create_rescreen",
        "create_screening",
        "create_screenings_bulk",
        "create_webhook",
        "delete_webhook",
        "get_batch",
        "get_batch_results",
        "get_category",
        "get_party",
        "get_rescreen",
        "get_rescreen_report",
        "get_screening",
        "get_webhook",
        "healthz",
        "list_batches",
        "list_categories",
        "list_instruments",
        "list_keys",
        "list_parameters",
        "list_parties",
        "list_reviews",
        "list_rulesets",
        "list_screenings",
        "list_webhook_deliveries",
        "list_webhooks",
        "metrics",
        "readyz",
        "reload_rules",
        "retry_webhook_delivery",
        "revoke_key",
    ]


def test_every_v1_operation_requires_the_api_key_and_documents_errors_in_one_shape():
    spec = create_app().openapi()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if path.startswith("/v1"):
                assert operation["security"] == [{"ApiKey": []}], (method, path)
                assert {"401", "422", "500"} <= set(responses), (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path)


def test_screening_post_has_one_example_per_transaction_type():
    spec = create_app().openapi()
    body = spec["paths"]["/v1/screenings"]["post"]["requestBody"]["content"]["application/json"]
    types = [example["value"]["transaction_type"] for example in body["examples"].values()]
    assert sorted(types) == sorted(t.value for t in TransactionType)
