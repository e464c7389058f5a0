"""API-only shapes for key management: what an admin sends and sees (never a hash)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.store.tables import ApiKey, Role, as_utc, utcnow


class KeyCreate(BaseModel):
    """A key to create."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(
        min_length=1, max_length=200, description="who or what uses the key", examples=["erp"]
    )
    role: Role = Field(description="screener, auditor or admin", examples=["screener"])
    expires_at: datetime | None = Field(
        default=None,
        description="when the key stops working (with a time zone); null: never",
        examples=["2027-06-30T00:00:00Z"],
    )

    @field_validator("expires_at")
    @classmethod
    def _future_and_zoned(cls, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        if moment.tzinfo is None:
            raise ValueError("expires_at needs a time zone, e.g. 2027-06-30T00:00:00Z")
        if moment <= utcnow():
            raise ValueError("expires_at must be in the future")
        return moment


class KeyOut(BaseModel):
    """A key as listed: no secret, no hash."""

    id: str = Field(description="the key's id", examples=["5e0f9a55-51a4-4b0c-8e2b-1d1e1f0c2a77"])
    name: str = Field(description="who or what uses it", examples=["erp"])
    role: Role = Field(description="what it may do", examples=["screener"])
    prefix: str = Field(description="the secret's first characters, to recognise it")
    created_at: datetime
    expires_at: datetime | None = Field(description="when it stops working; null: never")
    revoked_at: datetime | None = Field(description="when it was revoked; null: active")
    last_used_at: datetime | None = Field(
        description="last authenticated request, recorded at most once a minute"
    )


class KeyCreated(KeyOut):
    """A new key with its secret: shown in this answer only, never again."""

    secret: str = Field(description="send it as X-API-Key; store it now, it is not kept")


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def key_out(row: ApiKey) -> KeyOut:
    """The listed view of a stored key."""
    return KeyOut(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        prefix=row.prefix,
        created_at=as_utc(row.created_at),
        expires_at=_utc(row.expires_at),
        revoked_at=_utc(row.revoked_at),
        last_used_at=_utc(row.last_used_at),
    )
