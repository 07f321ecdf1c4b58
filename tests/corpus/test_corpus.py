"""The engine over real workflows written by other people (../shared/corpus/workflows/*.yml).

The corpus is read where it lies, never copied into the repository. What must hold for every file:
no exception escapes, every output parses, a file not reported as changed is byte-identical, a
second run changes nothing, and a PyPA-action step that still sends a password sits in a job the
engine explains (a skip reason).
The validators then check the changed outputs against their inputs, in one batch per tool.
"""

from __future__ import annotations

import re
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rewrite_cases import REPO_ROOT, fixed_lookup, read_text
from trustpub.rewrite.document import WorkflowSyntaxError, load_data
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import RewriteResult, Status
from validators import (
    LintError,
    SchemaError,
    ValidatorMissing,
    ZizmorFinding,
    actionlint,
    check_jsonschema,
    zizmor,
)

pytestmark = pytest.mark.corpus

CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "workflows"
PYPA_ACTION = "pypa/gh-action-pypi-publish"
# Plausible bounds for any corpus of release workflows (this one has grown from 107 files to 205):
# most publish with a token; one is not valid YAML.
MIN_CHANGED = 15
MAX_FAILED = 2
# actionlint errors an output may add, with why that is not the rewrite's fault.
EXPECTED_NEW_LINT = {
    # The job passes `if:` as an input of the action. actionlint knows no inputs for the sunset
    # `@master` ref, and reports that old mistake once the ref moves to `@release/v1`.
    ("0075.yml", 'input "if" is not defined'),
}
_ACTION_REF = re.compile(r'(action "[^"@]+)@[^"]*')
_OBJECT_TYPE = re.compile(r"object type \{.*\}")


@dataclass(frozen=True)
class Rewritten:
    path: Path
    text: str
    result: RewriteResult | None
    error: str | None  # the traceback of an exception that escaped the engine


@pytest.fixture(scope="session")
def corpus() -> list[Rewritten]:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (it lives in shared/ beside the repository)")
    rewritten = []
    for path in sorted(CORPUS.glob("*.yml")):
        text = read_text(path)
        try:
            result = rewrite_workflow(text, path.name, fixed_lookup("demo"))
        except Exception:
            rewritten.append(Rewritten(path, text, None, traceback.format_exc()))
        else:
            rewritten.append(Rewritten(path, text, result, None))
    return rewritten


def _results(corpus: list[Rewritten]) -> list[tuple[Rewritten, RewriteResult]]:
    return [(r, r.result) for r in corpus if r.result is not None]


def _changed(corpus: list[Rewritten]) -> list[tuple[Rewritten, RewriteResult]]:
    return [(r, result) for r, result in _results(corpus) if result.status is Status.CHANGED]


