"""Create the `pypi`/`testpypi` deployment environments, merging with what already exists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trustpub.github.client import GitHubAccessError
from trustpub.github.errors import explained

if TYPE_CHECKING:
    from github.Repository import Repository

    from github import Github


@dataclass(frozen=True)
class EnvironmentChange:
    repository: str
    environment: str
    created: bool
    reviewers_added: tuple[str, ...]


def ensure_environments(
    gh: Github, repo: Repository, names: Iterable[str], reviewers: dict[str, list[str]]
) -> list[EnvironmentChange]:
    """Create each environment if missing and add required reviewers (`USER` or `org/team`).

    Existing protection rules (wait timer, reviewers, branch policy, self-review) are read first
    and sent back unchanged: PUT replaces an environment's whole configuration.
    """
    changes: list[EnvironmentChange] = []
    for name in names:
        wanted = reviewers.get(name, [])
        with explained(f"{repo.full_name}: environment {name}"):
            changes.append(_ensure(gh, repo, name, wanted))
    return changes


def _ensure(gh: Github, repo: Repository, name: str, wanted: list[str]) -> EnvironmentChange:
    from github.EnvironmentDeploymentBranchPolicy import EnvironmentDeploymentBranchPolicyParams
    from github.EnvironmentProtectionRuleReviewer import ReviewerParams
    from github.GithubException import UnknownObjectException

    try:
        existing: Any = repo.get_environment(name)
    except UnknownObjectException:
        existing = None
    current = _current_reviewers(existing)
    added: list[str] = []
    for spec in wanted:
        key = _resolve_reviewer(gh, spec)
        if key not in current:
            current[key] = spec
            added.append(spec)
    if existing is not None and not added:
        return EnvironmentChange(repo.full_name, name, False, ())
    rules = list(getattr(existing, "protection_rules", None) or [])
    wait_timer = max((getattr(r, "wait_timer", 0) or 0 for r in rules), default=0)
    prevent_self_review = any(getattr(r, "prevent_self_review", False) for r in rules)
    policy = getattr(existing, "deployment_branch_policy", None)
    branch_policy = (
        EnvironmentDeploymentBranchPolicyParams(
            bool(policy.protected_branches), bool(policy.custom_branch_policies)
        )
        if policy is not None
        else None
    )
    repo.create_environment(
        name,
        wait_timer=int(wait_timer),
        reviewers=[ReviewerParams(kind, ident) for kind, ident in current],
        prevent_self_review=prevent_self_review,
        deployment_branch_policy=branch_policy,
    )
    return EnvironmentChange(repo.full_name, name, existing is None, tuple(added))


def _current_reviewers(environment: Any) -> dict[tuple[str, int], str]:
    found: dict[tuple[str, int], str] = {}
    for rule in getattr(environment, "protection_rules", None) or []:
        if getattr(rule, "type", "") != "required_reviewers":
            continue
        for reviewer in getattr(rule, "reviewers", None) or []:
            who = reviewer.reviewer
            label = getattr(who, "login", None) or getattr(who, "slug", None) or str(who.id)
            found[(reviewer.type, who.id)] = label
    return found


def _resolve_reviewer(gh: Github, spec: str) -> tuple[str, int]:
    """`octocat` -> ("User", id); `acme/release-team` -> ("Team", id)."""
    if "/" in spec:
        org, _, slug = spec.partition("/")
        team = gh.get_organization(org).get_team_by_slug(slug)
        return ("Team", team.id)
    if not spec:
        raise GitHubAccessError("an empty reviewer name")
    return ("User", gh.get_user(spec).id)
