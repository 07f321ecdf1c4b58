"""One pacer for every request trustpub sends to GitHub, and one pause for all of its threads.

`RequestGate.admit` runs right before each attempt reaches the network, first try or retry
(see `transport.py`): no request starts while GitHub asks to wait (a secondary or primary rate
limit, seen by any thread), and a request that creates or changes content starts at least
`interval` seconds after the previous one finished. Every wait goes through a `Timer`, so tests
run on the fake server's clock.

GitHub's guidance for a secondary rate limit: honour `Retry-After`; without it, wait at least a
minute, and longer each time the limit is met again.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

from trustpub.bot.timer import Timer

SECONDARY_WAIT = 60.0  # "wait at least one minute before retrying"
MAX_SECONDARY_WAIT = 900.0  # 60, 120, 240, 480, then 900 s each time
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# GitHub's secondary limits on content-creating requests: at most 80 a minute, 500 an hour.
WRITE_WINDOWS = ((60.0, 80), (3600.0, 500))
ANNOUNCED_WRITE_WAIT = 30.0  # a wait of the write windows this long is said
_OPERATION = re.compile(r"^\s*(?:#[^\n]*\n\s*)*(query|mutation|subscription|\{)")


class Stopped(Exception):
    """The run is stopping (Ctrl-C, or a rate limit it will not wait for): send nothing more."""


@dataclass(frozen=True)
class Wait:
    """A pause every request honours, and why."""

    seconds: float
    until: float  # epoch seconds
    reason: str
    writes_only: bool = False  # reads go on

    def describe(self) -> str:
        until = datetime.fromtimestamp(self.until, timezone.utc)
        held = "no write" if self.writes_only else "no request"
        return (
            f"trustpub: waiting {round(self.seconds)} s, until {until:%H:%M:%S} UTC: "
            f"{self.reason}; {held} is sent until then"
        )


def secondary_wait(strikes: int, base: float = SECONDARY_WAIT) -> float:
    """The wait after the `strikes`-th secondary limit in a row met without `Retry-After`."""
    return float(min(base * 2 ** max(strikes - 1, 0), max(MAX_SECONDARY_WAIT, base)))


class Pause:
    """A pause all threads honour. `generation` counts the pauses begun, so a limit answered to
    a request sent before the current pause began is part of the same episode, not a new one."""

    def __init__(self, timer: Timer, announce: Callable[[Wait], None]) -> None:
        self.timer = timer
        self.announce = announce
        self.base = SECONDARY_WAIT  # the first wait for a secondary limit without Retry-After
        self.until = 0.0
        self.generation = 0
        self.strikes = 0  # secondary limits without Retry-After since the last success
        self.waits: list[Wait] = []
        self._lock = threading.Lock()

    def hold(self, seconds: float, reason: str) -> Wait | None:
        """Pause every request for `seconds` from now (a longer pause already on stays)."""
        with self._lock:
            wait = self._hold(seconds, reason)
        if wait is not None:
            self.announce(wait)
        return wait

    def secondary(self, retry_after: float | None, reason: str, sent_in: int, tries: int) -> float:
        """A secondary limit answered to a request sent in generation `sent_in`, its `tries`-th
        in a row: pause everyone as long as GitHub asks. Returns the wait."""
        with self._lock:
            if retry_after is not None:
                seconds = retry_after
            elif sent_in == self.generation:  # sent after the last pause: GitHub still says no
                self.strikes += 1
                seconds = secondary_wait(max(self.strikes, tries), self.base)
            else:  # sent before the pause began: the same episode
                seconds = max(self.until - self.timer.now(), 0.0)
            wait = self._hold(seconds, reason)
        if wait is not None:
            self.announce(wait)
        return seconds

    def relieved(self, sent_in: int) -> None:
        """A request sent after the last pause succeeded: the next limit starts at a minute."""
        with self._lock:
            if sent_in == self.generation:
                self.strikes = 0

    def wait(self) -> int:
        """Block while paused; the generation a request sent now belongs to."""
        while True:
            if self.timer.interrupt.is_set():
                raise Stopped("the run is stopping")
            with self._lock:
                until = self.until
                if until <= self.timer.now():
                    return self.generation
            self.timer.wait_until(until)

    @property
    def waited(self) -> float:
        with self._lock:
            return sum(w.seconds for w in self.waits)

    def _hold(self, seconds: float, reason: str) -> Wait | None:
        now = self.timer.now()
        until = now + max(seconds, 0.0)
        if seconds <= 0 or until <= self.until:
            return None
        if self.until <= now:
            self.generation += 1
        self.until = until
        wait = Wait(seconds, until, reason)
        self.waits.append(wait)
        return wait


class WriteWindows:
    """When the next write may go so that no window holds more writes than GitHub allows."""

    def __init__(self, windows: tuple[tuple[float, int], ...] = WRITE_WINDOWS) -> None:
        self.windows = windows
        self.sent: deque[float] = deque()

    def ready(self, now: float) -> float:
        longest = max(seconds for seconds, _ in self.windows)
        while self.sent and self.sent[0] <= now - longest:
            self.sent.popleft()
        ready = now
        for seconds, most in self.windows:
            recent = [moment for moment in self.sent if moment > now - seconds]
            if len(recent) >= most:
                ready = max(ready, recent[-most] + seconds)
        return ready

    def note(self, moment: float) -> None:
        self.sent.append(moment)


@dataclass
class Ticket:
    """One attempt admitted by the gate, until it has an answer (or failed)."""

    method: str
    path: str
    write: bool
    generation: int
    open: bool = True


@dataclass
class RequestGate:
    """Admits each attempt: after any pause, and writes `interval` apart, one at a time."""

    timer: Timer
    interval: float = 1.0
    announce: Callable[[Wait], None] = lambda wait: None
    pause: Pause = field(init=False)
    sent: int = 0
    writes: int = 0
    # The primary budgets as the last answers told: resource -> (remaining, reset epoch).
    limits: dict[str, tuple[int, float]] = field(default_factory=dict, init=False)
    # The longest wait of the write windows the run accepts (None: any); beyond it, it stops.
    max_wait: float | None = None
    windows: WriteWindows = field(default_factory=WriteWindows)
    _write_lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _last_write: float | None = field(default=None, init=False)
    _local: threading.local = field(default_factory=threading.local, init=False)
    _count_lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.pause = Pause(self.timer, lambda wait: self.announce(wait))

    def admit(self, method: str, url: str, body: object = None) -> Ticket:
        """Block until this attempt may be sent; pair with `done`."""
        write = is_write(method, url, body)
        if write:
            self._write_lock.acquire()  # one write in flight at a time
        try:
            generation = self._clear_to_send(write)
        except BaseException:
            if write:
                self._write_lock.release()
            raise
        ticket = Ticket(method.upper(), urlsplit(url).path, write, generation)
        self._local.ticket = ticket
        with self._count_lock:
            self.sent += 1
            self.writes += write
        return ticket

    def done(
        self,
        ticket: Ticket | None = None,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """The attempt has its answer (`status`) or failed (None). Idempotent."""
        ticket = ticket or getattr(self._local, "ticket", None)
        if headers is not None:
            self._note_budget(headers)
        if ticket is None or not ticket.open:
            return
        ticket.open = False
        if ticket.write:
            self._last_write = self.timer.now()
            self._write_lock.release()
        if status is not None and status < 400:
            self.pause.relieved(ticket.generation)

    def begin(self) -> None:
        """A run begins: its first write, too, waits the interval from now. A run restarted
        right after another was killed then never writes closer than that to its last write."""
        now = self.timer.now()
        self._last_write = max(self._last_write or now, now)

    @property
    def current(self) -> Ticket | None:
        """The attempt this thread has in flight (for the retry logic)."""
        return getattr(self._local, "ticket", None)

    def _note_budget(self, headers: Mapping[str, str]) -> None:
        resource = headers.get("X-RateLimit-Resource") or headers.get("x-ratelimit-resource")
        remaining = headers.get("X-RateLimit-Remaining") or headers.get("x-ratelimit-remaining")
        reset = headers.get("X-RateLimit-Reset") or headers.get("x-ratelimit-reset")
        if resource and remaining and reset:
            with contextlib.suppress(ValueError):
                self.limits[resource] = (int(float(remaining)), float(reset))

    def _clear_to_send(self, write: bool) -> int:
        said = 0.0
        while True:
            generation = self.pause.wait()
            if not write:
                return generation
            now = self.timer.now()
            ready = self.windows.ready(now)
            if self._last_write is not None and self.interval:
                ready = max(ready, self._last_write + self.interval)
            if ready <= now:
                self.windows.note(now)
                return generation
            if ready - now >= ANNOUNCED_WRITE_WAIT and ready > said:
                said = ready
                self._window_wait(ready - now, ready)
            self.timer.wait_until(ready)  # then look at the pause again: it may have begun

    def _window_wait(self, seconds: float, until: float) -> None:
        """Writes wait for GitHub's limit on content-creating requests (reads go on)."""
        reason = "GitHub allows 80 content-creating requests a minute and 500 an hour"
        if self.max_wait is not None and seconds > self.max_wait:
            from github.GithubException import RateLimitExceededExceedsMaxWait

            raise RateLimitExceededExceedsMaxWait(403, {"message": reason}, {}, wait=seconds)
        self.announce(Wait(seconds, until, reason, writes_only=True))


def is_write(method: str, url: str, body: object = None) -> bool:
    """Whether a request creates or changes content: any non-GET, except a GraphQL query."""
    if method.upper() not in WRITE_METHODS:
        return False
    if urlsplit(url).path.endswith("/graphql"):
        return graphql_operation(body) != "query"
    return True


def graphql_operation(body: object) -> str:
    """ "query", "mutation" or "subscription" for a GraphQL request body (a mutation if unsure)."""
    try:
        if isinstance(body, bytes | bytearray):
            body = body.decode("utf-8")
        document = json.loads(body)["query"] if isinstance(body, str) else None
    except (ValueError, KeyError, TypeError):
        return "mutation"
    found = _OPERATION.match(document) if isinstance(document, str) else None
    if found is None:
        return "mutation"
    return "query" if found.group(1) == "{" else found.group(1)
