"""The screening audit log: rows keep request, result and rule set; they cannot be changed."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session

from service.engine.models import Decision, RulesetRef, ScreeningRequest, ScreeningResult
from service.engine.schema import TransactionType
from service.store import screenings


def make_request(**fields: object) -> ScreeningRequest:
    """A request with defaults for the required fields."""
    base = {"transaction_type": "material_export", "description": "Gallium arsenide wafers"}
    return ScreeningRequest.model_validate(base | fields)


def make_result(decision: Decision = Decision.approval_required) -> ScreeningResult:
    """A minimal engine result."""
    return ScreeningResult(
        decision=decision,
        as_of=date(2026, 11, 28),
        ruleset=RulesetRef(version="2026.11.28-1", digest="sha256:" + "ab" * 32),
        explanation="Because.",
    )


def test_a_screening_is_stored_with_request_result_and_rule_set(session: Session, key_id: str):
    request, result = (
        make_request(reference="PO-1", parameters={"purity_pct": 99.99}),
        make_result(),
    )
    row = screenings.add_screening(
        session=session, request=request, result=result, api_key_id=key_id
    )
    stored = screenings.get_screening(session=session, screening_id=row.id)
    assert stored is not None
    assert stored.request == request.model_dump(mode="json")
    assert stored.result == result.model_dump(mode="json")
    assert (stored.reference, stored.decision, stored.as_of) == (
        "PO-1",
        "approval-required",
        date(2026, 11, 28),
    )
    assert (stored.ruleset_version, stored.ruleset_digest) == (
        "2026.11.28-1",
        "sha256:" + "ab" * 32,
    )
    assert stored.api_key_id == key_id


def test_unknown_id_is_none(session: Session):
    assert screenings.get_screening(session=session, screening_id="nope") is None


def test_a_screening_needs_an_existing_key(session: Session):
    with pytest.raises(DatabaseError):
        screenings.add_screening(
            session=session, request=make_request(), result=make_result(), api_key_id="no-such-key"
        )


def test_list_filters_and_counts(session: Session, key_id: str):
    for i, decision in enumerate([Decision.allowed, Decision.unknown, Decision.allowed]):
        screenings.add_screening(
            session=session,
            request=make_request(reference=f"R{i}"),
            result=make_result(decision),
            api_key_id=key_id,
        )
    rows, total = screenings.list_screenings(session=session, decision=Decision.allowed)
    assert total == 2 and [r.reference for r in rows] == ["R2", "R0"]
    rows, total = screenings.list_screenings(session=session, limit=1, offset=1)
    assert total == 3 and [r.reference for r in rows] == ["R1"]
    _, total = screenings.list_screenings(
        session=session, transaction_type=TransactionType.engineer_hire
    )
    assert total == 0
    now = datetime.now(UTC)
    _, total = screenings.list_screenings(
        session=session,
        created_from=now - timedelta(hours=1),
        created_before=now + timedelta(hours=1),
    )
    assert total == 3


def test_the_repository_offers_no_update_or_delete():
    public = {name for name in dir(screenings) if not name.startswith("_")}
    assert not {n for n in public if n.startswith(("update", "delete", "remove", "set_"))}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE screening SET decision = 'allowed'",
        "DELETE FROM screening",
        "TRUNCATE screening CASCADE",
    ],
)
def test_the_database_refuses_to_change_the_audit_log(session: Session, key_id: str, statement):
    if statement.startswith("TRUNCATE") and session.get_bind().dialect.name == "sqlite":
        pytest.skip("SQLite has no TRUNCATE; its DELETE without WHERE fires the row trigger")
    row = screenings.add_screening(
        session=session, request=make_request(), result=make_result(), api_key_id=key_id
    )
    with pytest.raises(DatabaseError, match="append-only"):
        session.exec(text(statement))  # type: ignore[call-overload]
    session.rollback()
    stored = screenings.get_screening(session=session, screening_id=row.id)
    assert stored is not None and stored.decision == "approval-required"
