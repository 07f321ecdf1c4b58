"""GitHub's GraphQL API through PyGithub's requester: one POST per document, its cost counted.

PyGithub's `Requester.graphql_query` raises as soon as an answer has `errors`, losing the data
of every alias that worked, so documents go through `requestJsonAndCheck` and the answer is read
here: data and errors per alias, rate limits, and the errors that mean "this server has no (such)
GraphQL" (the caller then reads through REST). Transport retries and waits are the gate's; a
rate limit GitHub reports inside a 200 answer is waited for here, through the same pause.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trustpub.github.client import GitHubAccessError
from trustpub.github.pacing import RequestGate

if TYPE_CHECKING:
    from github import Github

ATTEMPTS = 6  # a query answered with a rate limit inside a 200 is sent again after the pause
_SCHEMA_MISMATCH = (
    "doesn't exist on type",
    "Cannot query field",
    "Unknown argument",
    "Unknown type",
)


class GraphQLError(GitHubAccessError):
    """GitHub answered a document with errors and no usable data."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class GraphQLUnavailable(GraphQLError):
    """No GraphQL here (404), or not GitHub's schema (an older GitHub Enterprise Server)."""


class GraphQLTimeout(GraphQLError):
    """GitHub gave up on the query (502/504, or its resource limits): ask for less at once."""


@dataclass
class Answer:
    data: dict[str, Any]
    errors: list[dict[str, Any]]

    def error_at(self, alias: str) -> dict[str, Any] | None:
        """The first error whose path starts at `alias`."""
        return next((e for e in self.errors if (e.get("path") or [None])[0] == alias), None)


@dataclass
class Usage:
    """What the run spent on GraphQL: queries, their points (`rateLimit.cost`), mutations."""

    queries: int = 0
    points: int = 0
    mutations: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, mutation: bool, cost: int) -> None:
        with self._lock:
            if mutation:
                self.mutations += 1
            else:
                self.queries += 1
                self.points += cost


class GraphQL:
    def __init__(self, gh: Github, gate: RequestGate, max_wait: float) -> None:
        self.requester = gh.requester
        self.url = gh.requester.graphql_url
        self.gate = gate
        self.max_wait = max_wait
        self.usage = Usage()

    def run(self, document: str, variables: dict[str, Any], mutation: bool = False) -> Answer:
        """The answer's data and errors; raises when there is no data to use."""
        for attempt in range(1, ATTEMPTS + 1):
            headers, body = self._post(document, variables)
            body = body if isinstance(body, dict) else {}
            errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
            data = body.get("data")
            limited = next((e for e in errors if e.get("type") == "RATE_LIMITED"), None)
            if limited is not None and not data:
                self._wait(limited, headers, attempt)
                continue
            if data is None:
                raise _failure(errors)
            cost = (data.get("rateLimit") or {}).get("cost") if isinstance(data, dict) else None
            self.usage.add(mutation, int(cost) if isinstance(cost, int) else 1)
            return Answer(data if isinstance(data, dict) else {}, errors)
        raise GraphQLError("GitHub kept answering GraphQL with its rate limit")

    def _post(self, document: str, variables: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        from github.GithubException import GithubException
        from requests.exceptions import RetryError

        try:
            headers, body = self.requester.requestJsonAndCheck(
                "POST", self.url, input={"query": document, "variables": variables}
            )
        except GithubException as error:
            if error.status == 404:
                raise GraphQLUnavailable("this API has no GraphQL endpoint (404)") from None
            if error.status in (502, 504):
                raise GraphQLTimeout(f"GitHub gave up on the query ({error.status})") from None
            raise
        except RetryError as error:
            if "502" in str(error) or "504" in str(error) or "timed out" in str(error):
                raise GraphQLTimeout("GitHub gave up on the query (timed out)") from None
            raise
        return headers, body

    def _wait(self, error: dict[str, Any], headers: dict[str, Any], attempt: int) -> None:
        """A rate limit reported in a 200 answer: everyone waits, as for a 403."""
        from github.GithubException import RateLimitExceededExceedsMaxWait
        from github.Requester import Requester

        message = str(error.get("message") or "")
        now = self.gate.timer.now()
        if Requester.isSecondaryRateLimitError(message):
            reason = "GitHub's secondary rate limit (on a GraphQL query)"
            wait = self.gate.pause.secondary(None, reason, self.gate.pause.generation, attempt)
        else:
            reset = _reset(headers)
            wait = max((reset or now + 60.0) - now + 1, 1.0)
            if wait <= self.max_wait:
                self.gate.pause.hold(wait, "GitHub's GraphQL rate limit is spent")
        if wait > self.max_wait:
            raise RateLimitExceededExceedsMaxWait(403, {"message": message}, headers, wait=wait)
        self.gate.pause.wait()


def _reset(headers: dict[str, Any]) -> float | None:
    lowered = {str(k).lower(): v for k, v in (headers or {}).items()}
    value = str(lowered.get("x-ratelimit-reset", ""))
    return float(value) if value.isdigit() else None


def _failure(errors: list[dict[str, Any]]) -> GraphQLError:
    messages = [str(e.get("message") or "") for e in errors] or ["no data and no error"]
    text = "; ".join(messages[:3])
    if any(marker in m for m in messages for marker in _SCHEMA_MISMATCH):
        return GraphQLUnavailable(f"this API's GraphQL schema is not GitHub's: {text}", errors)
    if any(
        e.get("type") in ("MAX_NODE_LIMIT_EXCEEDED", "RESOURCE_LIMITS_EXCEEDED") for e in errors
    ):
        return GraphQLTimeout(f"GitHub refused the query's size: {text}", errors)
    return GraphQLError(f"GitHub answered GraphQL with errors: {text}", errors)
