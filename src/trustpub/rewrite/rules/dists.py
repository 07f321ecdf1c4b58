"""Rule: the dists a split's publish jobs publish are exactly those its uploads read.

The build job stores each directory its uploads read (`dist/`; `wheelhouse/` and `dist/` for a
cibuildwheel job) as an artifact of its own: where the first upload that reads it was, or, when
a step between its uploads adds to it (the sdist built after the wheels went up) or an upload's
step keeps building, after the last one. A publish job downloads what its uploads read into the
one directory its PyPA action step reads: an artifact by `name`, or several by `pattern` with
`merge-multiple` (the legs of a matrix job, several directories). A job that runs after the
publish jobs (`follow_up.py`) gets each directory back where it was.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from trustpub.rewrite import artifacts
from trustpub.rewrite.rules.artifact_reuse import may_change
from trustpub.rewrite.rules.base import SplitRefused, StepPlan
from trustpub.rewrite.rules.build_jobs import hand_off, stays
from trustpub.rewrite.rules.new_jobs import NewStep
from trustpub.rewrite.rules.step_needs import JobSteps
from trustpub.rewrite.workflow import Job, Step, Workflow

_BY_HAND = "split it by hand into a build job and one publish job per index (see the guide)"
# Programs that take files away (a directory cleaned between two uploads that read it).
_REMOVERS = frozenset({"rm", "rmdir", "mv", "unlink", "find", "rsync", "shred"})


@dataclass
class Stored:
    """One directory the uploads read, stored as one artifact."""

    directory: str  # as the uploads wrote it (`wheelhouse/`), or `dist/`
    plans: list[StepPlan]  # the uploads that read it, in step order
    anchor: StepPlan | None = None  # where the build job stores it
    name: str = ""  # the artifact (a matrix job: the prefix of its legs' artifacts)

    @property
    def key(self) -> str:
        return normalized(self.directory)


@dataclass
class Dists:
    """What a split stores, and what each of its new jobs downloads."""

    stored: list[Stored]
    matrix: bool
    prefix: str = ""  # several directories: the prefix of all their artifacts' names

    @property
    def single(self) -> bool:
        return len(self.stored) == 1

    @property
    def directories(self) -> list[str]:
        return [s.directory for s in self.stored]

    def directory(self, plan: StepPlan) -> str:
        """The directory `plan` reads, as the stored artifact spells it."""
        key = directory_of(plan)
        return next(s.directory for s in self.stored if s.key == key)

    def name(self, names: artifacts.ArtifactNames, job_id: str) -> None:
        """Give each directory an artifact name that no other artifact of the workflow has."""
        if self.single:
            self.stored[0].name = names.allocate(job_id, self.matrix)
            return
        self.prefix = names.allocate(job_id, matrix=True)  # `prefix-*` is its own
        slugs = [re.sub(r"[^A-Za-z0-9]+", "-", s.key).strip("-") or "root" for s in self.stored]
        clash = len(set(slugs)) < len(slugs) or any(
            a != b and a.startswith(b + "-") for a in slugs for b in slugs
        )
        for number, (stored, slug) in enumerate(zip(self.stored, slugs, strict=True), 1):
            stored.name = f"{self.prefix}-{number if clash else slug}"

    def stores(self, ref: artifacts.ActionRef) -> dict[int, dict[str, Any] | None]:
        """The upload-artifact step of each directory, by the step index of its anchor."""
        return {
            s.anchor.step.index: artifacts.upload_step(ref, s.name, s.directory, self.matrix)
            for s in self.stored
            if s.anchor is not None
        }

    def anchors(self) -> dict[int, dict[str, Any] | None]:
        """The anchors alone (the publish jobs reuse a download: nothing is stored)."""
        return {s.anchor.step.index: None for s in self.stored if s.anchor is not None}

    def downloads(
        self, ref: artifacts.ActionRef, plans: tuple[StepPlan, ...], path: str
    ) -> list[NewStep]:
        """What a publish job downloads into `path` for `plans`: every directory they read."""
        keys = {directory_of(p) for p in plans}
        wanted = [s for s in self.stored if s.key in keys]
        if len(wanted) == 1:
            stored = wanted[0]
            return [artifacts.download_step(ref, stored.name, path, self.matrix)]
        if len(wanted) == len(self.stored):
            return [artifacts.download_step(ref, self.prefix, path, matrix=True)]
        return [artifacts.download_step(ref, s.name, path, self.matrix) for s in wanted]

    def restore(self, ref: artifacts.ActionRef) -> list[NewStep]:
        """Each directory downloaded back where it was (for the steps that ran after)."""
        return [artifacts.download_step(ref, s.name, s.directory, self.matrix) for s in self.stored]


def plan_dists(workflow: Workflow, job: Job, plans: list[StepPlan], matrix: bool) -> Dists:
    """The directories `plans` (in step order) read and where each is stored; SplitRefused when
    one is computed at run time or a step between its uploads may take files out of it."""
    stored: dict[str, Stored] = {}
    for plan in plans:
        written = packages_dir(plan)
        value = "dist/" if written is None else str(written)
        if "${{" in value:
            raise SplitRefused("`packages-dir` is computed at run time", _BY_HAND)
        found = stored.setdefault(normalized(value), Stored(value, []))
        if written is not None and found.directory == "dist/" and found.plans:
            found.directory = value  # the spelling an upload wrote
        found.plans.append(plan)
    facts = JobSteps(workflow, job, frozenset())
    for each in stored.values():
        each.anchor = _anchor(job, each, facts)
    return Dists(list(stored.values()), matrix)


def _anchor(job: Job, stored: Stored, facts: JobSteps) -> StepPlan:
    """Where the directory is stored: after its last upload when a step between its uploads adds
    to it (or an upload's step keeps building), else where its first upload was."""
    plans = stored.plans
    uploads = {p.step.index for p in plans}
    between = [
        s
        for s in job.steps()
        if plans[0].step.index < s.index < plans[-1].step.index and s.index not in uploads
    ]
    for step in between:
        if _may_remove(step, facts, stored.key):
            raise SplitRefused(
                f"{_name(step)} (line {step.line}) may take files out of `{stored.directory}` "
                f"between the uploads that read it (lines {plans[0].step.line} and "
                f"{plans[-1].step.line}), so no one artifact holds what each of them published",
                _BY_HAND,
            )
    changes = any(may_change(s, facts, stored.key) for s in between)
    return plans[-1] if changes or any(stays(p) for p in plans) else plans[0]


def _may_remove(step: Step, facts: JobSteps, directory: str) -> bool:
    mentions = re.search(rf"(?<![\w.-]){re.escape(directory)}(?![\w.-])", str(step.data))
    if step.uses:
        return bool(mentions) and not any(w in step.action for w in ("build", "wheel", "artifact"))
    found = facts.facts[step.index]
    run = str(step.data.get("run", ""))
    if found.programs is None:
        return bool(mentions)
    cleans = "git" in found.programs and re.search(r"\bgit\s+clean\b", run) is not None
    return cleans or (bool(mentions) and bool(found.programs & _REMOVERS))


def _name(step: Step) -> str:
    name = step.data.get("name") or step.uses
    return f"`{name}`" if name else "the `run` step"


def packages_dir(plan: StepPlan) -> Any:
    """The directory an upload reads, as written (None: the PyPA action's default, `dist`)."""
    found = hand_off(plan)  # SplitRefused for a tool's upload the action cannot take over
    if found is not None:
        return found.packages_dir
    return plan.step.with_.get("packages-dir", plan.step.with_.get("packages_dir"))


def directory_of(plan: StepPlan) -> str:
    written = packages_dir(plan)
    return normalized("dist" if written is None else str(written))


def normalized(value: str) -> str:
    text = value.strip().removeprefix("./")
    return posixpath.normpath(text).rstrip("/") if text.rstrip("/") else "."
