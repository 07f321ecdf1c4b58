"""Rule: a job that only downloads the dists and publishes stays whole.

It keeps its PyPI upload (migrated in place) and hands a TestPyPI upload (or one added with
`--add-testpypi`) to a job of its own, which copies the job's download steps: the artifact the
job downloads is reused, never stored a second time. Whichever upload ran first still runs first.
The checks every publish job needs (`check_uploads`) live here too, for the split to use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trustpub.project import ProjectName
from trustpub.rewrite import artifacts, conditions
from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.render import Commented
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.result import ResultBuilder
from trustpub.rewrite.rules import same_index
from trustpub.rewrite.rules.base import SplitRefused, StepPlan
from trustpub.rewrite.rules.dists import directory_of
from trustpub.rewrite.rules.followers import PublishTarget, add_need, needs_list
from trustpub.rewrite.rules.merge_in_place import merge_in_place
from trustpub.rewrite.rules.new_jobs import NewStep
from trustpub.rewrite.rules.publish_jobs import PublishJobs
from trustpub.rewrite.workflow import Job, Step

DOWNLOAD_ACTIONS = artifacts.DOWNLOAD_ACTIONS
# `run:` commands that only look at files, allowed in a job that "only downloads and publishes".
_INSPECTION = re.compile(
    r"^(ls|echo|find|tree|pwd|cat|du|sha256sum|shasum|md5sum|printf|stat|file|true|sleep)\b"
)
# Actions that only wait, allowed beside them (a delay between the TestPyPI and PyPI uploads).
_INERT_ACTIONS = frozenset({"juliangruber/sleep-action"})


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


@dataclass
class FanOut(PublishJobs):
    """Gives a download-and-publish job's TestPyPI upload a job of its own."""

    # Jobs that take their upload's `if:` (lift_condition.py, shared with the engine), and those
    # whose `if:` the fan-out already wrote with it.
    lifted: set[str] = field(default_factory=set)
    written_ifs: set[str] = field(default_factory=set)

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
        which stays and is migrated in place. Several uploads to one index publish with one
        call (`same_index.py`): the last PyPI upload's, the TestPyPI job's."""
        groups = {g[0].target.kind: g for g in same_index.by_index(plans)}
        self._check_groups(job, plans, groups)
        tests = groups.get(IndexKind.TESTPYPI, [])
        pypi, test = (
            same_index.kept(groups[IndexKind.PYPI]),
            same_index.kept(tests) if tests else None,
        )
        self.check_uploads(job, tests)
        steps = (*job.path, "steps")
        copies: list[NewStep] = []
        for step in job.steps():
            if step.action in DOWNLOAD_ACTIONS:
                if conditions.foreign_context(step.data, set(self.workflow.env)):
                    raise SplitRefused("a download step reads values of this job", _BY_HAND)
                copies.append(patch.take_item(steps, step.index, self.dash_column))
                self._note_retired(job, step, report)
        target = PublishTarget(IndexKind.TESTPYPI, test, test or pypi)
        if len(tests) > 1:
            target.group, target.name = tuple(tests), same_index.merged_name(tests)
        needs = list(dict.fromkeys([*needs_list(job), *self.needed_by(job, target)]))
        target.job = self.publish_job(job, target, copies, needs, projects, patch, report)
        for plan in tests:
            patch.remove_item(steps, plan.step.index)
        first_pypi = groups[IndexKind.PYPI][0].step.index
        if test is not None and first_pypi < tests[0].step.index:
            self.wait(job.id, job.id, job.data.get("if"), target, report)
        self.insert_jobs(job, [target.job], patch)
        if (test is None and self.options.gate_pypi_on_testpypi) or (
            test is not None and tests[0].step.index < first_pypi
        ):
            self._wait_in_place(job, target, patch, report)
        self._merge_pypi(job, groups[IndexKind.PYPI], projects, patch, report)
        return pypi

    def _merge_pypi(
        self,
        job: Job,
        uploads: list[StepPlan],
        projects: dict[int, ProjectName],
        patch: RestructurePatch,
        report: ResultBuilder,
    ) -> None:
        """The PyPI uploads that stay publish with the last one's step (`merge_in_place.py`)."""
        if len(uploads) < 2:
            return
        found = [(p, projects[p.step.index]) for p in uploads]
        merged = merge_in_place(self.workflow, job, found, patch)
        for line, description in merged.changes:
            report.change(job.id, line, description)
        for plan in uploads:
            if plan is not merged.kept[0]:
                report.removed_secrets(job.id, plan.step.line, plan.secrets)

    def _check_groups(
        self, job: Job, plans: list[StepPlan], groups: dict[Any, list[StepPlan]]
    ) -> None:
        """SplitRefused when one call cannot publish for each index's uploads, here."""
        for group in groups.values():
            if len(group) > 1:
                same_index.check(self.workflow, job, group)
        if len(plans) > len(groups) and len({directory_of(p) for p in plans}) > 1:
            raise SplitRefused(
                "the uploads read different directories, and the TestPyPI job copies this "
                "job's downloads: one PyPA action call per index would miss some dists",
                _BY_HAND,
            )

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

    def needed_by(self, job: Job, target: PublishTarget) -> list[str]:
        """Jobs the old job needs whose results the new job's condition or step reads."""
        condition = conditions.combine(job.data.get("if"), target.step_if)
        text = f"{conditions.expression(condition) or ''} {target.source.step.data}"
        have = needs_list(job)
        return [n for n in conditions.needed_jobs(text) if n in have and n != job.id]

    def check_uploads(
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
