"""Where each repository's snapshot comes from during a run.

With GraphQL, the run's repositories are cut into batches up front (sized from the listing), and
a batch is read with one query the first time a worker asks for one of its repositories; the
others of the batch are then ready for the workers that come next. A repository asked for again
(a retry after a failure) is read afresh, alone. Without GraphQL each repository is read through
REST when its worker asks.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from trustpub.bot.discovery import Candidate
from trustpub.github.batch_read import BatchReader, Item, Outcome
from trustpub.github.snapshot import Snapshot, rest_snapshot


@dataclass
class _Batch:
    items: list[Item]
    lock: threading.Lock = field(default_factory=threading.Lock)
    outcomes: dict[str, Outcome] | None = None
    error: BaseException | None = None


class SnapshotSource:
    def __init__(self, reader: BatchReader | None, candidates: Sequence[Candidate]) -> None:
        self.reader = reader
        self._lock = threading.Lock()
        self._served: set[str] = set()
        self._batches: dict[str, _Batch] = {}
        if reader is not None:
            items = [(c.listed, c.repo) for c in candidates if c.listed is not None]
            for members in reader.plan.split(items):
                batch = _Batch(members)
                for listed, _ in members:
                    self._batches[listed.full_name] = batch

    def snapshot(self, c: Candidate) -> Snapshot:
        if self.reader is None or c.listed is None:
            return rest_snapshot(c.repo, c.default_branch)
        with self._lock:
            again = c.full_name in self._served
            self._served.add(c.full_name)
            batch = self._batches.get(c.full_name)
        if again or batch is None:  # a retry: what was read before may have changed
            return _unwrap(self.reader.read([(c.listed, c.repo)])[c.full_name])
        with batch.lock:
            if batch.error is not None:
                raise batch.error
            if batch.outcomes is None:
                try:
                    batch.outcomes = self.reader.read(batch.items)
                except Exception as error:  # every member fails this try; each retries alone
                    batch.error = error
                    raise
            outcome = batch.outcomes.pop(c.full_name)
        return _unwrap(outcome)


def _unwrap(outcome: Outcome) -> Snapshot:
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome
