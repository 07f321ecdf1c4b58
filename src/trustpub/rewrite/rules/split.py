"""Rule: one index per job, and build separate from publish (the Python Packaging Guide layout).

A job that builds and uploads keeps its id and everything that is not an upload, and stores the
dists with `actions/upload-artifact` where the upload was; one new job per index needs it,
downloads the dists to the directory the upload read, and runs the PyPA action with trusted
publishing (a job that only downloads and publishes: `fan_out.py`). The steps after the upload
(`follow_up.py`), the jobs that needed it (`followers.py`), the job's permissions
(`token_access.py`) and the dists it downloaded (`artifact_reuse.py`) are kept. A tool's upload
(`twine upload`, `poetry publish`, ...) is handed to the PyPA action in the publish job
(`StepPlan.hand_off`): its step keeps building in the build job, or goes (`build_jobs.py`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property

from trustpub.project import ProjectName
from trustpub.rewrite import artifacts
from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.result import ResultBuilder
from trustpub.rewrite.rules import pypa_action, same_index
from trustpub.rewrite.rules.artifact_reuse import reusable_download
from trustpub.rewrite.rules.base import HandOff, StepPlan
from trustpub.rewrite.rules.build_jobs import hand_off, own_permissions, store_dists
from trustpub.rewrite.rules.dists import Dists, plan_dists
from trustpub.rewrite.rules.fan_out import FanOut, only_downloads
from trustpub.rewrite.rules.follow_up import follow_up_job
from trustpub.rewrite.rules.followers import (
    Follow,
    PublishTarget,
    retarget_needs,
)
from trustpub.rewrite.rules.job_outputs import promote
from trustpub.rewrite.rules.new_jobs import NewStep
from trustpub.rewrite.rules.token_access import (
    TokenAccess,
    kept_note,
    read_only_note,
    token_access,
)
from trustpub.rewrite.workflow import Job

__all__ = ["Layout", "Splitter", "only_downloads"]


class Layout(enum.Enum):
    IN_PLACE = "in place"  # the job keeps its upload: permissions and environment added to it
    SPLIT = "split"  # build job + one publish job per index
    FAN_OUT = "fan out"  # a download-and-publish job keeps PyPI; TestPyPI gets its own job


def is_matrix(job: Job) -> bool:
    strategy = job.data.get("strategy")
    return isinstance(strategy, dict) and "matrix" in strategy


@dataclass
class Splitter(FanOut):
    """Restructures the publishing jobs of one workflow (one instance per rewrite)."""

    assumed_defaults: bool = False  # a layout relied on unknown default token permissions

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
        if layout is not Layout.IN_PLACE:
            return layout
        # A job whose steps write with its default token keeps its permissions exactly: the
        # upload moves to a publish job, the only one that gets `id-token: write`. (Whether it
        # can is asked second: it plans the uploads for a publish job.)
        found = self._token_access(job, plans)
        if not found.constrains or not self.splittable(job, plans):
            return layout
        self._relied_on(found)
        return Layout.SPLIT

    def _layout(self, job: Job, plans: list[StepPlan]) -> Layout:
        kinds = [p.target.kind for p in plans]
        if not plans:
            return Layout.IN_PLACE
        if len(set(kinds)) != len(kinds):
            return self._repeated_index_layout(job, plans)
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
        found = self._token_access(job, plans)
        self._relied_on(found)
        return found

    def _token_access(self, job: Job, plans: list[StepPlan]) -> TokenAccess:
        uploads = [p.step.index for p in plans]
        return token_access(self.workflow, job, uploads, self.options.default_permissions)

    def _relied_on(self, found: TokenAccess) -> None:
        """A layout that depends on `found`: with unknown defaults, they would tell for sure."""
        if found.constrains and self.options.default_permissions is None:
            self.assumed_defaults = True

    def _tool_layout(self, plans: list[StepPlan]) -> Layout:
        """Two indexes: split. One: tools that publish with trusted publishing keep their upload
        (in place); poetry, hatch and flit hand it to the PyPA action in a publish job."""
        if any(p.plan_hand_off is None and not p.is_pypa_action for p in plans):
            return Layout.IN_PLACE
        if len(plans) == 2:
            return Layout.SPLIT
        hands_over = plans[0].needs_pypa_action and not self.options.keep_build_in_job
        return Layout.SPLIT if hands_over else Layout.IN_PLACE

    def _repeated_index_layout(self, job: Job, plans: list[StepPlan]) -> Layout:
        """Several uploads to one index: tools that publish with trusted publishing keep them
        (in place); else one PyPA action call publishes them (`same_index.py`), in place in a
        job that only downloads and publishes. The engine refuses what cannot stay in place."""
        kinds = {p.target.kind for p in plans}
        if any(p.plan_hand_off is None and not p.is_pypa_action for p in plans):
            return Layout.IN_PLACE
        if len(kinds) == 1 and not any(p.is_pypa_action or p.needs_pypa_action for p in plans):
            return Layout.IN_PLACE
        if only_downloads(job, plans) and all(p.is_pypa_action for p in plans):
            two = len(kinds) == 2 or self._adds_testpypi(plans)
            return Layout.FAN_OUT if two and not is_matrix(job) else Layout.IN_PLACE
        return Layout.SPLIT

    def merges_in_place(self, job: Job, plans: list[StepPlan]) -> bool:
        """True when one PyPA action step publishes the job's uploads where the last one is."""
        return (
            same_index.repeats_an_index(plans)
            and len({p.target.kind for p in plans}) == 1
            and all(p.is_pypa_action for p in plans)
            and only_downloads(job, plans)
        )

    def _adds_testpypi(self, plans: list[StepPlan]) -> bool:
        return (
            self.options.add_testpypi
            and all(p.is_pypa_action for p in plans)
            and {p.target.kind for p in plans} == {IndexKind.PYPI}
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
        self.check_uploads(job, plans, promotion.condition)
        targets = self._targets(job, plans)
        matrix = is_matrix(job)
        steps = (*job.path, "steps")
        dists = plan_dists(self.workflow, job, plans, matrix)
        reused = None
        if dists.single:
            reused = reusable_download(self.workflow, job, plans, dists.directories[0])
        if reused is None:
            dists.name(self.artifact_names, job.id)
            upload_ref = self.artifact_ref(artifacts.UPLOAD, job, report)
            download_ref = self.artifact_ref(artifacts.DOWNLOAD, job, report)
        else:
            dists.stored[0].name = str(
                reused.with_.get("name") or reused.with_.get("pattern") or ""
            )
            self._note_retired(job, reused, report)

        def downloads(target: PublishTarget | None = None) -> list[NewStep]:
            if reused is not None:
                return [patch.take_item(steps, reused.index, self.dash_column, stays=True)]
            if target is None:  # each directory back where it was
                return dists.restore(download_ref)
            return dists.downloads(download_ref, target.uploads, dists.directory(target.source))

        for target in targets:
            target.promoted = promotion.condition
        first_change = len(report.changes)
        for target in targets:
            needs = [job.id, *self.needed_by(job, target)]
            target.job = self.publish_job(
                job, target, downloads(target), needs, projects, patch, report
            )
        self.gate(job, targets, report)
        merged = [t for t in targets if t.merged]
        if merged and self.options.keep_build_in_job:
            report.note(job.id, job.line, same_index.not_kept_note(job.id, list(merged[0].group)))
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
        release = follow_up_job(follow, downloads, dists.directories)
        stores = dists.stores(upload_ref) if reused is None else dists.anchors()
        store_dists(job, plans, stores, patch, report)
        promotion.apply(patch, report)
        new_jobs = [t.job for t in targets if t.job] + ([release] if release else [])
        self.insert_jobs(job, new_jobs, patch)
        retarget_needs(follow)
        if reused is None:
            self._report_split(job, plans[0], targets, dists, report, first_change)
        else:
            where = ", ".join(f"`{t.job_id}`" for t in targets)
            report.change(
                job.id,
                plans[0].step.line,
                f"publishing moved to {where}, which download the artifact "
                f"`{dists.stored[0].name}` as this job does (the dists are not uploaded a "
                "second time)",
            )
            report.changes.insert(first_change, report.changes.pop())

    def _targets(self, job: Job, plans: list[StepPlan]) -> list[PublishTarget]:
        """One publish job per index, in the order of each index's first upload."""
        for plan in plans:
            hand_off(plan)  # SplitRefused for a tool's upload the PyPA action cannot take over
        groups = same_index.by_index(plans)
        targets = []
        for group in groups:
            if len(group) > 1:
                same_index.check(self.workflow, job, group)
            keep = same_index.kept(group)
            inherits = len(groups) == 1 or keep.target.kind is IndexKind.PYPI
            target = PublishTarget(keep.target.kind, keep, keep, inherits)
            if len(group) > 1:
                target.group, target.name = tuple(group), same_index.merged_name(group)
            targets.append(target)
        if self._adds_testpypi(plans):
            pypi = targets[0]
            targets.insert(0, PublishTarget(IndexKind.TESTPYPI, None, pypi.source))
            targets[0].group = pypi.group
            pypi.inherits_environment = True
        return targets

    def _report_split(
        self,
        job: Job,
        first: StepPlan,
        targets: list[PublishTarget],
        dists: Dists,
        report: ResultBuilder,
        position: int,
    ) -> None:
        where = ", ".join(f"`{t.job_id}`" for t in targets)
        legs = "-<leg>" if dists.matrix else ""
        stored = " and ".join(
            f"`{s.directory}` as the artifact `{s.name}`{legs}" for s in dists.stored
        )
        verb = "upload now stores" if len(dists.stored) == 1 else "uploads now store"
        report.change(
            job.id,
            first.step.line,
            f"the {verb} the dists in {stored}; publishing moved to {where}",
        )
        report.changes.insert(position, report.changes.pop())
        if dists.matrix:
            report.note(
                job.id,
                job.line,
                "every matrix leg now stores its dists as an artifact, and each publish job "
                "publishes them all once every leg succeeded (before, each leg uploaded its own)",
            )
