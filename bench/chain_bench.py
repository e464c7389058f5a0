"""What the audit chain costs: screenings stored per second with and without it.

    python bench/chain_bench.py                        # SQLite in a temporary file
    python bench/chain_bench.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/test_6b

Each writer thread stores screenings one transaction each, as the API does. "chained" is the
real repository (lock the head, hash, insert, move the head); "plain" inserts the same record
with a position from a process counter and no lock or hash, as the store did before the chain.
The engine is not run: this measures the store only, where the chain's cost lies.
"""

import argparse
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import sqlalchemy
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.engine.models import Decision, RulesetRef, ScreeningRequest, ScreeningResult  # noqa: E402
from service.store import chain, keys, migrate, screenings  # noqa: E402
from service.store.database import create_db_engine  # noqa: E402
from service.store.tables import Role, Screening  # noqa: E402

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
REQUEST = ScreeningRequest(
    transaction_type="material_export",
    description="Gallium arsenide wafers, 6 inch, semi-insulating, for a customer in Germany",
)
RESULT = ScreeningResult(
    decision=Decision.approval_required,
    as_of=date(2026, 11, 28),
    ruleset=RulesetRef(version="2026.11.28-2", digest="sha256:" + "ab" * 32),
    explanation="A realistic explanation paragraph. " * 8,
)


def chained_writer(db: sqlalchemy.Engine, key_id: str, count: int) -> None:
    """Store `count` screenings through the chained repository."""
    with Session(db) as session:
        for _ in range(count):
            screenings.add_screening(
                session=session, request=REQUEST, result=RESULT, api_key_id=key_id
            )


def plain_writer(db: sqlalchemy.Engine, key_id: str, count: int) -> None:
    """Store `count` unchained screenings the way the store did before the chain."""
    with Session(db) as session:
        for _ in range(count):
            record = screenings.screening_record(REQUEST, RESULT, key_id)
            row = Screening(**record, seq=int(uuid.uuid4().int % 2**31), prev_hash="", row_hash="")
            session.add(row)
            session.commit()
            session.refresh(row)


def run(db: sqlalchemy.Engine, writer: Callable, key_id: str, threads: int, total: int) -> float:
    """Screenings per second for `total` rows spread over `threads` writers."""
    each = total // threads
    workers = [threading.Thread(target=writer, args=(db, key_id, each)) for _ in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return each * threads / (time.perf_counter() - start)


def bench(make_url: Callable[[], tuple[str, Callable[[], None]]], label: str, total: int) -> None:
    """Both modes at 1 and 8 writers, each on a fresh database; prints a line each."""
    for threads in (1, 8):
        rates = {}
        for mode, writer in (("plain", plain_writer), ("chained", chained_writer)):
            url, drop = make_url()
            migrate.upgrade(database_url=url, migrations_dir=MIGRATIONS)
            db = create_db_engine(url)
            with Session(db) as session:
                key_id = keys.add_api_key(session=session, name="bench", role=Role.screener)[0].id
            run(db, writer, key_id, threads, 20 * threads)  # warm-up: connections, caches
            rates[mode] = run(db, writer, key_id, threads, total)
            if mode == "chained":
                with Session(db) as session:
                    verdict = chain.verify(session=session)
                assert verdict.intact and verdict.rows == total + 20 * threads, verdict
            db.dispose()
            drop()
        cost = 100 * (1 - rates["chained"] / rates["plain"])
        print(
            f"{label:<10} writers={threads}  plain {rates['plain']:6.0f}/s"
            f"  chained {rates['chained']:6.0f}/s  cost {cost:5.1f} %  (chain verified)"
        )


def sqlite_url(folder: str) -> Callable[[], tuple[str, Callable[[], None]]]:
    """Fresh SQLite files in `folder`."""

    def fresh() -> tuple[str, Callable[[], None]]:
        path = Path(folder) / f"{uuid.uuid4().hex}.db"
        return f"sqlite:///{path}", lambda: None

    return fresh


def pg_schema_url(base: str) -> tuple[str, Callable[[], None]]:
    """A fresh schema in the given database, and how to drop it."""
    admin = create_db_engine(base)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(False), drop


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="rows per mode and writer count")
    parser.add_argument("--pg", help="a PostgreSQL URL to bench as well (a schema is made)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench(sqlite_url(folder), "sqlite", args.rows)
    if args.pg:
        bench(lambda: pg_schema_url(args.pg), "postgresql", args.rows)


if __name__ == "__main__":
    main()
