"""Fixtures of the job tests: real job rows on the test's database, and settings with short
leases so a takeover happens in about a second instead of half a minute."""

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy

from service.batch import runner
from service.config import Settings
from service.store.tables import BatchJob

LEASE = 1.0


@pytest.fixture
def fast(settings: Settings) -> Settings:
    """The test's settings with 1 s leases, 0.25 s heartbeats and 0.1 s polls."""
    return settings.model_copy(
        update={
            "job_lease_seconds": LEASE,
            "job_heartbeat_seconds": LEASE / 4,
            "job_poll_seconds": 0.1,
            "batch_chunk_size": 5,
        }
    )


def write_csv(path: Path, rows: int) -> Path:
    """A batch file of `rows` rows, each a distinct reference for a plain steel-bolt export."""
    lines = [f"ERP-{n:05d},material_export,steel bolts\n" for n in range(1, rows + 1)]
    path.write_text("reference,transaction_type,description\n" + "".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def queued_batch(
    db: sqlalchemy.Engine, fast: Settings, tmp_path: Path
) -> Callable[..., BatchJob]:
    """Store a queued batch job over a new file: queued_batch(rows=12, owner=None)."""
    count = 0

    def create(rows: int = 12, owner: str | None = None) -> BatchJob:
        nonlocal count
        count += 1
        source = write_csv(tmp_path / f"in-{count}.csv", rows)
        return runner.create_job(
            db=db, path=source, filename=source.name, settings=fast, owner=owner
        )

    return create
