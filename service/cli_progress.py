"""The CLI's progress bar on stderr, drawn by rich: rows done of all, rows per second, time left.

On a terminal the bar redraws in place; when stderr is a file or a pipe rich draws it once,
at the end, so logs hold one line instead of a line per chunk.
"""

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RowsPerSecond(ProgressColumn):
    """The rate of the rows done in this run (rows done before a resume do not count)."""

    def render(self, task: Task) -> Text:
        """`1,234 rows/s`."""
        return Text(f"{task.speed or 0:,.0f} rows/s", style="progress.data.speed")


class ProgressLine:
    """A progress bar for a job that reports (rows done, rows in all) after each chunk."""

    def __init__(self, *, done: int, console: Console | None = None) -> None:
        self.first = done
        self.progress = Progress(
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TextColumn("rows"),
            RowsPerSecond(),
            TimeRemainingColumn(),
            TextColumn("left"),
            console=console or Console(stderr=True),
        )
        self.task: int | None = None

    def __call__(self, done: int, total: int) -> None:
        """Show `done` of `total` rows."""
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("rows", total=total, completed=self.first)
        self.progress.update(self.task, completed=done, total=total)

    def close(self) -> None:
        """Draw the bar a last time and end its line."""
        if self.task is not None:
            self.progress.stop()
