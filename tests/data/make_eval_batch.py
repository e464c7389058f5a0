"""Writes a batch CSV built from the eval cases, with malformed rows mixed in.

Run `python -m tests.data.make_eval_batch OUT.csv [ROWS] [ENCODING]` (default 5,000 rows,
GB18030). Rows cycle through the requests of eval/*.yaml (the first party becomes the
counterparty; every seventh row leaves as_of blank, so it is screened on the day). Every 53rd
row is broken in one of the ways ERP exports break: too few or too many cells, a bad flag,
bad JSON, an unknown transaction type, an empty description, a bad number, a bad date, and
an all-blank line (which readers skip).
"""

import json
import sys
from collections.abc import Callable, Iterator
from itertools import cycle
from pathlib import Path

import yaml

from tests.data import make_gb18030_fixture

ROOT = Path(__file__).resolve().parents[2]
HEADER = [
    "reference",
    "transaction_type",
    "description",
    "destination_country",
    "origin_country",
    "as_of",
    "hs_code",
    "military_end_use",
    "purity_pct",
    "parameters",
    "engineer_expertise",
    "engineer_role",
    "engineer_former_employer",
    "engineer_work_country",
    "counterparty_name",
    "counterparty_country",
    "备注",
]
BROKEN_EVERY = 53
Break = Callable[[list[str]], list[str]]


def _set(name: str, value: str) -> Break:
    def broken(cells: list[str]) -> list[str]:
        cells[HEADER.index(name)] = value
        return cells

    return broken


BREAKS: list[Break] = [
    lambda cells: cells[:-3],
    lambda cells: [*cells, "extra"],
    _set("military_end_use", "maybe"),
    _set("parameters", '{"press_cylinder_bore_mm": '),
    _set("transaction_type", "barter"),
    _set("description", "   "),
    _set("purity_pct", "99,99%"),
    _set("as_of", "2026-13-45"),
    lambda cells: [""] * len(cells),
]


def _cells(request: dict, index: int) -> list[str]:
    engineer = request.get("engineer") or {}
    party = (request.get("parties") or [{}])[0] or request.get("counterparty") or {}
    parameters = request.get("parameters") or {}
    flag = request.get("military_end_use")
    values = {
        "reference": f"EV-{index + 1:06d}",
        "transaction_type": request["transaction_type"],
        "description": request["description"],
        "destination_country": request.get("destination_country") or "",
        "origin_country": request.get("origin_country") or "",
        "as_of": "" if index % 7 == 0 else str(request.get("as_of") or ""),
        "hs_code": str(request.get("hs_code") or ""),
        "military_end_use": "" if flag is None else str(flag).lower(),
        "purity_pct": "",
        "parameters": json.dumps(parameters) if parameters else "",
        "engineer_expertise": engineer.get("expertise", ""),
        "engineer_role": engineer.get("role", ""),
        "engineer_former_employer": engineer.get("former_employer", ""),
        "engineer_work_country": engineer.get("work_country", ""),
        "counterparty_name": party.get("name", ""),
        "counterparty_country": party.get("country", ""),
        "备注": "出口订单" if index % 2 else '=SUM(A1) "quoted", note',
    }
    return [values[name] for name in HEADER]


def requests() -> list[dict]:
    """The eval cases' requests, in file order."""
    found = []
    for path in sorted((ROOT / "eval").glob("*.yaml")):
        found += [case.get("request") for case in yaml.safe_load(path.read_text("utf-8")) or []]
    return [request for request in found if request]


def rows(count: int) -> Iterator[list[str]]:
    """`count` rows, each with a unique reference; every BROKEN_EVERY-th row broken."""
    breaks = cycle(BREAKS)
    for index, request in zip(range(count), cycle(requests()), strict=False):
        cells = _cells(request, index)
        yield next(breaks)(cells) if (index + 1) % BROKEN_EVERY == 0 else cells


def write(path: Path, count: int, encoding: str = "gb18030") -> Path:
    """Write the header and `count` rows to `path` in `encoding`."""
    return make_gb18030_fixture.write_csv(path, HEADER, rows(count), encoding)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "eval-5k.csv")
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    write(target, size, sys.argv[3] if len(sys.argv) > 3 else "gb18030")
    print(f"wrote {target}")
