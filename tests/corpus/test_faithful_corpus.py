"""The rewrite keeps what each real workflow did beyond the upload (issue 13), over the corpus in
../shared/corpus/workflows (read where it lies): no job that ran on the default token with a
write step ends up with a permissions block lacking that write; every TestPyPI-before-PyPI order
in one job survives as a `needs:` path; no comment line that is not about credentials
disappears; a job that only downloaded the dists and published is not split again. Prints the
counts (`pytest -s`); `faithful.py` has the checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from faithful import gates, lost_comments, lost_gates, narrowed, resplit

from rewrite_cases import REPO_ROOT, fixed_lookup, read_text
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import Status
from trustpub.rewrite.rules.token_access import on_default_token, writes

pytestmark = pytest.mark.corpus

CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "workflows"


@dataclass(frozen=True)
class Pair:
    path: Path
    before: str
    after: str
    changed: bool


@pytest.fixture(scope="module")
def pairs() -> list[Pair]:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (it lives in shared/ beside the repository)")
    found = []
    for path in sorted(CORPUS.glob("*.yml")):
        text = read_text(path)
        result = rewrite_workflow(text, path.name, fixed_lookup("demo"))
        found.append(Pair(path, text, result.text, result.status is Status.CHANGED))
    return found


def _broken(pairs: list[Pair], check: Callable[[str, str], list[str]]) -> dict[str, list[str]]:
    found = {p.path.name: check(p.before, p.after) for p in pairs if p.changed}
    return {name: problems for name, problems in found.items() if problems}


def test_no_job_loses_a_write_its_steps_used_through_the_default_token(
    pairs: list[Pair],
) -> None:
    from faithful import workflow

    writers = 0
    for pair in pairs:
        flow = workflow(pair.before)
        if pair.changed and flow is not None:
            writers += sum(
                1
                for job in flow.jobs()
                if on_default_token(flow, job)
                and not job.calls_reusable_workflow
                and any(writes(flow, job, s) for s in job.steps())
            )
    broken = _broken(pairs, narrowed)
    print(f"\nchanged files' jobs on the default token with a write step: {writers}; narrowed: 0")
    assert writers >= 10, "the corpus should have such jobs"
    assert not broken, broken


def test_every_testpypi_before_pypi_order_survives_as_a_needs_path(pairs: list[Pair]) -> None:
    orders = sum(len(gates(p.before)) for p in pairs if p.changed)
    broken = _broken(pairs, lost_gates)
    print(f"\nTestPyPI-before-PyPI orders in one job (changed files): {orders}; lost: 0")
    assert orders >= 5, "the corpus should have such orders"
    assert not broken, broken


def test_no_comment_line_but_about_credentials_disappears(pairs: list[Pair]) -> None:
    broken = _broken(pairs, lost_comments)
    assert not broken, broken


def test_a_job_that_only_downloads_and_publishes_is_not_split_again(pairs: list[Pair]) -> None:
    broken = _broken(pairs, resplit)
    assert not broken, broken
