"""The engine a running service screens with, replaced whole when the rules folder is reloaded.

A reload loads and validates the folder into a new Engine off to the side and then swaps one
reference, so a request (or batch job) that already took the old engine finishes on it. An
invalid folder leaves the last good engine serving and records the problem for /readyz.
"""

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from service.engine import Engine, RuleSetError, load_ruleset
from service.engine.models import RulesetRef

log = logging.getLogger("service.rules")


class LiveRules:
    """Holds the current engine and the last reload's problem, if it failed."""

    def __init__(self, engine: Engine, rules_dir: Path) -> None:
        self._engine = engine
        self.rules_dir = rules_dir
        self.problem: str | None = None
        self._reloading = threading.Lock()
        self._listeners: list[Callable[[Engine], None]] = []

    def on_swap(self, listener: Callable[[Engine], None]) -> None:
        """Call `listener` with each new engine after a successful reload (e.g. record it)."""
        self._listeners.append(listener)

    @property
    def engine(self) -> Engine:
        """The engine to screen with now; callers keep it for the whole request."""
        return self._engine

    def reload(self) -> tuple[RulesetRef, RulesetRef]:
        """Load the folder and swap engines: (previous, current); RuleSetError keeps the old."""
        with self._reloading:
            previous = self._engine.ref
            try:
                engine = Engine(load_ruleset(self.rules_dir))
            except RuleSetError as exc:
                self.problem = exc.message
                log.error(
                    "ruleset.reload_failed",
                    extra={"rules_dir": str(self.rules_dir), "error": exc.message},
                )
                raise
            self._engine, self.problem = engine, None
        log.info(
            "ruleset.reloaded",
            extra={"previous": previous.version, "ruleset": engine.ref.version},
        )
        for listener in self._listeners:
            try:
                listener(engine)
            except Exception:  # noqa: BLE001 - the swap is done; a listener must not undo it
                log.exception("ruleset.listener_failed")
        return previous, engine.ref

    def reload_quietly(self) -> None:
        """Reload, logging instead of raising: for SIGHUP, which has nobody to answer."""
        with contextlib.suppress(RuleSetError):  # logged by reload(); /readyz reports it
            self.reload()

    def watch_sighup(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Reload on SIGHUP (in a worker thread); False where signals cannot be caught here."""
        try:
            loop.add_signal_handler(
                signal.SIGHUP, lambda: loop.run_in_executor(None, self.reload_quietly)
            )
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):
            return False  # not the main thread (e.g. a test client), or no SIGHUP (Windows)
        return True
