"""The `screening` command: serve, migrate, check rules, manage keys, export the API contract."""

import json
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, cast

import sqlalchemy
import typer
import uvicorn
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session
from uvicorn.supervisors import Multiprocess

from service import cli_ops, cli_remote
from service.app import create_app
from service.batch import reading, runner, writing
from service.batch.pool import RowPool
from service.cli_progress import ProgressLine
from service.config import Settings
from service.engine import Engine, RuleSetError, load_ruleset
from service.engine.loader import MANIFEST_NAME, RuleSet
from service.gc_tuning import tune_garbage_collector
from service.jobs.heartbeat import owner_id
from service.jobs.here import claim_here, holding
from service.logs import configure_logging, uvicorn_log_config
from service.rescreen import report as rescreen_report
from service.rescreen import runner as rescreen_runner
from service.store import batches, jobs, keys, migrate, rescreens
from service.store.database import create_db_engine, ensure_sqlite_folder
from service.store.jobs import LeaseLost
from service.store.tables import BatchJob, JobStatus, Leased, Role, as_utc, utcnow
from service.worker_sockets import ReusePortSocket

app = typer.Typer(help="Export-approval screening service.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
rules_app = typer.Typer(help="Rule files under rules/.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
openapi_app = typer.Typer(help="The published API contract.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(rules_app, name="rules")
app.add_typer(keys_app, name="keys")
app.add_typer(openapi_app, name="openapi")
app.add_typer(cli_ops.audit_app, name="audit")
rules_app.command("reload")(cli_ops.rules_reload)

RulesPath = Annotated[
    Path | None, typer.Argument(help="rules folder; default SCREENING_RULES_DIR or ./rules")
]
DIGEST_LINE = re.compile(r"^digest:.*$", re.MULTILINE)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="interface; default SCREENING_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="port; default SCREENING_PORT")] = None,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
) -> None:
    """Serve the HTTP API with uvicorn (run `screening db upgrade` first)."""
    settings = Settings()
    host, port = host or settings.host, port or settings.port
    configure_logging(settings.log_level)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    typer.echo(f"Swagger UI: http://{shown}:{port}/docs", err=True)
    options = {
        "factory": True,
        "host": host,
        "port": port,
        # A dictConfig, not None: uvicorn applies it in each worker process it spawns.
        "log_config": uvicorn_log_config(settings.log_level),
    }
    if workers == 1:
        uvicorn.run("service.app:create_app", **options)
        return
    config = uvicorn.Config(
        "service.app:create_app",
        workers=workers,
        timeout_worker_healthcheck=settings.worker_healthcheck_seconds,
        **options,
    )
    reserved = ReusePortSocket(host, port, config.backlog).reserve()
    try:
        # Each worker unpickles this into a socket of its own (see worker_sockets.py).
        listen = ReusePortSocket(host, reserved.getsockname()[1], config.backlog)
        Multiprocess(config, sockets=[cast(socket.socket, listen)]).run()
    finally:
        reserved.close()


class OutputFormat(StrEnum):
    """How `screening screen` writes its results."""

    csv = "csv"
    json = "json"


@app.command()
def screen(
    input_file: Annotated[
        Path, typer.Argument(help="CSV file, one transaction a row", exists=True, dir_okay=False)
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="file to write the results to")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="csv, or json for JSON lines")
    ] = OutputFormat.csv,
    job_id: Annotated[
        str | None, typer.Option(help="name the job; an unfinished job of this id is resumed")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="screen through this remote service (its bulk API), not locally"),
    ] = None,
    api_key: Annotated[
        str,
        typer.Option(envvar="SCREENING_API_KEY", help="with --url: a screener key"),
    ] = "",
    jobs: Annotated[
        int | None,
        typer.Option(
            min=1, help="processes screening rows; default SCREENING_BATCH_JOBS or one per core"
        ),
    ] = None,
) -> None:
    """Screen a CSV file locally on the configured database, or through a remote service with
    --url; a progress bar on stderr either way."""
    if url is not None:
        cli_remote.screen_remote(input_file, output, output_format.value, job_id, url, api_key)
        return
    tune_garbage_collector()
    settings = Settings()
    db = create_db_engine(settings.database_url)
    engine = Engine(_load(settings.rules_dir))
    pool = RowPool(jobs=jobs or settings.batch_jobs, rules_dir=settings.rules_dir)
    try:
        _screen_file(db, engine, pool, settings, input_file, output, output_format, job_id)
    except (OperationalError, ProgrammingError) as exc:
        typer.echo(f"database error ({exc.orig}); run `screening db upgrade` first?", err=True)
        raise typer.Exit(1) from exc
    finally:
        pool.close()
        db.dispose()


