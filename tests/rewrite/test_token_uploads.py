"""One record per token upload the rewrite migrates: what `check` reports, upload by upload."""

from __future__ import annotations

from rewrite_cases import WORKFLOW_PATH, fixed_lookup
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import RewriteResult, TokenUpload

BUILD_AND_TWO_UPLOADS = """\
on:
  push:
    tags: ["v*"]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pipx run build
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.TEST_PYPI_API_TOKEN }}
          repository-url: https://test.pypi.org/legacy/
      - run: twine upload dist/*
        env:
          TWINE_USERNAME: __token__
          TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}
"""


def rewrite(text: str) -> RewriteResult:
    return rewrite_workflow(text, WORKFLOW_PATH, fixed_lookup("example"))


def test_each_migrated_upload_is_one_record_with_its_line() -> None:
    result = rewrite(BUILD_AND_TWO_UPLOADS)
    assert result.changed
    assert result.token_uploads == (
        TokenUpload("release", 10, "pypa-action", "testpypi", frozenset({"TEST_PYPI_API_TOKEN"})),
        TokenUpload("release", 14, "twine", "pypi", frozenset({"PYPI_API_TOKEN"})),
    )


def test_an_upload_left_alone_is_a_skip_not_a_migrated_upload() -> None:
    text = BUILD_AND_TWO_UPLOADS.replace('push:\n    tags: ["v*"]', "pull_request_target:")
    result = rewrite(text)
    assert not result.changed
    assert result.token_uploads == ()
    assert [s.is_finding for s in result.skips] == [True]
    assert result.token_publishing_remains


def test_the_migrated_output_has_no_token_upload() -> None:
    again = rewrite(rewrite(BUILD_AND_TWO_UPLOADS).text)
    assert again.token_uploads == ()
    assert not again.token_publishing_remains
