"""Which obsolete secrets actually exist on GitHub: repository, environment, organisation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trustpub.github.errors import SECRETS_ACCESS, explained
from trustpub.repository import ExistingSecret, RepositoryResult

if TYPE_CHECKING:
    from github.Repository import Repository

    from github import Github

__all__ = ["ExistingSecret", "existing_secrets", "listed_secrets", "obsolete_secrets_on_github"]


def obsolete_secrets_on_github(
    gh: Github, result: RepositoryResult, full_name: str
) -> list[ExistingSecret]:
    """Where the secrets the migration makes obsolete exist on GitHub (no request if none)."""
    names = [secret.name for secret in result.obsolete_secrets]
    if not names:
        return []
    with explained(full_name):
        repo = gh.get_repo(full_name)
    return existing_secrets(repo, names)


def existing_secrets(
    repo: Repository, names: Iterable[str], environments: Iterable[str] | None = None
) -> list[ExistingSecret]:
    """The secrets among `names` that exist where this repository's workflows can read them
    (`environments`: the repository's environment names, when already known)."""
    wanted = {n.upper() for n in names}
    if not wanted:
        return []
    return listed_secrets(repo, wanted, environments)


def listed_secrets(
    repo: Repository, wanted: set[str] | None = None, environments: Iterable[str] | None = None
) -> list[ExistingSecret]:
    """Every secret (or those named in `wanted`) this repository's workflows can read:
    repository, environment and visible organisation secrets (`environments`: the repository's
    environment names, when already known)."""
    full_name = repo.full_name
    found: list[ExistingSecret] = []
    with explained(f"{full_name}: listing repository secrets", SECRETS_ACCESS):
        found += _matching(repo.get_secrets(), wanted, "repository", full_name)
    if environments is None:
        with explained(f"{full_name}: listing environments", SECRETS_ACCESS):
            environments = [environment.name for environment in repo.get_environments()]
    for name in environments:
        with explained(f"{full_name}: listing secrets of environment {name}", SECRETS_ACCESS):
            where = f"{full_name} environment {name}"
            found += _matching(_environment_secrets(repo, name), wanted, "environment", where)
    if repo.owner.type == "Organization":
        what = f"{full_name}: listing organisation secrets visible to it"
        with explained(what, SECRETS_ACCESS):
            found += _matching(
                _organization_secrets(repo), wanted, "organization", repo.owner.login
            )
    return found


def _matching(
    secrets: Iterable[Any], wanted: set[str] | None, scope: str, where: str
) -> list[ExistingSecret]:
    return [
        ExistingSecret(s.name.upper(), scope, where, s.updated_at)
        for s in secrets
        if wanted is None or s.name.upper() in wanted
    ]


def _environment_secrets(repo: Repository, name: str) -> Iterable[Any]:
    """GET …/environments/{name}/secrets, the name percent-encoded (it may hold a `/`)."""
    return _secrets_list(repo, f"{repo.url}/environments/{quote(name, safe='')}/secrets")


def _organization_secrets(repo: Repository) -> Iterable[Any]:
    """GET /repos/{owner}/{repo}/actions/organization-secrets (PyGithub has no method for it)."""
    return _secrets_list(repo, f"{repo.url}/actions/organization-secrets")


def _secrets_list(repo: Repository, url: str) -> Iterable[Any]:
    from github.PaginatedList import PaginatedList
    from github.Secret import Secret

    return PaginatedList(
        Secret,
        repo._requester,
        url,
        None,
        list_item="secrets",
        attributesTransformer=PaginatedList.override_attributes({"secrets_url": url}),
    )