def _screen_file(  # noqa: PLR0913 - the command's options, passed on
    db: sqlalchemy.Engine,
    engine: Engine,
    pool: RowPool,
    settings: Settings,
    input_file: Path,
    output: Path,
    output_format: OutputFormat,
    job_id: str | None,
) -> None:
    owner = owner_id()
    with Session(db) as session:
        job = batches.get_job(session=session, job_id=job_id) if job_id else None
    lease = None
    if job is None:
        try:
            job = runner.create_job(
                db=db,
                path=input_file,
                filename=input_file.name,
                settings=settings,
                job_id=job_id,
                owner=owner,
            )
        except (reading.BatchFileError, reading.BatchTooLarge) as exc:
            typer.echo(f"{input_file}: {exc.message}", err=True)
            raise typer.Exit(1) from exc
        lease = jobs.lease_of(job)
    typer.echo(f"job {job.id}: {job.total_rows} rows ({job.encoding})", err=True)
    if job.unknown_columns:
        typer.echo(f"unknown columns, echoed only: {', '.join(job.unknown_columns)}", err=True)
    if lease is None and job.status != JobStatus.done:
        lease = claim_here(
            db=db,
            settings=settings,
            table=BatchJob,
            job_id=job.id,
            owner=owner,
            on_wait=_say_once_waiting(),
        )
    if lease is not None:
        bar = ProgressLine(done=job.rows_done)
        with holding(db=db, settings=settings, lease=lease) as lost, _taken_over(job.id):
            job = runner.run_job(
                db=db,
                engine=engine,
                settings=settings,
                lease=lease,
                stop=lost,
                progress=bar,
                pool=pool,
            )
        bar.close()
    with Session(db) as session:
        job = batches.get_job(session=session, job_id=job.id)
    assert job is not None
    _write_results(db, job.id, job.columns, output, output_format)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(job.counts.items())) or "none"
    typer.echo(f"{job.rows_done} rows: {counts}; rows with errors: {job.error_rows}")
    typer.echo(f"wrote {output}")


def _say_once_waiting() -> Callable[[Leased], None]:
    """A wait callback that says once that another process holds the job."""
    said = False

    def waiting(row: Leased) -> None:
        nonlocal said
        if not said:
            typer.echo(f"job held by {row.lease_owner}; waiting for it to end or lapse", err=True)
            said = True

    return waiting


@contextmanager
def _taken_over(job_id: str) -> Iterator[None]:
    """Exit 1 with a message when another process took the job over from this one."""
    try:
        yield
    except LeaseLost as exc:
        typer.echo(f"\njob {job_id} was taken over by another process", err=True)
        raise typer.Exit(1) from exc


def _write_results(
    db: sqlalchemy.Engine, job_id: str, columns: list[str], output: Path, fmt: OutputFormat
) -> None:
    with Session(db) as session, output.open("w", encoding="utf-8", newline="") as handle:
        rows = batches.iter_stored_rows(session=session, job_id=job_id)
        lines = writing.csv_lines if fmt is OutputFormat.csv else writing.json_lines
        handle.writelines(lines(columns, rows))


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@app.command()
def rescreen(
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="only screenings created on or after this day"),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="date to screen at; default each one's own"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write the report here (.csv or .json)")
    ] = None,
) -> None:
    """Re-run stored screenings under the current rules; print what would change."""
    settings = Settings()
    db = create_db_engine(settings.database_url)
    engine = Engine(_load(settings.rules_dir))
    try:
        job = rescreen_runner.create_job(
            db=db,
            engine=engine,
            settings=settings,
            since=_day(since),
            as_of=_day(as_of),
            owner=owner_id(),
        )
        bar, lease = ProgressLine(done=0), jobs.lease_of(job)
        with holding(db=db, settings=settings, lease=lease) as lost, _taken_over(job.id):
            job = rescreen_runner.run_job(
                db=db, engine=engine, settings=settings, lease=lease, stop=lost, progress=bar
            )
        bar.close()
        with Session(db) as session:
            changes = rescreens.list_changes(session=session, job_id=job.id)
    finally:
        db.dispose()
    counts = ", ".join(f"{k} {v}" for k, v in sorted(job.counts.items())) or "none"
    typer.echo(f"re-screen {job.id}: {job.done} screenings, {job.changed} would change: {counts}")
    if output is not None:
        if output.suffix == ".json":
            text = json.dumps(rescreen_report.report_json(job, changes), indent=2) + "\n"
        else:
            text = rescreen_report.report_csv(changes)
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the latest schema."""
    settings = Settings()
    ensure_sqlite_folder(settings.database_url)
    migrate.upgrade(database_url=settings.database_url, migrations_dir=settings.migrations_dir)
    typer.echo("database is at the latest revision")


@rules_app.command("validate")
def rules_validate(path: RulesPath = None) -> None:
    """Load and check every rule file; exit 1 when invalid, 2 when the digest is not stamped."""
    ruleset = _load(path)
    typer.echo(
        f"rules valid: version {ruleset.version}, {len(ruleset.instruments)} instruments, "
        f"{len(ruleset.categories)} categories, digest {ruleset.digest}"
    )
    for line in party_counts(ruleset):
        typer.echo(line)
    if ruleset.recorded_digest != ruleset.digest:
        typer.echo(
            f"{MANIFEST_NAME} records digest {ruleset.recorded_digest} but the rule files digest "
            f"to {ruleset.digest}: bump the version, add a CHANGELOG entry, run "
            "`screening rules stamp`",
            err=True,
        )
        raise typer.Exit(2)


@rules_app.command("stamp")
def rules_stamp(path: RulesPath = None) -> None:
    """Write the rule files' content digest into ruleset.yaml, keeping comments and version."""
    ruleset = _load(path)
    manifest = (path or Settings().rules_dir) / MANIFEST_NAME
    text = manifest.read_text(encoding="utf-8")
    if not DIGEST_LINE.search(text):
        typer.echo(f"{manifest}: no top-level 'digest:' line to replace", err=True)
        raise typer.Exit(1)
    manifest.write_text(DIGEST_LINE.sub(f'digest: "{ruleset.digest}"', text, count=1), "utf-8")
    typer.echo(f"stamped {manifest} (version {ruleset.version}) with {ruleset.digest}")


