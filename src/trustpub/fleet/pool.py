"""Run repositories, in worker processes when there are many, one outcome each, in path order.

Results come back in the order of the targets (sorted by path) however the workers finish, and
only a bounded window of them is in flight, so memory does not grow with the fleet.
"""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING

from trustpub.fleet import runner
from trustpub.fleet.runner import RepositoryJob, RepositoryReport, failed_report, one_line
from trustpub.fleet.sources import Target

if TYPE_CHECKING:  # the process pool is imported only when a run uses one
    from concurrent.futures import Future, ProcessPoolExecutor

WINDOW_PER_JOB = 4  # tasks in flight per worker: keeps workers busy, memory bounded
MAX_CHUNK = 16  # repositories per task at most
WORKER_DIED = (
    "the worker process died while running this repository or one beside it; "
    "run again with --only-failed --jobs 1 to find which"
)


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process in the group: the parent decides, workers finish their repo.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class RepositoryPool:
    """Workers started on entry (before any display thread), shut down on exit."""

    def __init__(
        self,
        job: RepositoryJob,
        jobs: int,
        on_finished: Callable[[RepositoryReport], None] = lambda report: None,
    ) -> None:
        self.job = job
        self.jobs = max(1, jobs)
        self.on_finished = on_finished
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> RepositoryPool:
        if self.jobs > 1:
            self._executor = self._start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._executor is not None:
            # On Ctrl-C the queued repositories are dropped; the running ones finish and record.
            self._executor.shutdown(wait=True, cancel_futures=error is not None)
            self._executor = None

    def run(self, targets: Sequence[Target]) -> Iterator[RepositoryReport]:
        """Reports in the order of `targets`, each as soon as it and those before it are done.

        With workers, the first repositories are sent to them at once (before the first report
        is asked for), so they work while the caller sets up its output."""
        if self._executor is None:
            return self._run_here(targets)
        size = chunk_size(len(targets), self.jobs)
        chunks = (tuple(targets[i : i + size]) for i in range(0, len(targets), size))
        pending: deque[tuple[Chunk, Future[list[RepositoryReport]]]] = deque()
        for chunk in chunks:
            pending.append((chunk, self._submit(chunk)))
            if len(pending) >= self.jobs * WINDOW_PER_JOB:
                break
        return self._collect(chunks, pending)

    def _run_here(self, targets: Sequence[Target]) -> Iterator[RepositoryReport]:
        for target in targets:
            report = runner.process_repository(target, self.job)
            self.on_finished(report)
            yield report

    def _collect(
        self,
        chunks: Iterator[Chunk],
        pending: deque[tuple[Chunk, Future[list[RepositoryReport]]]],
    ) -> Iterator[RepositoryReport]:
        while pending:
            chunk, future = pending.popleft()
            yield from self._outcomes(chunk, future)
            following = next(chunks, None)
            if following is not None:
                pending.append((following, self._submit(following)))

    def _start(self) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        executor = ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=context, initializer=_ignore_interrupts
        )
        executor.submit(int).result()  # fork every worker now, while this process has no threads
        return executor

    def _submit(self, chunk: Chunk) -> Future[list[RepositoryReport]]:
        from concurrent.futures.process import BrokenProcessPool

        assert self._executor is not None
        try:
            future = self._executor.submit(process_chunk, chunk, self.job)
        except BrokenProcessPool:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._start()
            future = self._executor.submit(process_chunk, chunk, self.job)
        future.add_done_callback(lambda done: self._finished(chunk, done))
        return future

    def _finished(self, chunk: Chunk, future: Future[list[RepositoryReport]]) -> None:
        if not future.cancelled():
            for report in self._outcomes(chunk, future):
                self.on_finished(report)

    @staticmethod
    def _outcomes(chunk: Chunk, future: Future[list[RepositoryReport]]) -> list[RepositoryReport]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result()
        except BrokenProcessPool:
            return [failed_report(target.root, WORKER_DIED) for target in chunk]
        except Exception as error:  # e.g. a result that could not be sent back
            return [failed_report(target.root, one_line(error)) for target in chunk]


Chunk = tuple[Target, ...]


def chunk_size(count: int, jobs: int) -> int:
    """Repositories per task: fewer round trips to the workers, yet work for all of them."""
    return max(1, min(MAX_CHUNK, count // (jobs * WINDOW_PER_JOB * 2)))


def process_chunk(chunk: Chunk, job: RepositoryJob) -> list[RepositoryReport]:
    return [runner.process_repository(target, job) for target in chunk]
