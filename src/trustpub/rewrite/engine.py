"""The rewrite engine: one workflow's text in, a RewriteResult out. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from trustpub.project import ProjectName, ProjectNameProblem
from trustpub.rewrite.blockers import Blockers
from trustpub.rewrite.document import Document, WorkflowSyntaxError
from trustpub.rewrite.edits import Patch, UnsupportedEdit
from trustpub.rewrite.in_place import InPlace
from trustpub.rewrite.prefilter import may_publish
from trustpub.rewrite.registrations import project_of, publishers_in_use
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.result import (
    Failure,
    Options,
    ProjectLookup,
    ResultBuilder,
    RewriteResult,
    SkipKind,
    Status,
    TokenUpload,
)
from trustpub.rewrite.rules import (
    permissions,
    token_access,
)
from trustpub.rewrite.rules.base import SplitRefused, StepPlan
from trustpub.rewrite.rules.lift_condition import liftable
from trustpub.rewrite.rules.merge_in_place import merge_in_place
from trustpub.rewrite.rules.split import Layout, Splitter
from trustpub.rewrite.rules.unclaimed import unclaimed_credentials
from trustpub.rewrite.uploads_found import (
    OPTED_OUT,
    STEP_RULES,
    composite_action,
    job_uploads,
    reusable_workflow_call,
    set_aside_other_indexes,
)
from trustpub.rewrite.verify import verify
from trustpub.rewrite.workflow import Job, Workflow

__all__ = ["STEP_RULES", "may_publish", "rewrite_workflow"]


def rewrite_workflow(
    text: str, path: str, lookup: ProjectLookup, options: Options | None = None
) -> RewriteResult:
    """Migrate one workflow (or composite action) file's text to trusted publishing."""
    options = options or Options()
    if not text.strip(" \t\r\n\ufeff"):
        failure = Failure(1, "the file is empty; GitHub rejects an empty workflow file too")
        return RewriteResult(path, text, text, Status.FAILED, failure=failure)
    if not may_publish(text):
        return RewriteResult(path, text, text, Status.UNCHANGED)
    try:
        doc = Document.parse(text)
    except WorkflowSyntaxError as error:
        return RewriteResult(
            path, text, text, Status.FAILED, failure=Failure(error.line, error.message)
        )
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__ if doc.data is not None else "empty"
        failure = Failure(1, f"a workflow must be a mapping of keys, but this document is {kind}")
        return RewriteResult(path, text, text, Status.FAILED, failure=failure)
    return _Migration(Workflow(doc, PurePosixPath(path).name), lookup, options).run(path, text)


