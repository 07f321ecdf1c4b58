"""Which obsolete secrets actually exist on GitHub: repository, environment, organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustpub.github.errors import explained

if TYPE_CHECKING:
    from github.Repository import Repository


@dataclass(frozen=True)
class ExistingSecret:
    name: str
    scope: str  # "repository", "environment", "organization"
    where: str  # the repository, "<repo> environment <name>", or the organisation
    updated_at: datetime | None


def existing_secrets(repo: Repository, names: Iterable[str]) -> list[ExistingSecret]:
    """The secrets among `names` that exist where this repository's workflows can read them."""
    wanted = {n.upper() for n in names}
    if not wanted:
        return []
    found: list[ExistingSecret] = []
    with explained(f"{repo.full_name}: listing repository secrets"):
        found += _matching(repo.get_secrets(), wanted, "repository", repo.full_name)
    with explained(f"{repo.full_name}: listing environments"):
        environments = [env.name for env in repo.get_environments()]
    for name in environments:
        with explained(f"{repo.full_name}: listing secrets of environment {name}"):
            secrets = repo.get_environment(name).get_secrets()
            found += _matching(
                secrets, wanted, "environment", f"{repo.full_name} environment {name}"
            )
    if repo.owner.type == "Organization":
        with explained(f"{repo.full_name}: listing organisation secrets visible to it"):
            found += _matching(
                _organization_secrets(repo), wanted, "organization", repo.owner.login
            )
    return found


def _matching(
    secrets: Iterable[Any], wanted: set[str], scope: str, where: str
) -> list[ExistingSecret]:
    return [
        ExistingSecret(s.name.upper(), scope, where, s.updated_at)
        for s in secrets
        if s.name.upper() in wanted
    ]


def _organization_secrets(repo: Repository) -> Iterable[Any]:
    """GET /repos/{owner}/{repo}/actions/organization-secrets (PyGithub has no method for it)."""
    from github.PaginatedList import PaginatedList
    from github.Secret import Secret

    url = f"{repo.url}/actions/organization-secrets"
    return PaginatedList(
        Secret,
        repo._requester,
        url,
        None,
        list_item="secrets",
        attributesTransformer=PaginatedList.override_attributes({"secrets_url": url}),
    )
