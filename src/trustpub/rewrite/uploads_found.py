"""The uploads of a job (or a composite action), from every rule, and what is reported before
anything is migrated: uploads to other indexes, composite actions, reusable-workflow calls."""

from __future__ import annotations

from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.result import Note, ResultBuilder, Skip, SkipKind
from trustpub.rewrite.rules import action_uploads, poetry_action, pypa_action, run_tools
from trustpub.rewrite.rules.base import StepPlan, StepRule
from trustpub.rewrite.rules.reusable_calls import reusable_call
from trustpub.rewrite.rules.secrets_managers import (
    fetched_credentials,
    fetched_only,
    read_at_run_time,
)
from trustpub.rewrite.workflow import Job, Workflow

# Every rule that recognises an upload in a step; each step gets a plan from each that does.
STEP_RULES: list[StepRule] = [
    pypa_action.plan,
    run_tools.plan,
    poetry_action.plan,
    action_uploads.plan,
]
OPTED_OUT = "opted out with `# trustpub: ignore`"


def job_uploads(workflow: Workflow, job: Job) -> list[StepPlan]:
    """Every upload of the job; when a secrets manager fetches a PyPI credential, uploads that
    may read it (or, with none, the fetch itself) are left alone."""
    plans = [
        plan for step in job.steps() for rule in STEP_RULES if (plan := rule(workflow, job, step))
    ]
    fetched = fetched_credentials(job)
    if not fetched:
        return plans
    if not plans:
        return [fetched_only(fetched[0])]
    return [read_at_run_time(p, fetched[0]) for p in plans]


def set_aside_other_indexes(
    result: ResultBuilder, job: Job, plans: list[StepPlan]
) -> list[StepPlan]:
    """Report uploads to indexes other than PyPI and TestPyPI (information: their
    credentials stay) and return the others."""
    kept = []
    for plan in plans:
        if plan.target.kind is IndexKind.OTHER:
            reason = plan.target.why_not(plan.uses_token)
            result.skip(job.id, plan.step.line, reason, kind=SkipKind.OTHER_INDEX)
        else:
            kept.append(plan)
    return kept


def composite_action(result: ResultBuilder, workflow: Workflow, runs: Job) -> None:
    """A composite action that uploads with a token: trusted publishing cannot work in it."""
    for step in runs.steps():
        for rule in STEP_RULES:
            plan = rule(workflow, runs, step)
            if plan is None or not plan.uses_token:
                continue
            if set_aside_other_indexes(result, runs, [plan]):
                result.skip(
                    None,
                    step.line,
                    "this composite action publishes to PyPI; trusted publishing does not work "
                    "from inside a composite action",
                    "move the publish step into a job of the workflow that uses this action",
                )


def reusable_workflow_call(result: ResultBuilder, workflow: Workflow, job: Job) -> None:
    """A job that calls a reusable workflow: what it hands over (see rules/reusable_calls)."""
    found = reusable_call(job)
    if isinstance(found, Skip) and workflow.job_opted_out(job):
        result.skip(job.id, job.line, OPTED_OUT, kind=SkipKind.IGNORED)
    elif isinstance(found, Skip):
        result.skips.append(found)
    elif isinstance(found, Note):
        result.notes.append(found)
    elif found is not None:
        result.reusable_calls.append(found)
