"""What happened to each repository: one outcome, with the pull request and the reason."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from trustpub.repository import RepositoryResult


class BotOutcome(enum.Enum):
    CHANGED = "changed"  # a pull request was opened (dry run: would be)
    UPDATED = "updated"  # the open pull request got a new commit and body
    UNCHANGED = "unchanged"  # nothing to publish-migrate, or the open pull request is up to date
    MIGRATED = "migrated"  # already trusted publishing (or trustpub's pull request was merged)
    IGNORED = "ignored"  # trustpub's pull request was closed without merging
    SKIPPED = "skipped"  # left alone, with the reason (archived, a conflict, token kept ...)
    DEFERRED = "deferred"  # needs a pull request, but --max-prs was reached: the next run
    FAILED = "failed"  # with the error
    NOT_RUN = "not run"  # the run stopped (rate limit, Ctrl-C) before this repository


ORDER = tuple(o.value for o in BotOutcome)
# What --resume does not run again: anything but failures and what was left for later.
DONE = frozenset(o.value for o in BotOutcome) - {"failed", "deferred", "not run"}


@dataclass(frozen=True)
class PullRef:
    number: int
    url: str
    draft: bool = False


@dataclass(frozen=True)
class BotResult:
    repository: str
    outcome: BotOutcome
    detail: str = ""
    pull: PullRef | None = None
    # The engine's, when the workflows were read; `on_github` holds the secrets found and the
    # environments made.
    result: RepositoryResult | None = None
    title: str | None = None  # of the pull request opened or updated (or that would be)
    body: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    dry_run: bool = False

    @property
    def failed(self) -> bool:
        return self.outcome is BotOutcome.FAILED
