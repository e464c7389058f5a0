"""Turns the HTML screening and disposition forms into the API's request models."""

from datetime import date

from pydantic import ValidationError

from service.api.schemas.reviews import DispositionCreate
from service.engine.models import ScreeningRequest


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def parse_parameters(text: str) -> dict[str, float]:
    """`name = value` lines into a dict; a line without a number raises ValueError."""
    values: dict[str, float] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, number = line.partition("=")
        if not sep:
            raise ValueError(f"parameter line {line.strip()!r} is not name = value")
        values[name.strip()] = float(number.strip())
    return values


def screening_request(form: dict[str, str]) -> ScreeningRequest:
    """The request a screening form describes; ValueError (or ValidationError) when invalid."""
    military = {"yes": True, "no": False}.get(form.get("military_end_use", ""))
    return ScreeningRequest.model_validate(
        {
            "transaction_type": form.get("transaction_type"),
            "description": form.get("description", ""),
            "parameters": parse_parameters(form.get("parameters", "")),
            "hs_code": _blank_to_none(form.get("hs_code")),
            "destination_country": _blank_to_none((form.get("destination_country") or "").upper()),
            "military_end_use": military,
            "as_of": _blank_to_none(form.get("as_of")),
            "reference": _blank_to_none(form.get("reference")),
            "parties": form_parties(form),
        }
    )


FORM_PARTY_ROLES = ("importer", "end_user")


def form_parties(form: dict[str, str]) -> list[dict[str, str | None]]:
    """The importer and end user named in the form (`<role>_name`, `<role>_country`)."""
    parties = []
    for role in FORM_PARTY_ROLES:
        name = _blank_to_none(form.get(f"{role}_name"))
        country = _blank_to_none((form.get(f"{role}_country") or "").upper())
        if country and not name:
            raise ValueError(f"{role.replace('_', ' ')} country is given without a name")
        if name:
            parties.append({"role": role, "name": name, "country": country})
    return parties


def disposition(form: dict[str, str]) -> DispositionCreate:
    """The disposition a form describes; a licence only when its number is filled in."""
    licence = None
    if _blank_to_none(form.get("licence_number")):
        licence = {
            "licence_number": form.get("licence_number"),
            "issuing_authority": form.get("issuing_authority", ""),
            "scope": form.get("scope", ""),
            "valid_from": _blank_to_none(form.get("valid_from")),
            "valid_to": _blank_to_none(form.get("valid_to")),
        }
    attachments = [a.strip() for a in (form.get("attachments") or "").splitlines() if a.strip()]
    return DispositionCreate.model_validate(
        {
            "outcome": form.get("outcome"),
            "reason": form.get("reason", ""),
            "attachments": attachments,
            "licence": licence,
        }
    )


def errors_of(exc: ValueError) -> list[str]:
    """Readable messages of a validation failure, one per field."""
    if isinstance(exc, ValidationError):
        return [
            f"{'.'.join(str(p) for p in e['loc']) or 'form'}: "
            f"{str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
    return [str(exc)]


def parse_day(value: str | None) -> date | None:
    """An ISO day from a query string, or None when blank or malformed."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
