"""Soak: 32 concurrent clients against a served app on SQLite; errors and the server's memory.

    python bench/soak.py                  # 10 s warm-up, then 60 s measured

The server runs in its own process (`screening serve`, a fresh SQLite file); this process is the
client (async httpx). Passes when no answer is a 5xx or a transport error and the server's RSS
at the end is within 10 % of its RSS after the warm-up. Exit 1 otherwise.
"""

import argparse
import asyncio
import sys
import tempfile

from loadkit import ROOT, hammer, prepare, rss_kib, served, summary
from sqlmodel import Session

from service.store import chain
from service.store.database import create_db_engine


def main() -> None:
    """Warm up, soak, report; exit 1 on any 5xx or on RSS growth over 10 %."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/soak.db"
        secret = prepare(url)
        env = {"SCREENING_DATABASE_URL": url, "SCREENING_DATA_DIR": folder}
        with served(env, ROOT / "bench" / "soak_server.log") as (base, process):
            asyncio.run(hammer(base, secret, concurrency=args.concurrency, seconds=args.warmup))
            warm = rss_kib(process.pid)
            outcomes = asyncio.run(
                hammer(base, secret, concurrency=args.concurrency, seconds=args.seconds)
            )
            end = rss_kib(process.pid)
        db = create_db_engine(url)
        with Session(db) as session:
            verdict = chain.verify(session=session)
        db.dispose()
    failures = [o for o in outcomes if not isinstance(o.status, int) or o.status >= 500]
    growth = 100 * (end - warm) / warm
    print(summary(f"soak {args.seconds:.0f} s x{args.concurrency}", outcomes, lambda o: True))
    print(
        f"throughput {len(outcomes) / args.seconds:.0f} requests/s; 5xx or transport errors "
        f"{len(failures)}"
    )
    print(
        f"server RSS after warm-up {warm / 1024:.1f} MiB, at the end {end / 1024:.1f} MiB "
        f"({growth:+.1f} %)"
    )
    print(f"audit chain intact {verdict.intact} over {verdict.rows} screenings")
    ok = not failures and abs(growth) <= 10 and verdict.intact
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
