"""PyGithub's transport with trustpub's gate in front of every attempt, and its retry rules.

PyGithub sends each request through a `requests` session whose urllib3 pool retries on its own
(`GithubRetry`): a retry never passes PyGithub's pacing again. Here the pool's `urlopen`, which
urllib3 calls again for each retry, asks the `RequestGate` first, so the first try and every
retry wait for a pause and for the write interval alike. `PacedRetry` keeps PyGithub's retry
decisions (5xx and rate limits; a POST is retried, a PATCH only after a rate limit, which means
it was not applied) but leaves the waiting for a rate limit to the gate, so all threads wait.
"""

from __future__ import annotations

import json
import logging
import weakref
from datetime import datetime, timezone
from types import TracebackType
from typing import TYPE_CHECKING, Any

from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from trustpub.github.pacing import RequestGate

if TYPE_CHECKING:
    from urllib3.connectionpool import ConnectionPool
    from urllib3.response import BaseHTTPResponse

    from github import Github

RATE_LIMIT_STATUSES = (403, 429)
GRAPHQL_TIMEOUTS = (502, 504)  # GitHub's 10-second limit on a query: a smaller batch, not a retry
_GATES: weakref.WeakKeyDictionary[Any, RequestGate] = weakref.WeakKeyDictionary()
_LOG = logging.getLogger("trustpub.github.transport")


class PacedRetry(Retry):
    """urllib3 retries with GitHub's rules; every wait for a rate limit is the gate's."""

    def __init__(
        self, gate: RequestGate, max_rate_limit_wait: float | None = None, **kwargs: Any
    ) -> None:
        self.gate = gate
        self.max_rate_limit_wait = max_rate_limit_wait
        self.rate_limited = False
        kwargs.setdefault("status_forcelist", [*range(500, 600), *RATE_LIMIT_STATUSES])
        kwargs.setdefault("allowed_methods", Retry.DEFAULT_ALLOWED_METHODS | {"GET", "POST"})
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> PacedRetry:
        kw.setdefault("gate", self.gate)
        kw.setdefault("max_rate_limit_wait", self.max_rate_limit_wait)
        return super().new(**kw)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code in RATE_LIMIT_STATUSES:  # refused, so never applied: safe for any verb
            return True
        return super().is_retry(method, status_code, has_retry_after)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> PacedRetry:
        ticket = self.gate.current
        # this attempt is over; the next one is admitted afresh
        self.gate.done(ticket, None, response.headers if response is not None else None)
        limited = False
        if response is not None and response.status in RATE_LIMIT_STATUSES:
            limited = self._rate_limit(method or "", url or "", response, ticket)
        elif (
            response is not None
            and response.status in GRAPHQL_TIMEOUTS
            and graphql_operation_of(ticket) == "query"
            and any(h.status in GRAPHQL_TIMEOUTS for h in self.history)
        ):
            reason = ResponseError(f"GraphQL query timed out twice ({response.status})")
            raise MaxRetryError(_pool, url or "", reason)  # type: ignore[arg-type]
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        retry.rate_limited = limited
        what = response.status if response is not None else type(error).__name__
        _LOG.debug("trustpub: retrying %s %s after %s", method, _path(url or ""), what)
        return retry

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        """A server error or a dropped connection: this thread backs off (a rate limit: the
        gate holds every thread until the pause is over)."""
        if self.rate_limited:
            return
        wait = self.get_retry_after(response) if response is not None else None
        if wait is None:
            wait = self.get_backoff_time()
        if wait > 0:
            self.gate.timer.wait(wait)

    def _rate_limit(self, method: str, url: str, response: BaseHTTPResponse, ticket: Any) -> bool:
        """Pause every thread as GitHub asks, or raise what PyGithub would for a plain 403/429."""
        from github.GithubException import RateLimitExceededExceedsMaxWait
        from github.Requester import Requester

        headers = {k.lower(): v for k, v in response.headers.items()}
        data = _body(response, url)
        message = str(data.get("message") or "") if isinstance(data, dict) else ""
        retry_after = _seconds(headers.get("retry-after"))
        secondary = Requester.isSecondaryRateLimitError(message)
        primary = Requester.isPrimaryRateLimitError(message) or (
            headers.get("x-ratelimit-remaining") == "0" and not secondary
        )
        what = f"{response.status} on {method} {_path(url)}"
        if primary:
            wait = self._until_reset(headers, retry_after)
            if self.max_rate_limit_wait is not None and wait > self.max_rate_limit_wait:
                raise RateLimitExceededExceedsMaxWait(
                    response.status, data, dict(response.headers), wait=wait
                )
            self.gate.pause.hold(wait, f"GitHub's API rate limit is spent ({what})")
            return True
        if secondary or retry_after is not None or response.status == 429:
            tries = 1 + sum(1 for h in self.history if h.status in RATE_LIMIT_STATUSES)
            generation = ticket.generation if ticket is not None else self.gate.pause.generation
            wait = self.gate.pause.secondary(
                retry_after, f"GitHub's secondary rate limit ({what})", generation, tries
            )
            if self.max_rate_limit_wait is not None and wait > self.max_rate_limit_wait:
                raise RateLimitExceededExceedsMaxWait(
                    response.status, data, dict(response.headers), wait=wait
                )
            return True
        raise Requester.createException(response.status, dict(response.headers), data)

    def _until_reset(self, headers: dict[str, str], retry_after: float | None) -> float:
        reset = _seconds(headers.get("x-ratelimit-reset"))
        wait = reset - self.gate.timer.now() + 1 if reset is not None else 60.0
        return max(wait, retry_after or 0.0, 1.0)


