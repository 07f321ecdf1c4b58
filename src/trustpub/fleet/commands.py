"""`check`, `diff` and `apply` over files, checkouts and fleets: from arguments to an exit code.

A directory of checkouts, `--repos-file` or `--state` makes a fleet run, which streams one result
per repository in path order; workflow files and checkouts named directly get the report at once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from trustpub.exit_codes import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from trustpub.fleet.pool import RepositoryPool
from trustpub.fleet.runner import RepositoryJob, RepositoryReport, default_jobs
from trustpub.fleet.sources import RepoListError, Target, is_fleet, read_repos_file, targets
from trustpub.fleet.state import StateError, StateFile, last_outcomes, select
from trustpub.report.output import make_console, report_output
from trustpub.repository import RepositoryResult

if TYPE_CHECKING:
    from rich.console import Console


@dataclass(frozen=True)
class Request:
    """One `check`, `diff` or `apply` invocation, as parsed by the command line."""

    command: str
    paths: tuple[Path, ...]
    job: RepositoryJob
    fmt: str = "text"
    color: str = "auto"
    repos_file: str | None = None
    jobs: int | None = None
    state: Path | None = None
    resume: bool = False
    only_failed: bool = False
    quiet: bool = False
    # Adds what GitHub says (diff, apply): (result, OWNER/REPO) -> result. See github/lookup.py.
    look_up: Callable[[RepositoryResult, str | None], RepositoryResult] | None = None

    @property
    def fleet(self) -> bool:
        return self.repos_file is not None or self.state is not None or is_fleet(self.paths)


class UsageError(Exception):
    """Arguments that do not make sense together (exit 2)."""


def run_command(request: Request) -> int:
    try:
        found = _targets(request)
        if not request.fleet:
            return _run_batch(request, found)
        return _run_fleet(request, found)
    except (UsageError, RepoListError, StateError) as error:
        sys.stderr.write(f"trustpub: error: {error}\n")
        return EXIT_USAGE


def _targets(request: Request) -> list[Target]:
    if not request.paths and request.repos_file is None:
        raise UsageError("give at least one PATH, or --repos-file FILE")
    if (request.resume or request.only_failed) and request.state is None:
        raise UsageError("--resume and --only-failed need --state FILE")
    if request.resume and request.only_failed:
        raise UsageError("use either --resume or --only-failed, not both")
    if request.fleet and (request.job.project or request.job.github):
        raise UsageError(
            "--project and --github name one repository; in a fleet each checkout's own "
            "packaging files and origin remote are used"
        )
    listed = read_repos_file(request.repos_file) if request.repos_file is not None else []
    return targets(request.paths, listed)


def _jobs(request: Request, count: int) -> int:
    return max(1, min(request.jobs or default_jobs(), count))


def _run_batch(request: Request, found: list[Target]) -> int:
    from trustpub.fleet import batch

    with RepositoryPool(request.job, _jobs(request, len(found))) as pool:
        reports = list(_looked_up(request, pool.run(found)))
    batch.emit(report_output(request.color), reports, request.command, request.fmt)
    return batch.exit_code(reports, request.command)


def _run_fleet(request: Request, found: list[Target]) -> int:
    not_run = 0
    if request.state is not None and (request.resume or request.only_failed):
        outcomes = last_outcomes(request.state, request.command)
        found, not_run = select(found, outcomes, request.only_failed)
    if not found and not not_run:
        sys.stderr.write("trustpub: no repositories found\n")
        return EXIT_OK
    interrupted = False
    display: _FleetDisplay | None = None
    try:
        with ExitStack() as stack:
            on_finished = _recorder(stack, request.state, request.command)
            pool = stack.enter_context(
                RepositoryPool(request.job, _jobs(request, len(found)), on_finished)
            )
            reports = pool.run(found)  # the workers start now, while the output is set up
            display = _FleetDisplay(request, len(found), not_run, stack)
            for report in _looked_up(request, reports):
                display.add(report)
    except KeyboardInterrupt:
        if display is None:  # before anything could be shown
            sys.stderr.write("trustpub: interrupted\n")
            return EXIT_INTERRUPTED
        interrupted = True
    assert display is not None
    return display.finish(interrupted)


class _FleetDisplay:
    """The tally, the progress bar and the output of a fleet run (set up once workers run)."""

    def __init__(self, request: Request, count: int, not_run: int, stack: ExitStack) -> None:
        from trustpub.fleet.display import ProgressBar  # rich.progress: fleets only
        from trustpub.fleet.formats import OUTPUTS
        from trustpub.fleet.tally import Tally

        self.state = request.state
        self.tally = Tally(request.command, not_run=not_run)
        out = make_console(request.color)
        err = make_console(request.color, stderr=True)
        progress_console = _progress_console(request, out, err)
        self.output = OUTPUTS[request.fmt](
            request.command, out, request.quiet, progress_shown=progress_console is not None
        )
        self.bar = stack.enter_context(ProgressBar(progress_console, request.command, count))
        self.output.start()

    def add(self, report: RepositoryReport) -> None:
        row = self.tally.add(report)
        self.bar.advance(self.tally)
        self.output.repository(report, row)

    def finish(self, interrupted: bool) -> int:
        self.tally.interrupted |= interrupted
        self.output.finish(self.tally, self.state)
        return self.tally.exit_code()


def _looked_up(request: Request, reports: Iterable[RepositoryReport]) -> Iterator[RepositoryReport]:
    for report in reports:
        if request.look_up is not None:
            report = replace(report, result=request.look_up(report.result, report.github))
        yield report


def _progress_console(request: Request, out: Console, err: Console) -> Console | None:
    """Where the progress bar goes: the terminal, never into piped output."""
    if request.quiet:
        return None
    if request.fmt == "text" and out.is_terminal:
        return out
    if err.is_terminal and not out.is_terminal:
        return err
    return None


def _recorder(
    stack: ExitStack, state: Path | None, command: str
) -> Callable[[RepositoryReport], None]:
    if state is None:
        return lambda report: None
    from trustpub.fleet.tally import detail

    state_file = stack.enter_context(StateFile(state, command))
    return lambda report: state_file.record(
        str(report.root), report.result.outcome.value, detail(report) or None
    )
