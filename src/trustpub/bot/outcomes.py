"""What happened to each repository: one outcome, with the pull request and the reason."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from trustpub.github.commits import BranchState
from trustpub.github.pulls import Pull
from trustpub.repository import Outcome, RepositoryResult


class BotOutcome(enum.Enum):
    CHANGED = "changed"  # a pull request was opened (dry run: would be)
    UPDATED = "updated"  # the open pull request got a new commit and body
    UNCHANGED = "unchanged"  # nothing to publish-migrate, or the open pull request is up to date
    MIGRATED = "migrated"  # already trusted publishing (or trustpub's pull request was merged)
    IGNORED = "ignored"  # opted out (`# trustpub: ignore`), or trustpub's pull request closed
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


def without_changes(name: str, result: RepositoryResult) -> BotResult:
    outcome = {
        Outcome.UNCHANGED: BotOutcome.UNCHANGED,
        Outcome.MIGRATED: BotOutcome.MIGRATED,
        Outcome.SKIPPED: BotOutcome.SKIPPED,
        Outcome.IGNORED: BotOutcome.IGNORED,
        Outcome.FAILED: BotOutcome.FAILED,
        Outcome.CHANGED: BotOutcome.CHANGED,
    }[result.outcome]
    return BotResult(name, outcome, result.headline, result=result)


def failure_notes(result: RepositoryResult) -> list[str]:
    return [
        f"{f.path}:{f.failure.line}: could not be migrated: {f.failure.message}"
        for f in result.files
        if f.failure
    ]


def closed(base: BotResult, last: Pull) -> BotResult:
    ref = PullRef(last.number, last.url, last.draft)
    if last.merged:
        return replace(
            base,
            outcome=BotOutcome.MIGRATED,
            pull=ref,
            detail=f"pull request #{last.number} was merged; token publishing that remains is "
            "left alone (--reopen opens a new pull request)",
        )
    return replace(
        base,
        outcome=BotOutcome.IGNORED,
        pull=ref,
        detail=f"pull request #{last.number} was closed without merging (--reopen opens a new one)",
    )


def deferred(base: BotResult, limit: int | None) -> BotResult:
    return replace(
        base,
        outcome=BotOutcome.DEFERRED,
        detail=f"--max-prs {limit} reached: the next run opens this pull request",
    )


def conflict(base: BotResult, branch: BranchState) -> BotResult:
    return replace(
        base,
        outcome=BotOutcome.SKIPPED,
        detail=f"conflict: branch {branch.name} has commits trustpub did not make (head "
        f"{(branch.sha or '')[:7]} by {branch.author}); not overwriting it: merge or close its "
        "pull request, or delete the branch",
    )
