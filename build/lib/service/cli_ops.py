"""Operator commands of `screening`: verify the audit chain, reload a running server's rules."""

from typing import Annotated

import httpx
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


def rules_reload(
    url: Annotated[
        str | None,
        typer.Option(help="the running service; default http://SCREENING_HOST:SCREENING_PORT"),
    ] = None,
    key: Annotated[
        str,
        typer.Option(envvar="SCREENING_ADMIN_KEY", help="an admin key (or SCREENING_ADMIN_KEY)"),
    ] = "",
) -> None:
    """Ask the running service to reload its rules folder; exit 1 when it refused or failed."""
    if not key:
        typer.echo("an admin key is needed: --key or SCREENING_ADMIN_KEY", err=True)
        raise typer.Exit(2)
    settings = Settings()
    base = url or f"http://{settings.host}:{settings.port}"
    try:
        response = httpx.post(
            f"{base.rstrip('/')}/v1/admin/rules/reload", headers={"X-API-Key": key}, timeout=30
        )
    except httpx.HTTPError as exc:
        typer.echo(f"cannot reach {base}: {exc}", err=True)
        raise typer.Exit(1) from exc
    body = response.json()
    if response.status_code != 200:
        typer.echo(f"reload refused ({response.status_code} {body['code']}): {body['message']}")
        raise typer.Exit(1)
    was, now = body["previous"], body["ruleset"]
    change = "reloaded" if body["changed"] else "reloaded, unchanged"
    typer.echo(f"{change}: {now['version']} {now['digest']} (was {was['version']})")
