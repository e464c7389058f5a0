"""A re-screen's report: counts and every changed screening, as JSON or CSV."""

import csv
import io
from typing import Any

from service.store.tables import RescreenChange, RescreenJob

CSV_COLUMNS = [
    "screening_id",
    "reference",
    "as_of",
    "old_decision",
    "new_decision",
    "categories",
    "old_ruleset_version",
    "new_ruleset_version",
    "parties",
]
# A listed entry that made a difference is kept among a change's categories under this prefix.
PARTY_PREFIX = "party:"


def party_key(party_list: str, entry_id: str) -> str:
    """How a listed entry that made a difference is stored among a change's categories."""
    return f"{PARTY_PREFIX}{party_list}:{entry_id}"


def parties_of(change: RescreenChange) -> list[dict[str, str]]:
    """The listed entries whose contribution differs, as {entry_id, list}."""
    found = []
    for key in change.categories:
        if key.startswith(PARTY_PREFIX):
            party_list, _, entry_id = key.removeprefix(PARTY_PREFIX).partition(":")
            found.append({"entry_id": entry_id, "list": party_list})
    return found


def change_record(change: RescreenChange) -> dict[str, Any]:
    """One changed screening as a plain dict."""
    return {
        "screening_id": change.screening_id,
        "reference": change.reference,
        "as_of": change.as_of.isoformat(),
        "old_decision": change.old_decision,
        "new_decision": change.new_decision,
        "categories": [c for c in change.categories if not c.startswith(PARTY_PREFIX)],
        "old_ruleset_version": change.old_ruleset_version,
        "new_ruleset_version": change.new_ruleset_version,
        "parties": parties_of(change),
    }


def report_json(job: RescreenJob, changes: list[RescreenChange]) -> dict[str, Any]:
    """The whole report: job, counts by transition, then the changes."""
    return {
        "rescreen_id": job.id,
        "status": job.status,
        "as_of": job.as_of.isoformat() if job.as_of else None,
        "since": job.since.isoformat() if job.since else None,
        "ruleset": {"version": job.ruleset_version, "digest": job.ruleset_digest},
        "screened": job.done,
        "changed": job.changed,
        "counts": dict(sorted(job.counts.items())),
        "changes": [change_record(change) for change in changes],
    }


def _safe(cell: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def report_csv(changes: list[RescreenChange]) -> str:
    """The changed screenings as CSV, one row each, categories joined by spaces, parties as
    `entry (list)` joined by `; `."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for change in changes:
        record = change_record(change)
        record["categories"] = " ".join(record["categories"])
        record["parties"] = "; ".join(f"{p['entry_id']} ({p['list']})" for p in record["parties"])
        writer.writerow([_safe(str(record[c] or "")) for c in CSV_COLUMNS])
    return out.getvalue()
