"""`--state FILE`: what the previous run saw, so a scheduled run reports what moved, and what an
interrupted run already read, so `--resume` does not read it again.

JSON Lines, appended and flushed as each repository finishes: `{"type": "status", "run": ID,
"record": {...}}` per repository, `{"type": "deleted", ...}` per deletion, and `{"type":
"run-end", "run": ID, "complete": bool}` when a run ends (complete: every repository was read).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from trustpub.state_file import StateAppender, read_state

STATE_VERSION = 1


@dataclass
class History:
    previous: dict[str, str] | None = None  # lower-cased repository -> stage, last complete run
    unfinished: dict[str, dict[str, Any]] = field(default_factory=dict)  # records of a cut run
    unfinished_run: str | None = None


def read_history(path: Path) -> History:
    runs: dict[str, dict[str, dict[str, Any]]] = {}
    ended: dict[str, bool] = {}
    order: list[str] = []
    for item in read_state(path):
        if not isinstance(item.get("run"), str):
            continue
        run = item["run"]
        if run not in runs:
            runs[run] = {}
            order.append(run)
        if item.get("type") == "status" and isinstance(item.get("record"), dict):
            rec = item["record"]
            runs[run][str(rec.get("repository", "")).lower()] = rec
        elif item.get("type") == "run-end":
            ended[run] = bool(item.get("complete"))
    history = History()
    complete = [r for r in order if ended.get(r)]
    if complete:
        last = runs[complete[-1]]
        history.previous = {name: str(rec.get("stage")) for name, rec in last.items()}
    if order and not ended.get(order[-1]):
        history.unfinished_run = order[-1]
        history.unfinished = runs[order[-1]]
    return history


class StatusState(StateAppender):
    """Appends this run's records; thread-safe."""

    def __init__(self, path: Path, run: str | None = None) -> None:
        super().__init__(path)
        self.run = run or uuid.uuid4().hex[:12]

    def status(self, rec: dict[str, Any]) -> None:
        self._write({"type": "status", "record": rec})

    def deleted(self, entry: dict[str, Any]) -> None:
        self._write({"type": "deleted", **entry})

    def end(self, complete: bool) -> None:
        self._write({"type": "run-end", "complete": complete})

    def _write(self, item: dict[str, Any]) -> None:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.append({**item, "run": self.run, "version": STATE_VERSION, "at": now})
