"""Rule: a job that only downloads the dists and uploads them twice to one index (the wheels, then
the sdist) publishes them with one PyPA action call, where the last upload is.

The job is the publish job already (`fan_out.py`): it is not split. Its last upload step stays and
is migrated in place (`in_place.py`); the others go, their comments (but those about the token)
staying where they were, and their dists are published by that step. When an upload that goes
read another directory, the download steps that fill it download into the directory the last
upload reads instead, so one call finds every dist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trustpub.project import ProjectName
from trustpub.rewrite import artifacts
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.rules import same_index
from trustpub.rewrite.rules.base import SplitRefused, StepPlan
from trustpub.rewrite.rules.dists import directory_of, normalized, packages_dir
from trustpub.rewrite.workflow import Job, Step, Workflow

Upload = tuple[StepPlan, ProjectName]
_BY_HAND = "publish them by hand with one PyPA action step that reads one directory"


@dataclass
class Merged:
    """The upload that stays (with its project) and what became of the others, by line."""

    kept: Upload
    changes: list[tuple[int, str]] = field(default_factory=list)


def merge_in_place(
    workflow: Workflow, job: Job, uploads: list[Upload], patch: RestructurePatch
) -> Merged:
    """Remove every upload but the last, whose step publishes the dists of all of them;
    SplitRefused when one call cannot."""
    plans = [plan for plan, _ in uploads]
    same_index.check(workflow, job, plans)
    projects = {project.name for _, project in uploads}
    keep = same_index.kept(plans)  # the last: they are all PyPA action steps
    if len(projects) > 1:
        raise SplitRefused(
            f"the uploads publish the projects {' and '.join(sorted(projects))}, whose "
            "environment and trusted publisher one PyPA action step cannot share in place",
            _BY_HAND,
        )
    merged = Merged(next(u for u in uploads if u[0] is keep))
    steps = (*job.path, "steps")
    for plan in plans:
        if plan is keep:
            continue
        if directory_of(plan) != directory_of(keep):
            merged.changes += _retarget(job, plan, keep, patch)
        patch.remove_item_keeping_comments(steps, plan.step.index)
        merged.changes.append((plan.step.line, same_index.merged_description(plans, plan)))
    name = same_index.merged_name(plans)
    if name is not None:
        patch.replace_scalar((*keep.step.path, "name"), name)
        merged.changes.append((keep.step.line, same_index.named_description(name)))
    return merged


def _retarget(
    job: Job, plan: StepPlan, keep: StepPlan, patch: RestructurePatch
) -> list[tuple[int, str]]:
    """Make the downloads that fill `plan`'s directory fill `keep`'s."""
    directory = directory_of(plan)
    fills = [
        s for s in job.steps() if s.action in artifacts.DOWNLOAD_ACTIONS and _fills(s, directory)
    ]
    fills = [s for s in fills if s.index < keep.step.index]
    where = f"`{packages_dir(plan) or 'dist'}`"
    if not fills:
        raise SplitRefused(
            f"no download step of the job fills {where}, which the upload on line "
            f"{plan.step.line} reads, so trustpub cannot bring its dists to the other upload's",
            _BY_HAND,
        )
    for step in fills:
        if step.action != artifacts.DOWNLOAD or not (
            "name" in step.with_ or step.with_.get("merge-multiple") is True
        ):
            raise SplitRefused(
                f"the download step on line {step.line} puts each artifact in a directory of "
                f"its own inside {where}, so trustpub cannot tell where its dists land",
                _BY_HAND,
            )
    uploads = {keep.step.index, plan.step.index}
    for step in job.steps():
        if step.index not in uploads and step not in fills and _reads(step, directory):
            raise SplitRefused(
                f"the step on line {step.line} reads {where}, which the upload on line "
                f"{plan.step.line} publishes from: one PyPA action call reads one directory, "
                f"and that step would find {where} empty",
                _BY_HAND,
            )
    written = str(packages_dir(keep) or "dist/")
    changes = []
    for step in fills:
        old = str(step.with_["path"])
        new = written.rstrip("/") + ("/" if old.endswith("/") else "")
        patch.replace_scalar((*step.path, "with", "path"), new)
        changes.append(
            (
                step.line,
                f"the download step now puts its dists in `{new}`, which the PyPA action step "
                f"on line {keep.step.line} publishes (it used `{old}`)",
            )
        )
    return changes


def _fills(step: Step, directory: str) -> bool:
    return "path" in step.with_ and normalized(str(step.with_["path"])) == directory


def _reads(step: Step, directory: str) -> bool:
    """True when a word of the step names the directory or a file in it (`wheelhouse/*.whl`)."""
    words = str(step.data).replace("'", " ").replace('"', " ").replace(",", " ").split()
    found = [normalized(w) for w in words]
    return any(w == directory or w.startswith(directory + "/") for w in found)
