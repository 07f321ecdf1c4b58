"""Rule: what came after an upload and depends on it keeps coming after it.

Steps that followed the upload and act on what it published (create a GitHub release, sign:
`github_token.py` says which) move to a new job that needs the publish jobs, together with the
later steps they share files, variables or outputs with, but only when the new job gives them
everything they used (`step_needs.py`): the checkout, the dists, the variables they read, the
runner's programs. Otherwise they stay, and the report says that they now run before publishing,
with their lines. The new job keeps the old job's permissions exactly (none, when it had none),
and its checkout does not keep the token for git unless a moved step pushes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from trustpub.rewrite import conditions
from trustpub.rewrite.edits import UnsupportedEdit, is_block_mapping
from trustpub.rewrite.expressions import referenced_secrets
from trustpub.rewrite.render import Flow
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.rules.followers import Follow, PublishTarget, needs_list
from trustpub.rewrite.rules.job_keys import carried_keys
from trustpub.rewrite.rules.new_jobs import NewJob, NewStep
from trustpub.rewrite.rules.step_needs import JobSteps
from trustpub.rewrite.rules.token_access import (
    announces,
    env_value,
    last_checkout,
    pushes_with_checkout,
    step_name,
)
from trustpub.rewrite.workflow import Step

_JOB_ONLY = ("matrix", "strategy", "runner", "job")


def follow_up_job(
    follow: Follow, download: Callable[[], list[NewStep]], dists: list[str]
) -> NewJob | None:
    """The job for the steps that act on the upload, or None; reports the steps that stay."""
    job = follow.job
    uploads = {p.step.index for t in follow.targets if t.plan for p in t.uploads}
    steps = [s for s in job.steps() if s.index not in uploads]
    later = [s for s in steps if s.index > min(uploads)]
    facts = JobSteps(follow.workflow, job, frozenset(dists))
    moving: list[Step] = []
    for group in _groups(later, facts):
        if not any(announces(s) for s in group):
            continue
        reason = _why_it_stays(follow, group, steps, facts)
        if reason is None:
            moving.extend(group)
        else:
            names = ", ".join(step_name(s) for s in group)
            verb = "stays" if len(group) == 1 else "stay"
            follow.report.note(job.id, group[0].line, f"{names} {verb} in `{job.id}`: {reason}")
    staying = [s for s in later if s not in moving]
    if staying:
        _report_staying(follow, staying)
    if not moving:
        return None
    return _make_job(follow, sorted(moving, key=lambda s: s.index), download, facts)


def _groups(later: list[Step], facts: JobSteps) -> list[list[Step]]:
    """The later steps in groups that share files, variables or outputs (in step order)."""
    group_of = {s.index: i for i, s in enumerate(later)}

    def root(i: int) -> int:
        while group_of[later[i].index] != i:
            i = group_of[later[i].index]
        return i

    for i, step in enumerate(later):
        for other in later[:i]:
            if facts.needs(step, other):
                group_of[later[root(i)].index] = root(later.index(other))
    grouped: dict[int, list[Step]] = {}
    for i, step in enumerate(later):
        grouped.setdefault(root(i), []).append(step)
    return list(grouped.values())


def _why_it_stays(
    follow: Follow, group: list[Step], steps: list[Step], facts: JobSteps
) -> str | None:
    job, workflow = follow.job, follow.workflow
    if isinstance(job.data.get("strategy"), dict) and "matrix" in job.data["strategy"]:
        return "it runs in every matrix leg, and a job after the publish jobs runs once"
    ids = {str(s.data["id"]) for s in group if "id" in s.data}
    runs = any("run" in s.data for s in group)
    if runs and any(x.startswith("`runs-on") for x in carried_keys(job, True).left):
        return "it runs a script on a runner a new job cannot name"
    for step in group:
        reason = _own_reason(follow, step, ids) or facts.alone(step)
        if reason:
            return reason
        for other in steps:
            if other in group:
                continue
            if other.index < step.index and (needed := facts.needs(step, other)):
                return f"{step_name(step)} needs {needed}"
            if other.index > step.index and (needed := facts.needs(other, step)):
                return f"{step_name(other)}, which stays, needs what {step_name(step)} leaves"
    checkout = last_checkout(job, group[0])
    if checkout is not None and conditions.foreign_context(checkout.data, set(workflow.env)):
        return "this job's checkout step reads values of this job"
    return None


def _own_reason(follow: Follow, step: Step, group_ids: set[str]) -> str | None:
    """Why the step cannot run in another job, whatever the steps around it do."""
    job = follow.job
    text = " ".join(conditions.expressions_in(step.data))
    for context in _JOB_ONLY:
        if conditions.reads_context(text, context):
            return f"it reads `{context}` from this job"
    foreign_steps = sorted(set(conditions.step_ids(text)) - group_ids)
    if foreign_steps:
        return f"it reads the outputs of step `{foreign_steps[0]}`, which stays in this job"
    for name in conditions.env_names(text):
        if env_value(follow.workflow, job, step, name) is None:
            return f"it reads `env.{name}`, which this job sets while it runs"
    if "environment" in job.data and referenced_secrets(str(step.data)):
        return "it may read secrets of this job's environment"
    for target in _waited(follow, step):
        if not conditions.implies(step.data.get("if"), target.step_if):
            return (
                "it ran even when the upload before it was skipped, which a job that needs the "
                "publish job cannot do"
            )
    return None


def _waited(follow: Follow, step: Step) -> list[PublishTarget]:
    return [
        t for t in follow.targets if t.plan is not None and t.uploads[0].step.index < step.index
    ]


def _make_job(
    follow: Follow, moving: list[Step], download: Callable[[], list[NewStep]], facts: JobSteps
) -> NewJob:
    job, patch = follow.job, follow.patch
    waits = list(dict.fromkeys(t.job_id for s in moving for t in _waited(follow, s)))
    text = " ".join(str(s.data) for s in moving)
    waits += [n for n in conditions.needed_jobs(text) if n in needs_list(job) and n not in waits]
    runs = any("run" in s.data for s in moving)
    carried = carried_keys(job, runs_scripts=runs)
    header: dict[str, Any] = {
        "needs": Flow(tuple(waits)),
        "runs-on": carried.entries.pop("runs-on"),
    }
    if "permissions" in job.data:  # else it runs with what the old job ran with
        header["permissions"] = copy.deepcopy(job.data["permissions"])
    env = _env(follow, moving, facts)
    if env:
        header["env"] = env
    header.update(carried.entries)
    new = NewJob(follow.new_job_id("github-release"), header)
    steps_path = (*job.path, "steps")
    copied: list[NewStep] = []
    checkout = last_checkout(job, moving[0])
    if checkout is not None:
        pushes = any(pushes_with_checkout(follow.workflow, job, s) for s in moving)
        copied.append(_copy_checkout(follow, checkout, keep_credentials=pushes))
    moved: list[NewStep] = []
    for step in moving:
        moved.append(patch.take_item(steps_path, step.index, follow.dash_column))
        patch.remove_item(steps_path, step.index)
        follow.report.change(
            new.id,
            step.line,
            f"moved {step_name(step)} to the new job `{new.id}`, which runs after "
            + ", ".join(f"`{w}`" for w in waits),
        )
    new.steps = [*copied, *download(), *moved]
    return new


def _env(follow: Follow, moving: list[Step], facts: JobSteps) -> dict[str, Any]:
    """The job-level variables the moved steps read (the workflow's stay visible)."""
    job_env = follow.job.data.get("env")
    if not isinstance(job_env, dict):
        return {}
    read = {n for s in moving for n in facts.facts[s.index].reads_env}
    return {k: copy.deepcopy(v) for k, v in job_env.items() if k in read}


def _copy_checkout(follow: Follow, checkout: Step, keep_credentials: bool) -> NewStep:
    """The job's checkout for the new job: without the token for git, unless a step pushes."""
    patch, path = follow.patch, (*follow.job.path, "steps")
    inputs = checkout.data.get("with")
    within = RestructurePatch(follow.workflow.doc)
    if not keep_credentials and "persist-credentials" not in checkout.with_:
        node = follow.workflow.doc.node_at((*checkout.path, "with"))
        try:
            if isinstance(inputs, dict) and is_block_mapping(node):
                within.insert_entries((*checkout.path, "with"), {"persist-credentials": False})
            elif inputs is None and "with" not in checkout.data:
                within.insert_entries(checkout.path, {"with": {"persist-credentials": False}})
        except UnsupportedEdit:
            within = RestructurePatch(follow.workflow.doc)
    return patch.take_item(path, checkout.index, follow.dash_column, within, stays=True)


def _report_staying(follow: Follow, staying: list[Step]) -> None:
    names = ", ".join(f"{step_name(s)} (line {s.line})" for s in staying)
    jobs = ", ".join(f"`{t.job_id}`" for t in follow.targets)
    follow.report.note(
        follow.job.id,
        staying[0].line,
        f"steps that came after the upload stay in `{follow.job.id}` and now run before "
        f"publishing: {names}; if one relies on the published package, move it to a job that "
        f"needs {jobs}",
    )
