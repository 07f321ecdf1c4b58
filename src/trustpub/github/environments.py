"""Create the `pypi`/`testpypi` deployment environments, merging with what already exists."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trustpub.github.client import GitHubAccessError
from trustpub.github.errors import explained
from trustpub.repository import EnvironmentChange, RepositoryResult

if TYPE_CHECKING:
    from github.Repository import Repository

    from github import Github

__all__ = [
    "ENVIRONMENTS_ACCESS",
    "EnvironmentChange",
    "ensure_environments",
    "invalid_reviewer",
    "wanted_environments",
]

ENVIRONMENTS_ACCESS = (
    "creating environments needs admin access to the repository (a classic token: the `repo` "
    "scope; a fine-grained one: Administration read and write)"
)
# A user login, or an organisation and a team slug: `octocat`, `acme/release-team`.
_REVIEWER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9_.-]+)?$")
MAX_REVIEWERS = 6  # GitHub's limit per environment


def invalid_reviewer(spec: str) -> str | None:
    """Why `spec` is not `USER` or `ORG/TEAM`, or None when it is well formed."""
    if _REVIEWER.match(spec):
        return None
    return f"{spec!r} is neither a user login (octocat) nor ORG/TEAM-SLUG (acme/release-team)"


def wanted_environments(
    result: RepositoryResult, pypi_reviewers: Sequence[str] = ()
) -> dict[str, list[str]]:
    """The environments the migrated publish jobs use, each with the reviewers it should require.

    Reviewers go on the environments of PyPI (not TestPyPI) publishers. Only the publish jobs this
    run migrated are known: an already migrated workflow names no publisher.
    """
    wanted: dict[str, list[str]] = {}
    for file in result.changed_files:
        for publisher in file.publishers:
            if not publisher.environment:
                continue
            reviewers = wanted.setdefault(publisher.environment, [])
            if publisher.index == "pypi":
                reviewers += [r for r in pypi_reviewers if r not in reviewers]
    return wanted


def ensure_environments(
    gh: Github, repo: Repository, names: Iterable[str], reviewers: Mapping[str, Sequence[str]]
) -> list[EnvironmentChange]:
    """Create each environment if missing and add required reviewers (`USER` or `org/team`).

    Existing protection rules (wait timer, reviewers, branch policy, self-review, admin bypass)
    are read first and sent back unchanged: PUT replaces an environment's whole configuration.
    An environment that already has everything is not written at all.
    """
    resolved = _resolve_all(gh, [spec for specs in reviewers.values() for spec in specs])
    changes: list[EnvironmentChange] = []
    for name in names:
        wanted = [(spec, resolved[spec]) for spec in reviewers.get(name, ())]
        with explained(f"{repo.full_name}: environment {name}", ENVIRONMENTS_ACCESS):
            changes.append(_ensure(repo, name, wanted))
    return changes


def _ensure(
    repo: Repository, name: str, wanted: list[tuple[str, tuple[str, int]]]
) -> EnvironmentChange:
    from github.GithubException import UnknownObjectException

    try:
        existing: Any = repo.get_environment(name)
    except UnknownObjectException:
        existing = None
    current = _current_reviewers(existing)
    added = [spec for spec, key in wanted if key not in current]
    if existing is not None and not added:
        return EnvironmentChange(repo.full_name, name, False, ())
    for spec, key in wanted:
        current.setdefault(key, spec)
    if len(current) > MAX_REVIEWERS:
        raise GitHubAccessError(
            f"{repo.full_name}: environment {name}: {len(current)} required reviewers; GitHub "
            f"allows at most {MAX_REVIEWERS}"
        )
    body = _configuration(existing) | {
        "reviewers": [{"type": kind, "id": ident} for kind, ident in current]
    }
    # PyGithub's create_environment cannot send can_admins_bypass, so send the PUT directly.
    repo._requester.requestJsonAndCheck(
        "PUT", f"{repo.url}/environments/{quote(name, safe='')}", input=body
    )
    return EnvironmentChange(repo.full_name, name, existing is None, tuple(added))


def _configuration(environment: Any) -> dict[str, Any]:
    """The settings of an existing environment, as the PUT body that keeps them."""
    if environment is None:
        return {"wait_timer": 0, "prevent_self_review": False, "deployment_branch_policy": None}
    rules = list(environment.protection_rules or [])
    raw = environment.raw_data
    policy = environment.deployment_branch_policy
    body: dict[str, Any] = {
        "wait_timer": max((r.wait_timer or 0 for r in rules), default=0),
        "prevent_self_review": any(r.prevent_self_review for r in rules),
        "deployment_branch_policy": None
        if policy is None
        else {
            "protected_branches": bool(policy.protected_branches),
            "custom_branch_policies": bool(policy.custom_branch_policies),
        },
    }
    if isinstance(raw.get("can_admins_bypass"), bool):
        body["can_admins_bypass"] = raw["can_admins_bypass"]
    return body


def _current_reviewers(environment: Any) -> dict[tuple[str, int], str]:
    found: dict[tuple[str, int], str] = {}
    for rule in (environment.protection_rules or []) if environment is not None else []:
        if rule.type != "required_reviewers":
            continue
        for reviewer in rule.reviewers or []:
            who = reviewer.reviewer
            label = getattr(who, "login", None) or getattr(who, "slug", None) or str(who.id)
            found[(reviewer.type, who.id)] = label
    return found


def _resolve_all(gh: Github, specs: Iterable[str]) -> dict[str, tuple[str, int]]:
    resolved: dict[str, tuple[str, int]] = {}
    for spec in specs:
        if spec not in resolved:
            problem = invalid_reviewer(spec)
            if problem:
                raise GitHubAccessError(f"reviewer {problem}")
            with explained(f"reviewer {spec}", "the token cannot read that user or team"):
                resolved[spec] = _resolve_reviewer(gh, spec)
    return resolved


def _resolve_reviewer(gh: Github, spec: str) -> tuple[str, int]:
    """`octocat` -> ("User", id); `acme/release-team` -> ("Team", id)."""
    if "/" in spec:
        org, _, slug = spec.partition("/")
        team = gh.get_organization(org).get_team_by_slug(slug)
        return ("Team", team.id)
    return ("User", gh.get_user(spec).id)
