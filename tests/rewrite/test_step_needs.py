"""What a step writes, as the split reads it (`step_needs.py`)."""

from __future__ import annotations

import pytest

from rewrite_cases import WORKFLOW_PATH, fixed_lookup
from trustpub.rewrite.document import Document
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import Status
from trustpub.rewrite.rules.step_needs import step_facts
from trustpub.rewrite.workflow import Workflow

CIBUILDWHEEL_THEN_RELEASE = """\
on:
  push:
    tags: ["v*"]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pipx run cibuildwheel {option}
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{{{ secrets.PYPI_API_TOKEN }}}}
          packages-dir: wheelhouse/
      - run: gh release create v1 wheelhouse/*
"""


@pytest.mark.parametrize("option", ["--output-dir wheelhouse", "--output-dir=wheelhouse"])
def test_an_output_option_names_what_the_step_writes(option: str) -> None:
    workflow = Workflow(Document.parse(CIBUILDWHEEL_THEN_RELEASE.format(option=option)), "r.yml")
    job = next(workflow.jobs())
    build = list(job.steps())[1]
    assert step_facts(workflow, job, build).writes_files == frozenset({"wheelhouse"})


def test_a_split_reads_an_output_option_given_as_two_words() -> None:
    # `--output-dir wheelhouse` (the option, then its value) made the split fail with an
    # IndexError when it read the steps after the upload.
    text = CIBUILDWHEEL_THEN_RELEASE.format(option="--output-dir wheelhouse")
    result = rewrite_workflow(text, WORKFLOW_PATH, fixed_lookup("example"))
    assert result.status is Status.CHANGED
    assert "publish-to-pypi:" in result.text
