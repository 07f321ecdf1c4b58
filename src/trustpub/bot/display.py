"""What `trustpub bot` prints: a progress bar on a terminal (plain lines otherwise), the diffs and
pull requests of a dry run, a summary table, a JSON document, a Markdown summary.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from trustpub.bot.outcomes import ORDER, BotOutcome, BotResult
from trustpub.bot.run import RunOutcome
from trustpub.bot.usage import Usage, usage_json
from trustpub.exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from trustpub.github.pacing import Wait
from trustpub.report.data import repository_json
from trustpub.report.facts import registration_plan_note, registrations
from trustpub.report.output import ConsoleOutput
from trustpub.report.progress import ShowsProgress, progress_bar
from trustpub.report.text import print_diff, print_report

SCHEMA = "https://github.com/trustpub/trustpub/schema/bot"
SCHEMA_VERSION = 1
_STYLES = {
    "changed": "green",
    "updated": "green",
    "failed": "red",
    "skipped": "yellow",
    "deferred": "yellow",
    "not run": "yellow",
    "ignored": "magenta",
    "migrated": "cyan",
}


@dataclass
class Summary:
    """Everything the end of a run reports besides the repositories themselves."""

    outcome: RunOutcome
    left_out: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    already_done: int = 0  # left out by --resume / --only-failed
    state: Path | None = None
    dry_run: bool = False
    remaining: int | None = None  # the core budget left at the end
    waits: list[Wait] = field(default_factory=list)  # pauses for GitHub's rate limits
    usage: Usage | None = None

    @property
    def counts(self) -> Counter[str]:
        return Counter(r.outcome.value for r in self.outcome.results)

    def exit_code(self) -> int:
        if self.outcome.stopped:
            return EXIT_INTERRUPTED
        return EXIT_FAILED if self.counts["failed"] else EXIT_OK


def counts_text(counts: Counter[str]) -> str:
    return ", ".join(f"{counts[o]:,} {o}" for o in ORDER if counts[o]) or "no repositories"


def status_line(result: BotResult) -> str:
    tail = f": {result.detail}" if result.detail else ""
    verb = result.outcome.value
    if result.dry_run and result.outcome is BotOutcome.CHANGED:
        verb = "would open a pull request"
    elif result.dry_run and result.outcome is BotOutcome.UPDATED:
        verb = "would update its pull request"
        tail = f": #{result.pull.number}" if result.pull else tail
    elif result.pull and result.outcome in (BotOutcome.CHANGED, BotOutcome.UPDATED):
        tail = f": {result.pull.url}"
    return f"{result.repository}: {verb}{tail}"


class TextDisplay(ShowsProgress):
    """Streams one line per repository (above the bar on a terminal); the table at the end."""

    def __init__(self, console: Console, progress: Console | None, lines: bool = True) -> None:
        self.console = console
        self.lines = lines
        self._progress: Progress | None = None
        self._counts: Counter[str] = Counter()
        if progress is not None:
            self._progress = progress_bar(progress, "trustpub bot")

    def start(self, total: int) -> None:
        if self._progress is not None:
            self._task = self._progress.add_task("bot", total=total, counts="")

    def result(self, result: BotResult) -> None:
        self._counts[result.outcome.value] += 1
        if self._progress is not None:
            self._progress.update(self._task, advance=1, counts=counts_text(self._counts))
        if not self.lines or (
            result.outcome is BotOutcome.UNCHANGED and self._progress is not None
        ):
            return
        style = _STYLES.get(result.outcome.value, "")
        self.console.print(Text(status_line(result), style=f"bold {style}" if style else ""))
        for note in result.notes:
            self.console.print(Text(f"  note: {note}", style="yellow"))
        if result.dry_run and result.result is not None:
            out = ConsoleOutput(self.console)
            print_diff(out, result.result)
            print_report(out, result.result, result.repository, pitfalls=False)
            self.console.print()

    def finish(self, summary: Summary) -> None:
        rows = [r for r in summary.outcome.results if r.outcome is not BotOutcome.UNCHANGED]
        if rows:
            self.console.print()
            _table(self.console, rows)
        unchanged = summary.counts["unchanged"]
        if unchanged and rows:
            self.console.print(f"{unchanged:,} unchanged repositories are not listed.")
        total = len(summary.outcome.results)
        prefix = "trustpub bot --dry-run" if summary.dry_run else "trustpub bot"
        self.console.print(
            Text(f"\n{prefix}: {total:,} repositories: {counts_text(summary.counts)}", style="bold")
        )
        for line in closing_notes(summary):
            self.console.print(line)


def _table(console: Console, rows: list[BotResult]) -> None:
    cells = [(r.repository, r.outcome.value, _link(r), r.detail) for r in rows]
    if not console.is_terminal:  # a log file: aligned plain text that never wraps
        titles = ("repository", "outcome", "pull request", "details")
        widths = [max(len(t), *(len(c[i]) for c in cells)) for i, t in enumerate(titles[:3])]
        for line in (titles, *cells):
            head = "  ".join(c.ljust(w) for c, w in zip(line[:3], widths, strict=True))
            console.print(Text(f"{head}  {line[3]}".rstrip()))
        return
    table = Table(title="Summary", title_justify="left", show_edge=False, pad_edge=False)
    for title in ("repository", "outcome", "pull request"):
        table.add_column(title, no_wrap=True)
    table.add_column("details", overflow="fold")
    for name, outcome, link, detail in cells:
        table.add_row(name, Text(outcome, style=_STYLES.get(outcome, "")), link, detail)
    console.print(table)


def _link(result: BotResult) -> str:
    return result.pull.url if result.pull else ""


def registrations_needed(summary: Summary) -> int:
    """The trusted publishers the pull requests opened or updated ask to register."""
    return sum(
        len(registrations(r.result, r.repository))
        for r in summary.outcome.results
        if r.result is not None and r.outcome in (BotOutcome.CHANGED, BotOutcome.UPDATED)
    )


def closing_notes(summary: Summary) -> list[str]:
    notes = list(summary.notes)
    plan = registration_plan_note(registrations_needed(summary))
    if plan is not None:
        notes.append(f"{plan}.")
    left = ", ".join(f"{n:,} {why}" for why, n in sorted(summary.left_out.items()))
    if left:
        notes.append(f"Left out: {left}.")
    if summary.already_done:
        notes.append(
            f"{summary.already_done:,} repositories were left out: done according to "
            f"{summary.state}."
        )
    if summary.usage is not None:
        notes.append(summary.usage.line())
    if summary.remaining is not None:
        notes.append(f"GitHub API requests left this hour: {summary.remaining:,}.")
    if summary.waits:
        seconds = round(sum(w.seconds for w in summary.waits))
        notes.append(
            f"Waited {seconds:,} s in {len(summary.waits)} pause(s) for GitHub's rate limits "
            "(every request waited)."
        )
    stopped = summary.outcome.stopped
    if stopped:
        when = ""
        if summary.outcome.resume_after:
            moment = datetime.fromtimestamp(summary.outcome.resume_after, timezone.utc)
            when = f" after {moment.strftime('%H:%M UTC')}"
        if summary.state is not None:
            notes.append(
                f"trustpub bot: stopped: {stopped}. Finished repositories are recorded in "
                f"{summary.state}: run the same command with --resume{when} to go on."
            )
        else:
            notes.append(
                f"trustpub bot: stopped: {stopped}. Run the same command again{when}: pull "
                "requests already opened are found and kept (add --state FILE to skip "
                "finished repositories)."
            )
    return notes


def json_document(summary: Summary) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "dry_run": summary.dry_run,
        "repositories": [_repository(r) for r in summary.outcome.results],
        "summary": {
            "repositories": len(summary.outcome.results),
            "outcomes": dict(sorted(summary.counts.items())),
            "left_out": dict(sorted(summary.left_out.items())),
            "already_done": summary.already_done,
            "stopped": summary.outcome.stopped,
            "rate_limit_remaining": summary.remaining,
            "requests": usage_json(summary.usage),
            "exit_code": summary.exit_code(),
            "notes": closing_notes(summary),
        },
    }


def _repository(r: BotResult) -> dict[str, Any]:
    document: dict[str, Any] = {
        "repository": r.repository,
        "outcome": r.outcome.value,
        "detail": r.detail,
        "pull_request": None
        if r.pull is None
        else {"number": r.pull.number, "url": r.pull.url, "draft": r.pull.draft},
        "notes": list(r.notes),
        "report": repository_json(r.result, r.repository) if r.result is not None else None,
    }
    if r.dry_run:
        document["would_open"] = {"title": r.title, "body": r.body}
    return document


def write_json(console: Console, summary: Summary) -> None:
    console.file.write(json.dumps(json_document(summary), indent=2) + "\n")
    console.file.flush()


def summary_markdown(summary: Summary) -> str:
    title = "trustpub bot --dry-run" if summary.dry_run else "trustpub bot"
    lines = [f"## {title}", "", f"{len(summary.outcome.results):,} repositories: "]
    lines[-1] += counts_text(summary.counts) + "."
    rows = [r for r in summary.outcome.results if r.outcome is not BotOutcome.UNCHANGED]
    if rows:
        lines += [
            "",
            "| repository | outcome | pull request | details |",
            "| --- | --- | --- | --- |",
        ]
        for r in rows:
            link = f"[#{r.pull.number}]({r.pull.url})" if r.pull else ""
            detail = r.detail.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| `{r.repository}` | {r.outcome.value} | {link} | {detail} |")
    notes = closing_notes(summary)
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"


def append_summary_markdown(path: Path, summary: Summary) -> None:
    """Appended, as GitHub Actions expects of `$GITHUB_STEP_SUMMARY`."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(summary_markdown(summary))
