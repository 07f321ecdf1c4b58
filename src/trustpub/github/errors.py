"""Turn PyGithub and transport errors into one clear line each."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from trustpub.github.client import GitHubAccessError


class RateLimitExhausted(GitHubAccessError):
    """The token's budget is spent; the run must stop and resume later."""


@contextmanager
def explained(what: str) -> Iterator[None]:
    """Re-raise anything GitHub throws while doing `what` as a GitHubAccessError."""
    from github.GithubException import (
        BadCredentialsException,
        RateLimitExceededException,
        UnknownObjectException,
    )
    from requests.exceptions import RequestException

    from github import GithubException

    try:
        yield
    except BadCredentialsException:
        raise GitHubAccessError(
            f"{what}: GitHub rejected the token (401 Bad credentials)"
        ) from None
    except RateLimitExceededException:
        raise RateLimitExhausted(f"{what}: the GitHub API rate limit is exhausted") from None
    except UnknownObjectException:
        raise GitHubAccessError(f"{what}: not found, or the token cannot see it (404)") from None
    except GithubException as error:
        message = _message(error)
        if error.status == 403:
            raise GitHubAccessError(
                f"{what}: forbidden (403: {message or 'no access'}); the token needs the `repo` "
                "scope or the Actions secrets read permission"
            ) from None
        raise GitHubAccessError(f"{what}: GitHub answered {error.status}: {message}") from None
    except RequestException as error:
        raise GitHubAccessError(
            f"{what}: GitHub could not be reached or kept failing ({type(error).__name__})"
        ) from None


def _message(error: object) -> str:
    data = getattr(error, "data", None)
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    return str(getattr(error, "message", "") or "")
