"""Run one repository: what to do with it (`RepositoryJob`), its outcome (`RepositoryReport`).

A repository that raises anything becomes a failed outcome with a one-line message; the others
go on. `pool.py` runs many, in worker processes.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from trustpub.fleet.sources import Target
from trustpub.repository import RepositoryResult
from trustpub.rewrite.result import Options

if TYPE_CHECKING:  # the process pool is imported only when a run uses one
    from trustpub.fleet.local import CheckoutRun
    from trustpub.fleet.transport import Packed
    from trustpub.settings.model import Settings


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
