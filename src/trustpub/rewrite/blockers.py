"""Why a whole publishing job must be left alone: what stops trusted publishing there, with
what to do instead (GitHub Enterprise Server, reusable workflows, `pull_request_target`, pull
requests that could reach `id-token: write`, containers and non-Linux runners)."""

from __future__ import annotations

from dataclasses import dataclass

from trustpub.rewrite import conditions, pull_requests
from trustpub.rewrite.result import Options
from trustpub.rewrite.rules.base import NoHandOff, StepPlan
from trustpub.rewrite.rules.followers import needs_list
from trustpub.rewrite.rules.split import only_downloads
from trustpub.rewrite.workflow import Job, Workflow

Reason = tuple[str, str]  # why, and what to do instead


@dataclass(frozen=True)
class Blockers:
    """What stops trusted publishing in the jobs of one workflow."""

    workflow: Workflow
    options: Options

    def blocker(
        self, job: Job, plans: list[StepPlan], in_place: bool = True, lifted: bool = False
    ) -> Reason | None:
        """Why this whole job must be left alone, with what to do instead.

        A job that is split keeps only its build: the publish jobs run on ubuntu-latest.
        """
        triggers = self.workflow.triggers
        pypa = any(p.is_pypa_action or p.needs_pypa_action for p in plans)
        if self.options.github_enterprise:
            return (
                "PyPI accepts trusted-publishing tokens only from github.com, "
                "not from GitHub Enterprise Server",
                "keep the token, or publish from a github.com repository",
            )
        if "workflow_call" in triggers:
            return (
                "this is a reusable workflow (`on: workflow_call`); PyPI trusted publishing "
                "does not support publishing from inside a reusable workflow",
                "move the publish job into the top-level workflow that calls this one, "
                "and register that file as the trusted publisher",
            )
        if "pull_request_target" in triggers:
            return (
                "the workflow runs on `pull_request_target`, which PyPI rejects for trusted "
                "publishing and which must never get `id-token: write`",
                "publish from a workflow triggered by a release, a tag push or workflow_dispatch",
            )
        unguarded = self.pull_requests_reach(job, plans, in_place and not lifted)
        if unguarded and in_place and self.pull_requests_reach(job, plans, False) is None:
            return self._guarded_upload_stays(job, plans)
        if unguarded:
            return unguarded
        return self._runner(job, in_place and pypa)

    def _runner(self, job: Job, runs_the_pypa_action: bool) -> Reason | None:
        if runs_the_pypa_action and job.container:
            return (
                "the job runs in a `container:`, where pypa/gh-action-pypi-publish does not work",
                "publish from a separate job without `container:` that downloads the built dists",
            )
        label = job.non_linux_runner() if runs_the_pypa_action else None
        if label is not None:
            return (
                f"the job runs on {label!r}; pypa/gh-action-pypi-publish only runs on Linux",
                "publish from a separate ubuntu-latest job that downloads the built dists",
            )
        return None

    def _guarded_upload_stays(self, job: Job, plans: list[StepPlan]) -> Reason:
        """Why an upload whose own `if:` keeps pull requests out cannot move to a publish job,
        which is what would keep `id-token: write` away from them."""
        reasons = [p.problem for p in plans if p.problem]
        reasons += [p.hand_off.reason for p in plans if isinstance(p.hand_off, NoHandOff)]
        contexts = [conditions.step_only_context(p.step.data.get("if")) for p in plans]
        reasons += [f"its `if:` reads `{c}`, which a job's `if:` cannot" for c in contexts if c]
        if self.options.keep_build_in_job:
            reasons.append("the job keeps its upload (`--keep-build-in-job`)")
        waiting = [o.id for o in self.workflow.jobs() if job.id in needs_list(o)]
        if only_downloads(job, plans) and waiting:
            reasons.append(
                f"the job only downloads and publishes, and `{waiting[0]}` needs it, which would "
                "be skipped on pull requests too if the job took the upload's `if:`"
            )
        why = reasons[0] if reasons else "the job cannot be split"
        return (
            "the upload's `if:` keeps pull requests out, but the job runs on them too, so the "
            "upload must move to a publish job of its own before it gets `id-token: write`, and "
            f"it cannot: {why}",
            "give the job an `if:` that excludes pull requests, or move the upload to a job "
            "of its own by hand",
        )

    def only_uploads_keep_pull_requests_out(self, job: Job, plans: list[StepPlan]) -> bool:
        return (
            bool(plans)
            and self.pull_requests_reach(job, plans, in_place=True) is not None
            and self.pull_requests_reach(job, plans, in_place=False) is None
        )

    def pull_requests_reach(self, job: Job, plans: list[StepPlan], in_place: bool) -> Reason | None:
        """Why a pull request (from a fork, too) could run the job that would get `id-token`.

        In place that is this job, guarded by its own `if:`; split, each publish job, guarded by
        this job's `if:` and the upload step's (which becomes the publish job's).
        """
        events = pull_requests.pull_request_triggers(self.workflow.triggers)
        if not events:
            return None
        job_if = job.data.get("if")
        guards = [[job_if]] if in_place else [[job_if, p.step.data.get("if")] for p in plans]
        if all(
            any(pull_requests.excludes_pull_requests(c, events) for c in conditions)
            for conditions in guards
        ):
            return None
        where = (
            "the job's `if:` does not" if in_place else "neither the job's `if:` nor the upload's"
        )
        return (
            f"the workflow runs on `{events[0]}`, and {where} keep the publishing job from "
            "running on pull requests (from forks, too), which must never get `id-token: write`",
            "add a condition to the job that excludes pull requests, e.g. "
            "`if: startsWith(github.ref, 'refs/tags/')` or `if: github.event_name == 'release'`, "
            "or publish from a workflow that pull requests do not trigger",
        )
