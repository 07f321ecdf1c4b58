"""A thin reader of what GitHub knows about one repository's migration: the workflows at the
default branch (through the engine), trustpub's pull request, runs and secrets.

Requests per repository (see README, "Request counts"): the workflow directory and each workflow
and packaging file the engine reads; one pull request listing; for an open pull request its
check runs; for a merged one its files; for a hand migration one commit listing per workflow;
after a migration one run listing per publishing workflow; and the secret listings (repository,
environments, each environment, visible organisation secrets).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trustpub.github.client import GitHubAccessError
from trustpub.github.errors import RateLimitExhausted, TokenRejected, explained
from trustpub.github.pulls import MARKER
from trustpub.github.remote import WORKFLOWS_DIR, read_workflows, remote_reader
from trustpub.github.secrets import listed_secrets
from trustpub.repository import RepositoryResult, migrate_repository
from trustpub.rewrite.expressions import referenced_secrets
from trustpub.rewrite.result import Options
from trustpub.status.decide import WITHOUT_PUBLISHERS, expected_publishers, migration_state
from trustpub.status.facts import (
    IndexFacts,
    PullFacts,
    ReleaseFile,
    RepositoryFacts,
    RunFacts,
    SecretFacts,
    references,
)
from trustpub.status.model import Migration
from trustpub.status.pypi import PyPIReader

if TYPE_CHECKING:
    from github.Repository import Repository

# A secret with this in its name held a PyPI credential by every naming convention seen.
_PYPI_NAME = re.compile(r"PYPI", re.IGNORECASE)


@dataclass(frozen=True)
class ReadSettings:
    branch: str  # the bot's branch: its pull requests come from there
    options: Options
    project: str | None = None
    verify: Callable[[ReleaseFile], ReleaseFile] | None = None


def gather(
    repo: Repository,
    default_branch: str,
    settings: ReadSettings,
    indexes: dict[str, PyPIReader],
    now: datetime,
) -> RepositoryFacts:
    """Everything `decide` needs about one repository."""
    name = repo.full_name
    with explained(name):
        texts = {w.path: w.text for w in read_workflows(repo, default_branch)}
        reader = remote_reader(repo, default_branch)
        result = migrate_repository(name, texts, reader, settings.options, settings.project)
        pull = _our_pull(repo, settings.branch)
    facts = RepositoryFacts(name, default_branch, result, pull=pull, references=references(texts))
    migration, _ = migration_state(facts, now)
    if migration in WITHOUT_PUBLISHERS:
        return _with_secrets(repo, facts, result)
    facts = _when_migrated(repo, facts, migration)
    facts = replace(facts, indexes=_indexes(facts, migration, indexes, settings))
    if migration in (Migration.MERGED, Migration.BY_HAND) and facts.migrated_at is not None:
        facts = replace(facts, runs=_runs(repo, facts))
    return _with_secrets(repo, facts, result)


def _our_pull(repo: Repository, branch: str) -> PullFacts | None:
    """trustpub's newest pull request from its branch (one listing; more for open or merged)."""
    head = f"{repo.owner.login}:{branch}"
    _, data = repo._requester.requestJsonAndCheck(
        "GET", f"{repo.url}/pulls", parameters={"state": "all", "head": head, "per_page": 100}
    )
    ours = [
        item
        for item in data or []
        if MARKER in str(item.get("body") or "")
        and str((item.get("head") or {}).get("label") or head).lower() == head.lower()
    ]
    if not ours:
        return None
    item = max(ours, key=lambda i: int(i["number"]))
    pull = PullFacts(
        number=int(item["number"]),
        url=str(item.get("html_url") or item.get("url")),
        state=str(item.get("state")),
        merged=bool(item.get("merged_at")),
        created_at=_time(item["created_at"]),
        merged_at=_time(item["merged_at"]) if item.get("merged_at") else None,
        closed_at=_time(item["closed_at"]) if item.get("closed_at") else None,
    )
    if pull.state == "open":
        sha = str((item.get("head") or {}).get("sha") or "")
        return replace(pull, checks=_checks(repo, sha)) if sha else pull
    if pull.merged:
        return replace(pull, removed_secrets=_removed_secrets(repo, pull.number))
    return pull


def _checks(repo: Repository, sha: str) -> str:
    """The head commit's check runs in a few words."""
    _, data = repo._requester.requestJsonAndCheck(
        "GET", f"{repo.url}/commits/{sha}/check-runs", parameters={"per_page": 100}
    )
    runs = (data or {}).get("check_runs") or []
    if not runs:
        return "none reported"
    pending = [r for r in runs if r.get("status") != "completed"]
    failing = [
        str(r.get("name"))
        for r in runs
        if r.get("status") == "completed"
        and r.get("conclusion") not in ("success", "neutral", "skipped")
    ]
    if failing:
        return "failing: " + ", ".join(sorted(failing))
    if pending:
        return f"pending ({len(pending)} of {len(runs)})"
    return f"passing ({len(runs)})"


