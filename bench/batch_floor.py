"""Batch floor: what each part of a batch costs a row, and the fastest a file could then go.

Usage: python bench/batch_floor.py [--rows 20000] [--chunk 500] [--cores N] [--json out.json]

A batch with worker processes splits a row's work in two. The workers screen it (read the
request, run the engine, encode the audit record); the parent reads the CSV, stores each chunk
(hash chain, audit and row inserts, commit) and, for the CLI, writes the results file. This
measures each part alone, in this one process, on the rows of the batch benchmark's file, and
on a fresh SQLite database as `make bench` uses:

- screen: `screen_row` per row (CPU);
- read: the CSV rows read and decoded (CPU);
- store: `add_chunk` per row, CPU and wall (the commit waits for the disk);
- results: the results file written from the stored rows (CPU).

From these it gives the lower bound for 100,000 rows on `--cores` cores (default: this
machine's): the parent's part is serial, so a file takes at least max(parent, all / cores).
The bound is optimistic: it assumes no cost for handing rows between processes and no
slowdown when processes share the machine's caches.
"""

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.batch import reading, runner, writing  # noqa: E402
from service.batch.pool import cores  # noqa: E402
from service.batch.rows import screen_row  # noqa: E402
from service.config import Settings  # noqa: E402
from service.engine import Engine, load_ruleset  # noqa: E402
from service.store import batches, jobs, migrate  # noqa: E402
from service.store.batches import ScreenedRow  # noqa: E402
from service.store.database import create_db_engine  # noqa: E402
from tests.data import make_gb18030_fixture  # noqa: E402

TARGET_ROWS = 100_000


def timed(work: Callable[[], Any]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) that `work` took."""
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def chunks(rows: list[ScreenedRow], size: int) -> Iterator[list[ScreenedRow]]:
    """The rows in commit-sized pieces."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def measure(rows: int, chunk: int, folder: Path) -> dict[str, Any]:
    """Per-row milliseconds of each part, on `rows` rows of the batch benchmark's file."""
    source = make_gb18030_fixture.write(folder / "in.csv", rows)
    engine = Engine(load_ruleset(ROOT / "rules"))
    header = make_gb18030_fixture.HEADER
    read: list[tuple[int, list[str]]] = []
    read_cpu, _ = timed(lambda: read.extend(reading.iter_csv_rows(source, "gb18030")))
    for number, cells in read[:500]:
        screen_row(engine, header, number, cells)  # warm the engine's caches, as a worker's are
    screened: list[ScreenedRow] = []
    screen_cpu, _ = timed(
        lambda: screened.extend(screen_row(engine, header, n, cells) for n, cells in read)
    )

    url = f"sqlite:///{folder / 'floor.db'}"
    migrate.upgrade(database_url=url, migrations_dir=ROOT / "migrations")
    db = create_db_engine(url)
    job = runner.create_job(
        db=db, path=source, filename=source.name, settings=Settings(), owner="bench"
    )
    lease = jobs.lease_of(job)

    def store() -> None:
        for piece in chunks(screened, chunk):
            with Session(db) as session:
                batches.add_chunk(
                    session=session,
                    job_id=job.id,
                    rows=piece,
                    api_key_id=job.api_key_id,
                    lease=lease,
                )

    def results() -> None:
        with Session(db) as session, (folder / "out.csv").open("w", encoding="utf-8") as out:
            stored = batches.iter_stored_rows(session=session, job_id=job.id)
            out.writelines(writing.csv_lines(header, stored))

    store_cpu, store_wall = timed(store)
    results_cpu, _ = timed(results)
    db.dispose()
    per_row = 1000 / rows
    return {
        "rows": rows,
        "chunk": chunk,
        "screen_ms": round(screen_cpu * per_row, 4),
        "read_ms": round(read_cpu * per_row, 4),
        "store_cpu_ms": round(store_cpu * per_row, 4),
        "store_wall_ms": round(store_wall * per_row, 4),
        "results_ms": round(results_cpu * per_row, 4),
    }


def floor(parts: dict[str, Any], cores: int, cli: bool) -> float:
    """Seconds 100,000 rows take at best on `cores` cores, through the CLI or the API."""
    parent_ms = parts["read_ms"] + parts["store_wall_ms"] + (parts["results_ms"] if cli else 0)
    cpu_ms = parts["screen_ms"] + parts["read_ms"] + parts["store_cpu_ms"]
    cpu_ms += parts["results_ms"] if cli else 0
    return round(max(parent_ms, cpu_ms / cores) * TARGET_ROWS / 1000, 1)


def main() -> None:
    """Measure, print a summary and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--cores", type=int, default=cores())
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        parts = measure(args.rows, args.chunk, Path(folder))
    parts["cores"] = args.cores
    parts["floor_100k_s"] = {
        "cli": floor(parts, args.cores, cli=True),
        "api": floor(parts, args.cores, cli=False),
    }
    print(json.dumps(parts, indent=2))
    if args.json:
        args.json.write_text(json.dumps(parts, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