@dataclass
class _Migration:
    workflow: Workflow
    lookup: ProjectLookup
    options: Options

    def __post_init__(self) -> None:
        self.patch = Patch(self.workflow.doc)
        self.result = ResultBuilder()
        self.splitter = Splitter(self.workflow, self.options)
        # The sizes of self.patch when it held exactly one verified job patch (patches only grow).
        self.verified: tuple[int, int] | None = None
        self.lifted = self.splitter.lifted  # jobs that take their upload's `if:`
        self.blockers = Blockers(self.workflow, self.options)
        self.in_place = InPlace(self.workflow, self.options, self.splitter, self.result)

    def run(self, path: str, original: str) -> RewriteResult:
        workflow = self.workflow
        jobs = workflow.data.get("jobs")
        if "jobs" in workflow.data and not isinstance(jobs, dict):
            return self._failed(path, original, Failure(1, "`jobs:` must be a mapping of job ids"))
        if workflow.file_opted_out():
            return self._finish(path, original, opted_out=True)
        composite = workflow.composite_action()
        if composite is not None:
            composite_action(self.result, workflow, composite)
        for job in workflow.jobs():
            self._job(job)
        self.result.skips.extend(unclaimed_credentials(workflow, self.result.named_jobs()))
        return self._finish(path, original)

    # -- per job -------------------------------------------------------------------------------

    def _job(self, job: Job) -> None:
        if job.calls_reusable_workflow:
            reusable_workflow_call(self.result, self.workflow, job)
            return
        plans = set_aside_other_indexes(self.result, job, job_uploads(self.workflow, job))
        if not plans:
            return
        if self.workflow.job_opted_out(job):
            self.result.skip(job.id, job.line, OPTED_OUT, kind=SkipKind.IGNORED)
            return
        if all(p.sends_no_token for p in plans) and permissions.job_has_id_token(
            self.workflow, job
        ):
            # No credential reaches these uploads: whatever else trustpub cannot read about
            # them (an index chosen at run time), the job already publishes without a token.
            self.result.migrated_jobs.add(job.id)
            if self.options.publishers_in_use:
                self.result.in_use.extend(publishers_in_use(self.workflow, job, plans, self.lookup))
            return
        ready = [p for p in plans if not p.problem]
        if not ready:  # what stops each upload says more than what would stop a migration
            for plan in plans:
                self.result.skip(job.id, plan.step.line, plan.problem or "", plan.advice)
            return
        layout = self.splitter.layout(job, ready)
        guarded = self.blockers.only_uploads_keep_pull_requests_out(job, ready)
        if layout is Layout.IN_PLACE and guarded and self.splitter.splittable(job, ready):
            layout = Layout.SPLIT  # the uploads' own `if:` exclude pull requests, the job's not
        elif layout is not Layout.SPLIT and guarded and liftable(self.workflow, job, ready):
            self.lifted.add(job.id)  # a job that only downloads and publishes takes that `if:`
        in_place = layout is not Layout.SPLIT
        blocker = self.blockers.blocker(job, plans, in_place, lifted=job.id in self.lifted)
        if blocker is not None:
            reason, advice = blocker
            self.result.skip(job.id, job.line, reason, advice)
            return
        for plan in plans:
            if plan.problem:
                self.result.skip(job.id, plan.step.line, plan.problem, plan.advice)
        if ready:
            self._migrate(job, ready, layout)

    def _migrate(self, job: Job, plans: list[StepPlan], layout: Layout = Layout.IN_PLACE) -> None:
        if layout is not Layout.IN_PLACE:
            self._restructure(job, plans, layout)
            return
        kinds = {p.target.kind for p in plans}
        # Tools that publish with trusted publishing themselves may upload twice to one index
        # from one job (one environment); the PyPA action may not (attestations, SPEC rule 7).
        native = all(not p.is_pypa_action and not p.needs_pypa_action for p in plans)
        merging = self.splitter.merges_in_place(job, plans)  # one PyPA call for them all
        if len(kinds) > 1 or (len(plans) > 1 and not native and not merging):
            where = " and ".join(sorted(k.value for k in kinds))
            self.result.skip(
                job.id,
                job.line,
                f"the job uploads {len(plans)} times ({where}); trusted publishing needs one "
                "upload per job, each with its own environment",
                "split it into one publish job per index (see the Python Packaging Guide)",
            )
            return
        access = self.splitter.access(job, plans)
        if access.constrains and access.scopes is None:
            self.result.skip(job.id, job.line, *token_access.in_place_refusal(access))
            return
        found: list[tuple[StepPlan, ProjectName]] = []
        for plan in plans:
            project = self._project(plan)
            if isinstance(project, ProjectNameProblem):
                self.result.skip(job.id, job.line, project.message)
                return
            found.append((plan, project))
        job_patch = RestructurePatch(self.workflow.doc)  # tool uploads may add or drop steps
        try:
            merged = merge_in_place(self.workflow, job, found, job_patch) if merging else None
            descriptions = self.in_place.edit(job_patch, job, [merged.kept] if merged else found)
        except SplitRefused as refused:
            self.result.skip(job.id, job.line, refused.reason, refused.advice)
            return
        except UnsupportedEdit as error:
            self.result.skip(job.id, job.line, f"trustpub cannot edit this job safely: {error}", "")
            return
        for line, description in merged.changes if merged else []:
            self.result.change(job.id, line, description)
        self.patch.edits.extend(job_patch.edits)
        self.patch.data_ops.extend(job_patch.data_ops)
        for plan, line_descriptions in descriptions:
            for description in line_descriptions:
                self.result.change(job.id, plan.step.line, description)
        if access.constrains and "permissions" not in job.data:
            self.result.note(job.id, job.line, token_access.in_place_note(access))
        elif access.read_only:
            self.result.note(job.id, job.line, token_access.read_only_note(job, access))
        for plan in plans:
            for message in plan.notes:
                self.result.note(job.id, plan.step.line, message)
            self.result.removed_secrets(job.id, plan.step.line, plan.secrets)
        self._migrated(job, plans)

    def _restructure(self, job: Job, plans: list[StepPlan], layout: Layout) -> None:
        """Split the job into build and publish jobs, or give its TestPyPI upload its own job."""
        projects: dict[int, ProjectName] = {}
        for plan in plans:
            project = self._project(plan)
            if isinstance(project, ProjectNameProblem):
                self.result.skip(job.id, job.line, project.message)
                return
            projects[plan.step.index] = project
        patch = RestructurePatch(self.workflow.doc)
        report = ResultBuilder()
        try:
            if layout is Layout.SPLIT:
                self.splitter.split(job, plans, projects, patch, report)
            else:
                pypi = self.splitter.fan_out(job, plans, projects, patch, report)
                edited = self.in_place.edit(patch, job, [(pypi, projects[pypi.step.index])])
                for description in edited[0][1]:
                    report.change(job.id, pypi.step.line, description)
                report.removed_secrets(job.id, pypi.step.line, pypi.secrets)
            if self.options.verify:  # a job that cannot be split is skipped
                verify(patch.apply(), patch.expected_data())
        except SplitRefused as refused:
            if len(plans) == 1 and self.blockers.blocker(job, plans) is None:
                # The minimal form still works: keep the upload in this job.
                self.result.note(job.id, job.line, f"not split from its build: {refused.reason}")
                self._migrate(job, plans)
            else:
                self.result.skip(job.id, job.line, refused.reason, refused.advice)
            return
        except UnsupportedEdit as error:
            self.result.skip(job.id, job.line, f"trustpub cannot edit this job safely: {error}", "")
            return
        alone = not self.patch.edits and not self.patch.data_ops
        self.patch.edits.extend(patch.edits)
        self.patch.data_ops.extend(patch.data_ops)
        if alone:
            self.verified = self._sizes()
        self.result.extend(report)
        self._migrated(job, plans)

    def _migrated(self, job: Job, plans: list[StepPlan]) -> None:
        for plan in plans:
            if plan.uses_token:
                index = plan.target.kind.value
                upload = TokenUpload(job.id, plan.step.line, plan.tool, index, plan.secrets)
                self.result.token_uploads.append(upload)

    def _project(self, plan: StepPlan) -> ProjectName | ProjectNameProblem:
        return project_of(self.lookup, plan)

    # -- result --------------------------------------------------------------------------------

    def _finish(self, path: str, original: str, opted_out: bool = False) -> RewriteResult:
        doc = self.workflow.doc
        if opted_out:
            self.result.skip(None, 1, f"{OPTED_OUT} at the top of the file", kind=SkipKind.IGNORED)
            return self._result(path, original, original, Status.IGNORED)
        if not self.patch:
            status = self.result.status_without_changes()
            return self._result(path, original, original, status)
        try:
            new_text = self.patch.apply()
            if self.options.verify and self.verified != self._sizes():
                verify(new_text, self.patch.expected_data())
        except (UnsupportedEdit, WorkflowSyntaxError) as error:
            message = (
                f"the rewritten workflow did not check out ({error}); nothing was changed. "
                "Please report this file to trustpub"
            )
            return self._failed(path, original, Failure(1, message))
        return self._result(path, original, doc.bom + new_text, Status.CHANGED)

    def _sizes(self) -> tuple[int, int]:
        return len(self.patch.edits), len(self.patch.data_ops)

    def _result(self, path: str, original: str, text: str, status: Status) -> RewriteResult:
        assumed = self.splitter.assumed_defaults
        return self.result.build(path, original, text, status, assumed)

    def _failed(self, path: str, original: str, failure: Failure) -> RewriteResult:
        return RewriteResult(path, original, original, Status.FAILED, failure=failure)
