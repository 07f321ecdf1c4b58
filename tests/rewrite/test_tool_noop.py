"""Tool uploads the engine must leave byte-identical, with the status and the reason it reports."""

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
    reason: str | None = None  # a substring of a skip reason
    advice: str | None = None  # a substring of that skip's advice
    kind: SkipKind = SkipKind.TOKEN  # of the skip `reason` is found in


def upload_job(
    steps: str,
    *,
    on: str = "on:\n  push:\n    tags: ['v*']\n",
    top: str = "",
    job_head: str = "",
    runs_on: str = "ubuntu-latest",
) -> str:
    """A workflow with one job: a checkout, then `steps` (indented as steps)."""
    return (
        f"name: Release\n{on}{top}jobs:\n  release:\n    runs-on: {runs_on}\n{job_head}"
        "    steps:\n      - uses: actions/checkout@v4\n" + steps
    )


TWINE_ENV = (
    "        env:\n"
    "          TWINE_USERNAME: __token__\n"
    "          TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n"
)


def twine(command: str = "twine upload dist/*", env: str = TWINE_ENV) -> str:
    return f"      - run: {command}\n{env}"


NOOPS = [
    # -- other indexes, and indexes chosen at run time
    Noop(
        "twine-devpi",
        upload_job(twine("twine upload --repository-url https://devpi.example.com/ dist/*")),
        Status.UNCHANGED,
        "not PyPI or TestPyPI",
        kind=SkipKind.OTHER_INDEX,
    ),
    Noop(
        "twine-pypirc-section",
        upload_job(twine("twine upload -r private dist/*")),
        Status.UNCHANGED,
        "'private'",
        kind=SkipKind.OTHER_INDEX,
    ),
    Noop(
        "uv-artifactory",
        upload_job(
            "      - run: uv publish --publish-url https://acme.jfrog.io/api/pypi/py/ -t x\n"
        ),
        Status.UNCHANGED,
        "acme.jfrog.io",
        kind=SkipKind.OTHER_INDEX,
    ),
    Noop(
        "uv-codeartifact-env",
        upload_job(
            "      - run: uv publish\n        env:\n"
            "          UV_PUBLISH_URL: https://acme-1234.d.codeartifact.eu-west-1.amazonaws.com/"
            "pypi/r/\n          UV_PUBLISH_TOKEN: ${{ secrets.CODEARTIFACT }}\n"
        ),
        Status.UNCHANGED,
        "codeartifact",
        kind=SkipKind.OTHER_INDEX,
    ),
    Noop(
        "poetry-gemfury-repository",
        upload_job(
            "      - run: |\n"
            "          poetry config repositories.fury https://pypi.fury.io/acme/\n"
            "          poetry publish --build -r fury\n"
            "        env:\n          POETRY_HTTP_BASIC_FURY_PASSWORD: ${{ secrets.FURY }}\n"
        ),
        Status.UNCHANGED,
        "pypi.fury.io",
        kind=SkipKind.OTHER_INDEX,
    ),
    Noop(
        "uv-url-from-input",
        upload_job(
            "      - run: uv publish --publish-url ${{ inputs.index }}\n        env:\n"
            "          UV_PUBLISH_TOKEN: ${{ secrets.TOKEN }}\n",
            on="on:\n  workflow_dispatch:\n    inputs:\n      index:\n        type: string\n",
        ),
        Status.SKIPPED,
        "workflow input",
    ),
    Noop(
        "twine-url-from-secret",
        upload_job(twine("twine upload --repository-url ${{ secrets.REPO }} dist/*")),
        Status.SKIPPED,
        "comes from a secret",
    ),
    Noop(
        "uv-index-from-pyproject",
        upload_job("      - run: uv publish --index internal -t ${{ secrets.TOKEN }}\n"),
        Status.SKIPPED,
        "defined in pyproject.toml",
    ),
    # -- tokens trustpub cannot trace to a secret
    Noop(
        "token-from-job-output",
        upload_job(
            twine(env="        env:\n          TWINE_PASSWORD: ${{ needs.vault.outputs.t }}\n")
        ),
        Status.SKIPPED,
        "another job's output",
    ),
    Noop(
        "token-from-input",
        upload_job(
            twine(env="        env:\n          TWINE_PASSWORD: ${{ inputs.token }}\n"),
            on="on:\n  workflow_dispatch:\n    inputs:\n      token:\n        type: string\n",
        ),
        Status.SKIPPED,
        "workflow input",
    ),
    Noop(
        "token-from-vars",
        upload_job(twine(env="        env:\n          TWINE_PASSWORD: ${{ vars.TOKEN }}\n")),
        Status.SKIPPED,
        "not from a repository secret",
    ),
    Noop(
        "secret-name-computed",
        upload_job(
            twine(
                env="        env:\n          TWINE_PASSWORD: ${{ secrets[format('{0}_TOKEN', "
                "github.ref_name)] }}\n"
            )
        ),
        Status.SKIPPED,
        "chosen at run time",
    ),
    Noop(
        "flag-from-untraced-shell-variable",
        upload_job(twine("twine upload -p $TOKEN dist/*", env="")),
        Status.SKIPPED,
        "which no `env:` in the workflow sets",
    ),
    Noop(
        "flag-from-command",
        upload_job(twine('twine upload -p "$(cat token.txt)" dist/*', env="")),
        Status.SKIPPED,
        "computed by a command",
    ),
    Noop(
        "credential-through-github-env",
        upload_job(
            '      - run: echo "TWINE_PASSWORD=${{ secrets.PYPI }}" >> "$GITHUB_ENV"\n'
            "      - run: twine upload dist/*\n"
        ),
        Status.SKIPPED,
        "$GITHUB_ENV",
    ),
    Noop(
        "pypirc-written",
        upload_job(
            "      - run: |\n"
            '          echo "password = ${{ secrets.PYPI }}" >> ~/.pypirc\n'
            "          twine upload dist/*\n"
        ),
        Status.SKIPPED,
        ".pypirc",
    ),
    Noop(
        "flag-missing-its-value",
        upload_job(
            "      - run: |\n"
            "          poetry publish -u __token__ -p\n"
            "          ${{ secrets.PYPI_PASSWORD }}\n"
        ),
        Status.SKIPPED,
        "has no value",
    ),
    Noop(
        "double-quoted-with-escapes",
        upload_job('      - run: "twine upload -p \\"${{ secrets.PYPI }}\\" dist/*"\n'),
        Status.SKIPPED,
        "double-quoted scalar holds escapes",
    ),
    # -- uploads trustpub cannot see into: where to look
    Noop(
        "hidden-make",
        upload_job(twine("make publish")),
        Status.SKIPPED,
        "hidden in `make publish`",
        "the `publish` target of the Makefile",
    ),
    Noop(
        "hidden-tox",
        upload_job(twine("tox -e release")),
        Status.SKIPPED,
        "tox -e release",
        "tox.ini",
    ),
    Noop(
        "hidden-nox",
        upload_job(twine("nox -s publish")),
        Status.SKIPPED,
        "nox -s publish",
        "noxfile.py",
    ),
    Noop(
        "hidden-script",
        upload_job(twine("./scripts/upload-to-pypi.sh")),
        Status.SKIPPED,
        "./scripts/upload-to-pypi.sh",
        "`./scripts/upload-to-pypi.sh`",
    ),
    Noop(
        "hidden-script-secret-argument",
        upload_job("      - run: bash release.sh ${{ secrets.PYPI_TOKEN }}\n"),
        Status.SKIPPED,
        "the secret `PYPI_TOKEN`",
        "`release.sh`",
    ),
    Noop(
        "hidden-setup-py-upload",
        upload_job(twine("python setup.py sdist upload")),
        Status.SKIPPED,
        "python setup.py sdist upload",
        "setup.py",
    ),
    Noop(
        "upload-inside-bash-c",
        upload_job(twine("bash -c 'twine upload dist/*'")),
        Status.SKIPPED,
        "bash -c",
    ),
    Noop(
        "upload-inside-heredoc",
        upload_job(
            "      - run: |\n"
            "          sh <<EOF\n"
            "          twine upload dist/*\n"
            "          EOF\n" + TWINE_ENV
        ),
        Status.SKIPPED,
        "heredoc",
    ),
    # -- credentials other steps still need
    Noop(
        "job-env-read-by-a-local-action",
        upload_job(
            "      - uses: ./.github/actions/announce\n" + twine(env=""),
            job_head="    env:\n      TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n",
        ),
        Status.SKIPPED,
        "still needs it",
        "move `TWINE_PASSWORD` into the `env:` of the steps",
    ),
    Noop(
        "workflow-env-read-by-a-job-left-alone",
        "name: Release\non: push\nenv:\n  TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\njobs:\n"
        "  docs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make upload-docs\n"
        "  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: twine upload dist/*\n",
        Status.SKIPPED,
        "of job `docs`",
    ),
    Noop(
        "step-also-runs-a-hidden-upload",
        upload_job(twine("make deploy && twine upload dist/*")),
        Status.SKIPPED,
        "`make deploy`",
    ),
    # -- one step, several uploads; settings that forbid trusted publishing
    Noop(
        "one-step-two-indexes",
        upload_job(
            "      - run: |\n"
            "          twine upload -r testpypi dist/*\n"
            "          twine upload dist/*\n" + TWINE_ENV
        ),
        Status.SKIPPED,
        "uploads to pypi and testpypi",
    ),
    Noop(
        "one-step-two-tools",
        upload_job("      - run: uv publish && twine upload -r testpypi dist/*\n" + TWINE_ENV),
        Status.SKIPPED,
        "uploads with twine and uv",
    ),
    Noop(
        "one-job-two-upload-steps-to-pypi",
        upload_job(twine("twine upload a/dist/*") + twine("twine upload b/dist/*")),
        Status.SKIPPED,
        "the job uploads 2 times (pypi)",
    ),
    # -- two indexes, where the PyPA action cannot take the uploads over in publish jobs
    Noop(
        "two-indexes-files-from-several-directories",
        upload_job(
            "      - run: uv publish --publish-url https://test.pypi.org/legacy/ 'wheels-*/*'\n"
            "        env:\n          UV_PUBLISH_TOKEN: ${{ secrets.TEST_PYPI_API_TOKEN }}\n"
            "      - run: uv publish 'wheels-*/*'\n"
            "        env:\n          UV_PUBLISH_TOKEN: ${{ secrets.PYPI_API_TOKEN }}\n"
        ),
        Status.SKIPPED,
        "uploads files from several directories ('wheels-*/*')",
    ),
    Noop(
        "two-indexes-only-the-wheels",
        upload_job(twine("twine upload -r testpypi dist/*.whl") + twine("twine upload dist/*.whl")),
        Status.SKIPPED,
        "uploads only some of the files in `dist/`",
    ),
    Noop(
        "two-indexes-files-named-at-run-time",
        upload_job(twine("twine upload -r testpypi $DISTS") + twine("twine upload $DISTS")),
        Status.SKIPPED,
        "uploads files named at run time",
    ),
    Noop(
        "two-indexes-maturin-publish-builds",
        upload_job(
            "      - run: maturin publish -r testpypi\n"
            "        env:\n          MATURIN_PYPI_TOKEN: ${{ secrets.TEST_PYPI_API_TOKEN }}\n"
            "      - run: maturin publish\n"
            "        env:\n          MATURIN_PYPI_TOKEN: ${{ secrets.PYPI_API_TOKEN }}\n"
        ),
        Status.SKIPPED,
        "`maturin publish` builds the wheels itself",
        "split the job by hand",
    ),
    Noop(
        "two-indexes-twine-sign",
        upload_job(twine("twine upload -r testpypi --sign dist/*") + twine()),
        Status.SKIPPED,
        "`--sign` of `twine upload` has no equivalent in pypa/gh-action-pypi-publish",
    ),
    Noop(
        "uv-trusted-publishing-never",
        upload_job(
            "      - run: uv publish --trusted-publishing never\n        env:\n"
            "          UV_PUBLISH_TOKEN: ${{ secrets.PYPI_API_TOKEN }}\n"
        ),
        Status.SKIPPED,
        "never to use trusted publishing",
    ),
    Noop(
        "poetry-on-macos",
        upload_job(
            "      - run: poetry publish --build\n        env:\n"
            "          POETRY_PYPI_TOKEN_PYPI: ${{ secrets.PYPI_API_TOKEN }}\n",
            runs_on="macos-latest",
        ),
        Status.SKIPPED,
        "only runs on Linux",
    ),
    Noop(
        "flit-in-container",
        upload_job(
            "      - run: flit publish\n        env:\n"
            "          FLIT_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n",
            job_head="    container: python:3.12\n",
        ),
        Status.SKIPPED,
        "`container:`",
    ),
    # -- workflows trustpub must not touch at all
    Noop(
        "reusable-workflow",
        upload_job(twine(), on="on:\n  workflow_call:\n"),
        Status.SKIPPED,
        "reusable workflow",
    ),
    Noop(
        "pull-request-target",
        upload_job(twine(), on="on: pull_request_target\n"),
        Status.SKIPPED,
        "pull_request_target",
    ),
    Noop(
        "opted-out-job",
        "name: Release\non: push\njobs:\n  # trustpub: ignore\n  release:\n"
        "    runs-on: ubuntu-latest\n    steps:\n" + twine(),
        Status.IGNORED,
        "opted out",
        kind=SkipKind.IGNORED,
    ),
    # -- nothing to do
    Noop("dry-run-only", upload_job("      - run: poetry publish --dry-run\n"), Status.UNCHANGED),
    Noop(
        "uv-already-trusted",
        upload_job(
            "      - run: uv publish\n",
            job_head="    environment: pypi\n    permissions:\n      id-token: write\n",
        ),
        Status.MIGRATED,
    ),
    Noop(
        "twine-already-trusted-with-user-name-only",
        upload_job(
            twine(env="        env:\n          TWINE_USERNAME: __token__\n"),
            job_head="    permissions:\n      id-token: write\n",
        ),
        Status.MIGRATED,
    ),
    Noop(
        "unrelated-password-input",
        upload_job(
            "      - uses: docker/login-action@v3\n        with:\n"
            "          password: ${{ secrets.DOCKER_TOKEN }}\n"
            "      - run: docker push acme/app\n"
        ),
        Status.UNCHANGED,
    ),
    Noop(
        "publish-word-elsewhere",
        upload_job("      - run: npm publish && echo 'twine is not used here'\n"),
        Status.UNCHANGED,
    ),
]


