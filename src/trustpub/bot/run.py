"""The run: repositories read in parallel threads, written one at a time, each retried on
transient failures, every one ending in exactly one outcome.

A rate limit that resets soon is waited for (every worker pauses together); one that resets later
than `max_wait` stops the run cleanly: repositories not started are reported "not run", and the
state file lets `--resume` go on from there. Ctrl-C does the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from trustpub.bot.discovery import Candidate
from trustpub.bot.limits import (
    ATTEMPTS,
    SECONDARY_WAIT,
    Budget,
    BudgetExhausted,
    primary_reset,
    transient,
)
from trustpub.bot.outcomes import BotOutcome, BotResult
from trustpub.bot.timer import Timer
from trustpub.github.client import GitHubAccessError, redact
from trustpub.github.commits import RefusedWrite
from trustpub.github.errors import RateLimitExhausted
from trustpub.github.pacing import Pause, Stopped

Process = Callable[[Candidate], BotResult]


@dataclass
class RunOutcome:
    results: list[BotResult] = field(default_factory=list)  # sorted by repository
    stopped: str | None = None  # why the run stopped early
    resume_after: float | None = None  # when the rate limit resets, if that stopped it
    interrupted: bool = False


class Runner:
    def __init__(
        self,
        process: Process,
        *,
        jobs: int = 4,
        timer: Timer | None = None,
        pause: Pause | None = None,
        budget: Budget | None = None,
        max_wait: float = 900.0,
        on_result: Callable[[BotResult], None] = lambda result: None,
    ) -> None:
        self.process = process
        self.jobs = max(1, jobs)
        self.timer = timer or Timer()
        # The pause every request honours: a limit met by any thread holds them all.
        self.pause = pause or Pause(self.timer, lambda wait: None)
        self.budget = budget
        self.max_wait = max_wait
        self.on_result = on_result
        self._stop = threading.Event()
        self._outcome = RunOutcome()
        self._lock = threading.Lock()

    def run(self, candidates: Sequence[Candidate]) -> RunOutcome:
        done: dict[str, BotResult] = {}
        with ThreadPoolExecutor(self.jobs, thread_name_prefix="trustpub-bot") as pool:
            futures = {pool.submit(self._attempts, c): c for c in candidates}
            try:
                for future in as_completed(futures):
                    self._collect(future, done)
            except KeyboardInterrupt:
                self._halt("interrupted", None, interrupted=True)
                pool.shutdown(wait=True, cancel_futures=True)
                for future in futures:
                    if future.done() and not future.cancelled() and not future.exception():
                        self._collect(future, done, notify=False)
        for c in candidates:
            if c.full_name not in done:
                done[c.full_name] = BotResult(c.full_name, BotOutcome.NOT_RUN, "the run stopped")
        self._outcome.results = sorted(done.values(), key=lambda r: r.repository.lower())
        return self._outcome

    def _collect(
        self, future: Future[BotResult | None], done: dict[str, BotResult], notify: bool = True
    ) -> None:
        result = future.result()
        if result is None or result.repository in done:
            return
        done[result.repository] = result
        if notify:
            self.on_result(result)

    def _attempts(self, c: Candidate) -> BotResult | None:
        """The repository's outcome; None when the run stopped before (or while) doing it."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                self.pause.wait()
                if self._stop.is_set():
                    return None
                if self.budget is not None:
                    self.budget.before_repository()
                return self.process(c)
            except BudgetExhausted as error:
                self._halt(str(error), error.reset)
                return None
            except Stopped:
                return None
            except Exception as error:  # one repository must never stop the others
                if not self._wait_before_retry(error, attempt):
                    return None if self._stop.is_set() else failed(c.full_name, error)
        return None  # not reached: the last attempt returns or fails

    def _wait_before_retry(self, error: Exception, attempt: int) -> bool:
        """Wait as the error asks and say whether to try again (False: give up or stop)."""
        now = self.timer.now()
        reset = primary_reset(error, now)
        if reset is not None:
            wait = reset - now + 1 if reset else SECONDARY_WAIT
            if wait > self.max_wait:
                self._halt(str(BudgetExhausted(0, reset or now + wait)), reset or now + wait)
                return False
            self.pause.hold(wait, f"GitHub's API rate limit is spent ({describe(error)})")
            return attempt < ATTEMPTS
        if attempt >= ATTEMPTS:
            return False
        if isinstance(error, RateLimitExhausted):
            self.pause.secondary(None, str(error), self.pause.generation, attempt)
            return True
        found = transient(error, attempt)
        if found is None:
            return False
        if found.kind == "secondary":  # every worker backs off, not just this one
            reason = f"GitHub's secondary rate limit ({describe(error)})"
            self.pause.secondary(found.retry_after, reason, self.pause.generation, attempt)
        elif found.wait:
            self.timer.wait(found.wait)
        return True

    def _halt(self, reason: str, reset: float | None, interrupted: bool = False) -> None:
        with self._lock:
            if self._outcome.stopped is None:
                self._outcome.stopped = reason
                self._outcome.resume_after = reset
                self._outcome.interrupted = interrupted
        self._stop.set()
        self.timer.interrupt.set()


def failed(name: str, error: BaseException) -> BotResult:
    return BotResult(name, BotOutcome.FAILED, describe(error))


def describe(error: BaseException) -> str:
    """One line a user can act on; never the token, even where a server echoed it."""
    return redact(_describe(error))


def _describe(error: BaseException) -> str:
    from github.GithubException import GithubException
    from requests.exceptions import RequestException

    if isinstance(error, GitHubAccessError | RefusedWrite):
        return str(error)
    if isinstance(error, GithubException):
        data = error.data if isinstance(error.data, dict) else {}
        message = str(data.get("message") or "")
        details = [
            str(e.get("message") or e.get("code") or "")
            for e in data.get("errors") or []
            if isinstance(e, dict)
        ]
        said = "; ".join(part for part in (message, *details) if part)
        return f"GitHub answered {error.status}: {said or 'no message'}"
    if isinstance(error, RequestException):
        return f"GitHub could not be reached or kept failing ({type(error).__name__})"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
