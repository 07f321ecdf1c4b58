"""What the engine returns: the new text and everything the user must be told about it."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trustpub.project import ProjectName, ProjectNameProblem

if TYPE_CHECKING:
    from trustpub.rewrite.rules.reusable_calls import ReusableCall

ProjectLookup = Callable[[str], "ProjectName | ProjectNameProblem"]


class Status(enum.Enum):
    CHANGED = "changed"  # the text was rewritten
    UNCHANGED = "unchanged"  # nothing publishes to PyPI here (uploads elsewhere are told)
    MIGRATED = "migrated"  # it already publishes with trusted publishing
    SKIPPED = "skipped"  # it publishes with a token, but trustpub left it alone (see skips)
    IGNORED = "ignored"  # its token publishing is acknowledged with `# trustpub: ignore`
    FAILED = "failed"  # the file could not be read or rewritten safely


class SkipKind(enum.Enum):
    """Why something that uploads was left as it is, and whether `check` fails for it."""

    TOKEN = "token"  # a PyPI or TestPyPI token upload remains (or may): a finding
    OTHER_INDEX = "other-index"  # it uploads to another index: information, never a finding
    IGNORED = "ignored"  # acknowledged with `# trustpub: ignore`: the gate passes


@dataclass(frozen=True)
class Options:
    """Choices the user makes; the defaults are the recommended migration."""

    pypi_environment: str = "pypi"
    testpypi_environment: str = "testpypi"
    keep_build_in_job: bool = False
    add_testpypi: bool = False
    gate_pypi_on_testpypi: bool = False
    github_enterprise: bool = False
    # The repository's default GITHUB_TOKEN permissions ("read" or "write", as GitHub's
    # `default_workflow_permissions` says), or None when unknown (then assumed to allow writing).
    default_permissions: str | None = None
    # False plans only, as `check` does (it writes nothing): the new text is assembled but not
    # parsed again and compared with the intended structure, which `diff` and `apply` always do.
    verify: bool = True
    # Also name the trusted publishers already-migrated jobs use (`status` needs them; it costs
    # a project-name look-up, which the other commands spare).
    publishers_in_use: bool = False


@dataclass(frozen=True)
class Change:
    job: str
    line: int  # 1-based, in the original text
    description: str


@dataclass(frozen=True)
class Skip:
    """A publish step (or job, or file) left alone on purpose, and what to do instead."""

    job: str | None
    line: int
    reason: str
    advice: str = ""
    kind: SkipKind = SkipKind.TOKEN

    @property
    def is_finding(self) -> bool:
        """True when a PyPI or TestPyPI token upload remains here (`check` fails)."""
        return self.kind is SkipKind.TOKEN


@dataclass(frozen=True)
class Note:
    """Something the user should know about a change that was made."""

    job: str | None
    line: int
    message: str


@dataclass(frozen=True)
class TrustedPublisher:
    """One registration to make on PyPI or TestPyPI before the migrated workflow runs."""

    index: str  # "pypi" or "testpypi"
    project: str
    workflow: str  # the workflow file name that defines the publish job
    environment: str | None
    job: str
    project_source: str


@dataclass(frozen=True)
class TokenUpload:
    """An upload to PyPI or TestPyPI with a token that this rewrite migrates (one per upload:
    what `check` reports as a finding, beside the token uploads left alone, its skips)."""

    job: str  # the job it was in
    line: int  # of the upload step
    tool: str  # "pypa-action", "twine", "uv", ...
    index: str  # "pypi", "testpypi" or "unknown"
    secrets: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SecretUse:
    """A secret that a removed line referred to, and where."""

    name: str
    job: str
    line: int


@dataclass(frozen=True)
class Failure:
    line: int
    message: str


@dataclass(frozen=True)
class RewriteResult:
    path: str
    original: str
    text: str
    status: Status
    changes: tuple[Change, ...] = ()
    notes: tuple[Note, ...] = ()
    skips: tuple[Skip, ...] = ()
    removed_secrets: frozenset[str] = frozenset()
    publishers: tuple[TrustedPublisher, ...] = ()
    failure: Failure | None = None
    secret_uses: tuple[SecretUse, ...] = ()
    token_uploads: tuple[TokenUpload, ...] = ()  # the uploads this rewrite migrates
    # Jobs passing every secret to a workflow of the repository (the repository resolves them).
    reusable_calls: tuple[ReusableCall, ...] = ()
    # The trusted publishers that jobs already migrated (before this run) publish through.
    in_use: tuple[TrustedPublisher, ...] = ()
    # A job's layout depended on the repository's default token permissions, which were not
    # known (Options.default_permissions): with them, the result may be different.
    assumed_default_permissions: bool = False

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def token_publishing_remains(self) -> bool:
        """True while a PyPI or TestPyPI token upload is here, migratable or not."""
        return self.changed or any(s.is_finding for s in self.skips)


@dataclass
class ResultBuilder:
    """Collects findings while the rules run."""

    changes: list[Change] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    secret_uses: list[SecretUse] = field(default_factory=list)
    publishers: list[TrustedPublisher] = field(default_factory=list)
    migrated_jobs: set[str] = field(default_factory=set)
    token_uploads: list[TokenUpload] = field(default_factory=list)
    reusable_calls: list[ReusableCall] = field(default_factory=list)
    in_use: list[TrustedPublisher] = field(default_factory=list)

    def change(self, job: str, line: int, description: str) -> None:
        self.changes.append(Change(job, line, description))

    def note(self, job: str | None, line: int, message: str) -> None:
        self.notes.append(Note(job, line, message))

    def removed_secrets(self, job: str, line: int, names: frozenset[str]) -> None:
        self.secret_uses.extend(SecretUse(name, job, line) for name in sorted(names))

    def skip(
        self,
        job: str | None,
        line: int,
        reason: str,
        advice: str = "",
        kind: SkipKind = SkipKind.TOKEN,
    ) -> None:
        self.skips.append(Skip(job, line, reason, advice, kind))

    def named_jobs(self) -> set[str | None]:
        """The jobs the report already speaks of (None: the whole file)."""
        found: set[str | None] = {s.job for s in self.skips}
        found |= {c.job for c in self.changes} | self.migrated_jobs
        return found

    def status_without_changes(self) -> Status:
        """A file's status when nothing in it changes: a token left alone, else migrated
        already, else ignored, else unchanged."""
        kinds = {s.kind for s in self.skips}
        if SkipKind.TOKEN in kinds:
            return Status.SKIPPED
        if self.migrated_jobs:
            return Status.MIGRATED
        if SkipKind.IGNORED in kinds:
            return Status.IGNORED
        return Status.UNCHANGED

    def build(
        self,
        path: str,
        original: str,
        text: str,
        status: Status,
        assumed_default_permissions: bool = False,
    ) -> RewriteResult:
        return RewriteResult(
            path=path,
            original=original,
            text=text,
            status=status,
            changes=tuple(self.changes),
            notes=tuple(self.notes),
            skips=tuple(self.skips),
            removed_secrets=frozenset(u.name for u in self.secret_uses),
            secret_uses=tuple(self.secret_uses),
            publishers=tuple(self.publishers),
            token_uploads=tuple(self.token_uploads),
            reusable_calls=tuple(self.reusable_calls),
            in_use=tuple(dict.fromkeys(self.in_use)),
            assumed_default_permissions=assumed_default_permissions,
        )

    def extend(self, other: ResultBuilder) -> None:
        """Take what a job's own builder collected (once its restructuring succeeded)."""
        self.changes.extend(other.changes)
        self.notes.extend(other.notes)
        self.secret_uses.extend(other.secret_uses)
        self.publishers.extend(other.publishers)
