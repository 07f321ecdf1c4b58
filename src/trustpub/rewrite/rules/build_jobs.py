"""What a split leaves in the build job: the dists stored where the uploads were, and its own
`permissions` where it needs them.

An upload step that did nothing but upload (the PyPA action, `twine upload dist/*` alone) goes;
a tool's step that also built keeps its other commands (`pdm publish` becomes `pdm build`). The
dists are stored with `actions/upload-artifact` where `dists.py` says: for each directory the
uploads read, where its first upload was, or after its last one once every build has run.
"""

from __future__ import annotations

import copy
from typing import Any

from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.result import ResultBuilder
from trustpub.rewrite.rules import permissions
from trustpub.rewrite.rules.base import HandOff, SplitRefused, StepPlan
from trustpub.rewrite.rules.job_keys import anchor_key
from trustpub.rewrite.workflow import Job, Workflow

# How a removal from an `env:` that several uploads read is described (said once).
_SHARED_ENV = ("the job's `env:`", "the workflow's `env:`")
_BY_HAND = "split it by hand into a build job and one publish job per index (see the guide)"


def hand_off(plan: StepPlan) -> HandOff | None:
    """The plan's handover to a publish job (None for the PyPA action, which moves whole)."""
    found = plan.hand_off
    if plan.is_pypa_action:
        return None
    if not isinstance(found, HandOff):
        reason = found.reason if found else "trustpub cannot hand this upload to the PyPA action"
        advice = (found.advice if found else "") or _BY_HAND
        raise SplitRefused(reason, advice)
    return found


def stays(plan: StepPlan) -> bool:
    """True when the upload's step keeps other commands in the build job."""
    found = hand_off(plan)
    return found is not None and not found.goes


def store_dists(
    job: Job,
    plans: list[StepPlan],
    stores: dict[int, dict[str, Any] | None],
    patch: RestructurePatch,
    report: ResultBuilder,
) -> None:
    """Take the uploads out of the build job (`plans` in step order) and store the dists: at
    each anchor (an upload's step index), its upload-artifact step (None: the publish jobs
    download the artifact the job downloaded)."""
    steps = (*job.path, "steps")
    said: set[str] = set()
    for plan in plans:
        found = hand_off(plan)
        anchor = plan.step.index in stores
        store = stores.get(plan.step.index)
        if found is not None:
            for description in found.edit(patch, anchor and not found.goes):
                if description not in said or not description.endswith(_SHARED_ENV):
                    report.change(job.id, plan.step.line, description)
                said.add(description)
        if store is not None and stays(plan):
            patch.insert_item(steps, plan.step.index, store, after=True)
        elif store is not None:
            patch.replace_item(steps, plan.step.index, store)
        elif not stays(plan):
            patch.remove_item(steps, plan.step.index)


def own_permissions(
    workflow: Workflow, job: Job, patch: RestructurePatch, report: ResultBuilder
) -> None:
    """Give the build job its own `permissions` when it would be the only job without.

    A workflow of several jobs where only some set `permissions` has its workflow-level
    permissions flagged (zizmor); the old job alone was exempt. The build job keeps what it
    had from the workflow, or, where the workflow sets nothing, gets what the in-place rule
    gives a job (`contents: read` to check out), without `id-token`.
    """
    others = [j for j in workflow.jobs() if j.id != job.id]
    if "permissions" in job.data or any("permissions" not in j.data for j in others):
        return
    inherited = workflow.data.get("permissions")
    if isinstance(inherited, dict) and set(inherited.values()) <= {"read", "none"}:
        return  # read-only workflow permissions are not flagged
    if "permissions" in workflow.data:
        value = copy.deepcopy(inherited)
        if value == "write-all":  # write-all grants id-token too: every other scope, spelled out
            value = write_all_but_id_token()
        if isinstance(value, dict):
            value.pop(permissions.ID_TOKEN, None)
        what = "the workflow's permissions, spelled out on the job"
    else:
        value = {"contents": "read"} if job.checks_out_code() else {}
        what = "it ran with the repository's default token permissions"
        written = ", ".join(f"{k}: {v}" for k, v in value.items())
        report.note(
            job.id,
            job.line,
            f"`{job.id}` now has `permissions: {{{written}}}` like the jobs trustpub added; "
            "add any scope its steps need (e.g. `contents: write` to push a tag)",
        )
    patch.insert_entries(job.path, {"permissions": value}, after=anchor_key(job))
    report.change(job.id, job.line, f"added job-level `permissions` ({what})")


def write_all_but_id_token() -> dict[str, str]:
    """`write-all` without `id-token`; `models` has no write level."""
    return {s: "read" if s == "models" else "write" for s in permissions.READ_ALL_SCOPES}
