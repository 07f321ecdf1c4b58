"""One index per job over the real workflows in ../shared/corpus/workflows (read where they lie).

Every job that uploaded to both TestPyPI and PyPI with a token (the PyPA action or any upload tool)
is split, or its skip is explained; no job the engine rewrote holds two PyPA action calls or
uploads to two indexes, whatever the tool; no exception escapes and every output parses. The test
prints how many jobs were split.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rewrite_cases import REPO_ROOT, fixed_lookup, read_text
from trustpub.rewrite.document import Document, load_data
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.indexes import IndexKind
from trustpub.rewrite.result import RewriteResult, Status
from trustpub.rewrite.rules import pypa_action, run_tools
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.workflow import Workflow

pytestmark = pytest.mark.corpus

CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "workflows"
PYPA_ACTION = "pypa/gh-action-pypi-publish"


@dataclass(frozen=True)
class Rewritten:
    path: Path
    text: str
    result: RewriteResult
    two_index_jobs: frozenset[str]  # jobs that upload to TestPyPI and PyPI with a token


# The generic skip of a job with several uploads, which a split should have made unnecessary.
SEVERAL_UPLOADS = "uploads 2 times (pypi and testpypi)"


def job_plans(text: str, name: str) -> dict[str, list[StepPlan]]:
    """The publish steps of every job (the PyPA action and every upload tool), by job id."""
    try:
        doc = Document.parse(text.lstrip("\ufeff"))
    except Exception:
        return {}
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("jobs"), dict):
        return {}
    workflow = Workflow(doc, name)
    found: dict[str, list[StepPlan]] = {}
    for job in workflow.jobs():
        if job.calls_reusable_workflow:
            continue
        for step in job.steps():
            for rule in (pypa_action.plan, run_tools.plan):
                plan = rule(workflow, job, step)
                if plan is not None:
                    found.setdefault(job.id, []).append(plan)
    return found


def _two_index_jobs(text: str, name: str) -> frozenset[str]:
    found = set()
    for job_id, plans in job_plans(text, name).items():
        kinds = {p.target.kind for p in plans}
        if {IndexKind.PYPI, IndexKind.TESTPYPI} <= kinds and any(p.uses_token for p in plans):
            found.add(job_id)
    return frozenset(found)


@pytest.fixture(scope="module")
def corpus() -> list[Rewritten]:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (it lives in shared/ beside the repository)")
    rewritten = []
    for path in sorted(CORPUS.glob("*.yml")):
        text = read_text(path)
        result = rewrite_workflow(text, path.name, fixed_lookup("demo"))
        rewritten.append(Rewritten(path, text, result, _two_index_jobs(text, path.name)))
    return rewritten


def _pypa_calls(job: Any) -> int:
    steps = job.get("steps") if isinstance(job, dict) else None
    return sum(
        isinstance(s, dict) and str(s.get("uses", "")).startswith(PYPA_ACTION)
        for s in (steps if isinstance(steps, list) else [])
    )


def _split_jobs(r: Rewritten) -> list[str]:
    """Jobs of the input that hold fewer publish steps after the rewrite (moved out)."""
    if r.result.status is not Status.CHANGED:
        return []
    before = job_plans(r.text, r.path.name)
    after = job_plans(r.result.text, r.path.name)
    return [j for j in before if len(before[j]) > len(after.get(j, []))]


def test_every_two_index_job_is_split_or_explained(corpus: list[Rewritten]) -> None:
    unexplained = []
    for r in corpus:
        skipped = {s.job for s in r.result.skips}
        split = set(_split_jobs(r))
        for job in r.two_index_jobs:
            if job not in split and job not in skipped and None not in skipped:
                unexplained.append(f"{r.path.name}: {job}")
    assert not unexplained


def test_no_rewritten_job_holds_two_pypa_action_calls(corpus: list[Rewritten]) -> None:
    crowded = []
    for r in corpus:
        if r.result.status is not Status.CHANGED:
            continue
        skipped = {s.job for s in r.result.skips}
        for job_id, job in load_data(r.result.text)["jobs"].items():
            if _pypa_calls(job) > 1 and job_id not in skipped:
                crowded.append(f"{r.path.name}: {job_id}")
    assert not crowded


def test_no_rewritten_job_uploads_to_two_indexes(corpus: list[Rewritten]) -> None:
    crowded = []
    for r in corpus:
        if r.result.status is not Status.CHANGED:
            continue
        skipped = {s.job for s in r.result.skips}
        for job_id, plans in job_plans(r.result.text, r.path.name).items():
            kinds = {p.target.kind for p in plans}
            if len(kinds) > 1 and job_id not in skipped:
                crowded.append(f"{r.path.name}: {job_id} ({', '.join(k.value for k in kinds)})")
    assert not crowded


def test_two_index_jobs_left_alone_say_why(corpus: list[Rewritten]) -> None:
    """A two-index job that is not split has a reason of its own, not the generic one."""
    for r in corpus:
        for skip in r.result.skips:
            if skip.job in r.two_index_jobs:
                assert SEVERAL_UPLOADS not in skip.reason, (r.path.name, skip)


def test_outputs_parse_and_unchanged_files_are_identical(corpus: list[Rewritten]) -> None:
    for r in corpus:
        if r.result.status is Status.CHANGED:
            assert isinstance(load_data(r.result.text), dict), r.path.name
        else:
            assert r.result.text == r.text, r.path.name


def test_report_how_many_jobs_were_split(corpus: list[Rewritten]) -> None:
    split = {r.path.name: _split_jobs(r) for r in corpus}
    two_index = sum(len(r.two_index_jobs) for r in corpus)
    two_index_split = sum(len(r.two_index_jobs & set(split[r.path.name])) for r in corpus)
    total = sum(len(jobs) for jobs in split.values())
    where = Counter(
        "new job" if p.job.startswith("publish-to-") else "in place"
        for r in corpus
        for p in r.result.publishers
    )
    by_tool = Counter(
        plans[0].tool
        for r in corpus
        for job, plans in job_plans(r.text, r.path.name).items()
        if job in r.two_index_jobs and job in split[r.path.name]
    )
    print(
        f"\nsplit corpus: {total} jobs split in {sum(1 for j in split.values() if j)} files; "
        f"{two_index_split} of {two_index} jobs that uploaded to TestPyPI and PyPI with a token "
        f"(by tool: {dict(by_tool)}); publishers: {dict(where)}"
    )
    assert total >= 20
    # Every two-index job left whole says why (test_every_two_index_job_is_split_or_explained);
    # these bounds only keep the corpus meaningful: most such jobs are split.
    assert two_index >= 8
    assert two_index_split >= two_index * 3 // 4
    assert by_tool["twine"] >= 2 and by_tool["pdm"] >= 1
