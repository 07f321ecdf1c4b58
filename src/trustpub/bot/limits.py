"""GitHub's limits, as the bot lives with them: paced writes, rate-limit waits, the budget.

Every wait goes through a `Timer` (a clock and a sleep), so tests run on the fake server's
virtual clock instead of sleeping.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import TracebackType
from typing import TYPE_CHECKING, Any

from trustpub.bot.timer import Timer

if TYPE_CHECKING:
    from github import Github

SECONDARY_WAIT = 60.0  # GitHub: "wait at least one minute" when no Retry-After is given
SERVER_WAIT = 2.0
ATTEMPTS = 4  # per repository, for transient failures (server errors, rate limits)
RESERVE_PER_WORKER = 40  # requests a repository may need: below this, wait for the reset or stop
CHECK_EVERY = 20  # repositories between two (free) GET /rate_limit checks


class BudgetExhausted(Exception):
    """Too few requests remain until a reset that is further away than the run may wait."""

    def __init__(self, remaining: int, reset: float) -> None:
        self.remaining = remaining
        self.reset = reset
        when = datetime.fromtimestamp(reset, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"the GitHub API rate limit is spent ({max(remaining, 0)} requests left) until {when}"
        )


class StaleRead(Exception):
    """The default branch moved between reading the workflows and committing: read again."""


@dataclass(frozen=True)
class Transient:
    """A failure worth retrying the repository for, and how long to wait first."""

    kind: str  # "secondary", "server", "stale" (primary limits: see `primary_reset`)
    wait: float


class WriteGate:
    """Serialises write phases (one repository at a time) and paces each write request."""

    def __init__(self, interval: float, timer: Timer) -> None:
        self.interval = max(interval, 0.0)
        self.timer = timer
        self._lock = threading.RLock()
        self._last: float | None = None

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

    def pace(self) -> None:
        """Call right before each write request: waits until `interval` after the last one."""
        with self._lock:
            if self._last is not None and self.interval:
                delay = self._last + self.interval - self.timer.now()
                if delay > 0:
                    self.timer.wait(delay)
            self._last = self.timer.now()


class Pause:
    """A pause every worker honours: a secondary limit seen by one thread holds them all."""

    def __init__(self, timer: Timer) -> None:
        self.timer = timer
        self._lock = threading.Lock()
        self._until = 0.0
        self.waited = 0.0

    def hold(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, self.timer.now() + seconds)

    def wait(self) -> None:
        while not self.timer.interrupt.is_set():
            with self._lock:
                delay = self._until - self.timer.now()
                if delay <= 0:
                    return
                self.waited += delay
            self.timer.wait(delay)


@dataclass
class Budget:
    """The core budget: checked before each repository with the free GET /rate_limit."""

    gh: Github
    timer: Timer
    max_wait: float
    reserve: int
    remaining: int = -1
    reset: float = 0.0
    _since_check: int = CHECK_EVERY
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def before_repository(self) -> None:
        """Wait for the reset when it is near and the budget low; stop when it is far."""
        with self._lock:
            if self._should_check():
                self.refresh()
            self._since_check += 1
            if self.remaining < 0 or self.remaining >= self.reserve:
                return
            wait = self.reset - self.timer.now() + 1
            if wait > self.max_wait:
                raise BudgetExhausted(self.remaining, self.reset)
            self.timer.wait(max(wait, 0.0))
            self.refresh()

    def invalidate(self) -> None:
        """After a rate-limit answer: look the budget up again before the next repository."""
        with self._lock:
            self._since_check = CHECK_EVERY

    def refresh(self) -> None:
        _, data = self.gh.requester.requestJsonAndCheck("GET", "/rate_limit")
        core = (data.get("resources") or {}).get("core") or data.get("rate") or {}
        self.remaining = int(core.get("remaining", -1))
        self.reset = float(core.get("reset", 0))
        self._since_check = 0

    def _should_check(self) -> bool:
        if self._since_check >= CHECK_EVERY:
            return True
        # PyGithub keeps the last response's headers: a low number (maybe of another resource,
        # such as code search) is worth a free, exact look.
        remaining, _ = self.gh.requester.rate_limiting
        return 0 <= remaining < self.reserve


def transient(error: BaseException, attempt: int) -> Transient | None:
    """Whether (and how long after) a repository that raised `error` is worth another go."""
    from github.GithubException import GithubException
    from requests.exceptions import ConnectionError, RetryError, Timeout

    if isinstance(error, StaleRead):
        return Transient("stale", 0.0)
    if isinstance(error, GithubException):
        return _from_status(error.status, _message(error), error.headers or {}, attempt)
    if isinstance(error, RetryError):
        # PyGithub gave up after its own retries: of 403/429 (a limit) or of 5xx (the server).
        text = str(error)
        if "403" in text or "429" in text:
            return Transient("secondary", SECONDARY_WAIT * 2 ** (attempt - 1))
        return Transient("server", SERVER_WAIT * 2 ** (attempt - 1))
    if isinstance(error, ConnectionError | Timeout):
        return Transient("server", SERVER_WAIT * 2 ** (attempt - 1))
    return None


def primary_reset(error: BaseException) -> float | None:
    """The reset time of an exhausted primary limit (0.0 when GitHub did not say), if it is one."""
    from github.GithubException import GithubException

    if (
        isinstance(error, GithubException)
        and error.status in (403, 429)
        and _message(error).lower().startswith("api rate limit exceeded")
    ):
        headers = {k.lower(): v for k, v in (error.headers or {}).items()}
        value = headers.get("x-ratelimit-reset", "")
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
                return Transient("secondary", float(retry_after))
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
