"""Workflows the engine must leave byte-identical, with the status and the reason it reports."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rewrite_cases import WORKFLOW_PATH, fixed_lookup
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import Options, SkipKind, Status

IN_PLACE = Options(keep_build_in_job=True)


@dataclass(frozen=True)
class Noop:
    id: str
    text: str
    status: Status
    # A substring of a skip reason (of the kind below) or of the failure (FAILED).
    reason: str | None = None
    options: Options = IN_PLACE
    kind: SkipKind = SkipKind.TOKEN  # of the skip `reason` is found in


def _publish_job(
    *,
    on: str = "on:\n  release:\n    types: [published]\n",
    top: str = "",
    job_head: str = "",
    runs_on: str = "ubuntu-latest",
    with_: str = "          password: ${{ secrets.PYPI_API_TOKEN }}\n",
) -> str:
    """A token-publishing workflow with one part swapped out."""
    return (
        f"{top}name: Release\n\n{on}\njobs:\n"
        f"{job_head}  publish:\n    runs-on: {runs_on}\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: pipx run build\n"
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
        f"        with:\n{with_}"
    )


PACKAGING_GUIDE = """\
name: Publish Python 🐍 distribution 📦 to PyPI and TestPyPI

on: push
permissions: {}

jobs:
  build:
    name: Build distribution 📦
    runs-on: ubuntu-latest

    steps:
    - uses: actions/checkout@v4
      with:
        persist-credentials: false
    - name: Set up Python
      uses: actions/setup-python@v5
      with:
        python-version: "3.x"
    - name: Install pypa/build
      run: >-
        python3 -m
        pip install
        build
        --user
    - name: Build a binary wheel and a source tarball
      run: python3 -m build
    - name: Store the distribution packages
      uses: actions/upload-artifact@v4
      with:
        name: python-package-distributions
        path: dist/

  publish-to-pypi:
    name: >-
      Publish Python 🐍 distribution 📦 to PyPI
    if: startsWith(github.ref, 'refs/tags/')  # only publish to PyPI on tag pushes
    needs:
    - build
    runs-on: ubuntu-latest
    environment:
      name: pypi
      url: https://pypi.org/p/example
    permissions:
      id-token: write  # IMPORTANT: mandatory for trusted publishing

    steps:
    - name: Download all the dists
      uses: actions/download-artifact@v4
      with:
        name: python-package-distributions
        path: dist/
    - name: Publish distribution 📦 to PyPI
      uses: pypa/gh-action-pypi-publish@release/v1

  publish-to-testpypi:
    name: Publish Python 🐍 distribution 📦 to TestPyPI
    needs:
    - build
    runs-on: ubuntu-latest

    environment:
      name: testpypi
      url: https://test.pypi.org/p/example

    permissions:
      id-token: write  # IMPORTANT: mandatory for trusted publishing

    steps:
    - name: Download all the dists
      uses: actions/download-artifact@v4
      with:
        name: python-package-distributions
        path: dist/
    - name: Publish distribution 📦 to TestPyPI
      uses: pypa/gh-action-pypi-publish@release/v1
      with:
        repository-url: https://test.pypi.org/legacy/
"""

PYPI_DOCS_EXAMPLE = """\
on:
  release:
    types: [published]

jobs:
  pypi-publish:
    name: upload release to PyPI
    runs-on: ubuntu-latest
    # Specifying a GitHub environment is optional, but strongly encouraged
    environment: release
    permissions:
      # IMPORTANT: this permission is mandatory for trusted publishing
      id-token: write
    steps:
      # retrieve your distributions here

      - name: Publish package distributions to PyPI
        uses: pypa/gh-action-pypi-publish@release/v1
"""

MINTED_TOKEN = """\
on:
  release:
    types: [published]

jobs:
  pypi:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - name: mint API token
        id: mint-token
        run: ./mint-token.sh >> "$GITHUB_OUTPUT"
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ steps.mint-token.outputs.api-token }}
"""

CI_ONLY = """\
name: CI

on: [push, pull_request]

jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/upload-artifact@v4
        with:
          name: coverage
          path: htmlcov/
      - run: pipx run tox
"""

MATRIX_OS = """\
on:
  push:
    tags: ["v*"]

jobs:
  wheels:
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
    runs-on: ${{ matrix.os }}
    steps:
      - uses: actions/checkout@v4
      - run: pipx run build
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""

SHARED_CREDENTIALS = """\
on:
  release:
    types: [published]

jobs:
  pypi:
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with: &credentials
          user: __token__
          password: ${{ secrets.PYPI_API_TOKEN }}
  mirror:
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with: *credentials
"""

