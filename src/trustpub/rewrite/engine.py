"""The rewrite engine: one workflow's text in, a RewriteResult out. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from trustpub.project import ProjectName, ProjectNameProblem
from trustpub.publishers import PREFILTER_WORDS, TOKEN_LIKE_SECRET
from trustpub.rewrite import pull_requests
from trustpub.rewrite.document import Document, WorkflowSyntaxError
from trustpub.rewrite.edits import Patch, UnsupportedEdit
from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.result import (
    Failure,
    Note,
    Options,
    ProjectLookup,
    ResultBuilder,
    RewriteResult,
    Skip,
    SkipKind,
    Status,
    TokenUpload,
    TrustedPublisher,
)
from trustpub.rewrite.rules import (
    action_uploads,
    environment,
    permissions,
    poetry_action,
    pypa_action,
    run_tools,
)
from trustpub.rewrite.rules.base import StepPlan, StepRule
from trustpub.rewrite.rules.publish_jobs import SplitRefused
from trustpub.rewrite.rules.reusable_calls import reusable_call
from trustpub.rewrite.rules.secrets_managers import (
    fetched_credentials,
    fetched_only,
    read_at_run_time,
)
from trustpub.rewrite.rules.split import Layout, Splitter
from trustpub.rewrite.rules.unclaimed import unclaimed_credentials
from trustpub.rewrite.verify import verify
from trustpub.rewrite.workflow import Job, Workflow

STEP_RULES: list[StepRule] = [
    pypa_action.plan,
    run_tools.plan,
    poetry_action.plan,
    action_uploads.plan,
]
_OPTED_OUT = "opted out with `# trustpub: ignore`"


def may_publish(text: str) -> bool:
    """Cheap pre-filter: False means the text cannot contain an upload trustpub handles."""
    lowered = text.lower()  # then plain `in`: many times faster than a case-insensitive regex
    if any(word in lowered for word in PREFILTER_WORDS):
        return True
    return "secrets" in lowered and _TOKEN_LIKE_SECRET.search(lowered) is not None


# A secret named like an upload token, for uploads hidden in scripts (`secrets.UPLOAD_TOKEN`).
_TOKEN_LIKE_SECRET = re.compile(r"secrets\W{0,2}\w*(?:" + TOKEN_LIKE_SECRET.pattern + ")")


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
        self.publishing = False  # any publish step at all
        self.splitter = Splitter(self.workflow, self.options)
        # The sizes of self.patch when it held exactly one verified job patch (patches only grow).
        self.verified: tuple[int, int] | None = None

    def run(self, path: str, original: str) -> RewriteResult:
        workflow = self.workflow
        jobs = workflow.data.get("jobs")
        if "jobs" in workflow.data and not isinstance(jobs, dict):
            return self._failed(path, original, Failure(1, "`jobs:` must be a mapping of job ids"))
        if workflow.file_opted_out():
            return self._finish(path, original, opted_out=True)
        composite = workflow.composite_action()
        if composite is not None:
            self._composite(composite)
        for job in workflow.jobs():
            self._job(job)
        self.result.skips.extend(unclaimed_credentials(workflow, self.result.named_jobs()))
        return self._finish(path, original)

    # -- per job -------------------------------------------------------------------------------

    def _job(self, job: Job) -> None:
        if job.calls_reusable_workflow:
            self._reusable_call(job)
            return
        plans = [
            plan
            for step in job.steps()
            for rule in STEP_RULES
            if (plan := rule(self.workflow, job, step))
        ]
        fetched = fetched_credentials(job)
        if not plans and fetched:
            plans = [fetched_only(fetched[0])]
        if not plans:
            return
        self.publishing = True
        plans = self._set_aside_other_indexes(job, plans)
        if not plans:
            return
        if self.workflow.job_opted_out(job):
            self.result.skip(job.id, job.line, _OPTED_OUT, kind=SkipKind.IGNORED)
            return
        if fetched:
            plans = [read_at_run_time(p, fetched[0]) for p in plans]
        if all(p.sends_no_token for p in plans) and permissions.job_has_id_token(
            self.workflow, job
        ):
            # No credential reaches these uploads: whatever else trustpub cannot read about
            # them (an index chosen at run time), the job already publishes without a token.
            self.result.migrated_jobs.add(job.id)
            if self.options.publishers_in_use:
                self._in_use(job, plans)
            return
        ready = [p for p in plans if not p.problem]
        layout = self.splitter.layout(job, ready)
        blocker = self._blocker(job, plans, in_place=layout is not Layout.SPLIT)
        if blocker is not None:
            reason, advice = blocker
            self.result.skip(job.id, job.line, reason, advice)
            return
        for plan in plans:
            if plan.problem:
                self.result.skip(job.id, plan.step.line, plan.problem, plan.advice)
        if ready:
            self._migrate(job, ready, layout)

    def _set_aside_other_indexes(self, job: Job, plans: list[StepPlan]) -> list[StepPlan]:
        """Report uploads to indexes other than PyPI and TestPyPI (information: their
        credentials stay) and return the others."""
        kept = []
        for plan in plans:
            if plan.target.kind is IndexKind.OTHER:
                reason = plan.target.why_not(plan.uses_token)
                self.result.skip(job.id, plan.step.line, reason, kind=SkipKind.OTHER_INDEX)
            else:
                kept.append(plan)
        return kept

    def _composite(self, runs: Job) -> None:
        for step in runs.steps():
            for rule in STEP_RULES:
                plan = rule(self.workflow, runs, step)
                if plan is not None and plan.uses_token:
                    self.publishing = True
                    if not self._set_aside_other_indexes(runs, [plan]):
                        continue
                    self.result.skip(
                        None,
                        step.line,
                        "this composite action publishes to PyPI; trusted publishing does not work "
                        "from inside a composite action",
                        "move the publish step into a job of the workflow that uses this action",
                    )

    def _blocker(
        self, job: Job, plans: list[StepPlan], in_place: bool = True
    ) -> tuple[str, str] | None:
        """Why this whole job must be left alone, with what to do instead.

        A job that is split keeps only its build: the publish jobs run on ubuntu-latest.
        """
        workflow = self.workflow
        pypa = any(p.is_pypa_action or p.needs_pypa_action for p in plans)
        if self.options.github_enterprise:
            return (
                "PyPI accepts trusted-publishing tokens only from github.com, "
                "not from GitHub Enterprise Server",
                "keep the token, or publish from a github.com repository",
            )
        if "workflow_call" in workflow.triggers:
            return (
                "this is a reusable workflow (`on: workflow_call`); PyPI trusted publishing "
                "does not support publishing from inside a reusable workflow",
                "move the publish job into the top-level workflow that calls this one, "
                "and register that file as the trusted publisher",
            )
        if "pull_request_target" in workflow.triggers:
            return (
                "the workflow runs on `pull_request_target`, which PyPI rejects for trusted "
                "publishing and which must never get `id-token: write`",
                "publish from a workflow triggered by a release, a tag push or workflow_dispatch",
            )
        unguarded = self._pull_requests_reach(job, plans, in_place)
        if unguarded:
            return unguarded
        if pypa and in_place and job.container:
            return (
                "the job runs in a `container:`, where pypa/gh-action-pypi-publish does not work",
                "publish from a separate job without `container:` that downloads the built dists",
            )
        label = job.non_linux_runner() if pypa and in_place else None
        if label is not None:
            return (
                f"the job runs on {label!r}; pypa/gh-action-pypi-publish only runs on Linux",
                "publish from a separate ubuntu-latest job that downloads the built dists",
            )
        return None

    def _pull_requests_reach(
        self, job: Job, plans: list[StepPlan], in_place: bool
    ) -> tuple[str, str] | None:
        """Why a pull request (from a fork, too) could run the job that would get `id-token`.

        In place that is this job, guarded by its own `if:`; split, each publish job, guarded by
        this job's `if:` and the upload step's (which becomes the publish job's).
        """
        events = pull_requests.pull_request_triggers(self.workflow.triggers)
        if not events:
            return None
        job_if = job.data.get("if")
        guards = [[job_if]] if in_place else [[job_if, p.step.data.get("if")] for p in plans]
        if all(
            any(pull_requests.excludes_pull_requests(c, events) for c in conditions)
            for conditions in guards
        ):
            return None
        where = "the job's `if:`" if in_place else "neither the job's `if:` nor the upload's"
        return (
            f"the workflow runs on `{events[0]}`, and {where} keeps the publishing job from "
            "running on pull requests (from forks, too), which must never get `id-token: write`",
            "add a condition to the job that excludes pull requests, e.g. "
            "`if: startsWith(github.ref, 'refs/tags/')` or `if: github.event_name == 'release'`, "
            "or publish from a workflow that pull requests do not trigger",
        )

    def _migrate(self, job: Job, plans: list[StepPlan], layout: Layout = Layout.IN_PLACE) -> None:
        if layout is not Layout.IN_PLACE:
            self._restructure(job, plans, layout)
            return
        kinds = {p.target.kind for p in plans}
        if len(kinds) > 1 or len(plans) > 1:
            where = " and ".join(sorted(k.value for k in kinds))
            self.result.skip(
                job.id,
                job.line,
                f"the job uploads {len(plans)} times ({where}); trusted publishing needs one "
                "upload per job, each with its own environment",
                "split it into one publish job per index (see the Python Packaging Guide)",
            )
            return
        plan = plans[0]
        project = self._project(plan)
        if isinstance(project, ProjectNameProblem):
            self.result.skip(job.id, job.line, project.message)
            return
        job_patch = RestructurePatch(self.workflow.doc)  # tool uploads may add or drop steps
        try:
            descriptions = self._edit_job(job_patch, job, plan, project)
        except UnsupportedEdit as error:
            self.result.skip(job.id, job.line, f"trustpub cannot edit this job safely: {error}", "")
            return
        self.patch.edits.extend(job_patch.edits)
        self.patch.data_ops.extend(job_patch.data_ops)
        for description in descriptions:
            self.result.change(job.id, plan.step.line, description)
        for message in plan.notes:
            self.result.note(job.id, plan.step.line, message)
        self.result.removed_secrets(job.id, plan.step.line, plan.secrets)
        self._migrated(job, [plan])

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
                for description in self._edit_job(patch, job, pypi, projects[pypi.step.index]):
                    report.change(job.id, pypi.step.line, description)
                report.removed_secrets(job.id, pypi.step.line, pypi.secrets)
            if self.options.verify:  # a job that cannot be split is skipped
                verify(patch.apply(), patch.expected_data())
        except SplitRefused as refused:
            if len(plans) == 1 and self._blocker(job, plans) is None:
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
        self.result.changes.extend(report.changes)
        self.result.notes.extend(report.notes)
        self.result.secret_uses.extend(report.secret_uses)
        self.result.publishers.extend(report.publishers)
        self._migrated(job, plans)

    def _migrated(self, job: Job, plans: list[StepPlan]) -> None:
        for plan in plans:
            if plan.uses_token:
                index = plan.target.kind.value
                upload = TokenUpload(job.id, plan.step.line, plan.tool, index, plan.secrets)
                self.result.token_uploads.append(upload)

    def _edit_job(self, patch: Patch, job: Job, plan: StepPlan, project: ProjectName) -> list[str]:
        descriptions = plan.edit(patch) if plan.edit else []
        kind = plan.target.kind
        new_entries: dict[str, Any] = {}
        env_name = environment.existing_environment(job)
        if env_name is None:
            new_entries["environment"] = environment.new_environment(
                kind, project.normalized, self.options
            )
            env_name = environment.environment_name(kind, self.options)
            descriptions.append(f"added `environment: {env_name}`")
        else:
            self.result.note(job.id, job.line, f"kept the job's existing environment {env_name!r}")
        if "permissions" in job.data:
            changed = permissions.edit_job_permissions(patch, job)
            if changed:
                descriptions.append(changed)
        else:
            block = permissions.new_job_permissions(self.workflow, job)
            if block is not None:
                new_entries["permissions"] = block
                descriptions.append("added job-level `permissions` with `id-token: write`")
            elif inherited := permissions.workflow_level_id_token(self.workflow):
                self.result.note(job.id, job.line, inherited)
        if new_entries:
            patch.insert_entries(job.path, new_entries, after=_anchor_key(job))
        self.result.publishers.append(
            TrustedPublisher(
                index="testpypi" if kind is IndexKind.TESTPYPI else "pypi",
                project=project.name,
                workflow=self.workflow.filename,
                environment=env_name,
                job=job.id,
                project_source=project.source,
            )
        )
        return descriptions

    def _in_use(self, job: Job, plans: list[StepPlan]) -> None:
        """The trusted publishers an already-migrated job publishes through (what `status`
        compares with PyPI's provenance); uploads to other indexes have none."""
        for plan in plans:
            kind = plan.target.kind
            project = self._project(plan)
            if kind in (IndexKind.PYPI, IndexKind.TESTPYPI) and isinstance(project, ProjectName):
                self.result.in_use.append(
                    TrustedPublisher(
                        index="testpypi" if kind is IndexKind.TESTPYPI else "pypi",
                        project=project.name,
                        workflow=self.workflow.filename,
                        environment=environment.existing_environment(job),
                        job=job.id,
                        project_source=project.source,
                    )
                )

    def _project(self, plan: StepPlan) -> ProjectName | ProjectNameProblem:
        directory = _project_directory(plan.packages_dir)
        return self.lookup(directory)

    def _reusable_call(self, job: Job) -> None:
        found = reusable_call(job)
        if isinstance(found, Skip) and self.workflow.job_opted_out(job):
            self.result.skip(job.id, job.line, _OPTED_OUT, kind=SkipKind.IGNORED)
        elif isinstance(found, Skip):
            self.result.skips.append(found)
        elif isinstance(found, Note):
            self.result.notes.append(found)
        elif found is not None:
            self.result.reusable_calls.append(found)

    # -- result --------------------------------------------------------------------------------

    def _finish(self, path: str, original: str, opted_out: bool = False) -> RewriteResult:
        doc = self.workflow.doc
        if opted_out:
            self.result.skip(None, 1, f"{_OPTED_OUT} at the top of the file", kind=SkipKind.IGNORED)
            return self._result(path, original, original, Status.IGNORED)
        if not self.patch:
            status = self._status_without_changes()
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

    def _status_without_changes(self) -> Status:
        kinds = {s.kind for s in self.result.skips}
        if SkipKind.TOKEN in kinds:
            return Status.SKIPPED
        if self.result.migrated_jobs:
            return Status.MIGRATED
        if SkipKind.IGNORED in kinds:
            return Status.IGNORED
        return Status.UNCHANGED

    def _result(self, path: str, original: str, text: str, status: Status) -> RewriteResult:
        r = self.result
        return RewriteResult(
            path=path,
            original=original,
            text=text,
            status=status,
            changes=tuple(r.changes),
            notes=tuple(r.notes),
            skips=tuple(r.skips),
            removed_secrets=frozenset(u.name for u in r.secret_uses),
            secret_uses=tuple(r.secret_uses),
            publishers=tuple(r.publishers),
            token_uploads=tuple(r.token_uploads),
            reusable_calls=tuple(r.reusable_calls),
            in_use=tuple(dict.fromkeys(r.in_use)),
        )

    def _failed(self, path: str, original: str, failure: Failure) -> RewriteResult:
        return RewriteResult(path, original, original, Status.FAILED, failure=failure)


def _anchor_key(job: Job) -> str | None:
    """The key new job-level entries go after: `runs-on`, else the key before `steps`."""
    keys = list(job.data)
    if "runs-on" in keys:
        return "runs-on"
    if "steps" in keys and keys.index("steps") > 0:
        return keys[keys.index("steps") - 1]
    return None


def _project_directory(packages_dir: str) -> str:
    """`pkg/dist` -> `pkg`: the directory whose project a publish step uploads."""
    parts = [p for p in PurePosixPath(packages_dir.strip()).parts if p not in (".", "/")]
    if len(parts) > 1 and "${{" not in packages_dir:
        return "/".join(parts[:-1])
    return ""