def graphql_operation_of(ticket: Any) -> str | None:
    """ "query" or "mutation" for an attempt on /graphql; None for any other endpoint."""
    if ticket is None or not str(ticket.path).endswith("/graphql"):
        return None
    return "mutation" if ticket.write else "query"


class _PacedPool:
    """Mixed into urllib3's pools: the gate admits every attempt, first try and each retry."""

    gate: RequestGate

    def urlopen(  # type: ignore[no-untyped-def]
        self, method: str, url: str, body=None, headers=None, retries=None, *args, **kwargs
    ):
        ticket = self.gate.admit(method, url, body)
        try:
            response = super().urlopen(  # type: ignore[misc]
                method, url, body, headers, retries, *args, **kwargs
            )
        except BaseException:
            self.gate.done(ticket)
            raise
        self.gate.done(ticket, response.status, response.headers)
        return response


def _pools(gate: RequestGate) -> dict[str, type]:
    return {
        "http": type("PacedHTTPConnectionPool", (_PacedPool, HTTPConnectionPool), {"gate": gate}),
        "https": type(
            "PacedHTTPSConnectionPool", (_PacedPool, HTTPSConnectionPool), {"gate": gate}
        ),
    }


class PacedAdapter(HTTPAdapter):
    """A requests adapter whose connection pools go through the gate."""

    def __init__(self, gate: RequestGate, **kwargs: Any) -> None:
        self.gate = gate
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pools(self.gate)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _pools(self.gate)
        return manager


class _PacedConnection:
    """Mixed into PyGithub's connection classes: the adapter above mounted on the session."""

    retry: Any
    pool_size: int
    protocol: str
    session: Any
    adapter: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gate = getattr(self.retry, "gate", None)
        if isinstance(gate, RequestGate):
            self.adapter = PacedAdapter(
                gate,
                max_retries=self.retry,
                pool_connections=self.pool_size,
                pool_maxsize=self.pool_size,
            )
            self.session.mount(f"{self.protocol}://", self.adapter)


def install(gh: Github, gate: RequestGate) -> None:
    """Route every request of `gh` through `gate` (its retry must be a PacedRetry on it)."""
    requester = gh.requester
    attribute = "_Requester__connectionClass"  # PyGithub's per-client transport
    base = getattr(requester, attribute, None)
    if not isinstance(base, type) or not hasattr(base, "getresponse"):
        raise RuntimeError(
            "this PyGithub version builds its connections differently: trustpub cannot pace "
            "its requests (install PyGithub 2.x as pyproject.toml says)"
        )
    setattr(requester, attribute, type(f"Paced{base.__name__}", (_PacedConnection, base), {}))
    _GATES[gh] = gate


def gate_of(gh: Github) -> RequestGate:
    """The gate of a client made by `GitHubSettings.connect`."""
    try:
        return _GATES[gh]
    except KeyError:
        raise RuntimeError("a GitHub client not made by GitHubSettings.connect()") from None


def _body(response: BaseHTTPResponse, url: str) -> Any:
    from github import GithubRetry

    try:
        content = GithubRetry.get_content(response, url)  # type: ignore[arg-type]
        return json.loads(content) if content else {}
    except (ValueError, TypeError):
        return {}


def _seconds(value: str | None) -> float | None:
    """A number of seconds, or epoch seconds (Retry-After may also be an HTTP date)."""
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((moment - datetime.now(timezone.utc)).total_seconds(), 0.0)


def _path(url: str) -> str:
    return url.split("?", 1)[0]
