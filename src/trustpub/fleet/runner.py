"""Run repositories, in worker processes when there are many, one outcome each, in path order.

A repository that raises anything becomes a failed outcome with a one-line message; the others
go on. Results come back in the order of the targets (sorted by path) however the workers finish,
and only a bounded window of them is in flight, so memory does not grow with the fleet.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from trustpub.fleet.sources import Target
from trustpub.repository import RepositoryResult
from trustpub.rewrite.result import Options

if TYPE_CHECKING:  # the process pool is imported only when a run uses one
    from concurrent.futures import Future, ProcessPoolExecutor

    from trustpub.fleet.local import CheckoutRun
    from trustpub.fleet.transport import Packed
    from trustpub.settings.model import Settings

WINDOW_PER_JOB = 4  # tasks in flight per worker: keeps workers busy, memory bounded
MAX_CHUNK = 16  # repositories per task at most
WORKER_DIED = (
    "the worker process died while running this repository or one beside it; "
    "run again with --only-failed --jobs 1 to find which"
)


@dataclass(frozen=True)
class RepositoryJob:
    """What to do with every repository of a run."""

    command: str  # "check", "diff" or "apply"
    options: Options
    project: str | None = None
    github: str | None = None
    ignore: tuple[str, ...] = ()  # workflow path globs left alone (the `ignore` setting)
    # The run's settings: each checkout's own are resolved from them (its pyproject.toml
    # [tool.trustpub], --config's tables); None: the fields above hold for every checkout.
    settings: Settings | None = None
    # Read each checkout's `origin` remote always (a report format that shows it for every
    # repository), or only for a result that names it (text: publishers, secrets).
    remote: bool = True
    # Where diff and apply may read a repository's default token permissions on GitHub (the
    # token's environment variable, the API's base URL); None: they are not looked up.
    token_env: str | None = None
    base_url: str | None = None

    def for_checkout(self, root: Path) -> RepositoryJob:
        if self.settings is None:
            return self
        from trustpub.settings.repository import checkout_settings

        own = checkout_settings(self.settings, root)
        if own is self.settings:
            return self
        return RepositoryJob(
            self.command,
            own.options(),
            own.project,
            own.github,
            own.ignore,
            remote=self.remote,
            token_env=self.token_env,
            base_url=self.base_url,
        )


@dataclass(frozen=True)
class RepositoryReport:
    """One repository's result, light enough to send between processes."""

    root: Path
    result: RepositoryResult
    github: str | None

    @property
    def failed(self) -> bool:
        return self.result.outcome.value == "failed"

    def __reduce__(self) -> tuple[object, ...]:
        """Sent between processes compactly: see `transport.py`."""
        from trustpub.fleet.transport import pack

        return (_unpacked_report, (self.root, pack(self.result), self.github))


def _unpacked_report(root: Path, packed: Packed, github: str | None) -> RepositoryReport:
    from trustpub.fleet.transport import unpack

    return RepositoryReport(root, unpack(packed), github)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def process_repository(target: Target, job: RepositoryJob) -> RepositoryReport:
    """Migrate (and for `apply`, write) one repository; never raises."""
    if target.problem:
        return failed_report(target.root, f"{target.root}: {target.problem}")
    from trustpub.fleet.local import apply_changes, migrate_files, read_checkout
    from trustpub.settings.files import ConfigError

    try:
        only = list(target.only) if target.only is not None else None
        read = read_checkout(target.root, only)
        if read.may_publish:  # a checkout's own settings matter only to what can publish
            job = job.for_checkout(target.root)
        run = migrate_files(read, job.options, job.project, job.github, job.ignore, job.remote)
        if job.token_env is not None and run.github:
            run = _with_default_permissions(run, target, only, job)
        if job.command == "apply":
            run = apply_changes(run)
    except ConfigError as error:
        return failed_report(target.root, str(error))
    except Exception as error:  # one repository's bug or I/O error must not stop the fleet
        return failed_report(target.root, one_line(error))
    return RepositoryReport(target.root, run.result, run.github)


def _with_default_permissions(
    run: CheckoutRun, target: Target, only: list[Path] | None, job: RepositoryJob
) -> CheckoutRun:
    """The checkout migrated again with the repository's default token permissions, when a
    layout depended on them (one request to GitHub, from this process, before any write)."""
    if not any(f.assumed_default_permissions for f in run.result.files):
        return run
    from trustpub.fleet.local import migrate_checkout
    from trustpub.github.client import settings_from_environment
    from trustpub.github.defaults import DEFAULT_BASE_URL
    from trustpub.github.workflow_permissions import (
        default_workflow_permissions,
        with_default_permissions,
    )

    assert job.token_env is not None and run.github is not None
    full_name = run.github
    rerun: list[CheckoutRun] = []

    def read() -> str:
        settings = settings_from_environment(job.token_env or "", job.base_url or DEFAULT_BASE_URL)
        with contextlib.closing(settings.connect()) as gh:
            return default_workflow_permissions(gh.get_repo(full_name))

    def migrate(options: Options) -> RepositoryResult:
        rerun.append(
            migrate_checkout(
                target.root, only, options, job.project, job.github, job.ignore, job.remote
            )
        )
        return rerun[-1].result

    result = with_default_permissions(run.result, job.options, read, migrate)
    return rerun[-1] if rerun else replace(run, result=result)


def failed_report(root: Path, message: str) -> RepositoryReport:
    return RepositoryReport(root, RepositoryResult(str(root), (), error=message), None)


def one_line(error: BaseException) -> str:
    from trustpub.github.client import redact  # no PyGithub: it loads that lazily

    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    text = str(error).strip().splitlines()
    return redact(f"{type(error).__name__}: {text[0]}") if text else type(error).__name__


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
        """Reports in the order of `targets`, each as soon as it and those before it are done."""
        if self._executor is None:
            for target in targets:
                report = process_repository(target, self.job)
                self.on_finished(report)
                yield report
            return
        size = chunk_size(len(targets), self.jobs)
        chunks = (tuple(targets[i : i + size]) for i in range(0, len(targets), size))
        pending: deque[tuple[Chunk, Future[list[RepositoryReport]]]] = deque()
        for chunk in chunks:
            pending.append((chunk, self._submit(chunk)))
            if len(pending) >= self.jobs * WINDOW_PER_JOB:
                break
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
    return [process_repository(target, job) for target in chunk]
