"""Checks that a rewrite kept what the workflow did beyond the upload (issue 13), on one file's
text before and after. Each returns the broken cases as sentences (empty: kept); the corpus test
runs them over every file and prints the counts.

- narrowed: a job that ran on the default token with a step that writes with it (trustpub's
  registry says which) must not end up, wherever that step now is, in a job whose permissions
  block lacks that write;
- lost gates: an upload to TestPyPI that ran before an upload to PyPI in one job must still run
  before it: the PyPI upload's job `needs:` (directly or not) the TestPyPI upload's job;
- lost comments: every comment line (outside block scalars) that is not about credentials is
  still in the file;
- resplit: a job that only downloaded the dists and published gets no artifact upload.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from trustpub.rewrite.comments import about_credentials, comment_lines
from trustpub.rewrite.document import Document
from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.rules import pypa_action, run_tools
from trustpub.rewrite.rules.fan_out import only_downloads
from trustpub.rewrite.rules.token_access import on_default_token, writes
from trustpub.rewrite.workflow import Job, Step, Workflow

UPLOAD_ARTIFACT = "actions/upload-artifact"


def workflow(text: str, name: str = "workflow.yml") -> Workflow | None:
    try:
        doc = Document.parse(text.removeprefix("\ufeff"))
    except Exception:
        return None
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("jobs"), dict):
        return None
    return Workflow(doc, name)


def uploads(flow: Workflow, job: Job) -> list[tuple[Step, IndexKind, bool]]:
    """The job's uploads: (step, index, uses a token)."""
    found = []
    for step in job.steps():
        for rule in (pypa_action.plan, run_tools.plan):
            plan = rule(flow, job, step)
            if plan is not None:
                found.append((step, plan.target.kind, plan.uses_token))
    return found


# -- permissions ---------------------------------------------------------------------------------


def narrowed(before: str, after: str) -> list[str]:
    old, new = workflow(before), workflow(after)
    if old is None or new is None or before == after:
        return []
    problems = []
    for job in old.jobs():
        if job.calls_reusable_workflow or not on_default_token(old, job):
            continue
        for step in job.steps():
            for use in (w.use for w in writes(old, job, step)):
                where = _find_step(new, step)
                if where is None:
                    problems.append(f"{job.id}: {_label(step)} is gone")
                    continue
                granted = _effective(new, where)
                if granted is None:
                    continue  # the defaults, as before
                lacking = [s for s in (use.scopes or {"*"}) if not _grants(granted, s)]
                if lacking:
                    problems.append(
                        f"{job.id}: {_label(step)} {use.what}, but `{where.id}` now has "
                        f"`permissions: {granted}` without {', '.join(sorted(lacking))} write"
                    )
    return problems


def _find_step(flow: Workflow, step: Step) -> Job | None:
    """The job of `flow` that holds the step (the same data, else the same name and action)."""
    same_name: Job | None = None
    for job in flow.jobs():
        for candidate in job.steps():
            if candidate.data == step.data:
                return job
            key = (candidate.data.get("name"), candidate.uses, candidate.data.get("id"))
            if key == (step.data.get("name"), step.uses, step.data.get("id")) and key != (
                None,
                "",
                None,
            ):
                same_name = same_name or job
    return same_name


def _effective(flow: Workflow, job: Job) -> Any:
    if "permissions" in job.data:
        return job.data["permissions"]
    if "permissions" in flow.data:
        return flow.data["permissions"]
    return None


def _grants(permissions: Any, scope: str) -> bool:
    if permissions == "write-all":
        return True
    return isinstance(permissions, dict) and scope != "*" and permissions.get(scope) == "write"


def _label(step: Step) -> str:
    return f"`{step.data.get('name') or step.uses or 'run'}` (line {step.line})"


# -- gates ---------------------------------------------------------------------------------------


def gates(before: str) -> list[tuple[str, Step, Step]]:
    """(job, TestPyPI upload, PyPI upload after it) for every such order in one job."""
    old = workflow(before)
    if old is None:
        return []
    found = []
    for job in old.jobs():
        if job.calls_reusable_workflow:
            continue
        steps = uploads(old, job)
        for test, kind, token in steps:
            if kind is not IndexKind.TESTPYPI or not token:
                continue
            for pypi, other, other_token in steps:
                if other is IndexKind.PYPI and other_token and pypi.index > test.index:
                    found.append((job.id, test, pypi))
    return found


def lost_gates(before: str, after: str) -> list[str]:
    old, new = workflow(before), workflow(after)
    if old is None or new is None or before == after:
        return []
    added = {j.id for j in new.jobs()} - {j.id for j in old.jobs()}
    problems = []
    for job_id, test, pypi in gates(before):
        test_job = _upload_job(new, job_id, test, IndexKind.TESTPYPI, added)
        pypi_job = _upload_job(new, job_id, pypi, IndexKind.PYPI, added)
        if test_job is None or pypi_job is None:
            problems.append(f"{job_id}: an upload (line {test.line} or {pypi.line}) is gone")
        elif test_job != pypi_job and test_job not in _needed(new, pypi_job):
            problems.append(
                f"{job_id}: `{pypi_job}` (PyPI, line {pypi.line}) does not need `{test_job}` "
                f"(TestPyPI, line {test.line})"
            )
    return problems


def _upload_job(
    flow: Workflow, origin: str, step: Step, kind: IndexKind, new_jobs: set[str]
) -> str | None:
    """The job that now makes the upload `step` made in `origin`: that job, or a job the
    rewrite added, with an upload to that index (the one with the same step name, if several)."""
    holders = []
    for job in flow.jobs():
        if job.id != origin and job.id not in new_jobs:
            continue
        for candidate, found, _ in uploads(flow, job):
            if found is kind:
                holders.append((candidate.data.get("name") == step.data.get("name"), job.id))
    return max(holders)[1] if holders else None


def _needed(flow: Workflow, job_id: str) -> set[str]:
    jobs = {j.id: j for j in flow.jobs()}
    seen: set[str] = set()
    todo = [job_id]
    while todo:
        job = jobs.get(todo.pop())
        if job is None:
            continue
        needs = job.data.get("needs") or []
        for need in [needs] if isinstance(needs, str) else needs:
            if need not in seen:
                seen.add(str(need))
                todo.append(str(need))
    return seen


# -- comments ------------------------------------------------------------------------------------


def comments(text: str) -> Counter[str]:
    flow = workflow(text)
    if flow is None:
        return Counter()
    doc = flow.doc
    lines = comment_lines(doc, 0, doc.line_count - 1)
    return Counter(doc.line_text(line).strip() for line in lines)


def lost_comments(before: str, after: str) -> list[str]:
    if before == after:
        return []
    lost = comments(before) - comments(after)
    return [c for c in lost.elements() if not about_credentials(c)]


# -- splits --------------------------------------------------------------------------------------


def resplit(before: str, after: str) -> list[str]:
    old, new = workflow(before), workflow(after)
    if old is None or new is None or before == after:
        return []
    jobs = {j.id: j for j in new.jobs()}
    problems = []
    for job in old.jobs():
        found = uploads(old, job)
        if not found or not any(token for _, _, token in found):
            continue
        plans = [p for s, _, _ in found for p in [pypa_action.plan(old, job, s)] if p]
        if len(plans) != len(found) or not only_downloads(job, plans):
            continue
        stored = [s for s in jobs[job.id].steps() if s.action == UPLOAD_ARTIFACT]
        if job.id in jobs and stored:
            problems.append(f"{job.id}: only downloaded and published, and now stores the dists")
    return problems
