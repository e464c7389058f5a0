"""The body POST /v1/screenings sends is exactly the stored record's API form."""

from datetime import date

import orjson

from service.api.schemas.screenings import record_from_row, record_json
from service.engine import Engine
from service.engine.models import ScreeningRequest
from service.store.screenings import screening_record
from service.store.tables import Screening


def test_the_fast_body_equals_the_validated_record_for_every_category(engine: Engine):
    checked = 0
    for _, category in engine.ruleset.categories.values():
        for term in [*category.terms[:2], *category.terms_zh[:1]]:
            request = ScreeningRequest(
                transaction_type=category.applies_to[0],
                description=f"{term} for a plant abroad",
                destination_country="US",
                reference=f"PO-{checked}",
                parameters={p.name: p.threshold for p in category.parameters[:1]},
            )
            record = screening_record(
                request, engine.screen(request, today=date(2026, 11, 28)), "k"
            )
            expected = record_from_row(Screening(**record)).model_dump(mode="json")
            body = record_json(record)
            assert orjson.loads(body) == expected
            assert list(orjson.loads(body)) == list(expected)  # same field order
            checked += 1
    assert checked > 100
