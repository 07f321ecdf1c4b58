"""Where the bot's time comes from and how it waits (the command line makes one at import)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Timer:
    """Where time comes from and how to wait: real by default, the fake's clock in tests."""

    now: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    # Set when the run stops (Ctrl-C, budget): real waits end at once instead of running out.
    interrupt: threading.Event = field(default_factory=threading.Event, compare=False)
    # Tests: wait for a moment of a fake clock, so that threads waiting for the same moment move
    # the clock once between them, not once each.
    sleep_until: Callable[[float], None] | None = None

    def wait(self, seconds: float) -> None:
        if self.sleep is time.sleep:
            self.interrupt.wait(seconds)
        else:
            self.sleep(seconds)

    def wait_until(self, moment: float) -> None:
        if self.sleep_until is not None:
            self.sleep_until(moment)
            return
        delay = moment - self.now()
        if delay > 0:
            self.wait(delay)