def _removed_secrets(repo: Repository, number: int) -> tuple[str, ...]:
    """Secrets the merged pull request's diff stopped naming (its removed lines, less its added)."""
    _, data = repo._requester.requestJsonAndCheck(
        "GET", f"{repo.url}/pulls/{number}/files", parameters={"per_page": 100}
    )
    removed: set[str] = set()
    added: set[str] = set()
    for item in data or []:
        for line in str(item.get("patch") or "").splitlines():
            if line.startswith("-") and not line.startswith("---"):
                removed |= referenced_secrets(line)
            elif line.startswith("+") and not line.startswith("+++"):
                added |= referenced_secrets(line)
    return tuple(sorted(removed - added))


def _when_migrated(
    repo: Repository, facts: RepositoryFacts, migration: Migration
) -> RepositoryFacts:
    pull = facts.pull
    if migration is Migration.MERGED and pull is not None and pull.merged_at is not None:
        return replace(facts, migrated_at=pull.merged_at, migrated_how=f"#{pull.number} merged")
    if migration is not Migration.BY_HAND:
        return facts
    # By hand: the last change of a publishing workflow is at or after the migration, so a
    # release after it is after the migration too (an earlier one may be missed: said so).
    assert facts.result is not None
    workflows = sorted({p.workflow for f in facts.result.files for p in f.in_use})
    dates = [d for w in workflows if (d := _last_change(repo, facts.default_branch, w))]
    if not dates:
        return facts
    return replace(facts, migrated_at=max(dates), migrated_how="the workflow's last change")


def _last_change(repo: Repository, branch: str, workflow: str) -> datetime | None:
    _, data = repo._requester.requestJsonAndCheck(
        "GET",
        f"{repo.url}/commits",
        parameters={"sha": branch, "path": f"{WORKFLOWS_DIR}/{workflow}", "per_page": 1},
    )
    for item in data or []:
        committer = ((item.get("commit") or {}).get("committer")) or {}
        if committer.get("date"):
            return _time(committer["date"])
    return None


def _indexes(
    facts: RepositoryFacts,
    migration: Migration,
    readers: dict[str, PyPIReader],
    settings: ReadSettings,
) -> tuple[IndexFacts, ...]:
    migrated = migration in (Migration.MERGED, Migration.BY_HAND)
    found = []
    for p in expected_publishers(facts):
        reader = readers[p.index]
        if migrated:
            found.append(reader.project(p.index, p.project, facts.migrated_at, settings.verify))
        else:  # only whether it exists (which registration link) and how many releases
            found.append(reader.project(p.index, p.project, _FUTURE))
    return tuple(found)


_FUTURE = datetime.max.replace(tzinfo=timezone.utc)


def _runs(repo: Repository, facts: RepositoryFacts) -> tuple[RunFacts, ...]:
    assert facts.migrated_at is not None
    since = f">={facts.migrated_at:%Y-%m-%dT%H:%M:%SZ}"
    runs: list[RunFacts] = []
    for workflow in sorted({p.workflow for p in expected_publishers(facts)}):
        _, data = repo._requester.requestJsonAndCheck(
            "GET",
            f"{repo.url}/actions/workflows/{quote(workflow, safe='')}/runs",
            parameters={"created": since, "status": "completed", "per_page": 100},
        )
        runs += [_run(item, workflow) for item in (data or {}).get("workflow_runs") or []]
    return tuple(sorted(runs, key=lambda r: r.started, reverse=True))


def _run(item: dict[str, Any], workflow: str) -> RunFacts:
    started = _time(item.get("run_started_at") or item["created_at"])
    return RunFacts(
        id=int(item["id"]),
        number=int(item.get("run_number") or 0),
        url=str(item.get("html_url") or item.get("url")),
        workflow=workflow,
        event=str(item.get("event") or ""),
        head_branch=item.get("head_branch"),
        conclusion=item.get("conclusion"),
        started=started,
        finished=_time(item.get("updated_at") or item["created_at"]),
    )


def _with_secrets(
    repo: Repository, facts: RepositoryFacts, result: RepositoryResult
) -> RepositoryFacts:
    """The secrets that may hold an old PyPI credential, and why each is suspected."""
    why = {s.name: "the pending migration removes its use" for s in result.obsolete_secrets}
    if facts.pull is not None:
        for name in facts.pull.removed_secrets:
            why.setdefault(name, f"trustpub's pull request #{facts.pull.number} removed its use")
    try:
        existing = listed_secrets(repo)
    except (RateLimitExhausted, TokenRejected):
        raise
    except GitHubAccessError as error:
        return replace(facts, secrets_problem=str(error))
    found = []
    for candidate in existing:
        reason = why.get(candidate.name) or (
            "its name says it holds a PyPI credential"
            if _PYPI_NAME.search(candidate.name)
            else None
        )
        if reason is not None:
            found.append(SecretFacts(candidate, reason))
    return replace(facts, secrets=tuple(found))


def _time(text: str) -> datetime:
    when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
