"""What came after an upload keeps coming after it once the upload has its own job.

Steps that followed the upload in the old job (a GitHub Release) move to a job that `needs:` the
publish jobs where they can stand alone, and are reported where they cannot; jobs that `needs:`
the old job wait for the publish jobs instead.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trustpub.rewrite import conditions
from trustpub.rewrite.edits import UnsupportedEdit
from trustpub.rewrite.expressions import referenced_secrets
from trustpub.rewrite.render import Flow
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.result import ResultBuilder
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.rules.new_jobs import NewJob, NewStep
from trustpub.rewrite.workflow import Job, Step, Workflow

RELEASE_ACTIONS = frozenset(
    {
        "softprops/action-gh-release",
        "ncipollo/release-action",
        "actions/create-release",
        "actions/upload-release-asset",
        "marvinpinto/action-automatic-releases",
        "svenstaro/upload-release-action",
        "taiki-e/create-gh-release-action",
    }
)
_GH_RELEASE = re.compile(r"\bgh\s+release\s+(create|upload|edit)\b")


@dataclass
class PublishTarget:
    """One publish job to make: its index, the upload it comes from, and the job once made."""

    kind: Any  # IndexKind
    plan: StepPlan | None  # None: an upload added with --add-testpypi
    source: StepPlan  # the upload the job is made from (or modelled on, when added)
    inherits_environment: bool = False
    job: NewJob | None = None

    @property
    def job_id(self) -> str:
        assert self.job is not None
        return self.job.id

    @property
    def step_if(self) -> Any:
        return self.source.step.data.get("if")


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


def is_release_step(step: Step) -> bool:
    run = step.data.get("run")
    if isinstance(run, str) and _GH_RELEASE.search(run):
        return True
    return step.action in RELEASE_ACTIONS


# -- steps after the upload ----------------------------------------------------------------------


def release_job(follow: Follow, download: dict[str, Any]) -> NewJob | None:
    """A job for the GitHub Release steps that followed the upload, or None; reports the rest."""
    moved_from = {t.plan.step.index for t in follow.targets if t.plan}
    first = min(moved_from)
    later = [s for s in follow.job.steps() if s.index > first and s.index not in moved_from]
    movable: list[Step] = []
    for step in later:
        reason = _why_it_stays(follow, step) if is_release_step(step) else None
        if is_release_step(step) and reason is None:
            movable.append(step)
        elif reason is not None:
            follow.report.note(follow.job.id, step.line, f"{_named(step)} stays here: {reason}")
    staying = [s for s in later if s not in movable]
    if staying:
        _report_staying(follow, staying)
    return _make_release_job(follow, movable, download) if movable else None


def _why_it_stays(follow: Follow, step: Step) -> str | None:
    workflow, job = follow.workflow, follow.job
    foreign = conditions.foreign_context(step.data, set(workflow.env))
    if foreign:
        return f"it reads `{foreign}` from this job, so it cannot run in a job of its own"
    if "defaults" in job.data and "run" in step.data:
        return "it relies on this job's `defaults:`"
    if "environment" in job.data and referenced_secrets(str(step.data)):
        return "it may read secrets of this job's environment"
    checkout = _checkout(job, step)
    if checkout is not None and conditions.foreign_context(checkout.data, set(workflow.env)):
        return "this job's checkout step reads values of this job"
    for target in _waited(follow, step):
        if not conditions.implies(step.data.get("if"), target.step_if):
            return (
                "it ran even when the upload before it was skipped, which a job that needs the "
                "publish job cannot do"
            )
    return None


def _waited(follow: Follow, step: Step) -> list[PublishTarget]:
    return [t for t in follow.targets if t.plan is not None and t.plan.step.index < step.index]


def _checkout(job: Job, before: Step) -> Step | None:
    for step in job.steps():
        if step.index < before.index and step.action == "actions/checkout":
            return step
    return None


def _make_release_job(follow: Follow, movable: list[Step], download: dict[str, Any]) -> NewJob:
    workflow, job, patch = follow.workflow, follow.job, follow.patch
    waits = list(dict.fromkeys(t.job_id for s in movable for t in _waited(follow, s)))
    header: dict[str, Any] = {"needs": Flow(tuple(waits)), "runs-on": "ubuntu-latest"}
    if "permissions" in job.data:
        header["permissions"] = copy.deepcopy(job.data["permissions"])
    elif "permissions" not in workflow.data:
        header["permissions"] = {"contents": "write"}  # what creating a release needs
    release = NewJob(follow.new_job_id("github-release"), header)
    steps_path = (*job.path, "steps")
    checkout = _checkout(job, movable[0])
    copied: list[NewStep] = []
    if checkout is not None:
        copied.append(patch.take_item(steps_path, checkout.index, follow.dash_column))
    moved: list[NewStep] = []
    for step in movable:
        moved.append(patch.take_item(steps_path, step.index, follow.dash_column))
        patch.remove_item(steps_path, step.index)
        follow.report.change(
            release.id,
            step.line,
            f"moved {_named(step)} to the new job `{release.id}`, which runs after "
            + ", ".join(f"`{w}`" for w in waits),
        )
    release.steps = [*copied, download, *moved]
    return release


def _report_staying(follow: Follow, staying: list[Step]) -> None:
    names = ", ".join(f"{_named(s)} (line {s.line})" for s in staying)
    jobs = ", ".join(f"`{t.job_id}`" for t in follow.targets)
    follow.report.note(
        follow.job.id,
        staying[0].line,
        f"steps that came after the upload stay in `{follow.job.id}` and now run before "
        f"publishing: {names}; if one relies on the published package, move it to a job that "
        f"needs {jobs}",
    )


def _named(step: Step) -> str:
    name = step.data.get("name") or step.uses or "the `run` step"
    return f"`{name}`"


# -- jobs that needed the old job ----------------------------------------------------------------


def retarget_needs(follow: Follow) -> None:
    """Jobs that waited for the old job (and so for its upload) wait for the publish jobs."""
    job = follow.job
    made = [t for t in follow.targets if t.plan is not None]
    for other in follow.workflow.jobs():
        ids = needs_list(other)
        if other.id == job.id or job.id not in ids:
            continue
        follows = [t.job_id for t in made if conditions.implies(other.data.get("if"), t.step_if)]
        if not follows:
            follow.report.note(
                other.id,
                other.line,
                f"`{other.id}` needs `{job.id}`, which no longer uploads, and so now runs before "
                "publishing; the publish jobs run only under conditions it does not have, so "
                "trustpub left its `needs:` alone",
            )
            continue
        keep = job.id in conditions.needed_jobs(str(other.data))
        new_ids = [job.id] * keep + [j for j in follows if j not in ids]
        _replace_need(follow.patch, other, ids, job.id, new_ids)
        follow.report.change(
            other.id,
            other.line,
            f"`needs: {job.id}` now waits for " + ", ".join(f"`{j}`" for j in new_ids),
        )


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


def add_need(patch: RestructurePatch, job: Job, new_id: str) -> None:
    """Make `job` also wait for `new_id`."""
    needs = job.data.get("needs")
    path = (*job.path, "needs")
    if isinstance(needs, str):
        patch.replace_scalar(path, Flow((needs, new_id)))
    elif isinstance(needs, list) and needs:
        patch.insert_item(path, len(needs) - 1, new_id, after=True)
    elif needs is not None:
        raise UnsupportedEdit(f"cannot add `{new_id}` to `needs: {needs!r}`")
    else:
        keys = list(job.data)
        runs_on = keys.index("runs-on") if "runs-on" in keys else 0
        # Right before `runs-on`; never after it, where the environment and permissions go.
        after = keys[runs_on - 1] if runs_on > 0 else None
        patch.insert_entries(job.path, {"needs": new_id}, after=after)
