"""Rule: a job that only downloads and publishes takes its upload's `if:` when that keeps pull
requests out.

Such a job, on a workflow that pull requests trigger, would run on them with `id-token: write`.
When nothing needs the job and its other steps only fetch or look at the dists, the upload's
condition can be the job's: on a pull request the job is skipped instead of skipping its upload,
and nothing else changes. The job stays whole (no second artifact round trip).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trustpub.rewrite import conditions
from trustpub.rewrite.comments import about_credentials, entry_comments
from trustpub.rewrite.render import Commented
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.rules.fan_out import only_downloads
from trustpub.rewrite.rules.followers import needs_list
from trustpub.rewrite.workflow import Job, Workflow


def liftable(workflow: Workflow, job: Job, plans: list[StepPlan]) -> bool:
    """True when the single upload's `if:` (the one of several PyPA action uploads to one index,
    which one call publishes: `merge_in_place.py`) can become the job's without changing
    anything else the workflow does."""
    if not plans or "if" not in plans[0].step.data or not only_downloads(job, plans):
        return False
    if len(plans) > 1 and not (
        all(p.is_pypa_action for p in plans)
        and len({p.target.kind for p in plans}) == 1
        and all(
            conditions.same_condition(p.step.data.get("if"), plans[0].step.data["if"])
            for p in plans
        )
    ):
        return False
    if conditions.step_only_context(plans[0].step.data["if"]):
        return False
    return not any(job.id in needs_list(other) for other in workflow.jobs())


@dataclass(frozen=True)
class Lift:
    """The job's new `if:` entry (to be added with its other new entries), or None when the
    job's own `if:` is rewritten in place, and the comments that go above it."""

    entry: Any | None
    comments: list[str]
    description: str = (
        "moved the upload's `if:` to the job, which only downloads and publishes: on a pull "
        "request the job is skipped, so it never runs there with `id-token: write`"
    )


def lift(
    patch: RestructurePatch,
    workflow: Workflow,
    job: Job,
    plan: StepPlan,
    job_if_written: bool = False,
) -> Lift:
    """Take the upload's `if:` (with its comments) out of the step, for the job (whose `if:`
    is already written when `job_if_written`: a TestPyPI gate wrote it with this condition)."""
    step = plan.step
    doc = workflow.doc
    key, value = doc.key_node(step.path, "if"), doc.node_at((*step.path, "if"))
    above, eol = entry_comments(doc, key, value) if key and value else ([], None)
    condition = conditions.combine(job.data.get("if"), step.data["if"])
    if job_if_written:
        patch.remove_entry(step.path, "if")
        return Lift(None, [])
    if "if" in job.data:  # the step's comments stay where they are
        patch.remove_entry(step.path, "if")
        patch.replace_scalar((*job.path, "if"), condition)
        return Lift(None, [])
    patch.remove_entry(step.path, "if", keep_comments=False)
    kept = [c for c in above if not about_credentials(c)]
    return Lift(Commented(condition, eol) if eol else condition, kept)
