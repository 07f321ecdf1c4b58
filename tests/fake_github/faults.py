"""Deterministic fault injection: server errors, rate limits, latency and lost write responses."""

from __future__ import annotations

import fnmatch
import json
import random
import re
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Literal

from fake_github.ratelimit import RateLimits

SECONDARY_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {request_id}."
)
PRIMARY_LIMIT_MESSAGE = (
    "API rate limit exceeded for user ID {user_id}. If you reach out to GitHub Support for help, "
    "please include the request ID {request_id} and timestamp {timestamp}."
)
RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_LIMIT_DOCS = (
    "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api"
    "#about-secondary-rate-limits"
)

FaultKind = Literal["error", "latency", "lost_response"]
PathPattern = str | re.Pattern[str] | None


@dataclass
class FaultRule:
    """One injected fault. `times` caps how often it fires, `rate` fires it on a seeded fraction
    of the matching requests, `skip` lets the first matching requests through.

    `method` is an HTTP verb, "write" (any non-GET but a GraphQL query), "read" (GET, or a
    GraphQL query) or None (any); `graphql` a field or operation name the GraphQL document must
    contain (a regex word, e.g. "createRef"); `path` is a glob (fnmatch, `*`
    also crosses "/") or a compiled regex, matched against the raw request path without the
    query string and without a base-URL prefix. Requests PyGithub sends to id forms such as
    /repositories/{id}/… (pagination links, search items) are matched in that form.
    """

    kind: FaultKind
    method: str | None = None
    path: PathPattern = None
    times: int | None = 1
    rate: float | None = None
    skip: int = 0
    status: int = 502
    message: str | None = None
    documentation_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    mode: Literal["502", "drop"] = "502"
    seen: int = 0
    fired: int = 0
    # GraphQL: only requests whose body (document and variables) has this word, a regex: a field
    # or operation ("createRef", "TrustpubRead") or a value ("pkg-01")
    graphql: str | None = None

    def matches(self, method: str, path: str, body: object = None) -> bool:
        document = body.get("query") if isinstance(body, dict) else None
        if self.graphql is not None and not (
            isinstance(body, dict) and re.search(rf"\b{self.graphql}\b", json.dumps(body))
        ):
            return False
        reads = method in ("GET", "HEAD", "OPTIONS") or (
            path.endswith("/graphql") and _is_query(document)
        )
        if self.method == "write":
            if reads:
                return False
        elif self.method == "read":
            if not reads:
                return False
        elif self.method is not None and self.method.upper() != method:
            return False
        if self.path is None:
            return True
        if isinstance(self.path, re.Pattern):
            return self.path.search(path) is not None
        return fnmatch.fnmatchcase(path, self.path)


def _is_query(document: object) -> bool:
    """A GraphQL query reads (a mutation writes)."""
    if not isinstance(document, str):
        return False
    text = "\n".join(
        line for line in document.splitlines() if not line.lstrip().startswith("#")
    ).lstrip()
    return text.startswith(("{", "query"))


class Faults:
    """The fault plan of one fake server. All randomness comes from one seeded generator."""

    def __init__(self, rate_limits: RateLimits, seed: int = 0) -> None:
        self._rate_limits = rate_limits
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.rules: list[FaultRule] = []
        self.primary_limit_status = 403

    def seed(self, seed: int) -> None:
        with self._lock:
            self._random = random.Random(seed)

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def add(self, rule: FaultRule) -> FaultRule:
        """Register a rule. Without `times` and `rate`, an error or lost response fires once."""
        if rule.times is None and rule.rate is None and rule.kind != "latency":
            rule.times = 1
        with self._lock:
            self.rules.append(rule)
        return rule

    def server_error(
        self,
        status: int = 502,
        *,
        times: int | None = None,
        rate: float | None = None,
        method: str | None = None,
        path: PathPattern = None,
        skip: int = 0,
        retry_after: int | None = None,
        graphql: str | None = None,
    ) -> FaultRule:
        """5xx on the next `times` matching requests (or on a `rate` fraction of them)."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        message = "Server Error" if status == 500 else HTTPStatus(status).phrase
        return self.add(
            FaultRule(
                "error",
                method,
                path,
                times,
                rate,
                skip,
                status,
                message,
                None,
                headers,
                graphql=graphql,
            )
        )

    def secondary_rate_limit(
        self,
        *,
        status: int = 403,
        retry_after: int | None = None,
        times: int | None = None,
        rate: float | None = None,
        method: str | None = None,
        path: PathPattern = None,
        skip: int = 0,
        graphql: str | None = None,
    ) -> FaultRule:
        """GitHub's secondary limit as a 403 or 429, with or without `Retry-After`."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return self.add(
            FaultRule(
                "error",
                method,
                path,
                times,
                rate,
                skip,
                status,
                SECONDARY_LIMIT_MESSAGE,
                SECONDARY_LIMIT_DOCS,
                headers,
                graphql=graphql,
            )
        )

    def too_many_requests(
        self,
        *,
        retry_after: int | None = None,
        times: int | None = None,
        method: str | None = None,
        path: PathPattern = None,
        graphql: str | None = None,
    ) -> FaultRule:
        """A 429 carrying the secondary-limit message."""
        return self.secondary_rate_limit(
            status=429,
            retry_after=retry_after,
            times=times,
            method=method,
            path=path,
            graphql=graphql,
        )

    def primary_rate_limit(
        self, *, reset_in: float = 0, resource: str = "core", status: int = 403
    ) -> None:
        """Exhaust the budget now: 403 (or 429) "API rate limit exceeded" until the reset."""
        self._rate_limits.configure(resource, remaining=0, reset_in=reset_in)
        self.primary_limit_status = status

    def latency(
        self,
        seconds: float,
        *,
        times: int | None = None,
        rate: float | None = None,
        method: str | None = None,
        path: PathPattern = None,
        skip: int = 0,
    ) -> FaultRule:
        """Delay matching requests by `seconds` of real time (keep it to fractions of a second)."""
        return self.add(FaultRule("latency", method, path, times, rate, skip, seconds=seconds))

    def lose_response(
        self,
        *,
        method: str | None = "write",
        path: PathPattern = None,
        mode: Literal["502", "drop"] = "502",
        times: int | None = None,
        rate: float | None = None,
        skip: int = 0,
        graphql: str | None = None,
    ) -> FaultRule:
        """Apply a successful request, then answer 502 or close the connection without an answer."""
        rule = FaultRule(
            "lost_response", method, path, times, rate, skip, 502, mode=mode, graphql=graphql
        )
        rule.message = HTTPStatus.BAD_GATEWAY.phrase
        return self.add(rule)

    def pick(
        self, kind: FaultKind, method: str, path: str, body: object = None
    ) -> FaultRule | None:
        """The first rule of `kind` that fires for this request, counting it as fired."""
        with self._lock:
            for rule in self.rules:
                if rule.kind != kind or not rule.matches(method, path, body):
                    continue
                rule.seen += 1
                if rule.seen <= rule.skip:
                    continue
                if rule.times is not None and rule.fired >= rule.times:
                    continue
                if rule.rate is not None and self._random.random() >= rule.rate:
                    continue
                rule.fired += 1
                return rule
        return None
