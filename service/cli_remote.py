"""`screening screen IN.csv -o OUT --url URL`: a CSV screened by a remote service, resumably.

Rows are read and checked here as in the local mode, then sent a chunk at a time to POST
/v1/screenings/bulk. Each chunk's Idempotency-Key is made of the job id and the chunk's rows,
so a chunk sent again (a retry, or a resumed run) is answered from the audit log, not screened
twice. Results go to OUT.partial; after each chunk, a small state file beside the output
(OUT.job.json) records the rows done and the bytes written, so a run killed at any point
resumes with the same --job-id, cuts off whatever it wrote after the last recorded chunk and
goes on: the output holds every row exactly once. At the end OUT.partial becomes OUT.
"""

import hashlib
import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

import httpx
import typer

from service.batch import reading, writing
from service.batch import rows as batch_rows
from service.batch.reading import FileCheck
from service.cli_progress import ProgressLine
from service.client import ApiError, ScreeningClient
from service.config import Settings
from service.engine.models import ScreeningRequest
from service.store.batches import StoredRow

# A job id goes into Idempotency-Keys: printable ASCII without spaces, short enough to fit.
JOB_ID = re.compile(r"^[\x21-\x7e]{1,100}$")


@dataclass
class JobState:
    """What a remote run has done so far, saved beside the output after every chunk."""

    job_id: str
    input_sha256: str
    output_format: str
    chunk_size: int
    rows_done: int = 0
    output_bytes: int = 0
    error_rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Paths:
    """The output, the partial output it grows in, and the state file."""

    output: Path

    @property
    def partial(self) -> Path:
        """Where the results are written until the last row is in."""
        return self.output.with_name(self.output.name + ".partial")

    @property
    def state(self) -> Path:
        """The state file that a resumed run reads."""
        return self.output.with_name(self.output.name + ".job.json")


