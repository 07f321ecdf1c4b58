"""Turn PyGithub and transport errors into one clear line each."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

from trustpub.github.client import GitHubAccessError, redact

SECRETS_ACCESS = (
    "the token needs read access to the repository's Actions secrets (a classic token: the "
    "`repo` scope; a fine-grained one: Secrets read) and, for organisation secrets, an "
    "organisation the token is allowed into"
)
REPOSITORY_ACCESS = "the token needs read access to the repository's contents"


class RateLimitExhausted(GitHubAccessError):
    """The token's budget is spent; the run must stop and resume later."""

    def __init__(self, message: str, resets_at: datetime | None = None) -> None:
        super().__init__(message)
        self.resets_at = resets_at

    @property
    def when(self) -> str:
        """When to run again, for a message: "after 14:05 UTC" or "later"."""
        if self.resets_at is None:
            return "later"
        return f"after {self.resets_at.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"


class TokenRejected(GitHubAccessError):
    """401: the token is wrong, expired or revoked; no other request will succeed either."""


@contextmanager
def explained(what: str, needs: str = REPOSITORY_ACCESS) -> Iterator[None]:
    """Re-raise anything GitHub throws while doing `what` as a GitHubAccessError.

    `needs` says what access the token lacks when GitHub answers 403.
    """
    from github.GithubException import (
        BadCredentialsException,
        RateLimitExceededException,
        UnknownObjectException,
    )
    from requests.exceptions import RequestException, RetryError

    from github import GithubException

    try:
        yield
    except BadCredentialsException:
        raise TokenRejected(
            f"{what}: GitHub rejected the token (401 Bad credentials): it is wrong, expired or "
            "revoked, or meant for another GitHub (see --base-url)"
        ) from None
    except RateLimitExceededException as error:
        raise _exhausted(what, error) from None
    except UnknownObjectException:
        raise GitHubAccessError(f"{what}: not found, or the token cannot see it (404)") from None
    except GithubException as error:
        message = _message(error)
        if error.status == 429:
            raise _exhausted(what, error) from None
        if error.status == 403:
            raise GitHubAccessError(
                f"{what}: forbidden (403: {message or 'no access'}); {needs}"
            ) from None
        raise GitHubAccessError(f"{what}: GitHub answered {error.status}: {message}") from None
    except RetryError as error:
        # GithubRetry retries a 403 only when it is a rate limit: running out of those retries
        # means the limit held.
        if "403" in str(error) or "429" in str(error):
            raise RateLimitExhausted(
                f"{what}: GitHub kept answering with its secondary rate limit"
            ) from None
        raise GitHubAccessError(
            f"{what}: GitHub kept failing (server errors after every retry); try again later"
        ) from None
    except RequestException as error:
        raise GitHubAccessError(
            f"{what}: GitHub could not be reached ({type(error).__name__})"
        ) from None


def _exhausted(what: str, error: Any) -> RateLimitExhausted:
    resets_at = _reset_time(getattr(error, "headers", None), getattr(error, "wait", None))
    return RateLimitExhausted(f"{what}: the GitHub API rate limit is exhausted", resets_at)


def _reset_time(headers: Mapping[str, Any] | None, wait: float | None) -> datetime | None:
    if wait:
        return datetime.now(timezone.utc) + timedelta(seconds=wait)
    lowered = {str(k).lower(): v for k, v in (headers or {}).items()}
    reset = str(lowered.get("x-ratelimit-reset", ""))
    if str(lowered.get("x-ratelimit-remaining", "")) == "0" and reset.isdigit():
        return datetime.fromtimestamp(int(reset), timezone.utc)
    retry_after = str(lowered.get("retry-after", ""))
    if retry_after.isdigit():
        return datetime.now(timezone.utc) + timedelta(seconds=int(retry_after))
    return None


def _message(error: object) -> str:
    data = getattr(error, "data", None)
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return redact(str(data["message"]).splitlines()[0] if data["message"] else "")
    return redact(str(getattr(error, "message", "") or ""))
