"""The pieces of the split: patch operations on sequences and jobs, conditions, artifact actions."""

from __future__ import annotations

from typing import Any

import pytest

from trustpub.rewrite import artifacts, conditions
from trustpub.rewrite.document import Document
from trustpub.rewrite.edits import UnsupportedEdit
from trustpub.rewrite.render import Commented, Flow
from trustpub.rewrite.restructure import RestructurePatch
from trustpub.rewrite.verify import verify
from trustpub.rewrite.workflow import Workflow


def _applied(patch: RestructurePatch) -> str:
    text = patch.apply()
    verify(text, patch.expected_data())
    return text


# -- patch operations ----------------------------------------------------------------------------

STEPS = """\
jobs:
  a:
    steps:
      - run: one

      # about two
      - run: two
      - run: |
          three
          # still three
      - run: four
"""


def test_remove_item_takes_its_comments_and_the_blank_line_before() -> None:
    patch = RestructurePatch(Document.parse(STEPS))
    patch.remove_item(("jobs", "a", "steps"), 1)
    assert _applied(patch) == STEPS.replace("\n\n      # about two\n      - run: two", "")


def test_a_hash_line_inside_a_block_scalar_is_content() -> None:
    patch = RestructurePatch(Document.parse(STEPS))
    patch.remove_item(("jobs", "a", "steps"), 2)
    three = "      - run: |\n          three\n          # still three\n"
    assert _applied(patch) == STEPS.replace(three, "")


def test_removals_and_insertions_keep_original_indexes() -> None:
    patch = RestructurePatch(Document.parse(STEPS))
    patch.replace_item(("jobs", "a", "steps"), 1, {"uses": "x/y@v1", "with": {"k": "v"}})
    patch.remove_item(("jobs", "a", "steps"), 2)
    patch.insert_item(("jobs", "a", "steps"), 3, {"run": "five"})
    text = _applied(patch)
    assert "      - uses: x/y@v1\n        with:\n          k: v\n      - run: four\n" in text
    assert text.endswith("      - run: four\n      - run: five\n")
    assert "about two" not in text


def test_take_item_reindents_and_applies_the_edits_within() -> None:
    doc = Document.parse("jobs:\n  a:\n    steps:\n    - uses: x\n      with:\n        p: 1\n")
    patch = RestructurePatch(doc)
    within = RestructurePatch(doc)
    within.remove_entry(("jobs", "a", "steps", 0), "with")
    taken = patch.take_item(("jobs", "a", "steps"), 0, 6, within)
    assert taken.lines == ["      - uses: x"]
    patch.expected_data()
    assert taken.value() == {"uses": "x"}


def test_insert_item_in_flow_and_block_sequences() -> None:
    text = "jobs:\n  a:\n    needs: [b, c]\n  d:\n    needs:\n      - b  # why\n"
    patch = RestructurePatch(Document.parse(text))
    patch.insert_item(("jobs", "a", "needs"), 0, "x", after=True)
    patch.insert_item(("jobs", "d", "needs"), 0, "x", after=True)
    assert _applied(patch) == (
        "jobs:\n  a:\n    needs: [b, x, c]\n  d:\n    needs:\n      - b  # why\n      - x\n"
    )


def test_replace_scalar_with_a_flow_list() -> None:
    patch = RestructurePatch(Document.parse("jobs:\n  a:\n    needs: b  # keep\n"))
    patch.replace_scalar(("jobs", "a", "needs"), Flow(("b", "c")))
    assert _applied(patch) == "jobs:\n  a:\n    needs: [b, c]  # keep\n"


def test_insert_entry_text_after_trailing_comments_of_the_entry() -> None:
    text = "jobs:\n  a:\n    x: 1\n    # x's comment\n\n# about b\n  b:\n    y: 2\n"
    patch = RestructurePatch(Document.parse(text))
    patch.insert_entry_text(("jobs",), "a", ["", "  n:", "    z: 3"], lambda data: {"n": {"z": 3}})
    assert _applied(patch) == text.replace("comment\n", "comment\n\n  n:\n    z: 3\n")