@pytest.mark.parametrize("noop", NOOPS, ids=lambda n: n.id)
def test_left_alone(noop: Noop) -> None:
    result = rewrite_workflow(noop.text, WORKFLOW_PATH, fixed_lookup("example"), IN_PLACE)
    assert result.failure is None, result.failure
    assert result.text == noop.text
    reasons = [s.reason for s in result.skips]
    assert result.status is noop.status, reasons
    assert not result.changes
    assert not result.removed_secrets
    if noop.reason is not None:
        found = [(s.reason, s.kind) for s in result.skips]
        assert any(noop.reason in r and k is noop.kind for r, k in found), (noop, found)
    assert result.token_publishing_remains is (noop.status is Status.SKIPPED)
    if noop.advice is not None:
        advice = [s.advice for s in result.skips]
        assert any(noop.advice in a for a in advice), (noop.advice, advice)


def test_composite_action_upload_is_reported() -> None:
    action = (
        "name: Publish\nruns:\n  using: composite\n  steps:\n"
        "    - run: twine upload dist/*\n      shell: bash\n      env:\n"
        "        TWINE_PASSWORD: ${{ inputs.token }}\n"
    )
    result = rewrite_workflow(action, "action.yml", fixed_lookup("example"))
    assert result.text == action
    assert result.status is Status.SKIPPED
    assert any("composite action" in s.reason for s in result.skips)
