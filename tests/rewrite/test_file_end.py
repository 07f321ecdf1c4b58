"""A file without a final newline whose last entry goes: the value before it must not change.

Removing the last entry takes the line break before it, so the file keeps ending without one; but
when that line break ends a `|` scalar (a `run:` script), taking it would change the script's
value. The file then ends with that line break. (Was: the rewrite did not check out, and the file
was reported as failed.)
"""

from __future__ import annotations

from rewrite_cases import WORKFLOW_PATH, fixed_lookup
from trustpub.rewrite.document import load_data
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import Options, Status

SCRIPT_THEN_TOKEN = """\
on:
  release:
    types: [published]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: |
          python -m build
          twine upload dist/*
        env:
          TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}"""


def test_a_script_left_last_keeps_its_line_break() -> None:
    options = Options(keep_build_in_job=True)
    result = rewrite_workflow(SCRIPT_THEN_TOKEN, WORKFLOW_PATH, fixed_lookup("example"), options)
    assert result.failure is None, result.failure
    assert result.status is Status.CHANGED
    assert result.text.endswith("          twine upload dist/*\n")
    script = load_data(result.text)["jobs"]["release"]["steps"][0]["run"]
    assert script == "python -m build\ntwine upload dist/*\n"


def test_a_script_that_was_last_keeps_ending_the_file_without_one() -> None:
    text = SCRIPT_THEN_TOKEN.replace(
        "      - run: |",
        "      - env:\n          TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n        run: |",
    ).rsplit("\n        env:", 1)[0]
    options = Options(keep_build_in_job=True)
    result = rewrite_workflow(text, WORKFLOW_PATH, fixed_lookup("example"), options)
    assert result.failure is None, result.failure
    assert result.text.endswith("twine upload dist/*")
