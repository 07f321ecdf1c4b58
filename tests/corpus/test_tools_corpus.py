"""Upload tools over the real workflows in ../shared/corpus/workflows (read there, never copied).

For each tool (twine, uv, pdm, maturin, maturin-action, poetry, hatch, flit, and uploads hidden in
make/tox/scripts): how many uploads were found, how many were migrated (and how many of those moved
to publish jobs of their own: two indexes in one job, or poetry, hatch and flit under the default
options), how many were left alone (each with its reason), and how many already published with
trusted publishing. After the rewrite no migrated job still passes a token, and files the engine
did not change are identical.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from rewrite_cases import REPO_ROOT, fixed_lookup, read_text
from trustpub.rewrite.document import Document, load_data
from trustpub.rewrite.engine import may_publish, rewrite_workflow
from trustpub.rewrite.expressions import referenced_secrets
from trustpub.rewrite.result import Options, RewriteResult, Status
from trustpub.rewrite.rules import run_tools
from trustpub.rewrite.rules.base import StepPlan
from trustpub.rewrite.workflow import Workflow

pytestmark = pytest.mark.corpus

CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "workflows"
OPTIONS = Options()


@dataclass(frozen=True)
class ToolUpload:
    file: str
    job: str
    line: int
    tool: str
    outcome: str  # "migrated", "skipped", "trusted" (nothing to do), "failed"
    reason: str = ""
    split: bool = False  # migrated by moving the upload to publish jobs of its own


@dataclass(frozen=True)
class CorpusRun:
    texts: dict[str, str]
    results: dict[str, RewriteResult]
    uploads: list[ToolUpload]


def tool_plans(text: str, name: str) -> list[tuple[str, StepPlan]]:
    """(job id, plan) for every upload-tool step of a workflow text."""
    if not may_publish(text):
        return []
    try:
        doc = Document.parse(text)
    except Exception:
        return []
    if not isinstance(doc.data, dict):
        return []
    workflow = Workflow(doc, name)
    found = []
    for job in workflow.jobs():
        for step in job.steps():
            plan = run_tools.plan(workflow, job, step)
            if plan is not None:
                found.append((job.id, plan))
    return found


def _outcome(result: RewriteResult, job: str, plan: StepPlan) -> tuple[str, str]:
    if result.status is Status.FAILED:
        return "failed", result.failure.message if result.failure else ""
    skips = [s for s in result.skips if s.job == job or s.job is None]
    if plan.problem or skips:
        return "skipped", plan.problem or skips[0].reason
    if any(c.job == job for c in result.changes):
        return "migrated", ""
    return "trusted", ""


def split_jobs(before: str, after: str) -> set[str]:
    """Jobs of `before` that new jobs of `after` holding the PyPA action now follow."""
    try:
        old, new = load_data(before)["jobs"], load_data(after)["jobs"]
    except Exception:
        return set()
    found: set[str] = set()
    for job_id, job in new.items():
        if job_id in old or not isinstance(job, dict):
            continue
        steps = job.get("steps") or []
        if any(str(s.get("uses", "")).startswith("pypa/gh-action-pypi-publish") for s in steps):
            needs = job.get("needs") or []
            found |= {needs} if isinstance(needs, str) else set(needs)
    return found


@pytest.fixture(scope="module")
def corpus() -> CorpusRun:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (it lives in shared/ beside the repository)")
    texts, results, uploads = {}, {}, []
    for path in sorted(CORPUS.glob("*.yml")):
        text = read_text(path)
        result = rewrite_workflow(text, path.name, fixed_lookup("demo"), OPTIONS)
        texts[path.name], results[path.name] = text, result
        split = split_jobs(text, result.text) if result.status is Status.CHANGED else set()
        for job, plan in tool_plans(text, path.name):
            outcome, reason = _outcome(result, job, plan)
            moved = outcome == "migrated" and job in split
            upload = ToolUpload(path.name, job, plan.step.line, plan.tool, outcome, reason, moved)
            uploads.append(upload)
    return CorpusRun(texts, results, uploads)


def _family(tool: str) -> str:
    known = ("twine", "uv", "pdm", "maturin", "poetry", "hatch", "flit")
    return tool if tool in known else "hidden"


def test_report_per_tool(corpus: CorpusRun) -> None:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for upload in corpus.uploads:
        family = _family(upload.tool)
        table[family]["found"] += 1
        table[family][upload.outcome] += 1
        table[family]["split"] += upload.split
        if upload.outcome == "skipped":
            reasons[family][upload.reason.split(";")[0][:90]] += 1
    print("\ntool      found migrated (split) skipped trusted failed")
    for tool in sorted(table):
        row = table[tool]
        print(
            f"{tool:9} {row['found']:5} {row['migrated']:8} {row['split']:7} {row['skipped']:7} "
            f"{row['trusted']:7} {row['failed']:6}"
        )
        for reason, count in reasons[tool].most_common():
            print(f"    {count} x {reason}")
    # Plausible for the corpus as it is (107 files, most of them token uploads).
    assert table["twine"]["found"] >= 30 and table["twine"]["migrated"] >= 20
    assert table["uv"]["found"] >= 5 and table["uv"]["migrated"] >= 1
    assert table["poetry"]["found"] >= 8 and table["poetry"]["migrated"] >= 4
    assert table["maturin"]["found"] >= 3 and table["maturin"]["migrated"] >= 2
    assert table["flit"]["migrated"] >= 1 and table["hatch"]["migrated"] >= 1
    assert table["pdm"]["found"] >= 2
    assert table["hidden"]["skipped"] >= 2
    # Two indexes in one job (twine x2 jobs, pdm), and poetry, hatch, flit: publish jobs.
    assert table["twine"]["split"] >= 4 and table["pdm"]["split"] >= 2
    assert table["poetry"]["split"] >= 6
    assert table["flit"]["split"] >= 1 and table["hatch"]["split"] >= 1
    assert not any("uploads 2 times (pypi and testpypi)" in u.reason for u in corpus.uploads)
    for upload in corpus.uploads:
        assert upload.outcome != "skipped" or upload.reason, upload
    failed = sum(row["failed"] for row in table.values())
    assert failed <= 2


def test_migrated_jobs_pass_no_token(corpus: CorpusRun) -> None:
    """Read the rewritten files again: a migrated job has no token upload left, and none of
    the secrets reported removed is still in it."""
    for upload in corpus.uploads:
        if upload.outcome != "migrated":
            continue
        result = corpus.results[upload.file]
        after = dict(tool_plans(result.text, upload.file))
        assert not [p for job, p in after.items() if job == upload.job and p.uses_token], upload
        doc = Document.parse(result.text.lstrip("\ufeff"))
        job_data = doc.data["jobs"][upload.job]
        still = referenced_secrets(f"{job_data} {doc.data.get('env')}") & result.removed_secrets
        assert not still, (upload, still)


def test_files_not_changed_are_identical(corpus: CorpusRun) -> None:
    for name, result in corpus.results.items():
        if result.status is not Status.CHANGED:
            assert result.text.encode() == corpus.texts[name].encode(), name
        assert result.changed == (result.status is Status.CHANGED), name


def test_second_run_changes_nothing(corpus: CorpusRun) -> None:
    for name, result in corpus.results.items():
        if result.status is Status.CHANGED:
            again = rewrite_workflow(result.text, name, fixed_lookup("demo"), OPTIONS)
            assert again.text == result.text, name
            assert not again.removed_secrets, name


def test_corpus_is_read_in_place() -> None:
    assert not (Path(__file__).parent / "workflows").exists()
