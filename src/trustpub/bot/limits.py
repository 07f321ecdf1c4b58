"""GitHub's limits, as the bot lives with them: the budget, and which failures are worth a retry.

Every request already waits at the gate (`github/pacing.py`): for any pause a rate limit asked
for, and, if it writes, for the write interval. Here the run decides, before each repository,
whether the budget left lasts, and after a failure, whether (and after how long) to try the
repository again. Every wait goes through a `Timer`, so tests run on the fake server's clock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from types import TracebackType
from typing import Any

from trustpub.bot.timer import Timer
from trustpub.github.pacing import RequestGate

SECONDARY_WAIT = 60.0  # GitHub: "wait at least one minute" when no Retry-After is given
SERVER_WAIT = 2.0
ATTEMPTS = 4  # per repository, for transient failures (server errors, rate limits)
RESERVE_PER_WORKER = 40  # requests a repository may need: below this, wait for the reset or stop
GRAPHQL_RESERVE = 20  # points a batched read may cost


class BudgetExhausted(Exception):
    """Too few requests remain until a reset that is further away than the run may wait."""

    def __init__(self, remaining: int, reset: float, resource: str = "core") -> None:
        self.remaining = remaining
        self.reset = reset
        when = datetime.fromtimestamp(reset, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        what = "GraphQL points" if resource == "graphql" else "requests"
        super().__init__(
            f"the GitHub API rate limit is spent ({max(remaining, 0)} {what} left) until {when}"
        )


class StaleRead(Exception):
    """The default branch moved between reading the workflows and committing: read again."""


@dataclass(frozen=True)
class Transient:
    """A failure worth retrying the repository for, and how long to wait first."""

    kind: str  # "secondary", "server", "stale" (primary limits: see `primary_reset`)
    wait: float
    retry_after: float | None = None


class WriteGate:
    """Serialises write phases: one repository's writes at a time (the request gate paces each
    request; this keeps a repository's branch, commit and pull request together)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def __enter__(self) -> WriteGate:
        self._lock.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._lock.release()


class Budget:
    """The primary budgets (REST requests, GraphQL points), as every answer's headers tell them:
    before each repository, wait for a reset that is near, or stop when it is far."""

    def __init__(self, gate: RequestGate, timer: Timer, max_wait: float, reserve: int) -> None:
        self.gate = gate
        self.timer = timer
        self.max_wait = max_wait
        self.reserves = {"core": reserve, "graphql": GRAPHQL_RESERVE}
        self._lock = threading.Lock()

    def remaining(self, resource: str = "core") -> int | None:
        known = self.gate.limits.get(resource)
        return known[0] if known else None

    def before_repository(self) -> None:
        with self._lock:
            for resource, reserve in self.reserves.items():
                known = self.gate.limits.get(resource)
                if known is None or known[0] >= reserve:
                    continue
                remaining, reset = known
                wait = reset - self.timer.now() + 1
                if wait <= 0:
                    continue  # the budget has been reset since that answer
                if wait > self.max_wait:
                    raise BudgetExhausted(remaining, reset, resource)
                self.gate.pause.hold(
                    wait, f"only {remaining} of the {resource} budget left until its reset"
                )
        self.gate.pause.wait()


def transient(error: BaseException, attempt: int) -> Transient | None:
    """Whether (and how long after) a repository that raised `error` is worth another go."""
    from github.GithubException import GithubException
    from requests.exceptions import ConnectionError, RetryError, Timeout

    if isinstance(error, StaleRead):
        return Transient("stale", 0.0)
    if isinstance(error, GithubException):
        return _from_status(error.status, _message(error), error.headers or {}, attempt)
    if isinstance(error, RetryError):
        # The transport gave up after its own retries: of 403/429 (a limit) or of 5xx (the server).
        text = str(error)
        if "403" in text or "429" in text:
            return Transient("secondary", SECONDARY_WAIT * 2 ** (attempt - 1))
        return Transient("server", SERVER_WAIT * 2 ** (attempt - 1))
    if isinstance(error, ConnectionError | Timeout):
        return Transient("server", SERVER_WAIT * 2 ** (attempt - 1))
    return None


def primary_reset(error: BaseException, now: float) -> float | None:
    """When the limit that stopped a request lifts (epoch seconds; 0.0 when GitHub did not say)
    if `error` is an exhausted primary limit or a wait longer than the run allows."""
    from github.GithubException import GithubException, RateLimitExceededExceedsMaxWait

    if isinstance(error, RateLimitExceededExceedsMaxWait) and error.wait:
        return now + error.wait
    if (
        isinstance(error, GithubException)
        and error.status in (403, 429)
        and _message(error).lower().startswith("api rate limit exceeded")
    ):
        headers = {k.lower(): v for k, v in (error.headers or {}).items()}
        value = str(headers.get("x-ratelimit-reset", ""))
        return float(value) if value.isdigit() else 0.0
    return None


def _from_status(
    status: int, message: str, headers: dict[str, Any], attempt: int
) -> Transient | None:
    lowered = {k.lower(): v for k, v in headers.items()}
    retry_after = str(lowered.get("retry-after", ""))
    if status in (403, 429):
        text = message.lower()
        if status == 429 or "secondary rate limit" in text or "submitted too quickly" in text:
            if retry_after.isdigit():
                return Transient("secondary", float(retry_after), float(retry_after))
            return Transient("secondary", SECONDARY_WAIT * 2 ** (attempt - 1))
        return None
    if status >= 500:
        return Transient("server", SERVER_WAIT * 2 ** (attempt - 1))
    return None


def _message(error: Any) -> str:
    data = getattr(error, "data", None)
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    return str(getattr(error, "message", "") or "")
