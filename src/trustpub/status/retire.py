"""Retiring the old credentials: the deletion plan, the deletions, and where to revoke tokens.

The plan holds only secrets `secrets_rules` proves unused after a confirmed release; an
organisation secret is in it only when every repository of the run that suspects it agrees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from trustpub.github.errors import SECRETS_ACCESS, explained
from trustpub.repository import ExistingSecret
from trustpub.status.links import INDEX_NAMES
from trustpub.status.model import RepositoryStatus

if TYPE_CHECKING:
    from github import Github


@dataclass(frozen=True)
class Deletion:
    secret: ExistingSecret
    repositories: tuple[str, ...]  # the repositories of the run that used it
    proof: str  # what makes deleting it safe, for the log

    def describe(self) -> str:
        return f"{self.secret.scope} secret {self.secret.name} of {self.secret.where}"


@dataclass(frozen=True)
class Kept:
    secret: ExistingSecret
    repository: str
    reason: str


def plan(statuses: Iterable[RepositoryStatus]) -> tuple[list[Deletion], list[Kept]]:
    groups: dict[tuple[str, str, str], list[tuple[RepositoryStatus, bool, str]]] = {}
    secrets: dict[tuple[str, str, str], ExistingSecret] = {}
    for status in statuses:
        for state in status.secrets:
            s = state.secret
            key = (s.scope, s.where.lower(), s.name)
            secrets.setdefault(key, s)
            groups.setdefault(key, []).append((status, state.deletable, state.reason))
    deletions: list[Deletion] = []
    kept: list[Kept] = []
    for key in sorted(groups):
        entries = groups[key]
        blocked = [(st, reason) for st, ok, reason in entries if not ok]
        if blocked:
            kept += [Kept(secrets[key], st.repository, reason) for st, reason in blocked]
            continue
        proof = " | ".join(dict.fromkeys(reason for _, _, reason in entries))
        names = tuple(st.repository for st, _, _ in entries)
        deletions.append(Deletion(secrets[key], names, proof))
    return deletions, kept


def delete(gh: Github, deletion: Deletion) -> str:
    """Delete one secret; "deleted", or "already gone" (an interrupted run did it, or a person)."""
    from github.GithubException import UnknownObjectException

    s = deletion.secret
    name = quote(s.name, safe="")
    if s.scope == "organization":
        url = f"/orgs/{quote(s.where, safe='')}/actions/secrets/{name}"
    elif s.scope == "environment":
        repository, _, environment = s.where.partition(" environment ")
        url = f"/repos/{repository}/environments/{quote(environment, safe='')}/secrets/{name}"
    else:
        url = f"/repos/{s.where}/actions/secrets/{name}"
    needs = SECRETS_ACCESS.replace("read access", "write access")
    with explained(f"deleting the {deletion.describe()}", needs):
        try:
            gh.requester.requestJsonAndCheck("DELETE", url)
        except UnknownObjectException:
            return "already gone"
    return "deleted"


def revoke_lines(statuses: Iterable[RepositoryStatus], deleted: Iterable[Deletion]) -> list[str]:
    """Per project, where its owner revokes the old token, and how to recognise it."""
    by_repo: dict[str, list[ExistingSecret]] = {}
    for d in deleted:
        for repository in d.repositories:
            by_repo.setdefault(repository.lower(), []).append(d.secret)
    lines = []
    for status in statuses:
        secrets = by_repo.get(status.repository.lower(), [])
        for row in status.rows:
            if row.project is None or row.revoke_url is None or not secrets:
                continue
            stored = ", ".join(
                f"{s.name} (set {s.updated_at:%Y-%m-%d})" if s.updated_at else s.name
                for s in secrets
            )
            lines.append(
                f"{INDEX_NAMES.get(row.index or '', row.index)} project {row.project}: revoke the "
                f"old token at {row.revoke_url}: look for a token scoped to {row.project} (or an "
                f"account-wide one) created by the time it was stored as GitHub secret {stored}"
            )
    return list(dict.fromkeys(lines))
