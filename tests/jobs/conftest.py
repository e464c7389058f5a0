"""Fixtures of the job tests: real job rows on the test's database, and settings with short
leases so a takeover happens in about a second instead of half a minute."""

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy

from service.batch import runner
from service.config import Settings
from service.store.tables import BatchJob
from tests.data import make_gb18030_fixture

LEASE = 1.0


@pytest.fixture
def fast(settings: Settings) -> Settings:
    """The test's settings: 1 s leases, 0.25 s heartbeats, 0.1 s polls, chunks of 5."""
    return settings.model_copy(
        update={
            "job_lease_seconds": LEASE,
            "job_heartbeat_seconds": LEASE / 4,
            "job_poll_seconds": 0.1,
            "batch_chunk_size": 5,
            "rescreen_chunk_size": 5,
        }
    )


@pytest.fixture
def queued_batch(db: sqlalchemy.Engine, fast: Settings, tmp_path: Path) -> Callable[..., BatchJob]:
    """Store a queued batch job over a new file: queued_batch(rows=12, owner=None)."""
    count = 0

    def create(rows: int = 12, owner: str | None = None) -> BatchJob:
        nonlocal count
        count += 1
        source = make_gb18030_fixture.write(tmp_path / f"in-{count}.csv", rows)
        return runner.create_job(
            db=db, path=source, filename=source.name, settings=fast, owner=owner
        )

    return create
