"""Stop PostgreSQL while screenings flow through a served app, start it again, and report.

    python bench/fault_pg.py --pgdata /tmp/pgfault6b --port 55432

Use a PRIVATE throwaway cluster (initdb + pg_ctl on its own port), never a shared one: this
script stops and starts it. It reports, per phase, the statuses and latencies seen by 8
concurrent clients (timeout 10 s), how long after the restart the first screening succeeded,
and whether the stored rows equal the 201 answers and the audit chain is intact.
"""

import argparse
import asyncio
import subprocess
import threading
import time
import uuid

from loadkit import ROOT, hammer, prepare, served, summary
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

from service.store import chain
from service.store.database import create_db_engine
from service.store.tables import Screening

PG_CTL = "/usr/lib/postgresql/15/bin/pg_ctl"


def pg_ctl(pgdata: str, port: int, action: str) -> None:
    """Stop (fast) or start the private cluster as the postgres user."""
    command = ["runuser", "-u", "postgres", "--", PG_CTL, "-D", pgdata, "-w"]
    if action == "stop":
        command += ["-m", "fast", "stop"]
    else:
        command += ["-o", f"-p {port} -k /tmp", "-l", f"{pgdata}.log", "start"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def schema_url(base: str) -> str:
    """A fresh schema in the fault database, so each run starts empty."""
    schema = f"fault_{uuid.uuid4().hex[:8]}"
    admin = create_db_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return (
        make_url(base)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(False)
    )


def main() -> None:
    """Run the fault scenario and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pgdata", required=True)
    parser.add_argument("--port", type=int, default=55432)
    parser.add_argument("--before", type=float, default=8, help="seconds of normal traffic")
    parser.add_argument("--outage", type=float, default=10, help="seconds the database is down")
    parser.add_argument("--after", type=float, default=12, help="seconds after the restart")
    args = parser.parse_args()
    url = schema_url(f"postgresql+psycopg://postgres@127.0.0.1:{args.port}/fault")
    secret = prepare(url)
    marks: dict[str, float] = {}

    def outage(start: float) -> None:
        time.sleep(args.before)
        marks["down"] = time.monotonic() - start
        pg_ctl(args.pgdata, args.port, "stop")
        marks["stopped"] = time.monotonic() - start
        time.sleep(args.outage)
        pg_ctl(args.pgdata, args.port, "start")
        marks["up"] = time.monotonic() - start

    with served({"SCREENING_DATABASE_URL": url}, ROOT / "bench" / "fault_server.log") as (base, _):
        start = time.monotonic()
        fault = threading.Thread(target=outage, args=(start,))
        fault.start()
        total = args.before + args.outage + args.after
        outcomes = asyncio.run(hammer(base, secret, concurrency=8, seconds=total))
        fault.join()

    down, stopped, up = marks["down"], marks["stopped"], marks["up"]
    print(f"database stopped at {down:.1f}-{stopped:.1f} s, started again at {up:.1f} s")
    print(summary("before", outcomes, lambda o: o.sent < down))
    print(summary("during stop", outcomes, lambda o: down <= o.sent < stopped))
    print(summary("down", outcomes, lambda o: stopped <= o.sent < up))
    print(summary("after", outcomes, lambda o: o.sent >= up))
    recovered = [o.sent + o.seconds for o in outcomes if o.sent >= up and o.status == 201]
    if recovered:
        print(f"first 201 after the restart: {min(recovered) - up:.2f} s after the database")
    created = sum(1 for o in outcomes if o.status == 201)
    others = sorted({str(o.status) for o in outcomes} - {"200", "201", "503"})
    db = create_db_engine(url)
    with Session(db) as session:
        stored = session.exec(select(func.count()).select_from(Screening)).one()
        verdict = chain.verify(session=session)
    db.dispose()
    print(f"201 answers {created}, rows stored {stored}, audit chain intact {verdict.intact}")
    print(f"statuses other than 200/201/503: {others or 'none'}")


if __name__ == "__main__":
    main()