def party_counts(ruleset: RuleSet) -> list[str]:
    """A total line, per list, then one line per party file: its list and its entry count."""
    files = sorted(ruleset.parties.items())
    by_list: dict[str, int] = {}
    for _, party_file in files:
        kind = party_file.announcement.list.value
        by_list[kind] = by_list.get(kind, 0) + len(party_file.entries)
    total = sum(by_list.values())
    lists = ", ".join(f"{kind} {count}" for kind, count in sorted(by_list.items()))
    head = f"party lists: {total} entries in {len(files)} files" + (f" ({lists})" if lists else "")
    width = max((len(name) for name, _ in files), default=0)
    return [head] + [
        f"  {name:<{width}}  {f.announcement.list.value:<22}  {len(f.entries):>4}"
        for name, f in files
    ]


def _load(path: Path | None) -> RuleSet:
    """The rule set at `path` (default: the configured folder); exit 1 when invalid."""
    try:
        return load_ruleset(path or Settings().rules_dir)
    except RuleSetError as exc:
        typer.echo(f"rules invalid:\n{exc.message}", err=True)
        raise typer.Exit(1) from exc


def parse_expiry(value: str | None) -> datetime | None:
    """An ISO date (midnight UTC) or date-time (UTC when no zone is given), in the future."""
    if value is None:
        return None
    try:
        moment = as_utc(datetime.fromisoformat(value))
    except ValueError as exc:
        raise typer.BadParameter(
            "use an ISO date or date-time, e.g. 2027-06-30", param_hint="--expires"
        ) from exc
    if moment <= utcnow():
        raise typer.BadParameter(f"{value} is not in the future", param_hint="--expires")
    return moment.astimezone(UTC)


@keys_app.command("create")
def keys_create(
    role: Annotated[Role, typer.Option(help="what the key may do")],
    name: Annotated[str, typer.Option(help="who or what uses the key")],
    expires: Annotated[
        str | None,
        typer.Option(help="when the key stops working: ISO date (midnight UTC) or date-time"),
    ] = None,
) -> None:
    """Create an API key; the secret is printed once, alone on the last line."""
    expires_at = parse_expiry(expires)
    try:
        with Session(create_db_engine(Settings().database_url)) as session:
            row, secret = keys.add_api_key(
                session=session, name=name, role=role, expires_at=expires_at
            )
    except (OperationalError, ProgrammingError) as exc:
        typer.echo(
            f"cannot store the key ({exc.orig}); run `screening db upgrade` first?", err=True
        )
        raise typer.Exit(1) from exc
    until = f", expires {as_utc(row.expires_at).isoformat()}" if row.expires_at else ""
    typer.echo(f"created {row.role} key {row.id} ({row.name}{until}); store the secret now:")
    typer.echo(secret)


@keys_app.command("list")
def keys_list() -> None:
    """List keys: id, role, name, display prefix, expiry, revocation and last use."""
    with Session(create_db_engine(Settings().database_url)) as session:
        for row in keys.list_api_keys(session=session):
            notes = [
                f"{label} {moment:%Y-%m-%d %H:%M}"
                for label, moment in (
                    ("expires", row.expires_at),
                    ("revoked", row.revoked_at),
                    ("last used", row.last_used_at),
                )
                if moment is not None
            ]
            suffix = f"  ({', '.join(notes)})" if notes else ""
            typer.echo(f"{row.id}  {row.role:<8} {row.prefix}…  {row.name}{suffix}")


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="the key's id")]) -> None:
    """Revoke a key: running servers refuse it within SCREENING_KEY_CACHE_SECONDS (5 s)."""
    with Session(create_db_engine(Settings().database_url)) as session:
        row = keys.revoke_api_key(session=session, key_id=key_id)
    if row is None:
        typer.echo(f"no key with id {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked key {row.id} ({row.name})")


@openapi_app.command("export")
def openapi_export(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="file to write, '-' for stdout")
    ] = Path("openapi/openapi.json"),
) -> None:
    """Write the OpenAPI document: sorted keys, indented, trailing newline."""
    text = openapi_text()
    if str(output) == "-":
        typer.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}")


def openapi_text() -> str:
    """The app's OpenAPI document as committed in openapi/openapi.json."""
    return json.dumps(create_app().openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
