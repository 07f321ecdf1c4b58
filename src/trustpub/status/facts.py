"""What `status` gathers about one repository before deciding anything: plain values, no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from trustpub.repository import ExistingSecret, RepositoryResult
from trustpub.rewrite.expressions import has_computed_secret, referenced_secrets
from trustpub.status.provenance import Provenance

# `secrets: inherit` hands every secret to a reusable workflow (maybe in another repository);
# `toJSON(secrets)` dumps them all: either way no workflow text proves a secret unused.
_ALL_SECRETS = re.compile(r"secrets\s*:\s*inherit\b|toJSON\(\s*secrets\s*\)", re.IGNORECASE)


@dataclass(frozen=True)
class PullFacts:
    """trustpub's latest pull request in the repository (found by branch and marker)."""

    number: int
    url: str
    state: str  # "open" or "closed"
    merged: bool
    created_at: datetime
    merged_at: datetime | None = None
    closed_at: datetime | None = None
    checks: str | None = None  # "passing", "failing: build", "pending", "no checks"
    removed_secrets: tuple[str, ...] = ()  # secrets the pull request's diff stopped using


@dataclass(frozen=True)
class ReleaseFile:
    version: str
    filename: str
    uploaded: datetime
    sha256: str | None
    provenance: Provenance | None = None  # None: the file has none (404), or not looked up
    looked_up: bool = False  # the Integrity API was asked
    problem: str | None = None  # the provenance could not be read
    verified: bool | None = None  # signatures checked with pypi-attestations (None: not)
    verify_detail: str = ""


@dataclass(frozen=True)
class IndexFacts:
    """One project on one index: does it exist, and the files uploaded since the migration."""

    index: str  # "pypi" or "testpypi"
    project: str
    exists: bool | None  # None: the index could not be asked
    files: tuple[ReleaseFile, ...] = ()  # newest first
    error: str | None = None
    releases: int = 0  # versions on the index, for the report


@dataclass(frozen=True)
class RunFacts:
    """A completed run of a workflow file (GitHub Actions API)."""

    id: int
    number: int
    url: str
    workflow: str  # the file name, e.g. release.yml
    event: str
    head_branch: str | None
    conclusion: str | None  # "success", "failure", ...
    started: datetime
    finished: datetime


@dataclass(frozen=True)
class References:
    """Which secrets the workflows at the default branch name, and what makes that unknowable."""

    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # NAME -> paths
    unknowable: tuple[str, ...] = ()  # "path: secrets: inherit", ...

    def used(self, name: str) -> tuple[str, ...]:
        return self.names.get(name.upper(), ())


def references(workflows: Mapping[str, str]) -> References:
    """Read straight from the text (comments count too: never delete on a guess)."""
    names: dict[str, list[str]] = {}
    unknowable: list[str] = []
    for path, text in sorted(workflows.items()):
        for name in referenced_secrets(text):
            names.setdefault(name, []).append(path)
        if _ALL_SECRETS.search(text):
            unknowable.append(f"{path} passes all secrets on (`secrets: inherit` or toJSON)")
        elif has_computed_secret(text):
            unknowable.append(f"{path} computes a secret's name at run time")
    return References({n: tuple(p) for n, p in names.items()}, tuple(unknowable))


@dataclass(frozen=True)
class SecretFacts:
    """A secret that exists on GitHub and may hold an old PyPI credential, and why we think so."""

    secret: ExistingSecret
    why: str  # "trustpub's pull request #3 removed its use", "its name says PyPI", ...


@dataclass(frozen=True)
class OrgSecretUse:
    """Who can see an organisation secret, and who still names it (--include-org-secrets)."""

    org: str
    name: str
    visible_to: tuple[str, ...] = ()  # repositories that can use it
    used_by: tuple[str, ...] = ()  # of those, the ones whose default branch still names it
    problem: str | None = None  # why that could not be established


@dataclass(frozen=True)
class RepositoryFacts:
    repository: str
    default_branch: str = "main"
    result: RepositoryResult | None = None  # the engine at the default branch
    error: str | None = None  # the repository could not be read
    pull: PullFacts | None = None
    migrated_at: datetime | None = None  # when the migration reached the default branch
    migrated_how: str = ""  # "pull request #3 merged", "release.yml last changed"
    indexes: tuple[IndexFacts, ...] = ()
    runs: tuple[RunFacts, ...] = ()  # of the migrated workflows, since the migration
    secrets: tuple[SecretFacts, ...] = ()
    references: References = field(default_factory=References)
    secrets_problem: str | None = None  # why the secrets could not be listed
    org_secrets: tuple[OrgSecretUse, ...] = ()
    origin: str | None = None  # the local checkout this repository was named by
