"""What `diff` and `apply` look up on GitHub for a local checkout, added to its report.

With a token and the repository's OWNER/REPO: which obsolete secrets exist (and where), and, on
request, the deployment environments created. Without a token the report says the check was not
done and how to enable it; the run never fails for that. A GitHub error is one line in that
repository's report and the run goes on; once the rate limit is exhausted or the token rejected,
the remaining repositories are not looked up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import typer

from trustpub.github.client import (
    DEFAULT_BASE_URL,
    DEFAULT_TOKEN_ENV,
    FALLBACK_TOKEN_ENV,
    GitHubAccessError,
    GitHubSettings,
    settings_from_environment,
)
from trustpub.github.errors import RateLimitExhausted, TokenRejected, explained
from trustpub.github.secrets import existing_secrets
from trustpub.repository import GitHubCheck, RepositoryResult

if TYPE_CHECKING:
    from github import Github


@dataclass(frozen=True)
class LookupRequest:
    """What the command line asked for."""

    token_env: str = DEFAULT_TOKEN_ENV
    base_url: str | None = None
    create_environments: bool = False
    pypi_reviewers: tuple[str, ...] = ()


class GitHubLookup:
    """Adds a GitHubCheck to each repository's result; one client for the whole run."""

    def __init__(self, request: LookupRequest) -> None:
        self.request = request
        self.settings: GitHubSettings | None = None
        self.no_token: str | None = None
        self.stopped: GitHubAccessError | None = None  # rate limit exhausted, or token rejected
        self._client: Github | None = None
        try:
            self.settings = settings_from_environment(
                request.token_env, request.base_url or DEFAULT_BASE_URL
            )
        except GitHubAccessError as error:
            self.no_token = str(error)

    @property
    def rate_limited(self) -> bool:
        return isinstance(self.stopped, RateLimitExhausted)

    def __call__(self, result: RepositoryResult, full_name: str | None) -> RepositoryResult:
        """The result with what GitHub says about it (unchanged when there is nothing to ask)."""
        wants_secrets = bool(result.obsolete_secrets)
        wants_environments = self.request.create_environments and bool(result.changed_files)
        if not wants_secrets and not wants_environments:
            return result
        return replace(result, on_github=self.check(result, full_name, wants_environments))

    def check(
        self, result: RepositoryResult, full_name: str | None, environments: bool
    ) -> GitHubCheck:
        not_done = self._not_done(full_name, environments)
        if not_done:
            return GitHubCheck(full_name, problems=not_done)
        assert full_name is not None
        check = GitHubCheck(full_name)
        try:
            check = self._look_up(result, full_name, environments)
        except RateLimitExhausted as error:
            self.stopped = error
            check = replace(check, problems=(f"{error}; run again {error.when}",))
        except TokenRejected as error:
            self.stopped = error
            check = replace(check, problems=(str(error),))
        except GitHubAccessError as error:
            check = replace(check, problems=(str(error),))
        return check

    def _look_up(self, result: RepositoryResult, full_name: str, environments: bool) -> GitHubCheck:
        from trustpub.github.environments import ensure_environments, wanted_environments

        gh = self._connect()
        with explained(full_name):
            repo = gh.get_repo(full_name)
        check = GitHubCheck(full_name)
        if result.obsolete_secrets:
            names = [secret.name for secret in result.obsolete_secrets]
            check = replace(
                check, secrets_checked=True, existing_secrets=tuple(existing_secrets(repo, names))
            )
        if environments:
            wanted = wanted_environments(result, self.request.pypi_reviewers)
            changes = ensure_environments(gh, repo, list(wanted), wanted)
            check = replace(check, environments=tuple(changes))
        return check

    def _not_done(self, full_name: str | None, environments: bool) -> tuple[str, ...]:
        what = "obsolete secrets not checked on GitHub" + (
            ", environments not created" if environments else ""
        )
        if isinstance(self.stopped, RateLimitExhausted):
            return (
                f"{what}: the GitHub API rate limit is exhausted; run again {self.stopped.when}",
            )
        if self.stopped is not None:
            return (f"{what}: GitHub rejected the token (401)",)
        if self.no_token is not None:
            names = (
                self.request.token_env
                if self.request.token_env == FALLBACK_TOKEN_ENV
                else f"{self.request.token_env} (or {FALLBACK_TOKEN_ENV})"
            )
            return (
                f"{what}: no GitHub token; to check, set {names} to a token that can read the "
                "repository's Actions secrets",
            )
        if full_name is None:
            return (
                f"{what}: the repository is unknown (no github.com `origin` remote); pass "
                "--github OWNER/REPO",
            )
        return ()

    def _connect(self) -> Github:
        if self._client is None:
            assert self.settings is not None
            self._client = self.settings.connect()
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def reviewer_option(values: list[str] | None) -> list[str]:
    """Typer callback for --pypi-reviewer: each value is USER or ORG/TEAM."""
    from trustpub.github.environments import invalid_reviewer

    for value in values or []:
        problem = invalid_reviewer(value)
        if problem:
            raise typer.BadParameter(problem)
    return list(values or [])
