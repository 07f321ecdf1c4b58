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


def test_a_script_left_last_keeps_its_line_break_past_blank_lines() -> None:
    # Found in the corpus (0064) without its final newline: a blank line between the script and
    # the `env:` that goes. The removal took the blank line and the script's line break, and
    # the rewrite was reported as failed ("did not check out").
    text = SCRIPT_THEN_TOKEN.replace("twine upload dist/*\n", "twine upload dist/*\n\n")
    options = Options(keep_build_in_job=True)
    result = rewrite_workflow(text, WORKFLOW_PATH, fixed_lookup("example"), options)
    assert result.failure is None, result.failure
    assert result.status is Status.CHANGED
    assert result.text.endswith("          twine upload dist/*\n")


def test_a_kept_script_keeps_every_line_break_of_its_value() -> None:
    # `|+` keeps the blank lines after the script in its value: they stay too.
    text = SCRIPT_THEN_TOKEN.replace("run: |", "run: |+").replace(
        "twine upload dist/*\n", "twine upload dist/*\n\n"
    )
    options = Options(keep_build_in_job=True)
    result = rewrite_workflow(text, WORKFLOW_PATH, fixed_lookup("example"), options)
    assert result.failure is None, result.failure
    script = load_data(result.text)["jobs"]["release"]["steps"][0]["run"]
    assert script == "python -m build\ntwine upload dist/*\n\n"


def test_a_script_that_goes_with_its_step_is_not_given_a_chomping_indicator() -> None:
    # Found in the corpus (3036, 3076, 3086) without their final newline: the upload step, last
    # in the file, goes to a publish job; the `|-` meant to keep its script's value when jobs are
    # added after it landed inside the removed step, and the job was refused ("two edits
    # overlap").
    head = SCRIPT_THEN_TOKEN.split("      - run: |")[0]
    text = head + (
        "      - run: poetry build\n"
        "      - name: Publish to PyPI\n"
        "        env:\n"
        "          POETRY_PYPI_TOKEN_PYPI: ${{ secrets.PYPI_TOKEN }}\n"
        "        run: |\n"
        "          poetry publish"
    )
    result = rewrite_workflow(text, WORKFLOW_PATH, fixed_lookup("example"))
    assert result.status is Status.CHANGED, result.skips
    assert "poetry publish" not in result.text
    assert not result.text.endswith("\n")


def test_a_script_left_last_by_a_one_line_env_keeps_its_line_break() -> None:
    # Found by the long property profile: an in-place upload whose `env:` (a flow mapping on
    # one line) ends the file without a final newline. The script then ends the file; its
    # value ends with a line break, so the file does too.
    text = (
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pip install maturin\n"
        "      - run: |\n          maturin upload\n"
        "        env: {MATURIN_USERNAME: __token__, "
        'MATURIN_PASSWORD: "${{ secrets.PYPI_API_TOKEN }}"}'
    )
    result = rewrite_workflow(text, WORKFLOW_PATH, fixed_lookup("example"))
    assert result.failure is None, result.failure
    assert result.status is Status.CHANGED
    assert result.text.endswith("      - run: |\n          maturin upload\n")
    assert load_data(result.text)["jobs"]["release"]["steps"][-1] == {"run": "maturin upload\n"}
