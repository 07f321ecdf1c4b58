"""The state file: one JSON line per finished repository, so a run can resume or retry failures.

Lines are appended (and flushed) as each repository finishes, so an interrupted run keeps what it
finished. Records are kept per command: an `apply` never skips a repository only `diff` has seen.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import IO

from trustpub.fleet.sources import Target

STATE_VERSION = 1
FAILED = "failed"


class StateError(Exception):
    """The state file cannot be read or written."""


def last_outcomes(path: Path, command: str) -> dict[str, str]:
    """The last recorded outcome of each repository for `command` (absent file: none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise StateError(f"cannot read the state file {path}: {error}") from None
    found: dict[str, str] = {}
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a line cut short when a run was killed
        if isinstance(record, dict) and record.get("command") == command:
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


class StateFile:
    """Appends one record per finished repository; safe to call from the pool's thread."""

    def __init__(self, path: Path, command: str) -> None:
        self.path = path
        self.command = command
        self._lock = threading.Lock()
        self._out: IO[str] | None = None

    def __enter__(self) -> StateFile:
        try:
            self._out = self.path.open("a", encoding="utf-8")
        except OSError as error:
            raise StateError(f"cannot write the state file {self.path}: {error}") from None
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self._lock:
            if self._out is not None:
                self._out.close()
                self._out = None

    def record(self, repository: str, outcome: str, error: str | None) -> None:
        line = json.dumps(
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
        with self._lock:
            if self._out is not None:
                self._out.write(line + "\n")
                self._out.flush()
