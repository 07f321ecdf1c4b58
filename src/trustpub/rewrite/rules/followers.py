"""The publish jobs of a split, and the jobs around them: jobs that `needs:` the old job wait for
the publish jobs instead (the steps that followed the upload: `follow_up.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trustpub.rewrite import conditions
from trustpub.rewrite.edits import UnsupportedEdit
from trustpub.rewrite.render import Flow
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.result import ResultBuilder
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.rules.new_jobs import NewJob
from trustpub.rewrite.workflow import Job, Workflow


@dataclass
class PublishTarget:
    """One publish job to make: its index, the upload it comes from, and the job once made."""

    kind: Any  # IndexKind
    plan: StepPlan | None  # None: an upload added with --add-testpypi
    source: StepPlan  # the upload the job is made from (or modelled on, when added)
    inherits_environment: bool = False
    job: NewJob | None = None
    promoted: Callable[[Any], Any] | None = None  # reads step outputs from job outputs
    # Every upload to the index whose dists the job publishes (`plan` and those it takes over:
    # `same_index.py`); empty for one upload.
    group: tuple[StepPlan, ...] = ()
    name: str | None = None  # the publish step's new name, when the uploads' names differ

    @property
    def uploads(self) -> tuple[StepPlan, ...]:
        """The uploads whose dists the job publishes, in step order."""
        return self.group or (self.source,)

    @property
    def merged(self) -> tuple[StepPlan, ...]:
        """The uploads besides `plan` that its step now publishes for (they go)."""
        return tuple(p for p in self.group if p is not self.plan) if self.plan else ()

    @property
    def job_id(self) -> str:
        assert self.job is not None
        return self.job.id

    @property
    def step_if(self) -> Any:
        """The upload's `if:`, as a publish job's `if:` can read it (step outputs promoted)."""
        condition = self.source.step.data.get("if")
        return self.promoted(condition) if self.promoted else condition


@dataclass
class Follow:
    """What the follower rules need from the split that calls them."""

    workflow: Workflow
    job: Job
    targets: list[PublishTarget]
    patch: RestructurePatch
    report: ResultBuilder
    new_job_id: Callable[[str], str]
    dash_column: int


def needs_list(job: Job) -> list[str]:
    needs = job.data.get("needs")
    if isinstance(needs, str):
        return [needs]
    return [str(n) for n in needs] if isinstance(needs, list) else []


# -- jobs that needed the old job ----------------------------------------------------------------


def retarget_needs(follow: Follow) -> None:
    """Jobs that waited for the old job (and so for its upload) wait for the publish jobs; one
    whose condition does not hold only where a publish job's does still runs when that job is
    skipped by its own condition (as it ran when the upload step was skipped)."""
    job = follow.job
    made = [t for t in follow.targets if t.plan is not None]
    for other in follow.workflow.jobs():
        ids = needs_list(other)
        if other.id == job.id or job.id not in ids:
            continue
        condition = other.data.get("if")
        follows = [t.job_id for t in made if conditions.implies(condition, t.step_if)]
        skippable = [t.job_id for t in made if t.job_id not in follows]
        # With a publish job that may be skipped, the old job stays needed: its success is what
        # the condition then checks (a skipped publish job may mean it failed).
        keep = bool(skippable) or job.id in conditions.needed_jobs(str(other.data))
        others = [n for n in ids if n != job.id] + [job.id] * keep
        careful = conditions.after_earlier_jobs(condition, skippable, others) if skippable else None
        if skippable and (careful is None or not _one_line_if(follow, other)):
            if not follows:
                follow.report.note(
                    other.id,
                    other.line,
                    f"`{other.id}` needs `{job.id}`, which no longer uploads, and so now runs "
                    "before publishing; the publish jobs run only under conditions it does not "
                    "have, and its own `if:` cannot be rewritten to wait for them, so trustpub "
                    "left its `needs:` alone",
                )
                continue
            skippable, careful = [], None
            keep = job.id in conditions.needed_jobs(str(other.data))
        new_ids = [job.id] * keep + [j for j in [*follows, *skippable] if j not in ids]
        _replace_need(follow.patch, other, ids, job.id, new_ids)
        follow.report.change(
            other.id,
            other.line,
            f"`needs: {job.id}` now waits for " + ", ".join(f"`{j}`" for j in new_ids),
        )
        if careful is not None:
            _set_condition(follow.patch, other, careful)
            follow.report.change(
                other.id,
                other.line,
                f"`{other.id}` still runs when "
                + ", ".join(f"`{j}`" for j in skippable)
                + " is skipped by its own condition, as it ran when the upload was skipped",
            )


def _one_line_if(follow: Follow, job: Job) -> bool:
    """True when the job has no `if:`, or one trustpub can rewrite (a one-line scalar)."""
    if "if" not in job.data:
        return "needs" in job.data
    node = follow.workflow.doc.node_at((*job.path, "if"))
    doc = follow.workflow.doc
    return (
        node is not None
        and getattr(node, "style", None) not in ("|", ">")
        and doc.line_of(node.start_mark.index) == doc.line_of(node.end_mark.index)
    )


def _set_condition(patch: RestructurePatch, job: Job, condition: str) -> None:
    if "if" in job.data:
        patch.replace_scalar((*job.path, "if"), condition)
    else:
        patch.insert_entries(job.path, {"if": condition}, after="needs")


def _replace_need(
    patch: RestructurePatch, job: Job, ids: list[str], old: str, new_ids: list[str]
) -> None:
    path = (*job.path, "needs")
    if isinstance(job.data["needs"], str):
        patch.replace_scalar(path, new_ids[0] if len(new_ids) == 1 else Flow(tuple(new_ids)))
        return
    index = ids.index(old)
    if new_ids[0] != old:
        patch.replace_scalar((*path, index), new_ids[0])
    for extra in new_ids[1:]:
        patch.insert_item(path, index, extra, after=True)


def add_need(patch: RestructurePatch, job: Job, new_id: str, condition: str | None = None) -> None:
    """Make `job` also wait for `new_id` (and, with `condition`, run under that `if:`)."""
    needs = job.data.get("needs")
    path = (*job.path, "needs")
    if isinstance(needs, str):
        patch.replace_scalar(path, Flow((needs, new_id)))
    elif isinstance(needs, list) and needs:
        patch.insert_item(path, len(needs) - 1, new_id, after=True)
    elif needs is not None:
        raise UnsupportedEdit(f"cannot add `{new_id}` to `needs: {needs!r}`")
    if condition is not None and "if" in job.data:
        patch.replace_scalar((*job.path, "if"), condition)
    entries: dict[str, Any] = {} if needs is not None else {"needs": new_id}
    if condition is not None and "if" not in job.data:
        entries["if"] = condition
    if entries:
        keys = list(job.data)
        runs_on = keys.index("runs-on") if "runs-on" in keys else 0
        # Right before `runs-on`; never after it, where the environment and permissions go.
        after = keys[runs_on - 1] if runs_on > 0 else None
        if needs is not None:
            after = "needs"
        patch.insert_entries(job.path, entries, after=after)
