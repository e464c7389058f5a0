"""Operator commands of `screening`: verify the audit chain, record a Spark run, reload rules."""

import hashlib
from pathlib import Path
from typing import Annotated

import httpx
import sqlalchemy
import typer
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session

from service.adapters.spark.manifest import KIND, RunManifest
from service.config import Settings
from service.store import audit_events, batches, chain
from service.store.database import create_db_engine
from service.store.tables import AuditEvent

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
    events = f" and {verdict.events} audit events" if verdict.events else ""
    if verdict.intact:
        screenings = verdict.rows - verdict.events
        typer.echo(f"audit chain intact: {screenings} screenings{events}, head {verdict.last_hash}")
        return
    where = "chain head"
    if verdict.screening_id:
        where = f"screening {verdict.screening_id}"
    elif verdict.event_id:
        where = f"audit event {verdict.event_id}"
    typer.echo(
        f"audit chain BROKEN at {where} after {verdict.rows} good rows: {verdict.problem}",
        err=True,
    )
    raise typer.Exit(1)


@audit_app.command("import-manifest")
def audit_import_manifest(
    manifest_file: Annotated[
        Path,
        typer.Argument(help="the manifest JSON a Spark run wrote", exists=True, dir_okay=False),
    ],
) -> None:
    """Record a Spark run's manifest in the audit chain; exit 1 if invalid or already recorded."""
    raw = manifest_file.read_bytes()
    try:
        manifest = RunManifest.model_validate_json(raw)
    except ValidationError as exc:
        typer.echo(f"{manifest_file}: not a Spark run manifest:\n{exc}", err=True)
        raise typer.Exit(1) from exc
    db = create_db_engine(Settings().database_url)
    try:
        event = _record_manifest(db, manifest, hashlib.sha256(raw).hexdigest())
    except (OperationalError, ProgrammingError) as exc:
        typer.echo(f"database error ({exc.orig}); run `screening db upgrade` first?", err=True)
        raise typer.Exit(1) from exc
    finally:
        db.dispose()
    typer.echo(
        f"recorded Spark run {manifest.run_id} ({manifest.rows} rows, rules "
        f"{manifest.ruleset_version}) as audit event {event.id}, seq {event.seq}"
    )


def _record_manifest(db: sqlalchemy.Engine, manifest: RunManifest, sha256: str) -> AuditEvent:
    """Chain the manifest as an audit event, once per run id (exit 1 on a second import)."""
    with Session(db) as session:
        known = audit_events.get_event_by_reference(session=session, reference=manifest.run_id)
        if known is not None:
            typer.echo(f"run {manifest.run_id} is already recorded (seq {known.seq})", err=True)
            raise typer.Exit(1)
        return audit_events.add_event(
            session=session,
            kind=KIND,
            reference=manifest.run_id,
            payload={"manifest": manifest.model_dump(mode="json"), "manifest_sha256": sha256},
            ruleset_version=manifest.ruleset_version,
            ruleset_digest=manifest.ruleset_digest,
            api_key_id=batches.local_key_id(session=session),
        )


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
