"""Property-based tests: generated workflows that publish in every style trustpub supports.

Every example (see `workflow_gen.py`) is rewritten, and every invariant is checked on it: no
exception escapes; the output parses to exactly the data the model of the intended change says
(`workflow_model.py`), key order included; a second run changes nothing; jobs the engine did not
touch keep their bytes; CRLF and BOM variants get the same edits; no job that gets `id-token:
write` still references a token secret; `id-token: write` goes only to publishing jobs, never to
the workflow level, never to a job that can run on a pull request; no permission is widened.

Run deeper with `--hypothesis-profile=long` (profiles in tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st
from promises import id_token_problems, parse, parse_pure, widened_permissions
from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode
from workflow_gen import Mutation, WorkflowCase, mutations, workflows
from workflow_model import Intended, differences, intended

from trustpub.project import ProjectName
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.expressions import referenced_secrets
from trustpub.rewrite.result import RewriteResult, SkipKind, Status

PATH = ".github/workflows/release.yml"
UNTOUCHED = ("untouched", "skipped", "ignored", "other-index", "migrated-before")
# The kind of skip each outcome of a job left alone is reported with.
SKIP_KINDS = {
    "skipped": SkipKind.TOKEN,
    "ignored": SkipKind.IGNORED,
    "other-index": SkipKind.OTHER_INDEX,
}


def rewrite(text: str, case: WorkflowCase) -> RewriteResult:
    def lookup(directory: str) -> ProjectName:
        return ProjectName(case.project, "pyproject.toml")

    return rewrite_workflow(text, PATH, lookup, case.options)


def job_texts(text: str) -> dict[str, str]:
    """Each job's lines, from its key to the next job's key (or the end of `jobs:`).

    Blank lines and top-level comments after a job are not its own: the last job's reach the next
    top-level key (whose comments go with it when it is removed), or the end of the file."""
    root = YAML(typ="safe", pure=False).compose(text)
    assert isinstance(root, MappingNode)
    lines = text.split("\n")
    top = [k.start_mark.line for k, _ in root.value] + [len(lines)]
    for number, (key, value) in enumerate(root.value):
        if key.value == "jobs" and isinstance(value, MappingNode):
            starts = [k.start_mark.line for k, _ in value.value] + [top[number + 1]]
            return {
                k.value: "\n".join(_without_trailing_top_level(lines[starts[i] : starts[i + 1]]))
                for i, (k, _) in enumerate(value.value)
            }
    return {}


def _without_trailing_top_level(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return lines[:end]


def secrets_of(text: str) -> set[str]:
    return set(referenced_secrets(text))


@given(case=workflows(), data=st.data())
def test_generated_workflow_gets_exactly_the_intended_change(
    case: WorkflowCase, data: st.DataObject
) -> None:
    assert parse(case.text) == case.data, "the generator wrote text that is not its data"
    mutation = data.draw(mutations(len(case.lines)), label="mutation")
    plain = Mutation(
        no_final_newline=mutation.no_final_newline,
        trailing_spaces=mutation.trailing_spaces,
        comments=mutation.comments,
    )
    text = plain.apply(case.lines)
    model = intended(case)
    result = rewrite(text, case)
    describe(case, model)
    check_result(case, model, text, result)
    check_second_run(case, result)
    check_untouched_jobs(model, text, result)
    check_secrets_and_id_token(case, model, text, result)
    if mutation.crlf or mutation.bom:
        got = rewrite(mutation.apply(case.lines), case)
        assert got.text == _convert(result.text, mutation), (
            "a CRLF/BOM variant was edited otherwise"
        )
        assert got.status is result.status


def describe(case: WorkflowCase, model: Intended) -> None:
    """What the example covers (`--hypothesis-show-statistics` counts these)."""
    event(f"status: {model.status.value}")
    for job in case.jobs:
        for upload in job.uploads:
            outcome = model.outcomes[job.id]
            if outcome == "migrated":
                outcome = "split" if job.id in model.new_jobs.values() else "in place"
            event(f"{upload.tool} to {upload.kind}: {outcome}")


def _convert(text: str, mutation: Mutation) -> str:
    if mutation.crlf:
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if mutation.bom else "") + text


def assert_final_line_break(text: str, output: str) -> None:
    """The file ends with a line break when it did and without one when it did not, but for one
    rule (`text_edits.py`, `tests/rewrite/test_file_end.py`): a `|` or `>` script left last by
    a removal keeps the line break its value ends with, so the file then ends with it."""
    if output.endswith("\n") == text.endswith("\n"):
        return
    assert not text.endswith("\n"), "the final newline went"
    last = _last_scalar(YAML(typ="safe").compose(output))
    assert last is not None, "the final newline changed"
    assert last.style in ("|", ">") and last.value.endswith("\n"), "the final newline changed"
    assert not text.rstrip().endswith(output.rstrip()[-40:]), "the final newline changed"


def _last_scalar(node: Any) -> Any:
    """The scalar written last in the document."""
    while isinstance(node, MappingNode) or isinstance(getattr(node, "value", None), list):
        if not node.value:
            return None
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    return node


def check_result(case: WorkflowCase, model: Intended, text: str, result: RewriteResult) -> None:
    assert result.failure is None, result.failure
    assert result.status is model.status, (result.status, model.outcomes, result.skips)
    after = parse_pure(result.text)
    assert after == parse(result.text), "the pure-Python and C parsers read the output otherwise"
    problems = differences(model.data, after)
    assert not problems, "\n".join(problems)
    assert_final_line_break(text, result.text)
    skipped = {(s.job, s.kind) for s in result.skips}
    for job_id, outcome in model.outcomes.items():
        if outcome in SKIP_KINDS:
            assert (job_id, SKIP_KINDS[outcome]) in skipped, f"`{job_id}`: not reported {outcome}"
        elif outcome == "migrated":
            assert not any(j == job_id for j, _ in skipped), f"`{job_id}` migrated and skipped"
    assert result.token_publishing_remains is (
        result.changed or "skipped" in model.outcomes.values()
    )
    assert result.removed_secrets == model.removed_secrets
    published = {(p.index, p.job, p.environment) for p in result.publishers}
    assert published == model.publishers, "the report names other trusted publishers"


def check_second_run(case: WorkflowCase, result: RewriteResult) -> None:
    again = rewrite(result.text, case)
    assert again.text == result.text, "a second run changed the output"
    assert again.status in (
        Status.MIGRATED,
        Status.SKIPPED,
        Status.IGNORED,
        Status.UNCHANGED,
    ), again.status
    if result.status is Status.CHANGED:
        assert again.status in (Status.MIGRATED, Status.SKIPPED, Status.IGNORED)


def check_untouched_jobs(model: Intended, text: str, result: RewriteResult) -> None:
    before, after = job_texts(text), job_texts(result.text)
    for job_id, outcome in model.outcomes.items():
        if outcome in UNTOUCHED:
            assert after[job_id] == before[job_id], f"untouched job `{job_id}` changed"


def check_secrets_and_id_token(
    case: WorkflowCase, model: Intended, text: str, result: RewriteResult
) -> None:
    assert not widened_permissions(text, result), widened_permissions(text, result)
    assert not id_token_problems(text, result), id_token_problems(text, result)
    after = parse(result.text)
    token_secrets = {s for j in case.jobs for u in j.uploads for s in u.secrets}
    workflow_env = str(after.get("env", ""))
    for job_id, job in after["jobs"].items():
        permissions: Any = job.get("permissions", after.get("permissions"))
        granted = permissions == "write-all" or (
            isinstance(permissions, dict) and permissions.get("id-token") == "write"
        )
        if not granted or model.outcomes.get(job_id) in UNTOUCHED:
            continue
        left = secrets_of(str(job) + workflow_env) & token_secrets
        assert not left, f"`{job_id}` has id-token: write and still reads {left}"
