"""API keys over HTTP for admins: create (secret shown once), list, revoke (row kept)."""

import logging

from fastapi import APIRouter, Depends

from service.api.deps import Authorized, ServicesDep, SessionDep, authorize
from service.api.errors import BAD_JSON_BODY, ERROR_RESPONSES, ErrorBody, NotFound
from service.api.schemas.keys import KeyCreate, KeyCreated, KeyOut, key_out
from service.store import keys

log = logging.getLogger("service.keys")

router = APIRouter(
    prefix="/v1/keys",
    tags=["keys"],
    dependencies=[Depends(authorize)],
    responses=ERROR_RESPONSES,
)


@router.post("", status_code=201, operation_id="create_key", responses=BAD_JSON_BODY)
def create_key(body: KeyCreate, session: SessionDep, caller: Authorized) -> KeyCreated:
    """Create a key; its secret is in this answer only and is never stored or shown again."""
    row, secret = keys.add_api_key(
        session=session, name=body.name, role=body.role, expires_at=body.expires_at
    )
    log.info("key.created", extra={"key_id": row.id, "role": row.role, "by_key_id": caller.key.id})
    return KeyCreated(**key_out(row).model_dump(), secret=secret)


@router.get("", operation_id="list_keys")
def list_keys(session: SessionDep) -> list[KeyOut]:
    """Every key, oldest first, revoked ones included; never a secret or a hash."""
    return [key_out(row) for row in keys.list_api_keys(session=session)]


@router.delete(
    "/{key_id}",
    operation_id="revoke_key",
    responses={404: {"model": ErrorBody, "description": "no key with this id"}},
)
def revoke_key(
    key_id: str, session: SessionDep, services: ServicesDep, caller: Authorized
) -> KeyOut:
    """Revoke a key; the row stays for the audit log.

    The process that answers refuses the key at once; other server processes within
    SCREENING_KEY_CACHE_SECONDS (5 s by default), the time they trust a key already read.
    """
    row = keys.revoke_api_key(session=session, key_id=key_id)
    if row is None:
        raise NotFound(f"no key with id {key_id}")
    services.key_cache.forget(row.id)
    log.info("key.revoked", extra={"key_id": row.id, "by_key_id": caller.key.id})
    return key_out(row)
