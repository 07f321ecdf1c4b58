"""What a fleet run shows people, one repository at a time (other formats: `formats.py`).

A progress bar with counts by outcome on a terminal (plain status lines otherwise), the diff and
report of every repository with something to say, and a summary table at the end.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from trustpub.fleet.runner import RepositoryReport
from trustpub.fleet.tally import Row, Tally
from trustpub.report.facts import registration_plan_note
from trustpub.report.output import BlockOutput, ConsoleOutput
from trustpub.report.paths import shown
from trustpub.report.progress import ShowsProgress, progress_bar
from trustpub.report.text import print_diff, print_findings, print_pitfalls, print_report

_OUTCOME_STYLES = {"changed": "green", "failed": "red", "skipped": "yellow", "migrated": "cyan"}
_VERBS = {"check": "Checking", "diff": "Diffing", "apply": "Applying"}
TABLE_ROWS = 40  # more rows than this are printed as aligned text, even on a terminal


class ProgressBar(ShowsProgress):
    """A rich progress bar with counts by outcome, or nothing when there is no console for it."""

    def __init__(self, console: Console | None, command: str, total: int) -> None:
        self.shown = console is not None
        self._progress: Progress | None = None
        if console is not None:
            self._progress = progress_bar(
                console, "{task.description}", redirect_stdout=False, redirect_stderr=False
            )
            self._task = self._progress.add_task(_VERBS[command], total=total, counts="")

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
    """Status lines and reports, gathered and printed at most every FLUSH_EVERY seconds: each
    print redraws the progress bar, and a terminal takes many small writes slowly."""

    FLUSH_EVERY = 0.1

    def __init__(self, command: str, console: Console, quiet: bool, progress_shown: bool) -> None:
        super().__init__(command, console, quiet, progress_shown)
        self._pending = BlockOutput()
        self._flushed_at = time.monotonic()

    def repository(self, report: RepositoryReport, row: Row) -> None:
        if self.quiet:
            return
        out = self._pending
        if row.outcome == "unchanged":
            if not self.progress_shown:
                out.line(_status(row, self.command))
                self._flush_now_and_then()
            return
        style = "bold " + _OUTCOME_STYLES.get(row.outcome, "")
        out.line(_status(row, self.command), style.strip())
        result = shown(report.root, report.result)
        if self.command == "check":
            print_findings(out, result)
        else:
            print_diff(out, result)
        print_report(out, result, report.github, pitfalls=False)
        out.line()
        self._flush_now_and_then()

    def _flush_now_and_then(self) -> None:
        if time.monotonic() - self._flushed_at >= self.FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self._pending.text:
            self._pending.print_to(self.console)
            self._pending = BlockOutput()
        self._flushed_at = time.monotonic()

    def finish(self, tally: Tally, state: Path | None) -> None:
        self.flush()
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


def _print_table(console: Console, rows: list[Row]) -> None:
    headers = ("repository", "outcome", "files changed", "publishers to register")
    cells = [
        (r.repository, r.outcome, str(r.files_changed), str(r.publishers), *_last(r)) for r in rows
    ]
    # A log or a file, or more rows than a screen shows: aligned text that never wraps (rich
    # lays a table out cell by cell, which costs about a second per thousand rows).
    if not console.is_terminal or len(rows) > TABLE_ROWS:
        titles = (*headers, "obsolete secrets", "details")
        widths = [max(len(t), *(len(c[i]) for c in cells)) for i, t in enumerate(titles)]
        out = BlockOutput()
        out.line(
            "  ".join(t.ljust(w) for t, w in zip(titles, widths, strict=True)).rstrip(), "bold"
        )
        for cell in cells:
            padded = [c.ljust(w) for c, w in zip(cell, widths, strict=True)]
            out.text.append(padded[0] + "  ")
            out.text.append(padded[1], _OUTCOME_STYLES.get(cell[1]) or None)
            out.line(("  " + "  ".join(padded[2:])).rstrip())
        out.print_to(console)
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
