"""Reads a batch CSV: detects its encoding, checks its header, turns rows into requests."""

import codecs
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from service.engine.errors import ScreeningError
from service.engine.models import ScreeningRequest
from service.engine.parameters import PARAMETERS
from service.workflows.batches import BatchTooLarge

REQUIRED = ("transaction_type", "description")
PLAIN_FIELDS = (
    "transaction_type",
    "description",
    "destination_country",
    "origin_country",
    "as_of",
    "hs_code",
    "reference",
    "military_end_use",
)
ENGINEER_FIELDS = ("expertise", "role", "former_employer", "work_country")
COUNTERPARTY_FIELDS = ("name", "country")
# Further parties of the deal, each as `<role>_name` and `<role>_country` (counterparty: importer).
PARTY_ROLES = ("end_user", "consignee", "intermediary", "employer")
PARTY_COLUMNS = frozenset(
    {
        *(f"counterparty_{f}" for f in COUNTERPARTY_FIELDS),
        *(f"{role}_{f}" for role in PARTY_ROLES for f in COUNTERPARTY_FIELDS),
    }
)
KNOWN = {
    *PLAIN_FIELDS,
    "parameters",
    *(f"engineer_{f}" for f in ENGINEER_FIELDS),
    *PARTY_COLUMNS,
    *PARAMETERS,
}
# Parameter columns are read in this order (a row names few of the many parameters, if any).
_PARAMETER_ORDER = {name: position for position, name in enumerate(PARAMETERS)}
BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
CHUNK_BYTES = 1 << 20


class BatchFileError(ScreeningError):
    """The file cannot be screened at all: bad encoding, no rows, missing columns."""

    code = "bad_batch_file"
    status = 400


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030 (which covers GBK); anything else is a BatchFileError."""
    with path.open("rb") as handle:
        head = handle.read(3)
    if head.startswith(codecs.BOM_UTF8):
        if _decodes(path, "utf-8"):
            return "utf-8-sig"
    elif _decodes(path, "utf-8"):
        return "utf-8"
    elif _decodes(path, "gb18030"):
        return "gb18030"
    raise BatchFileError(
        "the file is neither UTF-8 (with or without BOM) nor GB18030/GBK; save it as UTF-8 CSV"
    )


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class FileCheck(NamedTuple):
    """What inspect_file() found in an uploaded CSV."""

    encoding: str
    header: list[str]
    unknown_columns: list[str]
    total_rows: int


def inspect_file(path: Path, *, max_rows: int) -> FileCheck:
    """Encoding, header, unknown columns and row count; raises before any work is done."""
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise BatchFileError("the file is empty: expected a header row and at least one row")
        total = sum(1 for row in reader if any(cell.strip() for cell in row))
    names = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise BatchFileError(
            f"missing required column(s): {', '.join(missing)}; found: {', '.join(header)}"
        )
    if total == 0:
        raise BatchFileError("the file has a header but no rows to screen")
    if total > max_rows:
        raise BatchTooLarge(f"the file has {total} rows; the limit is {max_rows} rows")
    unknown = [column for column, name in zip(header, names, strict=True) if name not in KNOWN]
    return FileCheck(encoding, header, unknown, total)


def iter_csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(row number from 1, cells) for each non-blank data row."""
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        number = 0
        for cells in reader:
            if any(cell.strip() for cell in cells):
                number += 1
                yield number, cells


def to_request(header: list[str], cells: list[str]) -> ScreeningRequest:
    """The screening request a row describes; ValueError with a readable message if invalid."""
    if len(cells) != len(header):
        raise ValueError(f"the row has {len(cells)} cells; the header has {len(header)}")
    values = {name.strip().lower(): cell.strip() for name, cell in zip(header, cells, strict=True)}
    body: dict[str, Any] = {k: v for k, v in values.items() if k in PLAIN_FIELDS and v}
    if "military_end_use" in body:
        flag = body["military_end_use"].lower()
        if flag not in BOOLEANS:
            raise ValueError(f"military_end_use must be true or false, got {flag!r}")
        body["military_end_use"] = BOOLEANS[flag]
    for prefix, fields in (("engineer", ENGINEER_FIELDS), ("counterparty", COUNTERPARTY_FIELDS)):
        nested = {f: values[f"{prefix}_{f}"] for f in fields if values.get(f"{prefix}_{f}")}
        if nested:
            body[prefix] = nested
    body["parties"] = _parties(values)
    body["parameters"] = _parameters(values)
    try:
        return ScreeningRequest.model_validate(body)
    except ValidationError as exc:
        raise ValueError(_summary(exc)) from exc


def has_party_columns(header: list[str]) -> bool:
    """True when the file names any party of the deal (its output then has a `parties` column)."""
    return any(name.strip().lower() in PARTY_COLUMNS for name in header)


def _parties(values: dict[str, str]) -> list[dict[str, str | None]]:
    """The row's end user, consignee, intermediary and employer, by their name columns."""
    parties = []
    for role in PARTY_ROLES:
        name, country = values.get(f"{role}_name"), values.get(f"{role}_country")
        if country and not name:
            raise ValueError(f"{role}_country is given without {role}_name")
        if name:
            parties.append({"role": role, "name": name, "country": country or None})
    return parties


def _parameters(values: dict[str, str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if values.get("parameters"):
        try:
            params = json.loads(values["parameters"])
        except json.JSONDecodeError as exc:
            raise ValueError(f"parameters is not valid JSON: {exc.msg}") from exc
        if not isinstance(params, dict):
            raise ValueError("parameters must be a JSON object")
    for name in sorted(values.keys() & PARAMETERS.keys(), key=_PARAMETER_ORDER.__getitem__):
        if values[name]:
            try:
                params[name] = float(values[name])
            except ValueError as exc:
                raise ValueError(f"{name} must be a number, got {values[name]!r}") from exc
    return params


def _summary(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'row'}: "
        f"{str(e['msg']).removeprefix('Value error, ')}"
        for e in exc.errors()
    )
