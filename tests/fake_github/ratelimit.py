"""The fake's clock and GitHub's per-resource primary rate-limit budgets."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone

# resource -> (limit, window in seconds), as GitHub documents them for a personal access token
DEFAULT_BUDGETS = {
    "core": (5000, 3600),
    "search": (30, 60),
    "code_search": (10, 60),
    "graphql": (5000, 3600),
}


class Clock:
    """Wall-clock time plus an offset that tests (and the test client's retries) can advance."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += max(seconds, 0.0)

    def advance_to(self, moment: float) -> float:
        """Move the clock to `moment` unless it is past already; the seconds it moved."""
        with self._lock:
            behind = moment - (time.time() + self._offset)
            if behind > 0:
                self._offset += behind
            return max(behind, 0.0)

    def iso(self, at: float | None = None) -> str:
        moment = datetime.fromtimestamp(self.now() if at is None else at, timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Budget:
    resource: str
    limit: int
    window: int
    remaining: int
    reset: int

    @property
    def used(self) -> int:
        return self.limit - self.remaining

    def as_json(self) -> dict[str, int | str]:
        return {
            "limit": self.limit,
            "remaining": self.remaining,
            "reset": self.reset,
            "used": self.used,
            "resource": self.resource,
        }


class RateLimits:
    """Primary limits: each request spends one unit; at zero GitHub answers 403 until the reset."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        now = clock.now()
        self._budgets = {
            name: Budget(name, limit, window, limit, math.ceil(now + window))
            for name, (limit, window) in DEFAULT_BUDGETS.items()
        }

    def _refreshed(self, resource: str) -> Budget:
        budget = self._budgets[resource]
        now = self.clock.now()
        if now >= budget.reset:
            budget.remaining = budget.limit
            budget.reset = math.ceil(now + budget.window)
        return budget

    def budget(self, resource: str) -> Budget:
        with self._lock:
            return self._refreshed(resource)

    def configure(
        self,
        resource: str = "core",
        *,
        limit: int | None = None,
        remaining: int | None = None,
        reset_in: float | None = None,
        window: int | None = None,
    ) -> None:
        with self._lock:
            budget = self._refreshed(resource)
            if window is not None:
                budget.window = window
            if limit is not None:
                budget.limit = limit
                budget.remaining = min(budget.remaining, limit)
            if remaining is not None:
                budget.remaining = remaining
            if reset_in is not None:
                budget.reset = math.ceil(self.clock.now() + reset_in)

    def try_spend(self, resource: str, units: int = 1) -> bool:
        """Spend one request (or a GraphQL query's points); False when the budget cannot pay
        (the request must get a rate-limit answer)."""
        with self._lock:
            budget = self._refreshed(resource)
            if budget.remaining < units or budget.remaining <= 0:
                return False
            budget.remaining -= units
            return True

    def headers(self, resource: str) -> dict[str, str]:
        with self._lock:
            budget = self._refreshed(resource)
            return {
                "X-RateLimit-Limit": str(budget.limit),
                "X-RateLimit-Remaining": str(budget.remaining),
                "X-RateLimit-Reset": str(budget.reset),
                "X-RateLimit-Used": str(budget.used),
                "X-RateLimit-Resource": resource,
            }

    def as_json(self) -> dict[str, object]:
        with self._lock:
            resources = {name: self._refreshed(name).as_json() for name in self._budgets}
        return {"resources": resources, "rate": resources["core"]}
