"""Audit events: facts recorded in the audit chain beside the screenings; append and read only."""

import uuid
from typing import Any

from sqlmodel import Session, col, select

from service.store import chain
from service.store.tables import AuditEvent, utcnow


def add_event(  # noqa: PLR0913 - the stored fields, by name
    *,
    session: Session,
    kind: str,
    reference: str,
    payload: dict[str, Any],
    ruleset_version: str,
    ruleset_digest: str,
    api_key_id: str,
) -> AuditEvent:
    """Chain and commit one audit event; `reference` must not have been recorded before."""
    record = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "reference": reference,
        "payload": payload,
        "ruleset_version": ruleset_version,
        "ruleset_digest": ruleset_digest,
        "api_key_id": api_key_id,
        "created_at": utcnow(),
    }
    chain.append_event(session=session, record=record)
    session.commit()
    return AuditEvent(**record)


def get_event_by_reference(*, session: Session, reference: str) -> AuditEvent | None:
    """The audit event recorded under `reference`, or None."""
    query = select(AuditEvent).where(col(AuditEvent.reference) == reference)
    return session.exec(query).first()