COMPOSITE_ACTION = """\
name: Publish
description: Upload the dists in dist/ to PyPI
inputs:
  token:
    required: true
runs:
  using: composite
  steps:
    - uses: pypa/gh-action-pypi-publish@release/v1
      with:
        password: ${{ inputs.token }}
"""

TOKEN_INPUT = "          password: ${{ secrets.PYPI_API_TOKEN }}\n"


def _twice(
    keys: tuple[str, str] = ("", ""), inputs: tuple[str, str] = ("", ""), between: str = ""
) -> str:
    """A job that uploads its wheel, then its sdist, to PyPI with the PyPA action: each step
    with more step `keys` and more `inputs`, and `between` them more steps."""
    steps = [
        f"      - uses: pypa/gh-action-pypi-publish@release/v1\n{key}        with:\n"
        f"{TOKEN_INPUT}{more}"
        for key, more in zip(keys, inputs, strict=True)
    ]
    return (
        "on:\n  push:\n    tags: ['v*']\n\njobs:\n  release:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - run: pipx run build --wheel\n"
        f"{steps[0]}{between}      - run: pipx run build --sdist\n{steps[1]}"
    )


DOWNLOAD_TWO_DIRECTORIES = """\
on:
  release:
    types: [published]

jobs:
  upload:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: wheels
          path: wheelhouse/
      - uses: actions/download-artifact@v4
        with:
          name: sdist
          path: dist/
      - run: ls wheelhouse/
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
          packages-dir: wheelhouse/
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""


def _url(url: str) -> str:
    return f"{TOKEN_INPUT}          repository-url: {url}\n"


NOOPS = [
    Noop("already-migrated-packaging-guide", PACKAGING_GUIDE, Status.MIGRATED),
    Noop("already-migrated-pypi-docs-example", PYPI_DOCS_EXAMPLE, Status.MIGRATED),
    Noop(
        "other-index-artifactory",
        _publish_job(with_=_url("https://example.jfrog.io/artifactory/api/pypi/pypi-local")),
        Status.UNCHANGED,
        "which is not PyPI or TestPyPI",
        kind=SkipKind.OTHER_INDEX,
    ),
    Noop(
        "other-index-devpi",
        _publish_job(with_=_url("https://devpi.example.com/root/dev/")),
        Status.UNCHANGED,
        "'https://devpi.example.com/root/dev/'",
        kind=SkipKind.OTHER_INDEX,
    ),
    Noop(
        "other-index-codeartifact",
        _publish_job(
            with_=_url(
                "https://example-111122223333.d.codeartifact.us-east-1.amazonaws.com/pypi/repo/"
            )
        ),
        Status.UNCHANGED,
        "codeartifact",
        kind=SkipKind.OTHER_INDEX,
    ),
    Noop(
        "other-index-gemfury",
        _publish_job(with_=_url("https://push.fury.io/example/")),
        Status.UNCHANGED,
        "push.fury.io",
        kind=SkipKind.OTHER_INDEX,
    ),
    Noop(
        "other-index-lookalike-host",
        _publish_job(with_=_url("https://upload.pypi.org.example.com/legacy/")),
        Status.UNCHANGED,
        "not PyPI or TestPyPI",
        kind=SkipKind.OTHER_INDEX,
    ),
    Noop(
        "index-from-an-input-expression",
        _publish_job(
            on="on:\n  workflow_dispatch:\n    inputs:\n      url:\n        type: string\n",
            with_=_url("${{ inputs.url }}"),
        ),
        Status.SKIPPED,
        "chosen at run time",
    ),
    Noop(
        "opted-out-at-file-top",
        _publish_job(top="# trustpub: ignore (we publish with a scoped token on purpose)\n"),
        Status.IGNORED,
        "opted out",
        kind=SkipKind.IGNORED,
    ),
    Noop(
        "opted-out-on-the-job",
        _publish_job(job_head="  # trustpub: ignore\n"),
        Status.IGNORED,
        "opted out",
        kind=SkipKind.IGNORED,
    ),
    Noop(
        "reusable-workflow",
        _publish_job(on="on:\n  workflow_call:\n    secrets:\n      PYPI_API_TOKEN:\n"),
        Status.SKIPPED,
        "reusable workflow",
    ),
    Noop(
        "container-job",
        _publish_job(runs_on="ubuntu-latest\n    container: python:3.12"),
        Status.SKIPPED,
        "container",
    ),
    Noop("windows-runner", _publish_job(runs_on="windows-latest"), Status.SKIPPED, "Linux"),
    Noop("macos-runner", _publish_job(runs_on="macos-14"), Status.SKIPPED, "'macos-14'"),
    Noop("matrix-os-with-windows", MATRIX_OS, Status.SKIPPED, "'windows-latest'"),
    Noop(
        "pull-request-target",
        _publish_job(on="on:\n  pull_request_target:\n"),
        Status.SKIPPED,
        "pull_request_target",
    ),
    Noop(
        "computed-secret-name",
        _publish_job(
            with_="          password: ${{ secrets[format('PYPI_TOKEN_{0}', github.ref_name)] }}\n"
        ),
        Status.SKIPPED,
        "computed at run time",
    ),
    Noop("token-from-a-step-output", MINTED_TOKEN, Status.SKIPPED, "not from a repository secret"),
    Noop("composite-action", COMPOSITE_ACTION, Status.SKIPPED, "composite action"),
    Noop("no-publishing-at-all", CI_ONLY, Status.UNCHANGED),
    Noop(
        "github-enterprise",
        _publish_job(),
        Status.SKIPPED,
        "GitHub Enterprise",
        Options(keep_build_in_job=True, github_enterprise=True),
    ),
    # Both jobs are left alone: deleting either copy of the shared `with:` alone is not safe.
    Noop("credentials-shared-through-an-anchor", SHARED_CREDENTIALS, Status.SKIPPED, "anchor"),
    # Two uploads to one index in one job: one PyPA action call must do what both did.
    Noop(
        "same-index-different-skip-existing",
        _twice(inputs=("          skip-existing: true\n", "")),
        Status.SKIPPED,
        "the uploads to PyPI on lines 11 and 16 set `skip-existing` differently (`true` and "
        "`false`), and one publish job runs the PyPA action once for all of them",
        Options(),
    ),
    Noop(
        "same-index-different-conditions",
        _twice(keys=("        if: startsWith(github.ref, 'refs/tags/')\n", "")),
        Status.SKIPPED,
        "the uploads to PyPI on lines 11 and 16 run under different conditions "
        "(`startsWith(github.ref, 'refs/tags/')` and unset), and the one publish job that "
        "publishes them both has one `if:`",
        Options(),
    ),
    Noop(
        "same-index-different-continue-on-error",
        _twice(keys=("", "        continue-on-error: true\n")),
        Status.SKIPPED,
        "the uploads to PyPI on lines 11 and 15 set `continue-on-error` differently (unset and "
        "`true`), and one publish job runs the PyPA action once for all of them",
        Options(),
    ),
    Noop(
        "same-index-step-read-by-another",
        _twice(
            keys=("        id: wheel\n", ""),
            between="      - run: echo ${{ steps.wheel.outcome }}\n",
        ),
        Status.SKIPPED,
        "other steps read the step `wheel` (line 11), an upload that goes: the step on line 17 "
        "publishes its dists, and one publish job runs the PyPA action once for all of them",
        Options(),
    ),
    Noop(
        "same-index-directory-cleaned-between",
        _twice(between="      - run: rm -rf dist\n"),
        Status.SKIPPED,
        "the `run` step (line 14) may take files out of `dist/` between the uploads that read "
        "it (lines 11 and 16), so no one artifact holds what each of them published",
        Options(),
    ),
    Noop(
        "same-index-download-only-directory-read-by-another-step",
        DOWNLOAD_TWO_DIRECTORIES,
        Status.SKIPPED,
        "the step on line 17 reads `wheelhouse/`, which the upload on line 18 publishes from: "
        "one PyPA action call reads one directory, and that step would find `wheelhouse/` empty",
        Options(),
    ),
    Noop("not-yaml", "jobs:\n  publish: [unclosed\n", Status.FAILED, "line"),
    Noop("empty-file", "\n", Status.FAILED, "empty"),
]


@pytest.mark.parametrize("noop", NOOPS, ids=[n.id for n in NOOPS])
def test_left_byte_identical(noop: Noop) -> None:
    result = rewrite_workflow(noop.text, WORKFLOW_PATH, fixed_lookup("example"), noop.options)
    assert result.text == noop.text
    assert not result.changed
    assert result.status is noop.status, (result.skips, result.failure)
    assert not result.changes
    assert not result.removed_secrets
    assert not result.publishers
    if noop.status is Status.FAILED:
        assert result.failure is not None
        assert noop.reason in f"line {result.failure.line}: {result.failure.message}"
    elif noop.reason is not None:
        reasons = [(s.reason, s.kind) for s in result.skips]
        assert any(noop.reason in r and k is noop.kind for r, k in reasons), (noop, reasons)
        assert result.failure is None
    else:
        assert not result.skips
        assert result.failure is None
    # `check` fails exactly while a token upload to PyPI or TestPyPI remains.
    assert result.token_publishing_remains is (noop.status is Status.SKIPPED)
