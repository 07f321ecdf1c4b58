"""What `status` decides for each repository: states, evidence, rows and the next action."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from trustpub.repository import ExistingSecret


class Migration(enum.Enum):
    NOT_NEEDED = "not needed"  # no workflow publishes to PyPI or TestPyPI
    NEEDED = "needed"  # trustpub would change the workflows; no pull request is open
    OPEN = "pull request open"
    MERGED = "merged"
    CLOSED = "closed unmerged"
    BY_HAND = "migrated by hand"
    LEFT_ALONE = "cannot be migrated automatically"  # token publishing trustpub leaves alone
    IGNORED = "ignored"  # token publishing acknowledged with `# trustpub: ignore`
    FAILED = "could not be read"


class Publishing(enum.Enum):
    NOT_MIGRATED = "not migrated yet"
    NO_RELEASE = "no release since the migration"
    RUN_FAILED = "the migrated workflow failed"
    CONFIRMED = "trusted publishing confirmed"
    OTHER_PUBLISHER = "trusted publishing by another publisher"
    UNCONFIRMED = "released, not confirmed as trusted publishing"
    UNKNOWN = "the index could not be read"


class Stage(enum.Enum):
    """Where a repository stands, from furthest behind to done (the summary counts these)."""

    FAILED = "could not be read"
    LEFT_ALONE = "cannot be migrated automatically"
    NEEDED = "migration needed"
    CLOSED = "pull request closed unmerged"
    OPEN = "pull request open"
    PUBLISH_FAILED = "publishing failed after the migration"
    UNCONFIRMED = "release not confirmed"
    WAITING = "waiting for the first release"
    SECRETS = "old secrets to delete"
    REVOKE = "tokens to revoke on PyPI"
    DONE = "done"
    NOT_NEEDED = "not publishing to PyPI"
    IGNORED = "ignored with `# trustpub: ignore`"


STAGE_ORDER = tuple(Stage)


@dataclass(frozen=True)
class Evidence:
    """What proved (or failed to prove) a trusted-publishing release."""

    kind: str  # "provenance" or "workflow run"
    version: str
    filename: str
    uploaded: datetime
    text: str  # one line for people


@dataclass(frozen=True)
class Action:
    text: str
    link: str | None = None

    def __str__(self) -> str:
        return f"{self.text} ({self.link})" if self.link else self.text


@dataclass(frozen=True)
class Row:
    """One repository and project (or the repository alone when it publishes nothing)."""

    repository: str
    index: str | None
    project: str | None
    workflow: str | None
    environment: str | None
    publishing: Publishing | None
    publishing_detail: str
    evidence: Evidence | None
    action: Action
    stage: Stage
    register_url: str | None = None
    revoke_url: str | None = None


@dataclass(frozen=True)
class SecretState:
    """An old credential still on GitHub, and whether deleting it is provably safe."""

    secret: ExistingSecret
    why: str  # why trustpub thinks it held a PyPI credential
    deletable: bool
    reason: str  # the proof when deletable, else why it is kept


@dataclass(frozen=True)
class RepositoryStatus:
    repository: str
    migration: Migration
    migration_detail: str
    rows: tuple[Row, ...]
    secrets: tuple[SecretState, ...] = ()
    confirmed: str | None = None  # the evidence every project of it has, when all have it
    notes: tuple[str, ...] = field(default_factory=tuple)
    pull_url: str | None = None
    origin: str | None = None

    @property
    def stage(self) -> Stage:
        return min((r.stage for r in self.rows), key=STAGE_ORDER.index)
