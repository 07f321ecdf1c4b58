"""The one place that builds a PyGithub client: token from the environment, retries, pacing."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from github import Github

DEFAULT_BASE_URL = "https://api.github.com"
DEFAULT_TOKEN_ENV = "GITHUB_TOKEN"
FALLBACK_TOKEN_ENV = "GH_TOKEN"
# GitHub's REST guidance: at least 1 s between writes; wait 60 s on a secondary limit.
DEFAULT_WRITE_INTERVAL = 1.0
DEFAULT_SECONDARY_WAIT = 60.0


class GitHubAccessError(Exception):
    """A GitHub problem a user can act on, as one line (never carrying the token)."""


class Token:
    """A secret string that never shows itself in a repr, a str or a log line."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Token(***)"

    __str__ = __repr__


@dataclass(frozen=True)
class GitHubSettings:
    token: Token = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    write_interval: float = DEFAULT_WRITE_INTERVAL
    request_interval: float = 0.0
    secondary_rate_wait: float = DEFAULT_SECONDARY_WAIT
    max_rate_limit_wait: float | None = 3600.0
    timeout: float = 30.0

    @property
    def is_enterprise(self) -> bool:
        return self.base_url.rstrip("/") != DEFAULT_BASE_URL

    def connect(self) -> Github:
        """A PyGithub client with retries and write pacing (imported only when used)."""
        from github import Auth, Github, GithubRetry

        retry = GithubRetry(
            secondary_rate_wait=self.secondary_rate_wait,
            max_rate_limit_wait=self.max_rate_limit_wait,
            total=10,
            backoff_factor=0.5 if self.secondary_rate_wait else 0,
        )
        return Github(
            auth=Auth.Token(self.token.reveal()),
            base_url=self.base_url.rstrip("/"),
            timeout=int(self.timeout),
            retry=retry,
            seconds_between_requests=self.request_interval,
            seconds_between_writes=self.write_interval,
        )


def token_from_environment(
    name: str = DEFAULT_TOKEN_ENV, environ: Mapping[str, str] | None = None
) -> Token:
    """The token from the named variable (else GH_TOKEN); a clear error when neither is set."""
    env = os.environ if environ is None else environ
    for candidate in (name, FALLBACK_TOKEN_ENV):
        value = env.get(candidate, "").strip()
        if value:
            return Token(value)
    raise GitHubAccessError(
        f"no GitHub token: set {name} (or {FALLBACK_TOKEN_ENV}) to a token that can read the "
        "repositories (and their Actions secrets, for the secrets report)"
    )
