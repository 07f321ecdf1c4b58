"""The JSON Lines state files of `--state FILE` (local fleets, the bot, `status`).

Lines are appended and flushed one at a time, so an interrupted run keeps every line it wrote;
reading skips a line a killed run cut short. What the lines say is each command's own business.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypeVar


class StateError(Exception):
    """The state file cannot be read or written."""


def read_state(path: Path) -> list[dict[str, Any]]:
    """Every JSON object in the file, in order; none for an absent file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise StateError(f"cannot read the state file {path}: {error}") from None
    items: list[dict[str, Any]] = []
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue  # a line cut short when a run was killed
        if isinstance(item, dict):
            items.append(item)
    return items


_Appender = TypeVar("_Appender", bound="StateAppender")


class StateAppender:
    """Appends one JSON line at a time while open; safe to call from several threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._out: IO[str] | None = None

    def __enter__(self: _Appender) -> _Appender:
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

    def append(self, item: dict[str, Any]) -> None:
        line = json.dumps(item)
        with self._lock:
            if self._out is not None:
                self._out.write(line + "\n")
                self._out.flush()
