"""The state file: one JSON line per finished repository, so a run can resume or retry failures.

Lines are appended (and flushed) as each repository finishes, so an interrupted run keeps what it
finished. Records are kept per command: an `apply` never skips a repository only `diff` has seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from trustpub.fleet.sources import Target
from trustpub.state_file import StateAppender, StateError, read_state

__all__ = ["FAILED", "STATE_VERSION", "StateError", "StateFile", "last_outcomes", "select"]

STATE_VERSION = 1
FAILED = "failed"


def last_outcomes(path: Path, command: str) -> dict[str, str]:
    """The last recorded outcome of each repository for `command` (absent file: none)."""
    found: dict[str, str] = {}
    for record in read_state(path):
        if record.get("command") == command:
            repository, outcome = record.get("repository"), record.get("outcome")
            if isinstance(repository, str) and isinstance(outcome, str):
                found[repository] = outcome
    return found


def select(
    targets: Iterable[Target], outcomes: dict[str, str], only_failed: bool
) -> tuple[list[Target], int]:
    """The targets still to run, and how many were left out because they are done."""
    chosen: list[Target] = []
    left_out = 0
    for target in targets:
        outcome = outcomes.get(str(target.root))
        wanted = outcome == FAILED if only_failed else outcome in (None, FAILED)
        if wanted:
            chosen.append(target)
        else:
            left_out += 1
    return chosen, left_out


class StateFile(StateAppender):
    """Appends one record per finished repository; safe to call from the pool's thread."""

    def __init__(self, path: Path, command: str) -> None:
        super().__init__(path)
        self.command = command

    def record(self, repository: str, outcome: str, error: str | None) -> None:
        self.append(
            {
                "type": "repository",
                "version": STATE_VERSION,
                "command": self.command,
                "repository": repository,
                "outcome": outcome,
                "error": error,
                "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
        )
