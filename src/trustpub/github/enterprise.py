"""Is the API trustpub talks to GitHub Enterprise Server? Asked of the server, not guessed.

`GET /meta` carries `installed_version` only on GitHub Enterprise Server. PyPI accepts OIDC
tokens from github.com only, so on GHES the engine leaves token uploads alone with that reason.
Any other API URL (a proxy, a recording, a test server) is github.com-compatible unless the
server says otherwise; `--enterprise`/`--no-enterprise` overrides the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from trustpub.github.defaults import DEFAULT_BASE_URL

if TYPE_CHECKING:
    from github import Github


@dataclass(frozen=True)
class Platform:
    enterprise: bool
    how: str  # for the output: "GET /meta says GitHub Enterprise Server 3.14.2", ...

    @property
    def line(self) -> str:
        kind = "GitHub Enterprise Server" if self.enterprise else "github.com"
        return f"trustpub bot: {kind} ({self.how})"


def detect_platform(gh: Github, base_url: str, override: bool | None = None) -> Platform:
    """What the server is: from `override` when given, else from GET /meta (one request, none
    for api.github.com)."""
    from github.GithubException import GithubException
    from requests.exceptions import RequestException

    if override is not None:
        flag = "--enterprise" if override else "--no-enterprise"
        return Platform(override, f"as {flag} says")
    if base_url.rstrip("/") == DEFAULT_BASE_URL:
        return Platform(False, DEFAULT_BASE_URL)
    try:
        _, meta = gh.requester.requestJsonAndCheck("GET", "/meta")
    except (GithubException, RequestException) as error:
        status = getattr(error, "status", None) or type(error).__name__
        return Platform(
            False,
            f"GET /meta failed ({status}): assuming a github.com-compatible API; "
            "pass --enterprise if it is GitHub Enterprise Server",
        )
    version = meta.get("installed_version") if isinstance(meta, dict) else None
    if version:
        return Platform(True, f"GET /meta says GitHub Enterprise Server {version}")
    return Platform(False, "GET /meta names no GitHub Enterprise Server version")
