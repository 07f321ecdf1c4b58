"""A job that passes every secret to a reusable workflow of the same repository is reported when
that workflow uploads to PyPI with a token: the token stays alive through the caller too."""

from __future__ import annotations

from trustpub.repository import Outcome, migrate_repository
from trustpub.rewrite.result import SkipKind, Status

CALLER = """\
name: Release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    uses: ./.github/workflows/publish.yml
    secrets: inherit
"""
PUBLISHES = """\
name: Publish
on:
  workflow_call:
jobs:
  upload:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
BUILDS = """\
name: Build
on:
  workflow_call:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: python -m build
"""


def no_files(path: str) -> str | None:
    return None


def test_the_caller_of_a_reusable_workflow_that_uploads_with_a_token_is_reported() -> None:
    result = migrate_repository(
        "acme/widgets",
        {".github/workflows/release.yml": CALLER, ".github/workflows/publish.yml": PUBLISHES},
        no_files,
        project="acme-widgets",
    )
    by_path = {f.path: f for f in result.files}
    caller = by_path[".github/workflows/release.yml"]
    assert caller.status is Status.SKIPPED
    (skip,) = caller.skips
    assert (skip.job, skip.line, skip.kind) == ("publish", 6, SkipKind.TOKEN)
    assert skip.reason == (
        "passes every secret (`secrets: inherit`) to the reusable workflow "
        "`./.github/workflows/publish.yml`, which uploads to PyPI with a token (see "
        ".github/workflows/publish.yml)"
    )
    assert by_path[".github/workflows/publish.yml"].status is Status.SKIPPED
    assert result.outcome is Outcome.SKIPPED
    assert result.token_publishing_remains


def test_the_caller_of_a_reusable_workflow_that_only_builds_is_not() -> None:
    result = migrate_repository(
        "acme/widgets",
        {".github/workflows/release.yml": CALLER, ".github/workflows/publish.yml": BUILDS},
        no_files,
        project="acme-widgets",
    )
    assert all(not f.skips for f in result.files)
    assert not result.token_publishing_remains


def test_a_called_workflow_outside_the_files_run_is_read_to_decide() -> None:
    """`trustpub check .github/workflows/release.yml` (or a pre-commit hook's file list)."""
    files = {".github/workflows/publish.yml": PUBLISHES}
    result = migrate_repository(
        "acme/widgets",
        {".github/workflows/release.yml": CALLER},
        files.get,
        project="acme-widgets",
    )
    (caller,) = result.files
    assert caller.status is Status.SKIPPED
    assert [s.kind for s in caller.skips] == [SkipKind.TOKEN]
    assert result.token_publishing_remains
