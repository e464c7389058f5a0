"""Operator commands of `screening`: verify the audit chain, reload a running server's rules."""

import typer
from sqlmodel import Session

from service.config import Settings
from service.store import chain
from service.store.database import create_db_engine

audit_app = typer.Typer(help="The screening audit log.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the audit chain; exit 1 naming the first tampered record."""
    db = create_db_engine(Settings().database_url)
    try:
        with Session(db) as session:
            verdict = chain.verify(session=session)
    finally:
        db.dispose()
    if verdict.intact:
        typer.echo(f"audit chain intact: {verdict.rows} screenings, head {verdict.last_hash}")
        return
    where = f"screening {verdict.screening_id}" if verdict.screening_id else "chain head"
    typer.echo(
        f"audit chain BROKEN at {where} after {verdict.rows} good rows: {verdict.problem}",
        err=True,
    )
    raise typer.Exit(1)
