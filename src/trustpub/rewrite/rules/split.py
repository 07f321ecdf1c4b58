"""Rule: one index per job, and build separate from publish (the Python Packaging Guide layout).

A job that builds and uploads keeps its id and everything that is not an upload, and stores the
dists with `actions/upload-artifact` where the upload was; one new job per index needs it,
downloads the dists to the directory the upload read, and runs the PyPA action with trusted
publishing. A job that only downloads and publishes keeps PyPI and hands TestPyPI to a new job.
A tool's upload (`twine upload`, `poetry publish`, ...) is handed to the PyPA action in the publish
job (`StepPlan.hand_off`): its step keeps building in the build job, or goes (`build_jobs.py`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from trustpub.project import ProjectName
from trustpub.rewrite import artifacts, conditions
from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.render import Commented
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.result import ResultBuilder
from trustpub.rewrite.rules import pypa_action
from trustpub.rewrite.rules.artifact_reuse import reusable_download
from trustpub.rewrite.rules.base import HandOff, StepPlan
from trustpub.rewrite.rules.build_jobs import own_permissions, packages_path, store_dists
from trustpub.rewrite.rules.follow_up import follow_up_job
from trustpub.rewrite.rules.followers import (
    Follow,
    PublishTarget,
    add_need,
    needs_list,
    retarget_needs,
)
from trustpub.rewrite.rules.job_outputs import promote
from trustpub.rewrite.rules.new_jobs import NewStep
from trustpub.rewrite.rules.publish_jobs import PublishJobs, SplitRefused
from trustpub.rewrite.rules.token_access import (
    TokenAccess,
    kept_note,
    read_only_note,
    token_access,
)
from trustpub.rewrite.workflow import Job, Step

DOWNLOAD_ACTIONS = frozenset({artifacts.DOWNLOAD, "dawidd6/action-download-artifact"})
# `run:` commands that only look at files, allowed in a job that "only downloads and publishes".
_INSPECTION = re.compile(
    r"^(ls|echo|find|tree|pwd|cat|du|sha256sum|shasum|md5sum|printf|stat|file|true|sleep)\b"
)
# Actions that only wait, allowed beside them (a delay between the TestPyPI and PyPI uploads).
_INERT_ACTIONS = frozenset({"juliangruber/sleep-action"})


class Layout(enum.Enum):
    IN_PLACE = "in place"  # the job keeps its upload: permissions and environment added to it
    SPLIT = "split"  # build job + one publish job per index
    FAN_OUT = "fan out"  # a download-and-publish job keeps PyPI; TestPyPI gets its own job


_MOVING_KEYS = ("if", "continue-on-error", "timeout-minutes")
_BY_HAND = "split it by hand into a build job and one publish job per index (see the guide)"


def only_downloads(job: Job, plans: list[StepPlan]) -> bool:
    """True when every other step fetches the dists (or just looks at them)."""
    uploads = {p.step.index for p in plans}
    others = [s for s in job.steps() if s.index not in uploads]
    return any(s.action in DOWNLOAD_ACTIONS for s in others) and all(
        s.action in DOWNLOAD_ACTIONS
        or s.action == "actions/checkout"
        or s.action in _INERT_ACTIONS
        or _inspects(s)
        for s in others
    )


def _inspects(step: Step) -> bool:
    run = step.data.get("run")
    if step.uses or not isinstance(run, str):
        return False
    commands = [c.strip() for c in re.split(r"[\n;&|]+", run) if c.strip()]
    return all(_INSPECTION.match(c) or c.startswith("#") for c in commands)


def is_matrix(job: Job) -> bool:
    strategy = job.data.get("strategy")
    return isinstance(strategy, dict) and "matrix" in strategy


@dataclass
class Splitter(PublishJobs):
    """Restructures the publishing jobs of one workflow (one instance per rewrite)."""

    assumed_defaults: bool = False  # a layout relied on unknown default token permissions
    # Jobs that take their upload's `if:` (lift_condition.py, shared with the engine), and those
    # whose `if:` the split already wrote with it.
    lifted: set[str] = field(default_factory=set)
    written_ifs: set[str] = field(default_factory=set)

    @cached_property
    def artifact_names(self) -> artifacts.ArtifactNames:
        return artifacts.ArtifactNames(self.workflow)

    @cached_property
    def testpypi_elsewhere(self) -> bool:
        for job in self.workflow.jobs():
            for step in job.steps():
                plan = pypa_action.plan(self.workflow, job, step)
                if plan is not None and plan.target.kind is IndexKind.TESTPYPI:
                    return True
        return False

    # -- which layout --------------------------------------------------------------------------

    def layout(self, job: Job, plans: list[StepPlan]) -> Layout:
        layout = self._layout(job, plans)
        if layout is not Layout.IN_PLACE or not self.splittable(job, plans):
            return layout
        # A job whose steps write with its default token keeps its permissions exactly: the
        # upload moves to a publish job, the only one that gets `id-token: write`.
        return Layout.SPLIT if self.access(job, plans).constrains else layout

    def _layout(self, job: Job, plans: list[StepPlan]) -> Layout:
        kinds = [p.target.kind for p in plans]
        if not plans or len(set(kinds)) != len(kinds):
            return Layout.IN_PLACE  # the engine reports these as before
        if not all(p.is_pypa_action for p in plans):
            return self._tool_layout(plans)
        two = len(kinds) == 2 or self._adds_testpypi(plans)
        if only_downloads(job, plans):
            return Layout.FAN_OUT if two and not is_matrix(job) else Layout.IN_PLACE
        return Layout.SPLIT if two or not self.options.keep_build_in_job else Layout.IN_PLACE

    def splittable(self, job: Job, plans: list[StepPlan]) -> bool:
        """True when the uploads can move to publish jobs (the user did not ask to keep them)."""
        kinds = [p.target.kind for p in plans]
        return (
            bool(plans)
            and len(set(kinds)) == len(kinds)
            and not self.options.keep_build_in_job
            and not only_downloads(job, plans)
            and all(p.is_pypa_action or isinstance(p.hand_off, HandOff) for p in plans)
        )

    def access(self, job: Job, plans: list[StepPlan]) -> TokenAccess:
        uploads = [p.step.index for p in plans]
        found = token_access(self.workflow, job, uploads, self.options.default_permissions)
        if found.constrains and self.options.default_permissions is None:
            self.assumed_defaults = True  # the repository's defaults would tell for sure
        return found

    def _tool_layout(self, plans: list[StepPlan]) -> Layout:
        """Two indexes: split. One: tools that publish with trusted publishing keep their upload
        (in place); poetry, hatch and flit hand it to the PyPA action in a publish job."""
        if any(p.hand_off is None and not p.is_pypa_action for p in plans):
            return Layout.IN_PLACE
        if len(plans) == 2:
            return Layout.SPLIT
        hands_over = plans[0].needs_pypa_action and not self.options.keep_build_in_job
        return Layout.SPLIT if hands_over else Layout.IN_PLACE

    def _adds_testpypi(self, plans: list[StepPlan]) -> bool:
        return (
            self.options.add_testpypi
            and all(p.is_pypa_action for p in plans)
            and [p.target.kind for p in plans] == [IndexKind.PYPI]
            and not self.testpypi_elsewhere
        )

    # -- build + publish -----------------------------------------------------------------------

    def split(
        self,
        job: Job,
        plans: list[StepPlan],
        projects: dict[int, ProjectName],
        patch: RestructurePatch,
        report: ResultBuilder,
    ) -> None:
        plans = sorted(plans, key=lambda p: p.step.index)
        promotion = promote(job, plans)
        self._check_uploads(job, plans, promotion.condition)
        path = packages_path(plans)
        matrix = is_matrix(job)
        steps = (*job.path, "steps")
        reused = reusable_download(self.workflow, job, plans, path)
        if reused is None:
            name = self.artifact_names.allocate(job.id, matrix)
            upload_ref = self.artifact_ref(artifacts.UPLOAD, job, report)
            download_ref = self.artifact_ref(artifacts.DOWNLOAD, job, report)
            download: NewStep = artifacts.download_step(download_ref, name, path, matrix)
        else:
            name = str(reused.with_.get("name") or reused.with_.get("pattern") or "")
            self._note_retired(job, reused, report)

        def first_steps() -> NewStep:
            if reused is None:
                return download
            return patch.take_item(steps, reused.index, self.dash_column, stays=True)

        targets = self._targets(plans)
        for target in targets:
            target.promoted = promotion.condition
        first_change = len(report.changes)
        for target in targets:
            needs = [job.id, *self._needed_by(job, target)]
            target.job = self.publish_job(
                job, target, [first_steps()], needs, projects, patch, report
            )
        self.gate(job, targets, report)
        access = self.access(job, plans)
        if access.constrains:
            report.note(job.id, job.line, kept_note(job, access))
        else:
            if access.read_only:
                report.note(job.id, job.line, read_only_note(job, access))
            own_permissions(self.workflow, job, patch, report)
        follow = Follow(
            self.workflow, job, targets, patch, report, self.id_maker(job), self.dash_column
        )
        release = follow_up_job(follow, first_steps, path)
        store = artifacts.upload_step(upload_ref, name, path, matrix) if reused is None else None
        store_dists(job, plans, store, patch, report)
        promotion.apply(patch, report)
        new_jobs = [t.job for t in targets if t.job] + ([release] if release else [])
        self.insert_jobs(job, new_jobs, patch)
        retarget_needs(follow)
        if reused is None:
            self._report_split(job, plans[0], targets, name, path, matrix, report, first_change)
        else:
            where = ", ".join(f"`{t.job_id}`" for t in targets)
            report.change(
                job.id,
                plans[0].step.line,
                f"publishing moved to {where}, which download the artifact `{name}` as this job "
                "does (the dists are not uploaded a second time)",
            )
            report.changes.insert(first_change, report.changes.pop())

    def _targets(self, plans: list[StepPlan]) -> list[PublishTarget]:
        single = len(plans) == 1
        targets = [
            PublishTarget(p.target.kind, p, p, single or p.target.kind is IndexKind.PYPI)
            for p in plans
        ]
        if self._adds_testpypi(plans):
            targets.insert(0, PublishTarget(IndexKind.TESTPYPI, None, plans[0]))
            targets[1].inherits_environment = True
        return targets

    def _needed_by(self, job: Job, target: PublishTarget) -> list[str]:
        """Jobs the old job needs whose results the new job's condition or step reads."""
        condition = conditions.combine(job.data.get("if"), target.step_if)
        text = f"{conditions.expression(condition) or ''} {target.source.step.data}"
        have = needs_list(job)
        return [n for n in conditions.needed_jobs(text) if n in have and n != job.id]

    def _report_split(
        self,
        job: Job,
        first: StepPlan,
        targets: list[PublishTarget],
        name: str,
        path: str,
        matrix: bool,
        report: ResultBuilder,
        position: int,
    ) -> None:
        where = ", ".join(f"`{t.job_id}`" for t in targets)
        report.change(
            job.id,
            first.step.line,
            f"the upload now stores the dists in `{path}` as the artifact `{name}`"
            f"{'-<leg>' if matrix else ''}; publishing moved to {where}",
        )
        report.changes.insert(position, report.changes.pop())
        if matrix:
            report.note(
                job.id,
                job.line,
                "every matrix leg now stores its dists as an artifact, and each publish job "
                "publishes them all once every leg succeeded (before, each leg uploaded its own)",
            )

    # -- download + publish --------------------------------------------------------------------

    def fan_out(
        self,
        job: Job,
        plans: list[StepPlan],
        projects: dict[int, ProjectName],
        patch: RestructurePatch,
        report: ResultBuilder,
    ) -> StepPlan:
        """Move the TestPyPI upload (or add one) to a job of its own; returns the PyPI upload,
        which stays and is migrated in place."""
        by_kind = {p.target.kind: p for p in plans}
        pypi, test = by_kind[IndexKind.PYPI], by_kind.get(IndexKind.TESTPYPI)
        self._check_uploads(job, [test] if test else [])
        steps = (*job.path, "steps")
        copies: list[NewStep] = []
        for step in job.steps():
            if step.action in DOWNLOAD_ACTIONS:
                if conditions.foreign_context(step.data, set(self.workflow.env)):
                    raise SplitRefused("a download step reads values of this job", _BY_HAND)
                copies.append(patch.take_item(steps, step.index, self.dash_column))
                self._note_retired(job, step, report)
        target = PublishTarget(IndexKind.TESTPYPI, test, test or pypi)
        needs = list(dict.fromkeys([*needs_list(job), *self._needed_by(job, target)]))
        target.job = self.publish_job(job, target, copies, needs, projects, patch, report)
        if test is not None:
            patch.remove_item(steps, test.step.index)
        if test is not None and pypi.step.index < test.step.index:
            self.wait(job.id, job.id, job.data.get("if"), target, report)
        self.insert_jobs(job, [target.job], patch)
        if (test is None and self.options.gate_pypi_on_testpypi) or (
            test is not None and test.step.index < pypi.step.index
        ):
            self._wait_in_place(job, target, patch, report)
        return pypi

    def _wait_in_place(
        self, job: Job, test: PublishTarget, patch: RestructurePatch, report: ResultBuilder
    ) -> None:
        """The job keeps its PyPI upload and now waits for the TestPyPI job that ran first (a
        job that takes its upload's `if:` gets it here, within the new condition)."""
        condition = job.data.get("if")
        lifted = None
        if job.id in self.lifted:
            lifted = conditions.combine(condition, pypi_if(job, test))
            condition = lifted
            self.written_ifs.add(job.id)
        careful = None
        test_if = test.job.header.get("if") if test.job else None
        if isinstance(test_if, Commented):
            test_if = test_if.value
        if not conditions.implies(condition, test_if):
            careful = conditions.after_earlier_job(condition, test.job_id, needs_list(job))
        add_need(patch, job, test.job_id, careful or lifted)
        report.change(job.id, job.line, f"`{job.id}` now runs after `{test.job_id}`")
        if careful is not None:
            report.change(
                job.id,
                job.line,
                f"`{job.id}` still runs when `{test.job_id}` is skipped by its own condition",
            )

    def _note_retired(self, job: Job, step: Step, report: ResultBuilder) -> None:
        major = artifacts.retired_major(step.uses)
        if major is not None:
            report.note(
                job.id,
                step.line,
                f"the download step the new job copies from `{job.id}` uses `{step.uses}`, which "
                "no longer runs on github.com (v1-v3 used a retired artifact service): move this "
                "workflow's upload-artifact and download-artifact steps to v4 or later together "
                "(v4 needs a distinct artifact name per upload)",
            )

    # -- shared pieces -------------------------------------------------------------------------

    def _check_uploads(
        self, job: Job, plans: list[StepPlan], promoted: Callable[[Any], Any] = lambda c: c
    ) -> None:
        if "${{" in str(conditions.expression(job.data.get("if")) or ""):
            raise SplitRefused("the job's `if:` mixes `${{ }}` with other text", _BY_HAND)
        for plan in plans:
            line = plan.step.line
            context = conditions.step_only_context(promoted(plan.step.data.get("if")))
            if context:
                raise SplitRefused(
                    f"the upload on line {line} runs only if a condition that reads `{context}` "
                    "holds, and a publish job's `if:` cannot read it",
                    _BY_HAND,
                )
            moving = _moving(plan)
            if "if" in moving:
                moving = {**moving, "if": promoted(moving["if"])}
            foreign = conditions.foreign_context(moving, set(self.workflow.env))
            if foreign:
                raise SplitRefused(
                    f"the upload on line {line} reads `{foreign}` from this job, which a "
                    "separate publish job does not have",
                    _BY_HAND,
                )


def pypi_if(job: Job, test: PublishTarget) -> Any:
    """The `if:` of the job's PyPI upload, which a TestPyPI job was made beside."""
    return test.source.step.data.get("if") if test.plan is None else None


def _moving(plan: StepPlan) -> dict[str, Any]:
    """What of the upload's step goes to the publish job: all of it for the PyPA action; for a
    tool, what its PyPA action step takes from it (its script stays in the build job)."""
    if plan.is_pypa_action:
        return plan.step.data
    return {k: v for k, v in plan.step.data.items() if k in _MOVING_KEYS}
