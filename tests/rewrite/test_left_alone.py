"""Shapes of token publishing trustpub cannot migrate: each is named in the report, exactly.

Third-party and local actions handed a PyPI credential, scripts given one with no upload trustpub
can read, credentials in a job's or the workflow's `env:` that no upload claims, and reusable
workflows handed one. Never "unchanged": `check` fails for each (kind `token`), except an upload to
another index (information) and what `# trustpub: ignore` acknowledges. The text is compared
whole: it is what a maintainer reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rewrite_cases import WORKFLOW_PATH, fixed_lookup
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import SkipKind, Status

HEAD = (
    "name: Release\non:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n"
)


def job(steps: str, head: str = HEAD, job_env: str = "") -> str:
    """A release job: its `env:`, a checkout, then `steps` (indented as steps)."""
    return head + job_env + "    steps:\n      - uses: actions/checkout@v4\n" + steps


@dataclass(frozen=True)
class LeftAlone:
    id: str
    text: str
    status: Status
    # (kind, job, line, reason) of every skip, in order
    skips: tuple[tuple[SkipKind, str | None, int, str], ...] = ()
    advice: str = ""  # a part of the first skip's advice


CASES = [
    LeftAlone(
        "aio-libs-create-release",
        job(
            (
                "      - uses: aio-libs/create-release@v1.6.6\n"
                "        with:\n"
                "          changes_file: CHANGES.rst\n"
                "          github_token: ${{ secrets.GITHUB_TOKEN }}\n"
                "          pypi_token: ${{ secrets.PYPI_API_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "`aio-libs/create-release@v1.6.6` uploads `dist_dir` to PyPI with the token, "
                    "then creates the GitHub release: it is handed a PyPI token through the input "
                    "`pypi_token` (${{ secrets.PYPI_API_TOKEN }}), and an upload made inside an "
                    "action cannot use trusted publishing"
                ),
            ),
        ),
        "remove `pypi_token` (the action uploads only when it is set)",
    ),
    LeftAlone(
        "ansys-release-public",
        job(
            (
                "      - uses: ansys/actions/release-pypi-public@v8\n"
                "        with:\n"
                "          library-name: ansys-acme\n"
                "          twine-username: __token__\n"
                "          twine-token: ${{ secrets.PYPI_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "`ansys/actions/release-pypi-public@v8` uploads the library's artifacts to "
                    "PyPI with twine and the token: it is handed a PyPI token through the input "
                    "`twine-token` (${{ secrets.PYPI_TOKEN }}), and an upload made inside an "
                    "action cannot use trusted publishing"
                ),
            ),
        ),
        "trusted publishing cannot work from inside this composite ac",
    ),
    LeftAlone(
        "pyansys-release-test",
        job(
            (
                "      - uses: pyansys/actions/release-pypi-test@v4\n"
                "        with:\n"
                "          library-name: ansys-acme\n"
                "          twine-token: ${{ secrets.TEST_PYPI_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "`pyansys/actions/release-pypi-test@v4` uploads the library's artifacts to "
                    "TestPyPI with twine and the token: it is handed a PyPI token through the "
                    "input `twine-token` (${{ secrets.TEST_PYPI_TOKEN }}), and an upload made "
                    "inside an action cannot use trusted publishing"
                ),
            ),
        ),
        "trusted publishing cannot work from inside this composite ac",
    ),
    LeftAlone(
        "ansys-release-private",
        job(
            (
                "      - uses: ansys/actions/release-pypi-private@v8\n"
                "        with:\n"
                "          library-name: ansys-acme\n"
                "          twine-token: ${{ secrets.PYANSYS_PYPI_PRIVATE_PAT }}\n"
            ),
        ),
        Status.UNCHANGED,
        (
            (
                SkipKind.OTHER_INDEX,
                "release",
                10,
                (
                    'it uploads to "Ansys\'s private index", which is not PyPI or TestPyPI; only '
                    "PyPI and TestPyPI support trusted publishing, so its credentials stay"
                ),
            ),
        ),
        "",
    ),
    LeftAlone(
        "semantic-release-input",
        job(
            (
                "      - uses: relekang/python-semantic-release@v7.34.6\n"
                "        with:\n"
                "          github_token: ${{ secrets.GITHUB_TOKEN }}\n"
                "          repository_username: __token__\n"
                "          repository_password: ${{ secrets.PYPI_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "`relekang/python-semantic-release@v7.34.6` uploads the dists to PyPI with the "
                    "token (python-semantic-release 7): it is handed a PyPI token through the "
                    "input `repository_password` (${{ secrets.PYPI_TOKEN }}), and an upload made "
                    "inside an action cannot use trusted publishing"
                ),
            ),
        ),
        "python-semantic-release 8 and later no longer upload to PyPI",
    ),
    LeftAlone(
        "semantic-release-job-env",
        job(
            (
                "      - uses: python-semantic-release/python-semantic-release@v7.34.6\n"
                "        with:\n"
                "          github_token: ${{ secrets.GITHUB_TOKEN }}\n"
            ),
            job_env=("    env:\n      PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}\n"),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                12,
                (
                    "`python-semantic-release/python-semantic-release@v7.34.6` uploads the dists "
                    "to PyPI with the token (python-semantic-release 7): it is handed a PyPI token "
                    "through the variable `PYPI_TOKEN` (${{ secrets.PYPI_TOKEN }}), and an upload "
                    "made inside an action cannot use trusted publishing"
                ),
            ),
        ),
        "python-semantic-release 8 and later no longer upload to PyPI",
    ),
    LeftAlone(
        "casperdcl-deploy-pypi",
        job(
            (
                "      - uses: casperdcl/deploy-pypi@v2\n"
                "        with:\n"
                "          build: true\n"
                "          password: ${{ secrets.PYPI_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "`casperdcl/deploy-pypi@v2` builds the dists and uploads them with twine and "
                    "the password: it is handed a PyPI token through the input `password` (${{ "
                    "secrets.PYPI_TOKEN }}), and an upload made inside an action cannot use "
                    "trusted publishing"
                ),
            ),
        ),
        "its newer releases (those with a `registry_domain` input) pu",
    ),
    LeftAlone(
        "etils-build-publish",
        job(
            (
                "      - uses: etils-actions/pypi-build-publish@v1\n"
                "        with:\n"
                "          pypi-token: ${{ secrets.PYPI_API_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "`etils-actions/pypi-build-publish@v1` builds the package and uploads it with "
                    "the token: it is handed a PyPI token through the input `pypi-token` (${{ "
                    "secrets.PYPI_API_TOKEN }}), and an upload made inside an action cannot use "
                    "trusted publishing"
                ),
            ),
        ),
        "build with `python -m build`, store the dists with actions/u",
    ),
    LeftAlone(
        "jupyter-releaser-env",
        job(
            (
                "      - uses: "
                "jupyter-server/jupyter-releaser/.github/actions/finalize-release@v2\n"
                "        env:\n"
                "          PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}\n"
                "        with:\n"
                "          token: ${{ secrets.ADMIN_GITHUB_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "`jupyter-server/jupyter-releaser/.github/actions/finalize-release@v2` uploads "
                    "the release's dists to PyPI with the token: it is handed a PyPI token through "
                    "the variable `PYPI_TOKEN` (${{ secrets.PYPI_TOKEN }}), and an upload made "
                    "inside an action cannot use trusted publishing"
                ),
            ),
        ),
        "check whether your jupyter-releaser version publishes with t",
    ),
    LeftAlone(
        "unknown-action-input",
        job(
            (
                "      - uses: acme/ship-it@v3\n"
                "        with:\n"
                "          pypi-token: ${{ secrets.PYPI_API_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "the action `acme/ship-it@v3` is handed a PyPI token through the input "
                    "`pypi-token` (${{ secrets.PYPI_API_TOKEN }}); trustpub does not know how it "
                    "uploads, so it cannot migrate it"
                ),
            ),
        ),
        "if it uploads to PyPI, publish with pypa/gh-action-pypi-publ",
    ),
    LeftAlone(
        "unknown-action-env",
        job(
            (
                "      - uses: acme/ship-it@v3\n"
                "        env:\n"
                "          TWINE_PASSWORD: ${{ secrets.RELEASE_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "the action `acme/ship-it@v3` is handed a PyPI token through the variable "
                    "`TWINE_PASSWORD` (${{ secrets.RELEASE_TOKEN }}); trustpub does not know how "
                    "it uploads, so it cannot migrate it"
                ),
            ),
        ),
        "if it uploads to PyPI, publish with pypa/gh-action-pypi-publ",
    ),
    LeftAlone(
        "local-composite-action",
        job(
            (
                "      - uses: ./.github/actions/publish\n"
                "        with:\n"
                "          pypi-token: ${{ secrets.PYPI_API_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "the local action `./.github/actions/publish` is handed a PyPI token through "
                    "the input `pypi-token` (${{ secrets.PYPI_API_TOKEN }}); trusted publishing "
                    "does not work from inside a composite action"
                ),
            ),
        ),
        "publish with pypa/gh-action-pypi-publish directly in a job o",
    ),
    LeftAlone(
        "python-publishing-action-any-secret",
        job(
            (
                "      - uses: acme/shared/actions/python-publish@main\n"
                "        with:\n"
                "          token: ${{ secrets.PUBLISH_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "the action `acme/shared/actions/python-publish@main`, whose name says it "
                    "publishes Python packages, is handed a token through the input `token` (${{ "
                    "secrets.PUBLISH_TOKEN }}); trustpub does not know how it uploads, so it "
                    "cannot migrate it"
                ),
            ),
        ),
        "if it uploads to PyPI, publish with pypa/gh-action-pypi-publ",
    ),
    LeftAlone(
        "script-given-credential",
        job(
            (
                "      - run: ./ci/release/run.sh\n"
                "        env:\n"
                "          POETRY_PYPI_TOKEN_PYPI: ${{ secrets.PYPI_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "the step is given the variable `POETRY_PYPI_TOKEN_PYPI` (${{ "
                    "secrets.PYPI_TOKEN }}); it runs `./ci/release/run.sh`, where trustpub finds "
                    "no upload"
                ),
            ),
        ),
        "if it uploads to PyPI, upload with a tool that does trusted ",
    ),
    LeftAlone(
        "script-with-inline-secret",
        job(
            (
                "      - run: curl -F ':action=file_upload' -u __token__:${{ "
                "secrets.PYPI_API_TOKEN }} https://upload.pypi.org/legacy/\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "the step's script uses the secret `PYPI_API_TOKEN`; it runs `curl -F "
                    "':action=file_upload' -u __token__:${{ secrets.PYPI_API_TOKEN }} http...`, "
                    "where trustpub finds no upload"
                ),
            ),
        ),
        "if it uploads to PyPI, upload with a tool that does trusted ",
    ),
    LeftAlone(
        "upload-command-from-input",
        (
            "name: Publish\n"
            "on:\n"
            "  workflow_call:\n"
            "    inputs:\n"
            "      runner:\n"
            "        type: string\n"
            "    secrets:\n"
            "      PYPI_API_TOKEN:\n"
            "        required: true\n"
            "jobs:\n"
            "  publish:\n"
            "    runs-on: ubuntu-latest\n"
            "    env:\n"
            "      TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n"
            "    steps:\n"
            "      - run: ${{ inputs.runner }} twine upload dist/*\n"
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "publish",
                16,
                (
                    "the script shows `twine upload`, which trustpub cannot read as an upload, and "
                    "can read a token"
                ),
            ),
        ),
        "if it uploads to PyPI, upload with a tool that does trusted ",
    ),
    LeftAlone(
        "job-env-credential",
        job(
            "      - run: ./scripts/ship\n",
            job_env=("    env:\n      PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}\n"),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                6,
                (
                    "the job's `env:` gives every step the variable `PYPI_TOKEN` (${{ "
                    "secrets.PYPI_TOKEN }}), a PyPI credential, and trustpub finds no upload in "
                    "the job that it can read"
                ),
            ),
        ),
        "if a step uploads to PyPI with it, upload with a tool that d",
    ),
    LeftAlone(
        "workflow-env-credential",
        (
            "name: Release\n"
            "on: push\n"
            "env:\n"
            "  TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}\n"
            "jobs:\n"
            "  ship:\n"
            "    runs-on: ubuntu-latest\n"
            "    steps:\n"
            "      - run: ./scripts/ship\n"
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                None,
                4,
                (
                    "the workflow's `env:` gives every job the variable `TWINE_PASSWORD` (${{ "
                    "secrets.PYPI_TOKEN }}), a PyPI credential, and trustpub finds no upload that "
                    "it can read"
                ),
            ),
        ),
        "if a step uploads to PyPI with it, upload with a tool that d",
    ),
    LeftAlone(
        "reusable-caller-explicit",
        (
            "name: Release\n"
            "on:\n"
            "  push:\n"
            "    tags: ['v*']\n"
            "jobs:\n"
            "  publish:\n"
            "    uses: acme/workflows/.github/workflows/python-release.yml@v2\n"
            "    secrets:\n"
            "      pypi_token: ${{ secrets.PYPI_TOKEN }}\n"
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "publish",
                6,
                (
                    "passes the PyPI credential `pypi_token` (${{ secrets.PYPI_TOKEN }}) to the "
                    "reusable workflow `acme/workflows/.github/workflows/python-release.yml@v2`; "
                    "PyPI does not accept trusted publishing from inside a reusable workflow, so "
                    "the token stays wherever it uploads with it"
                ),
            ),
        ),
        "publish from a job of the top-level workflow instead: one th",
    ),
    LeftAlone(
        "reusable-caller-inherit-publish",
        (
            "name: Release\n"
            "on:\n"
            "  push:\n"
            "    tags: ['v*']\n"
            "jobs:\n"
            "  publish:\n"
            "    uses: acme/workflows/.github/workflows/reusable-publish.yml@v2\n"
            "    secrets: inherit\n"
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "publish",
                6,
                (
                    "passes every secret (`secrets: inherit`) to the reusable workflow "
                    "`acme/workflows/.github/workflows/reusable-publish.yml@v2`, which trustpub "
                    "cannot read; its name says it publishes, so a PyPI token may reach an upload "
                    "there"
                ),
            ),
        ),
        "read it: if it uploads to PyPI with a token, publish from a ",
    ),
    LeftAlone(
        "reusable-caller-inherit-other",
        (
            "name: CI\n"
            "on: push\n"
            "jobs:\n"
            "  test:\n"
            "    uses: acme/workflows/.github/workflows/tox.yml@v2\n"
            "    secrets: inherit\n"
        ),
        Status.UNCHANGED,
        (),
        "",
    ),
    LeftAlone(
        "opted-out-action",
        job(
            (
                "      - uses: acme/ship-it@v3\n"
                "        with:\n"
                "          pypi-token: ${{ secrets.PYPI_API_TOKEN }}\n"
            ),
            head=HEAD.replace("  release:\n", "  # trustpub: ignore\n  release:\n"),
        ),
        Status.IGNORED,
        (
            (
                SkipKind.IGNORED,
                "release",
                7,
                "opted out with `# trustpub: ignore`",
            ),
        ),
        "",
    ),
    LeftAlone(
        "minted-token-action",
        job(
            (
                "      - id: mint\n"
                "        uses: tschm/token-mint-action@v1.0.3\n"
                "      - uses: acme/ship-it@v3\n"
                "        with:\n"
                "          pypi-token: ${{ steps.mint.outputs.api-token }}\n"
            ),
            head=HEAD.replace(
                "    runs-on: ubuntu-latest\n",
                "    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n",
            ),
        ),
        Status.MIGRATED,
        (),
        "",
    ),
    LeftAlone(
        "secrets-manager-before-upload",
        job(
            (
                "      - uses: hashicorp/vault-action@v3\n"
                "        with:\n"
                "          url: https://vault.acme.test\n"
                "          secrets: |\n"
                "            secret/data/ci/pypi token | TWINE_PASSWORD\n"
                "      - run: python -m build\n"
                "      - run: twine upload dist/*\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                16,
                (
                    "the step `hashicorp/vault-action@v3` (line 10) fetches `TWINE_PASSWORD` from "
                    "a secrets manager at run time, where no `env:` shows it; the upload on line "
                    "16 may read it, so trustpub cannot tell which credential it uses"
                ),
            ),
        ),
        "hand the upload nothing from the secrets manager and publish",
    ),
    LeftAlone(
        "secrets-manager-without-upload",
        job(
            (
                "      - uses: hashicorp/vault-action@v3\n"
                "        with:\n"
                "          url: https://vault.acme.test\n"
                "          secrets: secret/data/ci/pypi token | PYPI_TOKEN\n"
                "      - run: ./scripts/ship\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "the step `hashicorp/vault-action@v3` (line 10) fetches `secret/data/ci/pypi` "
                    "from a secrets manager at run time, where no `env:` shows it; trustpub finds "
                    "no upload in the job that it can read"
                ),
            ),
        ),
        "hand the upload nothing from the secrets manager and publish",
    ),
    LeftAlone(
        "action-password-from-step-output",
        job(
            (
                "      - id: token\n"
                "        uses: acme/fetch-token@v1\n"
                "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
                "        with:\n"
                "          password: ${{ steps.token.outputs.pypi }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                12,
                (
                    "the token comes from '${{ steps.token.outputs.pypi }}', not from a repository "
                    "secret, so trustpub cannot prove it is a PyPI token it may remove"
                ),
            ),
        ),
        "check where that value comes from; if it is a PyPI token, re",
    ),
    LeftAlone(
        "other-registry-secret-to-make-publish",
        job(
            (
                "      - run: make publish\n"
                "        env:\n"
                "          NODE_AUTH_TOKEN: ${{ secrets.NPM_PUBLISH_TOKEN }}\n"
            ),
        ),
        Status.UNCHANGED,
        (),
        "",
    ),
    LeftAlone(
        "hidden-upload-token-like-secret",
        job(
            (
                "      - run: make publish\n"
                "        env:\n"
                "          TOKEN: ${{ secrets.UPLOAD_TOKEN }}\n"
            ),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "the upload is hidden in `make publish`, which trustpub cannot see into, and "
                    "the step can read the secret `UPLOAD_TOKEN`"
                ),
            ),
        ),
        "look at the `publish` target of the Makefile: drop the token",
    ),
    LeftAlone(
        "action-reason-not-the-pull-request-one",
        job(
            (
                "      - uses: casperdcl/deploy-pypi@v2\n"
                "        with:\n"
                "          password: ${{ secrets.PYPI_TOKEN }}\n"
            ),
            head=HEAD.replace(
                "  push:\n    tags: ['v*']\n", "  - push\n  - pull_request\n"
            ).replace("on:\n  - push", "on:\n  - push"),
        ),
        Status.SKIPPED,
        (
            (
                SkipKind.TOKEN,
                "release",
                10,
                (
                    "`casperdcl/deploy-pypi@v2` builds the dists and uploads them with twine and "
                    "the password: it is handed a PyPI token through the input `password` (${{ "
                    "secrets.PYPI_TOKEN }}), and an upload made inside an action cannot use "
                    "trusted publishing"
                ),
            ),
        ),
        "its newer releases (those with a `registry_domain` input) pu",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_named_exactly_and_left_byte_identical(case: LeftAlone) -> None:
    result = rewrite_workflow(case.text, WORKFLOW_PATH, fixed_lookup("example"))
    assert result.text == case.text
    assert result.status is case.status
    assert tuple((s.kind, s.job, s.line, s.reason) for s in result.skips) == case.skips
    if case.advice:
        assert case.advice in result.skips[0].advice
    # `check` fails exactly while a token upload to PyPI or TestPyPI remains.
    assert result.token_publishing_remains is any(k is SkipKind.TOKEN for k, *_ in case.skips)