def test_counts_by_status(corpus: list[Rewritten]) -> None:
    counts = Counter(r.result.status.value for r in corpus if r.result is not None)
    print(f"\ncorpus: {len(corpus)} files: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    assert len(corpus) >= 50
    assert counts["changed"] >= MIN_CHANGED
    assert counts["failed"] <= MAX_FAILED
    assert counts["migrated"] >= 5
    assert counts["skipped"] >= 1


def test_no_exception_escapes(corpus: list[Rewritten]) -> None:
    errors = {r.path.name: r.error for r in corpus if r.error is not None}
    assert not errors, "\n".join(f"{name}:\n{error}" for name, error in errors.items())


def test_only_invalid_yaml_fails(corpus: list[Rewritten]) -> None:
    for r, result in _results(corpus):
        if result.status is Status.FAILED:
            with pytest.raises(WorkflowSyntaxError):
                load_data(r.text)


def test_every_output_parses(corpus: list[Rewritten]) -> None:
    for r, result in _changed(corpus):
        assert isinstance(load_data(result.text), dict), r.path.name


def test_unchanged_statuses_are_byte_identical(corpus: list[Rewritten]) -> None:
    for r, result in _results(corpus):
        assert (result.text != r.text) == (result.status is Status.CHANGED), r.path.name
        assert result.text.encode() == r.text.encode() or result.status is Status.CHANGED


def test_second_run_changes_nothing(corpus: list[Rewritten]) -> None:
    for r, result in _changed(corpus):
        again = rewrite_workflow(result.text, r.path.name, fixed_lookup("demo"))
        assert again.text == result.text, r.path.name
        assert again.status in (Status.MIGRATED, Status.SKIPPED), (r.path.name, again.status)


def _token_steps(data: Any) -> list[tuple[str, int]]:
    """(job id, step index) of the PyPA-action steps that still pass a password."""
    jobs = data.get("jobs") if isinstance(data, dict) else None
    found = []
    for job_id, job in (jobs or {}).items():
        steps = job.get("steps") if isinstance(job, dict) else None
        for index, step in enumerate(steps if isinstance(steps, list) else []):
            if not isinstance(step, dict) or not str(step.get("uses", "")).startswith(PYPA_ACTION):
                continue
            inputs = step.get("with")
            if isinstance(inputs, dict) and inputs.get("password") not in (None, ""):
                found.append((str(job_id), index))
    return found


def test_remaining_action_tokens_are_explained(corpus: list[Rewritten]) -> None:
    unexplained = []
    for r, result in _results(corpus):
        if result.status is Status.FAILED:
            continue  # not YAML (see test_only_invalid_yaml_fails)
        skipped = {s.job for s in result.skips}
        for job, index in _token_steps(load_data(result.text)):
            if job not in skipped and None not in skipped:
                unexplained.append(f"{r.path.name}: jobs.{job}.steps[{index}]")
    assert not unexplained


@dataclass(frozen=True)
class CorpusValidation:
    outputs: dict[Path, Path]  # corpus file -> its rewritten text, written to a scratch file
    zizmor: dict[Path, list[ZizmorFinding]]
    actionlint: dict[Path, list[LintError]]
    schema: dict[Path, list[SchemaError]]
    zizmor_refused: dict[Path, str]  # outputs zizmor could not load, with its reason


@pytest.fixture(scope="session")
def corpus_validation(
    corpus: list[Rewritten], tmp_path_factory: pytest.TempPathFactory
) -> CorpusValidation:
    """The validators over every changed file's input and output, one batch per tool."""
    scratch = tmp_path_factory.mktemp("corpus-out")
    outputs = {}
    for r, result in _changed(corpus):
        out = scratch / r.path.name
        out.write_text(result.text, encoding="utf-8", newline="")
        outputs[r.path] = out
    both = [*outputs, *outputs.values()]
    refused: dict[Path, str] = {}
    try:
        found = zizmor(list(outputs.values()), refused=refused)
        validation = CorpusValidation(
            outputs, found, actionlint(both), check_jsonschema(both), refused
        )
    except ValidatorMissing as error:
        pytest.fail(str(error))
    # zizmor's parser rejects some valid YAML (a multi-line plain scalar): such an output is
    # left out of zizmor's checks, but it must parse, and it must be a rare exception.
    assert all(isinstance(load_data(read_text(p)), dict) for p in refused), refused
    assert len(refused) <= 5, refused
    return validation


def _lint_errors(errors: list[LintError]) -> Counter[tuple[str, str]]:
    # Messages name the action with its ref, which the rewrite may move (`@master`), and list
    # the properties of an object type, to which the rewrite may add (a job output).
    return Counter(
        (e.kind, _OBJECT_TYPE.sub("object type {...}", _ACTION_REF.sub(r"\1", e.message)))
        for e in errors
    )


def _copied(error: tuple[str, str], before: Counter[tuple[str, str]]) -> bool:
    """An error about an action the input already has (a too old `actions/checkout@v3`): a job
    made by the rewrite copied that step (the checkout of the job it comes from, the download
    step of a job that only downloads and publishes), which the maintainer wrote."""
    return error[0] == "action" and error in before


@pytest.mark.validators
def test_no_new_actionlint_errors(corpus_validation: CorpusValidation) -> None:
    new = {}
    for source, out in corpus_validation.outputs.items():
        before = _lint_errors(corpus_validation.actionlint[source])
        after = _lint_errors(corpus_validation.actionlint[out])
        added = [
            error
            for error in (after - before).elements()
            if not any(source.name == n and m in error[1] for n, m in EXPECTED_NEW_LINT)
            and not _copied(error, before)
        ]
        if added:
            new[source.name] = sorted(added)
    assert not new


@pytest.mark.validators
def test_no_new_schema_errors(corpus_validation: CorpusValidation) -> None:
    new = {}
    for source, out in corpus_validation.outputs.items():
        before = Counter(corpus_validation.schema[source])
        after = Counter(corpus_validation.schema[out])
        if after - before:
            new[source.name] = sorted((after - before).elements(), key=str)
    assert not new


@pytest.mark.validators
def test_zizmor_finds_no_token_on_migrated_action_steps(
    corpus: list[Rewritten], corpus_validation: CorpusValidation
) -> None:
    leftovers = []
    for r, result in _changed(corpus):
        migrated_jobs = {change.job for change in result.changes}
        data = load_data(result.text)
        for finding in corpus_validation.zizmor.get(corpus_validation.outputs[r.path], []):
            if finding.ident != "use-trusted-publishing":
                continue
            for route in finding.routes:
                if len(route) < 4 or route[0] != "jobs" or route[2] != "steps":
                    continue
                job, index = str(route[1]), route[3]
                step = data["jobs"][job]["steps"][index]
                if job in migrated_jobs and str(step.get("uses", "")).startswith(PYPA_ACTION):
                    leftovers.append(f"{r.path.name}: jobs.{job}.steps[{index}]")
    assert not leftovers
