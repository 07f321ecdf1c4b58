"""A GithubRetry for tests: it keeps PyGithub's retry decisions but waits on the fake's clock."""

from __future__ import annotations

import time
from datetime import datetime, tzinfo
from typing import Any

from urllib3.response import BaseHTTPResponse

from fake_github.ratelimit import Clock
from github import GithubRetry


class _ClockDatetime:
    """Stands in for the `datetime` class GithubRetry uses to compute primary-limit waits."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def now(self, tz: tzinfo | None = None) -> datetime:
        return datetime.fromtimestamp(self._clock.now(), tz)

    @staticmethod
    def fromtimestamp(timestamp: float, tz: tzinfo | None = None) -> datetime:
        return datetime.fromtimestamp(timestamp, tz)


class FakeClockRetry(GithubRetry):
    """GithubRetry whose sleeps are recorded in `sleeps` and advance `clock` instead of blocking.

    With `clock=None` it really sleeps. PyGithub computes a primary-limit wait as
    `X-RateLimit-Reset - now + 1`; "now" is read from the fake's clock (GithubRetry keeps its
    clock in a private class attribute that its own tests patch the same way).
    """

    def __init__(
        self, clock: Clock | None = None, sleeps: list[float] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.sleeps: list[float] = sleeps if sleeps is not None else []
        if clock is not None:
            self._GithubRetry__datetime = _ClockDatetime(clock)

    def new(self, **kw: Any) -> FakeClockRetry:
        kw.update(clock=self.clock, sleeps=self.sleeps)
        return super().new(**kw)  # type: ignore[no-any-return]

    def _pause(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.clock is None:
            time.sleep(seconds)
        else:
            self.clock.advance(seconds)

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        retry_after = self.get_retry_after(response)
        if retry_after:
            self._pause(retry_after)
            return True
        return False

    def _sleep_backoff(self) -> None:
        backoff = self.get_backoff_time()
        if backoff > 0:
            self._pause(backoff)
