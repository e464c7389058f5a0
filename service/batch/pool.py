"""Screens a batch's rows in worker processes, each holding one engine, in file order.

The process that reads the CSV and stores the results hands the rows to the workers in blocks,
a few blocks in flight per worker, and takes the results back in the order it sent them: memory
stays flat, and rows are stored in file order, a chunk per transaction, as in-process.

A worker loads the rules folder once and serves one rule set: a job keeps its rule set to its
end, so the pool is rebuilt when a job comes with another digest (a reload), and when the folder
no longer holds the job's rule set (edited, not reloaded) the rows are screened in-process.

Workers start from a fork server (safe in a parent with threads), ignore Ctrl-C (the parent
stops them) and exit by themselves when the parent dies.
"""

import logging
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import Any

from service.batch.rows import Row, RowScreener
from service.engine import Engine, RuleSetError, load_ruleset
from service.gc_tuning import tune_garbage_collector
from service.logs import configure_logging
from service.store.batches import ScreenedRow

log = logging.getLogger("service.batch")

# Rows a worker screens per task: one message each way. At ~0.2 ms a row, a block is ~40 ms of
# work, so the per-message cost vanishes and a stopping job waits little for the block in hand.
BLOCK_ROWS = 200
# Blocks in flight per worker: one being screened, one waiting, so a worker never idles.
BLOCKS_PER_WORKER = 2
# Starting the workers takes about a second; a job this small is done in-process by then.
SMALL_JOB_ROWS = 1_000

# A fork server forks workers from a clean process, which is safe in a parent with threads.
START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"

Screened = list[tuple[dict[str, Any] | None, dict[str, Any]]]


def cores() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class RulesUnavailable(Exception):
    """A worker cannot screen with the job's rule set: the rules folder holds another one."""


class RowPool:
    """Worker processes started at first use, kept for the next job of the same rule set."""

    def __init__(self, *, jobs: int, rules_dir: Path, log_level: str | None = None) -> None:
        """`jobs` processes (0: one per core; 1: screen in the calling process)."""
        self.jobs = jobs or cores()
        self.rules_dir = rules_dir
        self.log_level = log_level
        self._executor: ProcessPoolExecutor | None = None
        self._digest: str | None = None
        self._lock = threading.Lock()

    def screen(
        self, engine: Engine, header: list[str], rows: Iterable[Row], *, count: int
    ) -> Iterator[ScreenedRow]:
        """The `count` rows screened with `engine`'s rule set, in the order given."""
        if self.jobs == 1 or count < SMALL_JOB_ROWS:
            return screen_here(engine, header, rows)
        return self._screen_in_workers(engine, header, rows)

    def close(self) -> None:
        """Stop the workers (after the blocks they hold); a later job starts new ones."""
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor, self._digest = None, None

    def _screen_in_workers(
        self, engine: Engine, header: list[str], rows: Iterable[Row]
    ) -> Iterator[ScreenedRow]:
        executor: ProcessPoolExecutor | None = self._executor_for(engine.ref.digest)
        pending: deque[tuple[list[Row], Future[Screened]]] = deque()
        try:
            for block in _blocks(rows):
                if executor is None:
                    yield from screen_here(engine, header, block)
                    continue
                pending.append((block, executor.submit(_screen_block, header, block)))
                if len(pending) > self.jobs * BLOCKS_PER_WORKER:
                    executor = yield from self._next_block(engine, header, pending)
            while pending:
                yield from self._next_block(engine, header, pending)
        finally:
            for _, future in pending:
                future.cancel()

    def _next_block(
        self,
        engine: Engine,
        header: list[str],
        pending: deque[tuple[list[Row], Future[Screened]]],
    ) -> Generator[ScreenedRow, None, ProcessPoolExecutor | None]:
        """The oldest block's rows; if the workers failed it, it and every block in flight here.

        Returns the executor to go on with, None when the rest of the job is screened here.
        """
        block, future = pending.popleft()
        try:
            screened = future.result()
        except RulesUnavailable as exc:
            log.warning("batch.pool_rules_changed", extra={"problem": str(exc)})
        except BrokenProcessPool:
            log.error("batch.pool_broken")
        else:
            for (number, cells), (decided, outcome) in zip(block, screened, strict=True):
                yield ScreenedRow(number, cells, decided, outcome)
            return self._executor
        self._drop()
        yield from screen_here(engine, header, block)
        while pending:
            yield from screen_here(engine, header, pending.popleft()[0])
        return None

    def _drop(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor, self._digest = None, None

    def _executor_for(self, digest: str) -> ProcessPoolExecutor:
        """The workers for this rule set, started now if the running ones hold another."""
        with self._lock:
            if self._executor is not None and self._digest == digest:
                return self._executor
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
            context = multiprocessing.get_context(START_METHOD)
            if START_METHOD == "forkserver":
                # The fork server imports the engine's code once; each worker forks from it.
                # (Each still imports the main module, e.g. the CLI, as multiprocessing does.)
                context.set_forkserver_preload([__name__])
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=context,
                initializer=_start_worker,
                initargs=(str(self.rules_dir), digest, self.log_level),
            )
            self._digest = digest
            log.info("batch.pool_started", extra={"processes": self.jobs, "digest": digest})
            return self._executor


def screen_here(engine: Engine, header: list[str], rows: Iterable[Row]) -> Iterator[ScreenedRow]:
    """The rows screened one by one in this process (a row seen before is answered as before)."""
    screener = RowScreener(engine)
    for number, cells in rows:
        yield screener.screen(header, number, cells)


def _blocks(rows: Iterable[Row]) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while block := list(islice(iterator, BLOCK_ROWS)):
        yield block


# In a worker process: its engine's screener, or why it has none.
_screener: RowScreener | None = None
_problem = "the worker has not loaded the rules"


def _start_worker(rules_dir: str, digest: str, log_level: str | None) -> None:
    """Load the engine once; a folder that does not digest to `digest` leaves the worker idle."""
    global _screener, _problem
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    if log_level is not None:
        configure_logging(log_level)
    tune_garbage_collector()
    try:
        ruleset = load_ruleset(Path(rules_dir))
    except RuleSetError as exc:
        _problem = f"{rules_dir}: {exc.message}"
        return
    if ruleset.digest != digest:
        _problem = f"{rules_dir} holds rule set {ruleset.digest}, the job screens with {digest}"
        return
    _screener = RowScreener(Engine(ruleset))


def _exit_with_parent() -> None:
    """End this worker when the process that started the pool is gone (killed, say).

    Not left to the fork server: every worker holds it open, so it outlives such a parent.
    """
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()  # returns when the parent's end of a pipe closes, i.e. when it exits
        os._exit(1)


def _screen_block(header: list[str], block: list[Row]) -> Screened:
    """A block's audit fields and outcomes, row by row (the cells stay with the parent)."""
    if _screener is None:
        raise RulesUnavailable(_problem)
    screened = (_screener.screen(header, number, cells) for number, cells in block)
    return [(row.decided, row.outcome) for row in screened]
