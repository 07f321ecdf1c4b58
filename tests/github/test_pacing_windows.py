"""The gate keeps writes within GitHub's limits on content-creating requests (80 a minute, 500
an hour), on a virtual clock: a write waits for the window, reads never do."""

from __future__ import annotations

import pytest
from github.GithubException import RateLimitExceededExceedsMaxWait

from trustpub.bot.timer import Timer
from trustpub.github.pacing import RequestGate, Wait


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.waits: list[float] = []

    def sleep_until(self, moment: float) -> None:
        if moment > self.now:
            self.waits.append(moment - self.now)
            self.now = moment


def gate(clock: Clock, said: list[Wait], interval: float = 0.0) -> RequestGate:
    timer = Timer(now=lambda: clock.now, sleep=lambda s: None, sleep_until=clock.sleep_until)
    return RequestGate(timer, interval, announce=said.append)


def write(g: RequestGate) -> None:
    g.done(g.admit("POST", "/repos/acme/pkg/pulls"), 201)


def test_at_most_80_writes_a_minute_and_500_an_hour() -> None:
    clock, said = Clock(), []
    g = gate(clock, said)
    started = clock.now
    for _ in range(80):
        write(g)
    assert clock.now == started  # no interval: 80 at once
    write(g)  # the 81st waits for the first to leave the minute
    assert clock.now == started + 60
    while len(g.windows.sent) < 500:
        write(g)
    assert clock.now < started + 3600
    write(g)  # the 501st waits for the first to leave the hour
    assert clock.now == started + 3600
    assert said and all(w.writes_only for w in said)
    assert said[-1].describe().endswith("500 an hour; no write is sent until then")


def test_reads_do_not_wait_for_the_write_windows() -> None:
    clock, said = Clock(), []
    g = gate(clock, said)
    for _ in range(80):
        write(g)
    g.done(g.admit("GET", "/repos/acme/pkg"), 200)
    g.done(g.admit("POST", "/graphql", b'{"query": "query Q { viewer { login } }"}'), 200)
    assert clock.waits == []


def test_a_window_longer_than_the_run_may_wait_stops_it() -> None:
    clock, said = Clock(), []
    g = gate(clock, said, interval=1.0)
    g.max_wait = 900.0
    for _ in range(500):
        write(g)
    with pytest.raises(RateLimitExceededExceedsMaxWait) as stopped:
        write(g)
    assert stopped.value.wait is not None and stopped.value.wait > 900
