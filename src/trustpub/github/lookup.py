"""What `diff` and `apply` look up on GitHub for a local checkout, added to its report.

With a token and the repository's OWNER/REPO: which obsolete secrets exist (and where), and, on
request, the deployment environments created. Without a token the report says the check was not
done and how to enable it; the run never fails for that. A GitHub error is one line in that
repository's report and the run goes on; once the rate limit is exhausted or the token rejected,
the remaining repositories are not looked up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from trustpub.github.client import (
    GitHubAccessError,
    GitHubSettings,
    MissingToken,
    settings_from_environment,
)
from trustpub.github.defaults import DEFAULT_BASE_URL, DEFAULT_TOKEN_ENV, FALLBACK_TOKEN_ENV
from trustpub.github.errors import RateLimitExhausted, TokenRejected, explained
from trustpub.github.secrets import existing_secrets
from trustpub.repository import GitHubCheck, Outcome, RepositoryResult

if TYPE_CHECKING:
    from github.Repository import Repository

    from github import Github

NOT_MIGRATED = (
    "environments not created: this run migrated no publish job (trustpub creates the "
    "environments of the jobs it migrates; create them in the repository settings)"
)


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
        self.no_token = False
        self.unusable: str | None = None  # e.g. a --base-url that is not a URL
        self.stopped: GitHubAccessError | None = None  # rate limit exhausted, or token rejected
        self._client: Github | None = None
        try:
            self.settings = settings_from_environment(
                request.token_env, request.base_url or DEFAULT_BASE_URL
            )
        except MissingToken:
            self.no_token = True
        except GitHubAccessError as error:
            self.unusable = str(error)

    @property
    def rate_limited(self) -> bool:
        return isinstance(self.stopped, RateLimitExhausted)

    def __call__(self, result: RepositoryResult, full_name: str | None) -> RepositoryResult:
        """The result with what GitHub says about it (unchanged when there is nothing to ask)."""
        wants_secrets = bool(result.obsolete_secrets)
        wants_environments = self.request.create_environments and bool(result.changed_files)
        if not wants_secrets and not wants_environments:
            if self.request.create_environments and result.outcome is Outcome.MIGRATED:
                return replace(result, on_github=GitHubCheck(full_name, problems=(NOT_MIGRATED,)))
            return result
        return replace(result, on_github=self.check(result, full_name, wants_environments))

    def check(
        self, result: RepositoryResult, full_name: str | None, environments: bool
    ) -> GitHubCheck:
        earlier = result.on_github.problems if result.on_github else ()  # e.g. from the worker
        not_done = self._not_done(full_name, environments)
        if not_done:
            return GitHubCheck(full_name, problems=(*earlier, *not_done))
        assert full_name is not None
        check = GitHubCheck(full_name, problems=earlier)
        try:
            with explained(full_name):
                repo = self._connect().get_repo(full_name)
            if result.obsolete_secrets:
                check = self._step(check, lambda: self._secrets(check, result, repo))
            if environments:
                check = self._step(check, lambda: self._environments(check, result, repo))
        except GitHubAccessError as error:
            check = self._failed(check, error)
        return check

    def _step(self, check: GitHubCheck, step: Callable[[], GitHubCheck]) -> GitHubCheck:
        """One lookup; its failure is a line in the report, and the next step still runs
        unless no request can succeed any more."""
        try:
            return step()
        except (RateLimitExhausted, TokenRejected):
            raise
        except GitHubAccessError as error:
            return self._failed(check, error)

    def _failed(self, check: GitHubCheck, error: GitHubAccessError) -> GitHubCheck:
        problem = str(error)
        if isinstance(error, RateLimitExhausted | TokenRejected):
            self.stopped = error
        if isinstance(error, RateLimitExhausted):
            problem += f"; run again {error.when}"
        return replace(check, problems=(*check.problems, problem))

    @staticmethod
    def _secrets(check: GitHubCheck, result: RepositoryResult, repo: Repository) -> GitHubCheck:
        names = [secret.name for secret in result.obsolete_secrets]
        found = tuple(existing_secrets(repo, names))
        return replace(check, secrets_checked=True, existing_secrets=found)

    def _environments(
        self, check: GitHubCheck, result: RepositoryResult, repo: Repository
    ) -> GitHubCheck:
        from trustpub.github.environments import ensure_environments, wanted_environments

        wanted = wanted_environments(result, self.request.pypi_reviewers)
        changes = ensure_environments(self._connect(), repo, list(wanted), wanted)
        return replace(check, environments=tuple(changes))

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
        if self.unusable is not None:
            return (f"{what}: {self.unusable}",)
        if self.no_token:
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