def test_flow_steps_cannot_be_moved() -> None:
    patch = RestructurePatch(Document.parse("jobs:\n  a:\n    steps: [{run: x}]\n"))
    with pytest.raises(UnsupportedEdit):
        patch.remove_item(("jobs", "a", "steps"), 0)


# -- conditions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("job_if", "step_if", "expected"),
    [
        (None, None, None),
        (None, "startsWith(github.ref, 'refs/tags/')", "startsWith(github.ref, 'refs/tags/')"),
        ("${{ github.ref == 'x' }}", None, "${{ github.ref == 'x' }}"),
        (None, 0, 0),
        ("a == 'b'", "${{ c }}", "(a == 'b') && (c)"),
        ("always()", None, "success() && (always())"),
        ("always() || x", "y", "success() && (always() || x) && (y)"),
        ("always()", "failure()", "(always()) && (failure())"),
        (None, "a &&\n  b == 'x  y'\n", "a && b == 'x  y'"),
    ],
)
def test_combine(job_if: Any, step_if: Any, expected: Any) -> None:
    assert conditions.combine(job_if, step_if) == expected


def test_contexts_a_job_cannot_read() -> None:
    assert conditions.step_only_context("matrix.os == 'x'") == "matrix"
    assert conditions.step_only_context("${{ env.X }}") == "env"
    assert conditions.step_only_context("github.ref == 'x'") is None
    assert conditions.needed_jobs("needs.test.result == 'ok' && needs['b-c'].x") == ["test", "b-c"]
    step = {"with": {"p": "${{ env.DIST }}"}, "env": {"OWN": 1}, "run": "${{ env.OWN }}"}
    assert conditions.foreign_context(step, set()) == "env.DIST"
    assert conditions.foreign_context(step, {"DIST"}) is None
    assert conditions.foreign_context({"if": "steps.a.outputs.b"}, set()) == "steps"


# -- artifact actions ----------------------------------------------------------------------------


def _conventions(steps: str) -> artifacts.Conventions:
    text = f"on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n{steps}"
    return artifacts.Conventions(Workflow(Document.parse(text), "w.yml"))


def test_majors_follow_the_workflow_from_v4_on() -> None:
    used = _conventions("      - uses: actions/upload-artifact@v5.1\n")
    assert used.ref(artifacts.UPLOAD) == artifacts.ActionRef("actions/upload-artifact@v5")
    assert used.ref(artifacts.DOWNLOAD).uses == "actions/download-artifact@v8"
    old = _conventions("      - uses: actions/upload-artifact@v3\n").ref(artifacts.UPLOAD)
    assert old.uses == "actions/upload-artifact@v7"
    assert old.note is not None and "no longer runs" in old.note


def test_pinned_workflows_get_known_shas_or_a_note() -> None:
    sha = "a" * 40
    pinned = _conventions(
        f"      - uses: actions/checkout@{sha} # v4\n"
        f"      - uses: actions/upload-artifact@{'b' * 40}  # v6.0.0\n"
    )
    assert pinned.pins_by_sha
    assert pinned.ref(artifacts.DOWNLOAD).uses == Commented(
        "actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"
    )
    upload = pinned.ref(artifacts.UPLOAD)
    assert upload.uses == "actions/upload-artifact@v6"
    assert upload.note is not None and "pin" in upload.note


def test_artifact_names_never_collide() -> None:
    workflow = Workflow(
        Document.parse(
            "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
            "      - uses: actions/upload-artifact@v4\n"
            "        with: {name: 'python-package-distributions-${{ matrix.os }}'}\n"
        ),
        "w.yml",
    )
    names = artifacts.ArtifactNames(workflow)
    assert names.allocate("build", matrix=False) == "python-package-distributions"
    assert names.allocate("wheels", matrix=True) == "wheels-dists"
    assert names.allocate("other", matrix=False) == "other-dists"
