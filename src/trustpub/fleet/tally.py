"""Running totals of a fleet run: counts by outcome, the summary rows, and the exit code."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from trustpub.exit_codes import EXIT_CHANGES_NEEDED, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from trustpub.fleet.runner import RepositoryReport
from trustpub.report.facts import registrations
from trustpub.report.paths import relative_to_here
from trustpub.repository import Outcome

OUTCOME_ORDER = tuple(outcome.value for outcome in Outcome)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the summary table (only repositories with something to say get one)."""

    repository: str
    outcome: str
    files_changed: int
    publishers: int
    obsolete_secrets: tuple[str, ...]
    detail: str


@dataclass
class Tally:
    command: str
    counts: Counter[str] = field(default_factory=Counter)
    rows: list[Row] = field(default_factory=list)
    files_changed: int = 0
    publishers: int = 0
    obsolete_secrets: int = 0
    needs_changes: bool = False
    not_run: int = 0  # left out by --resume or --only-failed
    interrupted: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, report: RepositoryReport) -> Row:
        result = report.result
        outcome = result.outcome.value
        self.counts[outcome] += 1
        row = Row(
            display_name(report.root),
            outcome,
            len(result.changed_files),
            len(registrations(result, report.github)),
            tuple(secret.name for secret in result.obsolete_secrets),
            detail(report),
        )
        self.files_changed += row.files_changed
        self.publishers += row.publishers
        self.obsolete_secrets += len(row.obsolete_secrets)
        if self.command == "check":
            self.needs_changes |= result.token_publishing_remains
        elif self.command == "diff":
            self.needs_changes |= bool(result.changed_files)
        if outcome != Outcome.UNCHANGED.value:
            self.rows.append(row)
        return row

    def counts_text(self) -> str:
        parts = [f"{self.counts[o]:,} {o}" for o in OUTCOME_ORDER if self.counts[o]]
        return ", ".join(parts) or "nothing found"

    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        if self.counts[Outcome.FAILED.value]:
            return EXIT_FAILED
        return EXIT_CHANGES_NEEDED if self.needs_changes else EXIT_OK


def display_name(root: Path) -> str:
    """The repository's path relative to the current directory when it is below it."""
    return relative_to_here(root) or "."


def detail(report: RepositoryReport) -> str:
    """The error, or the first reason it was left alone, in one line."""
    return report.result.headline
