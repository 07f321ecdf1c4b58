"""One index per job over the real workflows in ../shared/corpus/workflows (read where they lie).

Every job that uploaded to both TestPyPI and PyPI with the PyPA action (and a token) is split, or
its skip is explained; no job the engine rewrote holds two PyPA action calls; no exception escapes
and every output parses. The test prints how many jobs were split.
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
from trustpub.rewrite.rules import pypa_action
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


def _two_index_jobs(text: str, name: str) -> frozenset[str]:
    try:
        workflow = Workflow(Document.parse(text), name)
    except Exception:
        return frozenset()
    found = set()
    for job in workflow.jobs():
        plans = [pypa_action.plan(workflow, job, step) for step in job.steps()]
        kinds = {p.target.kind for p in plans if p is not None}
        uses_token = any(p.uses_token for p in plans if p is not None)
        if {IndexKind.PYPI, IndexKind.TESTPYPI} <= kinds and uses_token:
            found.add(job.id)
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
    """Jobs of the input that hold fewer PyPA action calls after the rewrite (moved out)."""
    if r.result.status is not Status.CHANGED:
        return []
    before, after = load_data(r.text)["jobs"], load_data(r.result.text)["jobs"]
    return [j for j in before if _pypa_calls(before[j]) > _pypa_calls(after.get(j))]


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
    print(
        f"\nsplit corpus: {total} jobs split in {sum(1 for j in split.values() if j)} files; "
        f"{two_index_split} of {two_index} jobs that uploaded to TestPyPI and PyPI with a token; "
        f"publishers: {dict(where)}"
    )
    assert total >= 10
    assert two_index >= 3
    assert two_index_split == two_index
