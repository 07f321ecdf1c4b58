"""Who can see an organisation secret, and whether any of them still names it (with
--include-org-secrets): an organisation secret is obsolete only when none does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trustpub.github.client import GitHubAccessError
from trustpub.github.errors import RateLimitExhausted, TokenRejected, explained
from trustpub.github.remote import read_workflows
from trustpub.status.facts import OrgSecretUse, References, RepositoryFacts, references

if TYPE_CHECKING:
    from github import Github

ORG_SECRETS_ACCESS = (
    "the token needs to read the organisation's secrets (a classic token: `admin:org`; a "
    "fine-grained one: organisation Secrets read)"
)


class OrgSecretScan:
    """One scan per organisation secret per run; workflows already read are not read again."""

    def __init__(self, gh: Github, known: dict[str, References]) -> None:
        self.gh = gh
        self.known = known  # lower-cased OWNER/REPO -> its default branch's references
        self._done: dict[tuple[str, str], OrgSecretUse] = {}

    def uses_for(self, facts: RepositoryFacts) -> tuple[OrgSecretUse, ...]:
        wanted = {
            (s.secret.where, s.secret.name)
            for s in facts.secrets
            if s.secret.scope == "organization"
        }
        return tuple(self.use(org, name) for org, name in sorted(wanted))

    def use(self, org: str, name: str) -> OrgSecretUse:
        key = (org.lower(), name.upper())
        if key not in self._done:
            try:
                self._done[key] = self._scan(org, name)
            except (RateLimitExhausted, TokenRejected):
                raise
            except GitHubAccessError as error:
                self._done[key] = OrgSecretUse(org, name, problem=str(error))
        return self._done[key]

    def _scan(self, org: str, name: str) -> OrgSecretUse:
        what = f"organisation secret {name} of {org}"
        with explained(f"reading {what}", ORG_SECRETS_ACCESS):
            _, secret = self.gh.requester.requestJsonAndCheck(
                "GET", f"/orgs/{quote(org, safe='')}/actions/secrets/{quote(name, safe='')}"
            )
            visible = list(self._visible(org, name, str((secret or {}).get("visibility"))))
        used_by = []
        for repo in visible:
            with explained(f"{repo.full_name}: reading its workflows (it can see {name})"):
                found = self._references(repo)
            if found.used(name) or found.unknowable:
                used_by.append(repo.full_name)
        return OrgSecretUse(org, name, tuple(r.full_name for r in visible), tuple(used_by))

    def _visible(self, org: str, name: str, visibility: str) -> Iterable[Any]:
        if visibility == "selected":
            from github.PaginatedList import PaginatedList
            from github.Repository import Repository

            url = f"/orgs/{quote(org, safe='')}/actions/secrets/{quote(name, safe='')}/repositories"
            return PaginatedList(Repository, self.gh.requester, url, None, list_item="repositories")
        repos = self.gh.get_organization(org).get_repos(type="all")
        if visibility == "private":  # private and internal repositories
            return [r for r in repos if r.private]
        return repos

    def _references(self, repo: Any) -> References:
        key = repo.full_name.lower()
        if key not in self.known:
            texts = {w.path: w.text for w in read_workflows(repo, repo.default_branch)}
            self.known[key] = references(texts)
        return self.known[key]
