"""Retiring the old credentials: the deletion plan, the deletions, and where to revoke tokens.

The plan holds only secrets `secrets_rules` proves unused after a confirmed release; an
organisation secret is in it only when every repository of the run that suspects it agrees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trustpub.github.client import GitHubAccessError
from trustpub.github.errors import SECRETS_ACCESS, RateLimitExhausted, TokenRejected, explained
from trustpub.repository import ExistingSecret
from trustpub.status.links import INDEX_NAMES
from trustpub.status.model import RepositoryStatus

if TYPE_CHECKING:
    from github import Github
    from trustpub.status.run import Outcome, Say, StatusRequest
    from trustpub.status.state import StatusState


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


def retire(
    gh: Github,
    request: StatusRequest,
    outcome: Outcome,
    say: Say,
    warn: Say,
    confirm: Callable[[str], bool] | None,
    state: StatusState | None,
) -> None:
    """`--delete-secrets`: show the plan, ask (unless --yes or --dry-run), delete, say what to
    revoke; each deletion goes into the outcome and the state file as it is made."""
    deletions, kept = plan(outcome.statuses)
    for k in kept:
        say(f"keep {k.secret.scope} secret {k.secret.name} of {k.secret.where}: {k.reason}")
    if not deletions:
        say("no secret is provably safe to delete")
        return
    listing = [f"  {d.describe()}: {d.proof}" for d in deletions]
    if request.dry_run:
        say("would delete (--dry-run: nothing deleted):")
        for line in listing:
            say(line)
        outcome.deletions += [_entry(d, "planned") for d in deletions]
        return
    say("secrets to delete:")
    for line in listing:
        say(line)
    question = f"Delete these {len(deletions)} secrets?"
    if not request.yes and (confirm is None or not confirm(question)):
        warn("trustpub: nothing deleted (confirm at the prompt, or pass --yes)")
        outcome.deletions += [_entry(d, "not confirmed") for d in deletions]
        return
    done: list[Deletion] = []
    for d in deletions:
        entry = _delete_one(gh, d, say, warn)
        outcome.deletions.append(entry)
        if state is not None:
            state.deleted(entry)
        if entry["result"] in ("deleted", "already gone"):
            done.append(d)
        if entry["result"] == "stopped":
            outcome.stopped = entry["error"]
            break
    for line in revoke_lines(outcome.statuses, done):
        say(line)


def _delete_one(gh: Github, d: Deletion, say: Say, warn: Say) -> dict[str, Any]:
    try:
        result = delete(gh, d)
    except (RateLimitExhausted, TokenRejected) as error:
        warn(f"trustpub: {error}")
        return {**_entry(d, "stopped"), "error": str(error)}
    except GitHubAccessError as error:
        warn(f"trustpub: {error}")
        return {**_entry(d, "failed"), "error": str(error)}
    say(f"{result}: {d.describe()}, because {d.proof}")
    return _entry(d, result)


def _entry(d: Deletion, result: str) -> dict[str, Any]:
    return {
        "scope": d.secret.scope,
        "where": d.secret.where,
        "name": d.secret.name,
        "repositories": list(d.repositories),
        "proof": d.proof,
        "result": result,
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
