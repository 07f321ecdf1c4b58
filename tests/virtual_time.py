"""Time for tests that run trustpub against the fake GitHub: waits move the fake's clock.

`virtual_timer(fake)` is a `Timer` whose waits advance the fake server's clock instead of
sleeping, and are recorded (in `fake.retry_sleeps` unless another list is given). Threads that
wait for the same moment move the clock once between them, as real threads would wait together.
"""

from __future__ import annotations

from fake_github import FakeGitHub
from trustpub.bot.timer import Timer


def virtual_timer(fake: FakeGitHub, sleeps: list[float] | None = None) -> Timer:
    record = fake.retry_sleeps if sleeps is None else sleeps

    def sleep(seconds: float) -> None:
        record.append(seconds)
        fake.clock.advance(seconds)

    def sleep_until(moment: float) -> None:
        moved = fake.clock.advance_to(moment)
        if moved > 0:
            record.append(moved)

    return Timer(now=fake.clock.now, sleep=sleep, sleep_until=sleep_until)


def waited(sleeps: list[float], seconds: float, slack: float = 1.0) -> bool:
    """Whether one of the recorded waits lasted `seconds` (to within `slack`)."""
    return any(abs(s - seconds) <= slack for s in sleeps)
