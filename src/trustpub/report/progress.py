"""The progress bar of fleet runs and of the bot: one look, started and stopped with the run."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


def progress_bar(console: Console, label: str, **options: Any) -> Progress:
    """A transient bar: `label`, the bar, done of total, time, and the counts by outcome."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[counts]}"),
        console=console,
        transient=True,
        **options,
    )


_Shown = TypeVar("_Shown", bound="ShowsProgress")


class ShowsProgress:
    """Starts its bar (when it has one) on entering, stops it on leaving."""

    _progress: Progress | None

    def __enter__(self: _Shown) -> _Shown:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
