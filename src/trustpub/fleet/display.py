"""What a fleet run shows people, one repository at a time (other formats: `formats.py`).

A progress bar with counts by outcome on a terminal (plain status lines otherwise), the diff and
report of every repository with something to say, and a summary table at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from trustpub.fleet.runner import RepositoryReport
from trustpub.fleet.tally import Row, Tally
from trustpub.report.facts import registration_plan_note
from trustpub.report.output import ConsoleOutput
from trustpub.report.text import print_diff, print_pitfalls, print_report
from trustpub.repository import RepositoryResult

_OUTCOME_STYLES = {"changed": "green", "failed": "red", "skipped": "yellow", "migrated": "cyan"}
_VERBS = {"check": "Checking", "diff": "Diffing", "apply": "Applying"}


class ProgressBar:
    """A rich progress bar with counts by outcome, or nothing when there is no console for it."""

    def __init__(self, console: Console | None, command: str, total: int) -> None:
        self.shown = console is not None
        self._progress: Progress | None = None
        if console is not None:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[counts]}"),
                console=console,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._task = self._progress.add_task(_VERBS[command], total=total, counts="")

    def __enter__(self) -> ProgressBar:
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

    def advance(self, tally: Tally) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, counts=tally.counts_text())


class FleetOutput:
    """The interface every format implements; the defaults print nothing."""

    def __init__(self, command: str, console: Console, quiet: bool, progress_shown: bool) -> None:
        self.command = command
        self.console = console
        self.quiet = quiet
        self.progress_shown = progress_shown

    def start(self) -> None:
        pass

    def repository(self, report: RepositoryReport, row: Row) -> None:
        pass

    def finish(self, tally: Tally, state: Path | None) -> None:
        pass


class TextOutput(FleetOutput):
    def repository(self, report: RepositoryReport, row: Row) -> None:
        if self.quiet:
            return
        if row.outcome == "unchanged":
            if not self.progress_shown:
                self.console.print(Text(_status(row, self.command)))
            return
        style = "bold " + _OUTCOME_STYLES.get(row.outcome, "")
        self.console.print(Text(_status(row, self.command), style=style.strip()))
        result = report.result
        if self.command == "check":
            _print_findings(self.console, result)
        else:
            print_diff(ConsoleOutput(self.console), result)
        print_report(ConsoleOutput(self.console), result, report.github, pitfalls=False)
        self.console.print()

    def finish(self, tally: Tally, state: Path | None) -> None:
        console = self.console
        if tally.rows:
            _print_table(console, tally.rows)
        unchanged = tally.counts["unchanged"]
        if unchanged and tally.rows:
            console.print(f"{unchanged:,} unchanged repositories are not listed.")
        if tally.publishers:
            console.print(
                Text("\nRegister the trusted publishers listed above first.", style="bold")
            )
            print_pitfalls(ConsoleOutput(console))
            plan = registration_plan_note(tally.publishers)
            if plan:
                console.print(Text(plan, style="yellow"))
        noun = "repository" if tally.total == 1 else "repositories"
        console.print(
            Text(
                f"\ntrustpub {self.command}: {tally.total:,} {noun}: {tally.counts_text()}",
                style="bold",
            )
        )
        for line in closing_notes(tally, state):
            console.print(line)


def closing_notes(tally: Tally, state: Path | None) -> list[str]:
    notes: list[str] = []
    if tally.not_run:
        notes.append(
            f"{tally.not_run:,} repositories were left out: already done according to {state}."
        )
    if tally.interrupted:
        if state is not None:
            notes.append(
                f"trustpub: interrupted; finished repositories are recorded in {state}: "
                "run the same command with --resume to go on."
            )
        else:
            notes.append("trustpub: interrupted (use --state FILE to be able to resume).")
    return notes


def _status(row: Row, command: str) -> str:
    if row.outcome == "changed":
        verb = "changed" if command == "apply" else "to change"
        parts = [f"{row.files_changed} {_plural(row.files_changed, 'file')} {verb}"]
        if row.publishers:
            parts.append(f"{row.publishers} {_plural(row.publishers, 'publisher')} to register")
        if row.obsolete_secrets:
            parts.append("obsolete secrets: " + ", ".join(row.obsolete_secrets))
        return f"{row.repository}: changed ({'; '.join(parts)})"
    if row.outcome == "failed":
        return f"{row.repository}: failed: {row.detail}"
    return f"{row.repository}: {row.outcome}"


def _print_findings(console: Console, result: RepositoryResult) -> None:
    for file in result.changed_files:
        for change in file.changes:
            console.print(
                Text(
                    f"{file.path}:{change.line}: job {change.job}: "
                    f"token publishing: {change.description}"
                )
            )


def _print_table(console: Console, rows: list[Row]) -> None:
    headers = ("repository", "outcome", "files changed", "publishers to register")
    cells = [
        (r.repository, r.outcome, str(r.files_changed), str(r.publishers), *_last(r)) for r in rows
    ]
    if not console.is_terminal:  # a log or a file: aligned plain text that never wraps
        titles = (*headers, "obsolete secrets", "details")
        widths = [max(len(t), *(len(c[i]) for c in cells)) for i, t in enumerate(titles)]
        lines = (
            "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            for line in (titles, *cells)
        )
        console.print(Text("\n".join(lines)))  # one print: rich's cost is per call
        return
    table = Table(title="Summary", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("repository", overflow="fold", min_width=12)
    table.add_column("outcome", no_wrap=True)
    table.add_column("files\nchanged", justify="right", no_wrap=True)
    table.add_column("publishers\nto register", justify="right", no_wrap=True)
    table.add_column("obsolete\nsecrets", overflow="fold", min_width=8)
    table.add_column("details", overflow="fold", min_width=8)
    for cell in cells:
        style = _OUTCOME_STYLES.get(cell[1], "")
        table.add_row(cell[0], Text(cell[1], style=style), *cell[2:])
    console.print(table)


def _last(row: Row) -> tuple[str, str]:
    return ", ".join(row.obsolete_secrets), row.detail


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
