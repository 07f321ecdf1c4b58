"""Engine bugs the property tests found, each as the smallest workflow that showed it.

Each test is the regression test for one fix in src/trustpub/rewrite/.
"""

from __future__ import annotations

import pytest

from rewrite_cases import fixed_lookup
from trustpub.rewrite.document import Document
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import Options, Status
from trustpub.rewrite.text_edits import TextEdit, apply_edits


def rewrite(text: str) -> str:
    result = rewrite_workflow(text, ".github/workflows/release.yml", fixed_lookup("demo"))
    assert result.status is Status.CHANGED, result.skips
    return result.text


def test_id_token_none_in_a_flow_mapping_becomes_write() -> None:
    # Was skipped: "cannot rewrite an entry of a flow-style mapping".
    before = """\
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions: {contents: read, id-token: none}
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
    assert (
        rewrite(before)
        == """\
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    environment:
      name: pypi
      url: https://pypi.org/p/demo
    permissions: {contents: read, id-token: write}
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
"""
    )


def test_deleting_env_after_a_script_ending_in_a_comment_line() -> None:
    # Was a failure ("did not check out"): deleting `env:` took the script's last line, which
    # looks like a comment (`# uploaded`) but is part of the `|` block scalar above it.
    before = """\
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - run: |
          maturin upload --skip-existing
          # uploaded
        env:
          MATURIN_PYPI_TOKEN: ${{ secrets.PYPI_API_TOKEN }}
"""
    after = rewrite(before)
    assert after.endswith(
        "      - run: |\n          maturin upload --skip-existing\n          # uploaded\n"
    )


BASH_CONTINUATIONS_ON_WINDOWS = """\
on: push
jobs:
  deploy:
    runs-on: windows-latest
    steps:
      - run: |
          maturin publish \\
            -u __token__ \\
            -p ${{ secrets.PYPI_TOKEN }}
"""


@pytest.mark.parametrize("workflow_id_token", [False, True])
def test_bash_continuations_in_powershell_are_left_alone(workflow_id_token: bool) -> None:
    # Was migrated (or reported already migrated, with `id-token: write` at the workflow level)
    # with the token still passed: PowerShell, the default shell on Windows runners, does not
    # continue lines with `\`, so the flags on the next lines were not seen as the upload's.
    text = BASH_CONTINUATIONS_ON_WINDOWS
    if workflow_id_token:
        text = text.replace("on: push\n", "on: push\npermissions:\n  id-token: write\n")
    result = rewrite_workflow(text, ".github/workflows/release.yml", fixed_lookup("demo"))
    assert result.status is Status.SKIPPED
    assert result.text == text
    assert any("PowerShell" in s.reason for s in result.skips), result.skips


def test_fan_out_of_a_job_whose_permissions_block_ends_it() -> None:
    # Was skipped ("the result is not valid YAML"): `id-token: write`, added at the end of the
    # job's `permissions:` block, landed after the new TestPyPI job inserted at the same place.
    before = """\
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.TEST_PYPI_API_TOKEN }}
          repository-url: https://test.pypi.org/legacy/
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
    permissions:
      contents: read
"""
    after = rewrite(before)
    assert "    permissions:\n      contents: read\n      id-token: write" in after
    assert after.endswith(
        "        with:\n          repository-url: https://test.pypi.org/legacy/\n"
    )


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_removing_the_last_entry_after_a_blank_line_keeps_no_final_newline(newline: str) -> None:
    # Was given a final newline: the blank line before the removed `env:` stayed at the end.
    before = """\
