"""The manifest a Spark screening run leaves beside its output, and how its rows are digested.

The manifest is what `screening audit import-manifest` records in the service's audit chain:
which input (its rows' digest), which rules (version and digest), what came out (rows per
decision, rows with errors) and when. Millions of per-row records stay in the run's Parquet.
"""

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

KIND = "spark_screening_run"
# Row hashes are grouped by their first characters before they are digested, so Spark can
# digest each group on its own and the driver only sees one line per group.
BUCKET_CHARS = 3


class InputFile(BaseModel):
    """One input file the driver could read: its path, size and content digest."""

    model_config = ConfigDict(extra="forbid")

    path: str
    bytes: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class RunManifest(BaseModel):
    """What one run of service/adapters/spark/job.py did, in the form the audit log keeps."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["spark_screening_run"] = KIND
    run_id: str = Field(min_length=1, max_length=200)
    input: str = Field(description="the input path as given to the job")
    input_format: Literal["csv", "parquet"]
    input_encoding: str | None = Field(description="the CSV encoding read; None for Parquet")
    input_files: list[InputFile] = Field(
        description="the local input files with their sha256; empty for remote storage"
    )
    input_digest: str = Field(
        pattern=r"^sha256:[0-9a-f]{64}$",
        description="digest of the screened rows' input_sha256 values (see rows_digest)",
    )
    output: str
    rows: int = Field(ge=0)
    decisions: dict[str, int] = Field(description="rows per decision, error rows excluded")
    error_rows: int = Field(ge=0)
    as_of: date = Field(description="the date rows without their own as_of were screened at")
    ruleset_version: str = Field(min_length=1, max_length=100)
    ruleset_digest: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    started_at: AwareDatetime
    finished_at: AwareDatetime
    spark_version: str
    spark_master: str
    application_id: str

    @model_validator(mode="after")
    def _adds_up(self) -> "RunManifest":
        if sum(self.decisions.values()) + self.error_rows != self.rows:
            raise ValueError("rows is not the sum of the rows per decision and the error rows")
        if self.finished_at < self.started_at:
            raise ValueError("finished_at is before started_at")
        return self


def bucket_digest(hashes: Iterable[str]) -> str:
    """Hex sha256 of the sorted row hashes of one bucket, one per line."""
    return hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()


def combine(buckets: dict[str, str]) -> str:
    """The input digest from each bucket's prefix and digest: sha256 of 'prefix:digest' lines."""
    lines = "\n".join(f"{prefix}:{buckets[prefix]}" for prefix in sorted(buckets))
    return "sha256:" + hashlib.sha256(lines.encode()).hexdigest()


def rows_digest(hashes: Iterable[str]) -> str:
    """The input digest of a run whose rows have these input_sha256 values, in any order.

    The same rows give the same digest however Spark split and ordered them; an auditor can
    recompute it from the output's input_sha256 column.
    """
    groups: dict[str, list[str]] = {}
    for value in hashes:
        groups.setdefault(value[:BUCKET_CHARS], []).append(value)
    return combine({prefix: bucket_digest(group) for prefix, group in groups.items()})