def screen_remote(  # noqa: PLR0913 - the command's options, passed on
    input_file: Path,
    output: Path,
    output_format: str,
    job_id: str | None,
    url: str,
    api_key: str,
) -> None:
    """Screen a CSV file through the service at `url`; progress on stderr, summary on stdout."""
    settings = Settings()
    if job_id is not None and not JOB_ID.match(job_id):
        raise typer.BadParameter("1 to 100 printable ASCII characters", param_hint="--job-id")
    try:
        checked = reading.inspect_file(input_file, max_rows=settings.batch_max_rows)
    except (reading.BatchFileError, reading.BatchTooLarge) as exc:
        typer.echo(f"{input_file}: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    paths = Paths(output)
    chunk_size = min(settings.batch_chunk_size, settings.bulk_max_items)
    state = _start_or_resume(paths, input_file, output_format, job_id, chunk_size)
    typer.echo(f"job {state.job_id}: {checked.total_rows} rows ({checked.encoding})", err=True)
    if checked.unknown_columns:
        typer.echo(f"unknown columns, echoed only: {', '.join(checked.unknown_columns)}", err=True)
    try:
        with ScreeningClient(url, api_key) as client:
            _run(client, input_file, checked, paths, state, settings.batch_row_delay)
    except (ApiError, httpx.HTTPError) as exc:
        typer.echo(f"{url}: {exc}", err=True)
        typer.echo(f"stopped; resume with --job-id {state.job_id}", err=True)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:
        typer.echo(f"interrupted; resume with --job-id {state.job_id}", err=True)
        raise typer.Exit(130) from exc
    paths.partial.replace(output)
    paths.state.unlink()
    counts = ", ".join(f"{k} {v}" for k, v in sorted(state.counts.items())) or "none"
    typer.echo(f"{state.rows_done} rows: {counts}; rows with errors: {state.error_rows}")
    typer.echo(f"wrote {output}")


def _start_or_resume(
    paths: Paths, input_file: Path, output_format: str, job_id: str | None, chunk_size: int
) -> JobState:
    """The saved state of this job, or a new one; exit 1 when another job is unfinished here."""
    digest = _sha256(input_file)
    if paths.state.exists():
        state = JobState(**json.loads(paths.state.read_text(encoding="utf-8")))
        problem = None
        if job_id != state.job_id:
            problem = f"resume it with --job-id {state.job_id}"
        elif state.input_sha256 != digest or state.output_format != output_format:
            problem = "it was started on another input file or output format"
        if problem is None:
            return _with_partial(paths, state)
        typer.echo(
            f"{paths.output}: job {state.job_id} is unfinished here; {problem}, or delete "
            f"{paths.state} to start over",
            err=True,
        )
        raise typer.Exit(1)
    state = JobState(job_id or str(uuid.uuid4()), digest, output_format, chunk_size)
    paths.partial.write_bytes(b"")
    _save(paths, state)
    return state


def _with_partial(paths: Paths, state: JobState) -> JobState:
    """The state to resume from: from the start when the partial output has been lost.

    Starting over costs no second screening: every chunk is sent with the same key again.
    """
    partial = paths.partial
    if partial.exists() and partial.stat().st_size >= state.output_bytes:
        return state
    state = JobState(state.job_id, state.input_sha256, state.output_format, state.chunk_size)
    partial.write_bytes(b"")
    _save(paths, state)
    return state


def _run(  # noqa: PLR0913 - one run's parts
    client: ScreeningClient,
    input_file: Path,
    checked: FileCheck,
    paths: Paths,
    state: JobState,
    row_delay: float,
) -> None:
    """Screen the chunks not done yet, appending each one's rows and then saving the state."""
    bar = ProgressLine(done=state.rows_done)
    rows = reading.iter_csv_rows(input_file, checked.encoding)
    with paths.partial.open("r+b") as out:
        out.truncate(state.output_bytes)  # rows written after the last saved chunk
        out.seek(state.output_bytes)
        try:
            for chunk in _chunks(rows, state.rows_done, state.chunk_size):
                screened = _screen_chunk(client, state, checked.header, chunk)
                _append(out, checked.header, screened, state)
                _save(paths, state)
                bar(state.rows_done, checked.total_rows)
                if row_delay:  # tests and demos of interrupted runs only
                    time.sleep(row_delay * len(chunk))
        finally:
            bar.close()


def _chunks(
    rows: Iterator[tuple[int, list[str]]], done: int, size: int
) -> Iterator[list[tuple[int, list[str]]]]:
    """The rows after `done`, `size` at a time (chunks start where the first run's did)."""
    remaining = ((number, cells) for number, cells in rows if number > done)
    while chunk := list(islice(remaining, size)):
        yield chunk


def _screen_chunk(
    client: ScreeningClient, state: JobState, header: list[str], chunk: list[tuple[int, list[str]]]
) -> list[StoredRow]:
    """The chunk's rows with their outcomes: rows that do not read fail here, the rest remotely."""
    requests: dict[int, ScreeningRequest] = {}
    outcomes: dict[int, dict[str, Any]] = {}
    for number, cells in chunk:
        try:
            requests[number] = reading.to_request(header, cells)
        except ValueError as exc:
            outcomes[number] = {"error": str(exc)}
    if requests:
        key = f"{state.job_id}-rows-{chunk[0][0]}-{chunk[-1][0]}"
        answered = client.screen_bulk(list(requests.values()), idempotency_key=key)
        for number, item in zip(requests, answered.items, strict=True):
            if item.screening is not None:
                outcomes[number] = {
                    **batch_rows.outcome(item.screening),
                    "screening_id": item.screening.id,
                }
            else:
                outcomes[number] = {"error": item.error.message if item.error else "no answer"}
    return [
        StoredRow(number, outcomes[number].get("screening_id"), cells, outcomes[number])
        for number, cells in chunk
    ]


def _append(out: BinaryIO, header: list[str], rows: list[StoredRow], state: JobState) -> None:
    """Write the rows (the CSV header first, once), make them durable, and count them."""
    if state.output_format == "csv":
        lines = writing.csv_lines(header, rows, header=state.output_bytes == 0)
    else:
        lines = writing.json_lines(header, rows)
    out.write("".join(lines).encode("utf-8"))
    out.flush()
    os.fsync(out.fileno())
    state.output_bytes = out.tell()
    state.rows_done = rows[-1].row_number
    for row in rows:
        decision = row.outcome.get("decision")
        if decision is None:
            state.error_rows += 1
        else:
            state.counts[decision] = state.counts.get(decision, 0) + 1


def _save(paths: Paths, state: JobState) -> None:
    """Replace the state file in one step (write beside it, then rename)."""
    fresh = paths.state.with_name(paths.state.name + ".tmp")
    fresh.write_text(json.dumps(asdict(state)), encoding="utf-8")
    fresh.replace(paths.state)


def _sha256(path: Path) -> str:
    """The file's sha256, so a resumed run can tell that the input is the same."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
