"""The jobs a split adds: one publish job per index, written in the file's style, and its data."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from trustpub.project import ProjectName
from trustpub.rewrite import artifacts, conditions
from trustpub.rewrite.comments import about_credentials, entry_comments
from trustpub.rewrite.indexes import TESTPYPI_UPLOAD_URL, IndexKind
from trustpub.rewrite.render import Commented, Flow
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.result import Options, ResultBuilder, TrustedPublisher
from trustpub.rewrite.rules import environment, permissions, publish_order, same_index
from trustpub.rewrite.rules.base import HandOff, SplitRefused, StepPlan
from trustpub.rewrite.rules.followers import PublishTarget
from trustpub.rewrite.rules.handover import PYPA_STEP_USES
from trustpub.rewrite.rules.job_keys import carried_keys
from trustpub.rewrite.rules.new_jobs import AnnotatedStep, NewJob, NewStep, jobs_text
from trustpub.rewrite.rules.pypa_pin import (
    CURRENT_RELEASE,
    CURRENT_SHA,
    PYPA_ACTION,
    bumped_comment,
    pin_bump,
)
from trustpub.rewrite.workflow import Job, Workflow

_INDEX_NAMES = {IndexKind.PYPI: "PyPI", IndexKind.TESTPYPI: "TestPyPI"}


@dataclass
class PublishJobs:
    """Makes the publish jobs of one workflow: ids that do not collide, the file's layout."""

    workflow: Workflow
    options: Options
    parallel: bool = False  # the publish jobs being made may run at the same time

    @cached_property
    def conventions(self) -> artifacts.Conventions:
        return artifacts.Conventions(self.workflow)

    @cached_property
    def job_ids(self) -> set[str]:
        return {job.id for job in self.workflow.jobs()} | set(self.workflow.data.get("jobs") or {})

    # -- one publish job -----------------------------------------------------------------------

    def publish_job(
        self,
        job: Job,
        target: PublishTarget,
        first_steps: list[NewStep],
        needs: list[str],
        projects: dict[int, ProjectName],
        patch: RestructurePatch,
        report: ResultBuilder,
    ) -> NewJob:
        """The job that publishes `target`'s upload: needs, condition, environment, id-token."""
        base = "publish-to-testpypi" if target.kind is IndexKind.TESTPYPI else "publish-to-pypi"
        job_id = self.id_maker(job)(base)
        project = projects[target.source.step.index]
        step, descriptions = self._publish_step(job, target, patch)
        header: dict[str, Any] = {"needs": Flow(tuple(needs))} if needs else {}
        condition = conditions.combine(job.data.get("if"), target.step_if)
        comments: list[str] = []
        if condition is not None:
            comments, eol = self._if_comments(target)
            header["if"] = Commented(condition, eol) if eol else condition
        carried = carried_keys(job, runs_scripts=False, parallel=self.parallel)
        header["runs-on"] = carried.entries.pop("runs-on")
        header["environment"], env_name = self._environment(job, job_id, target, project, report)
        header["permissions"] = {permissions.ID_TOKEN: permissions.ID_TOKEN_WRITE}
        header.update(carried.entries)
        line = target.source.step.line
        index = _INDEX_NAMES[target.kind]
        report.change(job_id, line, f"added job `{job_id}`: publishes to {index} from `{job.id}`")
        for description in descriptions:
            report.change(job_id, line, description)
        self._report_merged(job_id, target, report)
        for message in self._notes(target):
            report.note(job_id, line, message)
        left = carried.note(job_id, job.id)
        if left:
            report.note(job_id, job.line, left)
        others = (projects[p.step.index] for p in target.merged)
        for each in {p.name: p for p in (project, *others)}.values():
            report.publishers.append(
                TrustedPublisher(
                    index=target.kind.value,
                    project=each.name,
                    workflow=self.workflow.filename,
                    environment=env_name,
                    job=job_id,
                    project_source=each.source,
                )
            )
        if target.plan is not None:
            for plan in target.uploads:
                report.removed_secrets(job.id, plan.step.line, plan.secrets)
        return NewJob(job_id, header, [*first_steps, step], {"if": comments} if comments else {})

    def _publish_step(
        self, job: Job, target: PublishTarget, patch: RestructurePatch
    ) -> tuple[NewStep, list[str]]:
        if target.plan is None:
            return self._added_testpypi_step(target.source), ["added an upload to TestPyPI"]
        hand_off = target.plan.hand_off
        steps = (*job.path, "steps")
        # The uploads this step now publishes for leave it their comments (but the token's).
        merged = [c for p in target.merged for c in self._leaves_comments(p, patch, True)]
        if isinstance(hand_off, HandOff):  # a tool's upload: the PyPA action takes over
            step = dict(hand_off.publish_step)
            if self.conventions.pins_by_sha and step.get("uses") == PYPA_STEP_USES:
                step["uses"] = Commented(f"{PYPA_ACTION}@{CURRENT_SHA}", CURRENT_RELEASE)
            if target.name is not None:
                step["name"] = target.name
            comments = self._leaves_comments(target.plan, patch)
            for lifted in self._if_comments(target)[0]:  # those go above the job's `if:`
                comments.remove(lifted)
            comments = merged + comments
            return (AnnotatedStep(comments, step) if comments else step), []
        within = RestructurePatch(self.workflow.doc)
        descriptions = target.plan.edit(within) if target.plan.edit else []
        if "if" in target.plan.step.data:  # it is the job's `if:` now, with its comments
            within.remove_entry(target.plan.step.path, "if", keep_comments=False)
            descriptions.append("moved the upload's `if:` to the job")
        if target.name is not None:
            within.replace_scalar((*target.plan.step.path, "name"), target.name)
        moved = patch.take_item(steps, target.plan.step.index, self.dash_column, within)
        moved.lines[0:0] = [" " * self.dash_column + c for c in merged]
        return moved, descriptions

    def _report_merged(self, job_id: str, target: PublishTarget, report: ResultBuilder) -> None:
        """What became of the uploads whose dists the step of `target` now publishes."""
        if not target.merged:
            return
        group, line = list(target.group), target.source.step.line
        if target.name is not None:
            report.change(job_id, line, same_index.named_description(target.name))
        for plan in target.merged:
            report.change(job_id, plan.step.line, same_index.merged_description(group, plan))
        note = same_index.version_note(self.workflow, group, job_id)
        if note:
            report.note(job_id, line, note)

    def _leaves_comments(
        self, plan: StepPlan, patch: RestructurePatch, line_ends: bool = False
    ) -> list[str]:
        """The comments of an upload's step that goes from the build job (a step that did
        nothing but upload); a PyPA action step's, when its text does not move."""
        hand_off = plan.hand_off
        goes = plan.is_pypa_action or (isinstance(hand_off, HandOff) and hand_off.goes)
        if not goes:
            return []
        return patch.item_comments(plan.step.path[:-1], plan.step.index, line_ends)

    def _if_comments(self, target: PublishTarget) -> tuple[list[str], str | None]:
        """The comments of the upload's `if:`, which the publish job's `if:` takes along (a
        tool's step that keeps building keeps its `if:` and their comments)."""
        plan = target.plan
        if plan is None or "if" not in plan.step.data:
            return [], None
        if isinstance(plan.hand_off, HandOff) and not plan.hand_off.goes:
            return [], None
        doc = self.workflow.doc
        key = doc.key_node(plan.step.path, "if")
        value = doc.node_at((*plan.step.path, "if"))
        if key is None or value is None:
            return [], None
        above, eol = entry_comments(doc, key, value)
        return [c for c in above if not about_credentials(c)], eol

    def _notes(self, target: PublishTarget) -> list[str]:
        plan = target.plan
        if plan is None:
            return []
        notes = list(dict.fromkeys(n for p in target.uploads for n in self._plan_notes(p)))
        if isinstance(plan.hand_off, HandOff) and self.conventions.pins_by_sha:
            notes.append(
                f"the new PyPA action step is pinned, like the workflow's other actions, to "
                f"{CURRENT_SHA}, the commit of its current release {CURRENT_RELEASE}; trustpub "
                "cannot look SHAs up offline: check it against the action's release page"
            )
        return notes

    @staticmethod
    def _plan_notes(plan: StepPlan) -> tuple[str, ...]:
        return plan.hand_off.notes if isinstance(plan.hand_off, HandOff) else plan.notes

    def _added_testpypi_step(self, pypi: StepPlan) -> dict[str, Any]:
        uses: Any = pypi.step.uses
        comment = self.conventions.comment_after(pypi.step.path)
        bump = pin_bump(self.workflow, pypi.step)
        if bump is not None:  # as the PyPI upload it copies moves (pypa_pin.py)
            uses = uses.replace(bump.old_ref, bump.new_ref)
            if bump.comment is not None and comment:
                comment = bumped_comment(comment)
        if comment:
            uses = Commented(uses, comment)
        inputs: dict[str, Any] = {"repository-url": TESTPYPI_UPLOAD_URL}
        packages = pypi.step.with_.get("packages-dir", pypi.step.with_.get("packages_dir"))
        if packages is not None:
            inputs["packages-dir"] = packages
        return {"name": "Publish to TestPyPI", "uses": uses, "with": inputs}

    def _environment(
        self,
        job: Job,
        job_id: str,
        target: PublishTarget,
        project: ProjectName,
        report: ResultBuilder,
    ) -> tuple[Any, str]:
        existing = job.data.get("environment")
        inherits = target.inherits_environment and existing is not None
        if inherits and not conditions.foreign_context({"environment": existing}, set()):
            name = environment.existing_environment(job) or ""
            report.note(job_id, job.line, f"`{job_id}` uses the environment {name!r} of `{job.id}`")
            return copy.deepcopy(existing), name
        kind = target.kind
        value = environment.new_environment(kind, project.normalized, self.options)
        return value, environment.environment_name(kind, self.options)

    def gate(self, job: Job, targets: list[PublishTarget], report: ResultBuilder) -> None:
        """Each upload that ran after another in the job still runs after it (`publish_order`)."""
        publish_order.gate(job, targets, self.options.gate_pypi_on_testpypi, report)

    # Make a later publish job need an earlier one (`publish_order.run_after`).
    wait = staticmethod(publish_order.run_after)

    def artifact_ref(self, action: str, job: Job, report: ResultBuilder) -> artifacts.ActionRef:
        ref = self.conventions.ref(action)
        if ref.note:
            report.note(job.id, job.line, ref.note)
        return ref

    def id_maker(self, job: Job) -> Callable[[str], str]:
        """New job ids for jobs made from `job`: `base`, `base-<job>`, `base-2`, ..."""

        def new_id(base: str) -> str:
            for candidate in (base, f"{base}-{job.id}", *(f"{base}-{n}" for n in range(2, 100))):
                if candidate not in self.job_ids:
                    self.job_ids.add(candidate)
                    return candidate
            raise SplitRefused(f"no free job id like `{base}`")

        return new_id

    @cached_property
    def _jobs_column(self) -> int:
        node = self.workflow.doc.node_at(("jobs",))
        key = node.value[0][0]  # type: ignore[union-attr]
        return int(self.workflow.doc.column_of(key.start_mark.index))

    @cached_property
    def dash_column(self) -> int:
        style = self.workflow.doc.style
        return self._jobs_column + style.indent + style.seq_offset

    @cached_property
    def _blank_line_between_jobs(self) -> bool:
        doc = self.workflow.doc
        node = doc.node_at(("jobs",))
        keys = [k for k, _ in node.value][1:]  # type: ignore[union-attr]
        blank = 0
        for key in keys:
            line = doc.line_of(key.start_mark.index) - 1
            while line > 0 and doc.line_text(line).strip().startswith("#"):
                line -= 1
            blank += not doc.line_text(line).strip()
        return not keys or blank * 2 >= len(keys)

    def insert_jobs(self, job: Job, new_jobs: list[NewJob], patch: RestructurePatch) -> None:
        doc = self.workflow.doc
        lines = jobs_text(new_jobs, self._jobs_column, doc.style, self._blank_line_between_jobs)
        patch.insert_entry_text(
            ("jobs",), job.id, lines, lambda data: {j.id: j.value() for j in new_jobs}
        )
