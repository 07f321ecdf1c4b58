"""Seeding what `trustpub status` reads: workflow runs and check runs (see routes_status)."""

from __future__ import annotations

from datetime import datetime, timedelta

from fake_github.handle import FakeGitHub, RepoRef
from fake_github.routes_status import CheckRun, WorkflowRun, data_of


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def add_run(
    fake: FakeGitHub,
    repo: RepoRef,
    workflow: str,
    *,
    started: datetime,
    minutes: float = 4,
    conclusion: str | None = "success",
    status: str = "completed",
    head_branch: str | None = "v1.0",
    event: str = "push",
) -> WorkflowRun:
    """A run of `.github/workflows/<workflow>` that started then and took `minutes`."""
    with fake.world.lock:
        target = fake.repo(repo)
        data = data_of(target)
        run = WorkflowRun(
            id=fake.world.next_id() + 9_000_000,
            run_number=len(data.runs) + 1,
            path=f".github/workflows/{workflow}",
            name=workflow.rsplit(".", 1)[0].title(),
            event=event,
            head_branch=head_branch,
            head_sha=target.branch_sha(target.default_branch) or "",
            status=status,
            conclusion=conclusion if status == "completed" else None,
            created_at=_iso(started),
            run_started_at=_iso(started),
            updated_at=_iso(started + timedelta(minutes=minutes)),
        )
        data.runs.append(run)
        return run


def add_check(
    fake: FakeGitHub,
    repo: RepoRef,
    sha: str,
    name: str,
    *,
    status: str = "completed",
    conclusion: str | None = "success",
) -> CheckRun:
    with fake.world.lock:
        target = fake.repo(repo)
        now = fake.world.now()
        check = CheckRun(
            fake.world.next_id(),
            name,
            sha,
            status,
            conclusion if status == "completed" else None,
            now,
            now if status == "completed" else None,
        )
        data_of(target).checks.append(check)
        return check
