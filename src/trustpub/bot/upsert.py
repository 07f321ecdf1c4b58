"""One repository: read its workflows, run the engine, then open, update or leave its pull request.

The repository's snapshot (files, the bot's branch, its pull requests) comes from the run's
`SnapshotSource`: a batched GraphQL read, or REST. Writes go through `Writes`.

Idempotent by construction, so a repository can be retried from the top after any failure:
- the pull request is found by head branch (`owner:branch`) and the hidden marker, and the
  marker's fingerprint says whether the migration changed since;
- the branch's head commit carries the same fingerprint in a trailer, so a branch pushed before
  a lost or interrupted pull request create is reused, not rebuilt;
- a branch whose head commit trustpub did not make is never overwritten (reported as a conflict).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from trustpub.bot.body import DEFAULT_TEMPLATE, fingerprint, render_body
from trustpub.bot.configured import cached_reader, for_repository
from trustpub.bot.defaults import DEFAULT_BRANCH, DEFAULT_TITLE
from trustpub.bot.discovery import Candidate
from trustpub.bot.limits import WriteGate
from trustpub.bot.outcomes import (
    BotOutcome,
    BotResult,
    PullRef,
    closed,
    conflict,
    deferred,
    failure_notes,
    without_changes,
)
from trustpub.bot.reading import SnapshotSource
from trustpub.bot.writes import Writes
from trustpub.github import commits, pulls
from trustpub.github.client import GitHubAccessError
from trustpub.github.environments import ensure_environments, wanted_environments
from trustpub.github.errors import RateLimitExhausted
from trustpub.github.secrets import existing_secrets
from trustpub.github.snapshot import Snapshot
from trustpub.github.workflow_permissions import (
    default_workflow_permissions,
    with_default_permissions,
)
from trustpub.repository import (
    EnvironmentChange,
    GitHubCheck,
    RepositoryResult,
    migrate_repository,
)
from trustpub.rewrite.result import Options

if TYPE_CHECKING:
    from github import Github
    from trustpub.settings.model import Settings


@dataclass(frozen=True)
class BotSettings:
    """What to do in every repository (the command line's choices)."""

    branch: str = DEFAULT_BRANCH
    title: str = DEFAULT_TITLE
    template: str = DEFAULT_TEMPLATE
    options: Options = field(default_factory=Options)
    draft: bool = False
    labels: tuple[str, ...] = ()
    create_labels: bool = False
    reviewers: tuple[str, ...] = ()
    create_environments: bool = False
    environment_reviewers: tuple[str, ...] = ()
    reopen: bool = False
    dry_run: bool = False
    max_prs: int | None = None
    project: str | None = None
    ignore: tuple[str, ...] = ()  # workflow path globs left alone
    # The run's settings, from which each repository's own are resolved (its pyproject.toml
    # [tool.trustpub] and --config's tables); None: these fields hold for every repository.
    settings: Settings | None = None


class PullCount:
    """Pull requests opened by this run, against --max-prs (checked with the write gate held)."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.opened = 0
        self._lock = threading.Lock()

    @property
    def full(self) -> bool:
        with self._lock:
            return self.limit is not None and self.opened >= self.limit

    def add(self) -> None:
        with self._lock:
            self.opened += 1


@dataclass
class Upsert:
    gh: Github
    settings: BotSettings
    gate: WriteGate
    count: PullCount
    source: SnapshotSource
    writes: Writes

    def __call__(self, c: Candidate) -> BotResult:
        snap = self.source.snapshot(c)  # no workflow files in an empty repository
        reader = cached_reader(snap.reader)
        own, result = for_repository(self.settings, c.full_name, snap.texts, reader)
        result = with_default_permissions(
            result,
            own.options,
            lambda: default_workflow_permissions(c.repo),
            lambda known: migrate_repository(
                c.full_name, snap.texts, reader, known, own.project, own.ignore
            ),
        )
        if own is not self.settings:  # its own settings (pyproject.toml, --config)
            writes = replace(self.writes, branch=own.branch)
            if own.branch != self.settings.branch:  # read with the run's branch: look again
                snap = writes.with_branch(c.repo, snap)
            return replace(self, settings=own, writes=writes)._after_reading(c, snap, result)
        return self._after_reading(c, snap, result)

    def _after_reading(self, c: Candidate, snap: Snapshot, result: RepositoryResult) -> BotResult:
        if not result.changed_files:
            return without_changes(c.full_name, result)
        return self._with_changes(c, snap, result)

    def _with_changes(self, c: Candidate, snap: Snapshot, result: RepositoryResult) -> BotResult:
        settings = self.settings
        base = BotResult(c.full_name, BotOutcome.CHANGED, result=result, title=settings.title)
        found = self.writes.find_pulls(c.repo, snap)
        mine = next((p for p in found if p.is_open and p.ours), None)
        stamp = mine.fingerprint if mine else None
        if mine is None:
            other = next((p for p in found if p.is_open), None)
            if other is not None:
                # Ours with its marker edited away, if trustpub made the branch's head commit.
                branch = self.writes.branch_state(c.repo, snap)
                if not branch.ours:
                    return replace(
                        base,
                        outcome=BotOutcome.SKIPPED,
                        detail=f"conflict: the open pull request #{other.number} from branch "
                        f"{settings.branch} was not opened by trustpub ({other.url})",
                    )
                mine, stamp = other, branch.fingerprint
        if mine is not None and stamp == fingerprint(result):
            return replace(
                base,
                outcome=BotOutcome.UNCHANGED,
                detail=f"pull request #{mine.number} is up to date",
                pull=PullRef(mine.number, mine.url, mine.draft),
            )
        if mine is None:
            last = next((p for p in found if p.ours), None)
            if last is not None and not settings.reopen:
                return closed(base, last)
            if self.count.full:
                return deferred(base, settings.max_prs)
            return self._write(c, snap, base, None, last.number if last else None)
        return self._write(c, snap, base, mine, None)

    def _write(
        self,
        c: Candidate,
        snap: Snapshot,
        base: BotResult,
        mine: pulls.Pull | None,
        superseded: int | None,
    ) -> BotResult:
        assert base.result is not None
        result, settings, repo = base.result, self.settings, c.repo
        if settings.branch == c.default_branch:
            detail = (
                f"--branch {settings.branch} is the default branch, where trustpub never pushes"
            )
            return replace(base, outcome=BotOutcome.FAILED, detail=detail)
        if not _can_push(repo):
            detail = "the token cannot push to this repository (it needs write access)"
            return replace(base, outcome=BotOutcome.SKIPPED, detail=detail)
        branch = self.writes.branch_state(repo, snap)
        if branch.exists and not branch.ours and branch.sha != self.writes.default_head(repo, snap):
            return conflict(base, branch)
        secrets = self._secrets(c.full_name, repo, result, snap)
        earlier = result.on_github.problems if result.on_github else ()
        result = replace(result, on_github=replace(secrets, problems=(*earlier, *secrets.problems)))
        body = render_body(
            settings.template, c.full_name, c.default_branch, settings.branch, result, superseded
        )
        verb = "update" if mine else "open"
        outcome = BotOutcome.UPDATED if mine else BotOutcome.CHANGED
        base = replace(base, outcome=outcome, result=result, body=body)
        if settings.dry_run:
            detail = f"would {verb} a pull request from {settings.branch} to {c.default_branch}"
            ref = PullRef(mine.number, mine.url, mine.draft) if mine else None
            return replace(base, detail=detail, pull=ref, dry_run=True)
        with self.gate:
            if mine is None and self.count.full:
                return deferred(base, settings.max_prs)
            self._push(repo, snap, result, branch)
            if mine is not None:
                self.writes.update_pull(repo, snap, mine, settings.title, body)
                done = replace(base, pull=PullRef(mine.number, mine.url, mine.draft))
                notes: list[str] = []
            else:
                pull = self.writes.open_pull(repo, snap, settings.title, body, settings.draft)
                self.count.add()
                done = replace(base, pull=PullRef(pull.number, pull.url, pull.draft))
                notes = self._decorate(repo, pull.number)
            environments, more = self._environments(repo, result)
        check = result.on_github or GitHubCheck(c.full_name)
        result = replace(result, on_github=replace(check, environments=environments))
        return replace(
            done,
            result=result,
            detail="",
            notes=(*notes, *more, *failure_notes(result)),
        )

    def _push(
        self, repo: Any, snap: Snapshot, result: RepositoryResult, branch: commits.BranchState
    ) -> None:
        """The branch at one new commit on the default branch head, unless it is already."""
        wanted = fingerprint(result)
        if branch.ours and branch.fingerprint == wanted:
            return  # pushed by an earlier try whose pull request (or body) was never made
        files = {f.path: f.text for f in result.changed_files}
        message = commits.commit_message(self.settings.title, sorted(files), wanted)
        self.writes.push(repo, snap, branch, files, message, wanted)

    def _secrets(
        self, name: str, repo: Any, result: RepositoryResult, snap: Snapshot
    ) -> GitHubCheck:
        """Which obsolete secrets exist (the body says which to delete after the first publish)."""
        names = [s.name for s in result.obsolete_secrets]
        if not names:
            return GitHubCheck(name, secrets_checked=True)
        try:
            found = existing_secrets(repo, names, snap.environments)
            return GitHubCheck(name, True, tuple(found))
        except RateLimitExhausted:
            raise
        except GitHubAccessError as error:  # e.g. a token without the secrets permission
            return GitHubCheck(name, problems=(f"obsolete secrets not checked: {error}",))

    def _decorate(self, repo: Any, number: int) -> list[str]:
        """Labels and reviewers: a failure here is a note, the pull request stands."""
        from github.GithubException import GithubException

        settings, notes = self.settings, []
        try:
            labels = list(settings.labels)
            if labels:
                have, lack = pulls.existing_labels(repo, labels)
                if settings.create_labels:
                    for name in lack:
                        pulls.create_label(repo, name)
                    have = labels
                elif lack:
                    notes.append(
                        f"labels {', '.join(lack)} do not exist (add --create-labels to create "
                        "them)"
                    )
                if have:
                    pulls.add_labels(repo, number, have)
            if settings.reviewers:
                pulls.request_reviewers(repo, number, list(settings.reviewers))
        except GithubException as error:
            notes.append(f"labels or reviewers not set: GitHub answered {error.status}")
        return notes

    def _environments(
        self, repo: Any, result: RepositoryResult
    ) -> tuple[tuple[EnvironmentChange, ...], list[str]]:
        if not self.settings.create_environments:
            return (), []
        wanted = wanted_environments(result, self.settings.environment_reviewers)
        changes: list[EnvironmentChange] = []
        try:
            for name in sorted(wanted):
                changes += ensure_environments(self.gh, repo, [name], wanted)
        except RateLimitExhausted:
            raise
        except GitHubAccessError as error:
            return tuple(changes), [f"environments not created: {error}"]
        return tuple(changes), []


def _can_push(repo: Any) -> bool:
    """From the listing's permissions (no request); True when GitHub did not say."""
    permissions = repo.permissions
    return permissions is None or permissions.push is not False