on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - run: twine upload dist/*

env:
  TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}"""
    after = rewrite(before.replace("\n", newline))
    assert after.endswith("      - run: twine upload dist/*")


def test_an_added_testpypi_upload_does_not_use_the_sunset_master_ref() -> None:
    # Was `pypa/gh-action-pypi-publish@master` in the TestPyPI job `--add-testpypi` made, while
    # the PyPI upload it was copied from moved to `@release/v1`.
    before = """\
on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@master
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
    options = Options(add_testpypi=True)
    result = rewrite_workflow(before, "release.yml", fixed_lookup("demo"), options)
    assert result.status is Status.CHANGED, result.skips
    assert "@master" not in result.text
    assert result.text.count("uses: pypa/gh-action-pypi-publish@release/v1") == 2


@pytest.mark.parametrize("keep_build_in_job", [True, False])
def test_lines_added_before_a_removed_last_entry_of_a_file_without_final_newline(
    keep_build_in_job: bool,
) -> None:
    # Was refused ("two edits overlap"): removing the workflow's `env:`, the file's last entry,
    # takes the line break before it (the file has none at its end), where the PyPA action step
    # (or the publish job) that takes over flit's upload is added.
    before = """\
on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: flit publish
env: {FLIT_USERNAME: __token__, FLIT_PASSWORD: "${{ secrets.PYPI_API_TOKEN }}"}"""
    options = Options(keep_build_in_job=keep_build_in_job)
    result = rewrite_workflow(before, "release.yml", fixed_lookup("demo"), options)
    assert result.status is Status.CHANGED, (result.failure, result.skips)
    assert "env:" not in result.text and "FLIT" not in result.text
    assert result.text.endswith("uses: pypa/gh-action-pypi-publish@release/v1")


def test_needs_added_to_a_job_whose_permissions_block_ends_it() -> None:
    # Was skipped ("not valid YAML"): with --gate-pypi-on-testpypi, the `needs:` added at the end
    # of the job landed between `contents: read` and the `id-token: write` added to the same
    # `permissions:` block (two insertions at one place: the deeper one must come first).
    before = """\
on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
    permissions:
      contents: read
"""
    options = Options(add_testpypi=True, gate_pypi_on_testpypi=True)
    result = rewrite_workflow(before, "release.yml", fixed_lookup("demo"), options)
    assert result.status is Status.CHANGED, result.skips
    assert (
        "    permissions:\n      contents: read\n      id-token: write  # trusted publishing\n"
        in (result.text)
    )
    assert "    needs: publish-to-testpypi\n" in result.text


def test_a_moved_step_leaves_the_blank_line_above_its_removed_if_behind() -> None:
    # The final newline changed: the upload's `if:` (lifted to its publish job) had a blank line
    # above it; the moved step's text kept that line at its end, and as the file's last step it
    # gave a file without a final newline one.
    before = (
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: pipx run build\n"
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
        "        with: {password: '${{ secrets.PYPI_API_TOKEN }}', packages-dir: dist/}\n\n"
        "        if: startsWith(github.ref, 'refs/tags/')\n"
        "      - {run: echo published}\n"
        "    name: Release"
    )
    after = rewrite(before)
    assert after.endswith(
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n        with: {packages-dir: dist/}"
    )


def test_an_upload_if_with_an_end_of_line_comment_gates_its_job_by_its_terms() -> None:
    # The PyPI job's `if:` (kept with the comment of the step's `if:`) was read as its Python
    # repr, so the TestPyPI job's condition looked not implied and got a needless long `if:`.
    before = """\
on: push
jobs:
  release:
    runs-on: ubuntu-latest
    if: startsWith(github.ref, 'refs/tags/')
    steps:
      - run: pipx run build
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.TEST_PYPI_API_TOKEN }}
          repository-url: https://test.pypi.org/legacy/
      - uses: pypa/gh-action-pypi-publish@release/v1
        if: github.repository == 'acme/pkg'  # not in forks
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
    after = rewrite(before)
    assert (
        "    needs: [release, publish-to-testpypi]\n    if: (startsWith(github.ref, "
        "'refs/tags/')) && (github.repository == 'acme/pkg')  # not in forks\n"
    ) in after


def test_removing_the_last_two_inputs_of_a_file_without_final_newline_keeps_it_so() -> None:
    # The final newline changed: `user` (its own line) and `password` (the file's last line,
    # which takes the line break before it) were removed together, and the line break before
    # `user` stayed at the end of the file.
    before = (
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/download-artifact@v4\n"
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
        "        with:\n          packages-dir: dist/\n          user: __token__\n"
        "          password: ${{ secrets.PYPI_API_TOKEN }}"
    )
    assert rewrite(before).endswith("        with:\n          packages-dir: dist/")


def test_add_testpypi_beside_a_download_only_job_guarded_by_its_upload_if_is_idempotent() -> None:
    # A second run changed the output: with --add-testpypi the job was a fan-out, which did not
    # take the upload's `if:` and was skipped for pull requests; the second run, which saw the
    # TestPyPI job another job got, migrated it in place.
    before = """\
on: [push, pull_request]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with: {name: dist, path: dist/}
      - uses: pypa/gh-action-pypi-publish@release/v1
        if: startsWith(github.ref, 'refs/tags/')
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
    options = Options(add_testpypi=True)
    first = rewrite_workflow(before, "release.yml", fixed_lookup("demo"), options)
    assert first.status is Status.CHANGED, first.skips
    assert "  release:\n    runs-on: ubuntu-latest\n    if: startsWith(" in first.text
    again = rewrite_workflow(first.text, "release.yml", fixed_lookup("demo"), options)
    assert again.text == first.text


def test_a_moved_step_whose_first_entries_all_go_keeps_its_next_key_on_the_dash_line() -> None:
    # Was skipped ("not valid YAML: did not find expected '-' indicator"): the upload's `if:`
    # (lifted to the publish job) and its `with:` (only the token) both went, and the next key
    # was left at its own column after the dash: `-         name: Publish to PyPI`.
    before = """\
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: python -m build
      - if: startsWith(github.ref, 'refs/tags/')
        with: {password: "${{ secrets.PYPI_API_TOKEN }}", user: __token__}
        name: Publish to PyPI
        uses: pypa/gh-action-pypi-publish@release/v1
"""
    after = rewrite(before)
    assert "      - name: Publish to PyPI\n        uses: pypa/gh-action-pypi-publish@" in after
    assert "startsWith(github.ref, 'refs/tags/')" in after  # the publish job's `if:` now


def test_two_deletions_that_open_an_item_leave_the_next_key_on_the_dash_line() -> None:
    # The text edits under the fix: the first entry's deletion ends where the second key
    # starts, the second's takes its whole line; merged, they must not strand `name:`.
    text = "steps:\n  - if: a\n    with: b\n    name: c\n"
    doc = Document.parse(text)
    first = TextEdit(text.index("if:"), text.index("with:"), "")
    second = TextEdit(text.index("    with:"), text.index("    name:"), "", 1)
    assert apply_edits(doc, [first, second]) == "steps:\n  - name: c\n"
    # A comment line next comes up onto the dash line, the key stays below it (valid YAML).
    text = "steps:\n  - if: a\n    with: b\n    # c\n    name: c\n"
    doc = Document.parse(text)
    first = TextEdit(text.index("if:"), text.index("with:"), "")
    second = TextEdit(text.index("    with:"), text.index("    # c"), "", 1)
    assert apply_edits(doc, [first, second]) == "steps:\n  - # c\n    name: c\n"
