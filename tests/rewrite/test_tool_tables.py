"""Tables over upload tools: every spelling of a command is migrated with the command kept byte
for byte, and every index selector sends the upload to the right index (or leaves it alone)."""

from __future__ import annotations

import pytest

from rewrite_cases import WORKFLOW_PATH, fixed_lookup
from trustpub.rewrite.document import load_data
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import Options, SkipKind, Status

IN_PLACE = Options(keep_build_in_job=True)


def workflow(run: str, env: str, job_env: str = "") -> str:
    return (
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n"
        f"{job_env}    steps:\n      - uses: actions/download-artifact@v4\n"
        f"      - run: {run}\n        env:\n{env}"
    )


TOKENS = {
    "twine": "          TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n",
    "uv": "          UV_PUBLISH_TOKEN: ${{ secrets.PYPI_API_TOKEN }}\n",
    "pdm": "          PDM_PUBLISH_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n",
    "maturin": "          MATURIN_PYPI_TOKEN: ${{ secrets.PYPI_API_TOKEN }}\n",
    "poetry": "          POETRY_PYPI_TOKEN_PYPI: ${{ secrets.PYPI_API_TOKEN }}\n",
    "hatch": "          HATCH_INDEX_AUTH: ${{ secrets.PYPI_API_TOKEN }}\n",
    "flit": "          FLIT_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n",
}

# Native trusted publishing: the command stays exactly as written, only the token goes.
SPELLINGS = [
    ("twine", "twine upload dist/*"),
    ("twine", "python -m twine upload dist/*"),
    ("twine", "python3 -m twine upload --skip-existing dist/*"),
    ("twine", "python3.12 -m twine upload dist/*"),
    ("twine", "pipx run twine upload dist/*"),
    ("twine", "pipx run --spec twine twine upload dist/*"),
    ("twine", "uvx twine upload dist/*"),
    ("twine", "uv tool run twine upload dist/*"),
    ("twine", "uv run --with twine twine upload dist/*"),
    ("twine", "poetry run twine upload dist/*"),
    ("twine", "hatch run twine upload dist/*"),
    ("twine", "pdm run twine upload dist/*"),
    ("twine", "sudo -E twine upload dist/*"),
    ("twine", "twine --no-color upload dist/* && echo done"),
    ("twine", "twine upload ${{ github.workspace }}/dist/*"),
    ("uv", "uv publish"),
    ("uv", "uv publish dist/*"),
    ("uv", "uv --directory pkg publish"),
    ("uv", "python -m uv publish"),
    ("uv", "uv publish --trusted-publishing always"),
    ("pdm", "pdm publish"),
    ("pdm", "pdm publish --no-build"),
    ("pdm", "pdm -p sub publish"),
    ("maturin", "maturin upload dist/*"),
    ("maturin", "maturin publish --skip-existing"),
    ("maturin", "pipx run maturin upload dist/*"),
    ("maturin", "uvx maturin publish"),
    ("maturin", "python -m maturin upload dist/*"),
]


@pytest.mark.parametrize(("tool", "run"), SPELLINGS, ids=[s[1] for s in SPELLINGS])
def test_every_spelling_keeps_its_command(tool: str, run: str) -> None:
    before = workflow(run, TOKENS[tool])
    result = rewrite_workflow(before, WORKFLOW_PATH, fixed_lookup("example"), IN_PLACE)
    assert result.status is Status.CHANGED, [s.reason for s in result.skips]
    assert f"      - run: {run}\n" in result.text
    assert "secrets." not in result.text
    assert result.removed_secrets == {"PYPI_API_TOKEN"}


# poetry, hatch and flit hand over to the PyPA action: the command becomes a build.
HANDOVERS = [
    ("poetry", "poetry publish --build", "poetry build"),
    ("poetry", "poetry -C pkg publish --build", "poetry -C pkg build"),
    ("poetry", "poetry build && poetry publish", "poetry build"),
    ("hatch", "hatch build && hatch publish", "hatch build"),
    ("flit", "flit publish", "flit build"),
    ("flit", "flit publish --format wheel", "flit build --format wheel"),
    ("flit", "flit publish --no-use-vcs --repository pypi", "flit build --no-use-vcs"),
    ("flit", "python -m flit publish", "python -m flit build"),
]


@pytest.mark.parametrize(
    ("tool", "run", "build"), HANDOVERS, ids=[f"{h[1]} -> {h[2]}" for h in HANDOVERS]
)
def test_handover_keeps_the_build(tool: str, run: str, build: str) -> None:
    before = workflow(run, TOKENS[tool])
    result = rewrite_workflow(before, WORKFLOW_PATH, fixed_lookup("example"), IN_PLACE)
    assert result.status is Status.CHANGED, [s.reason for s in result.skips]
    assert f"      - run: {build}\n" in result.text
    assert "uses: pypa/gh-action-pypi-publish@release/v1" in result.text
    assert "secrets." not in result.text


# Default options: the PyPA action publishes from a job of its own on Linux, so a build job
# that runs elsewhere, or in a container, keeps its runner.
NOT_LINUX = [
    ("poetry", "poetry publish --build", "poetry build", "    runs-on: macos-latest\n"),
    ("flit", "flit publish", "flit build", "    runs-on: windows-latest\n"),
    ("poetry", "poetry publish --build", "poetry build", "    container: python:3.12\n"),
]


@pytest.mark.parametrize(
    ("tool", "run", "build", "where"),
    NOT_LINUX,
    ids=[n[3].split(":")[1].strip() for n in NOT_LINUX],
)
def test_handover_to_a_publish_job_from_any_build_job(
    tool: str, run: str, build: str, where: str
) -> None:
    before = workflow(run, TOKENS[tool]).replace("    runs-on: ubuntu-latest\n", where)
    if "container" in where:
        before = before.replace(where, "    runs-on: ubuntu-latest\n" + where)
    result = rewrite_workflow(before, WORKFLOW_PATH, fixed_lookup("example"))
    assert result.status is Status.CHANGED, [s.reason for s in result.skips]
    data = load_data(result.text)
    assert data["jobs"]["release"]["steps"][1]["run"] == build
    publish = data["jobs"]["publish-to-pypi"]
    assert publish["runs-on"] == "ubuntu-latest" and "container" not in publish
    assert publish["steps"][-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1"
    kept = rewrite_workflow(before, WORKFLOW_PATH, fixed_lookup("example"), IN_PLACE)
    assert kept.status is Status.SKIPPED, "in the same job, the PyPA action would need Linux"


# (tool, command, env lines) -> the index the upload goes to, or the skip reason.
SELECTORS = [
    ("twine", "twine upload dist/*", "", "pypi"),
    ("twine", "twine upload -r pypi dist/*", "", "pypi"),
    ("twine", "twine upload --repository testpypi dist/*", "", "testpypi"),
    ("twine", "twine upload --repository=testpypi dist/*", "", "testpypi"),
    ("twine", "twine upload --repository-url https://test.pypi.org/legacy dist/*", "", "testpypi"),
    ("twine", "twine upload --repository-url https://upload.pypi.org/legacy/ dist/*", "", "pypi"),
    ("twine", "twine upload dist/*", "TWINE_REPOSITORY: testpypi", "testpypi"),
    (
        "twine",
        "twine upload dist/*",
        "TWINE_REPOSITORY_URL: https://test.pypi.org/legacy/",
        "testpypi",
    ),
    ("twine", "twine upload -r pypi dist/*", "TWINE_REPOSITORY: testpypi", "pypi"),
    ("twine", "twine upload dist/*", "TWINE_REPOSITORY: internal", "other:'internal'"),
    (
        "twine",
        "twine upload --repository-url $URL dist/*",
        "URL: https://x",
        "skip:chosen at run time",
    ),
    ("uv", "uv publish --publish-url https://test.pypi.org/legacy/", "", "testpypi"),
    ("uv", "uv publish", "UV_PUBLISH_URL: https://test.pypi.org/legacy/", "testpypi"),
    ("uv", "uv publish", "UV_PUBLISH_URL: https://pypi.example.com/", "other:pypi.example.com"),
    ("uv", "uv publish --index testpypi", "", "testpypi"),
    ("pdm", "pdm publish -r testpypi", "", "testpypi"),
    ("pdm", "pdm publish", "PDM_PUBLISH_REPO: testpypi", "testpypi"),
    ("pdm", "pdm publish -r https://test.pypi.org/legacy/", "", "testpypi"),
    ("maturin", "maturin upload -r testpypi dist/*", "", "testpypi"),
    ("maturin", "maturin upload dist/*", "MATURIN_REPOSITORY: testpypi", "testpypi"),
    (
        "maturin",
        "maturin upload dist/*",
        "MATURIN_REPOSITORY_URL: https://test.pypi.org/legacy/",
        "testpypi",
    ),
    ("hatch", "hatch publish -r main", "", "pypi"),
    ("hatch", "hatch publish -r test", "", "testpypi"),
    ("hatch", "hatch publish", "HATCH_INDEX_REPO: test", "testpypi"),
    ("hatch", "hatch publish --repo https://test.pypi.org/legacy/", "", "testpypi"),
    ("flit", "flit publish", "FLIT_INDEX_URL: https://test.pypi.org/legacy/", "testpypi"),
    ("flit", "flit --repository testpypi publish", "", "testpypi"),
    (
        "poetry",
        "poetry publish -r testpypi",
        "POETRY_REPOSITORIES_TESTPYPI_URL: https://test.pypi.org/legacy/",
        "testpypi",
    ),
    ("poetry", "poetry publish -r private", "", "other:'private'"),
]


@pytest.mark.parametrize(
    ("tool", "run", "env", "expected"),
    SELECTORS,
    ids=[f"{s[1]} [{s[2]}]" if s[2] else s[1] for s in SELECTORS],
)
def test_index_selectors(tool: str, run: str, env: str, expected: str) -> None:
    env_lines = TOKENS[tool] + (f"          {env}\n" if env else "")
    before = workflow(run, env_lines)
    result = rewrite_workflow(before, WORKFLOW_PATH, fixed_lookup("example"), IN_PLACE)
    kind, _, reason = expected.partition(":")
    if kind in ("skip", "other"):  # left alone: a token upload (a finding), or another index
        assert result.status is (Status.SKIPPED if kind == "skip" else Status.UNCHANGED)
        assert result.text == before
        wanted = SkipKind.TOKEN if kind == "skip" else SkipKind.OTHER_INDEX
        assert any(reason in s.reason and s.kind is wanted for s in result.skips), result.skips
        return
    assert result.status is Status.CHANGED, [s.reason for s in result.skips]
    assert [p.index for p in result.publishers] == [expected]


def test_an_upload_without_a_visible_token_gets_the_permission_and_a_note() -> None:
    before = (
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/download-artifact@v4\n      - run: pipx run twine upload dist/*\n"
    )
    result = rewrite_workflow(before, WORKFLOW_PATH, fixed_lookup("example"), IN_PLACE)
    assert result.status is Status.CHANGED
    assert "id-token: write" in result.text
    assert "      - run: pipx run twine upload dist/*\n" in result.text
    assert any(".pypirc" in n.message for n in result.notes)
    assert not result.removed_secrets


def test_a_multi_line_publish_command_becomes_one_build() -> None:
    before = (
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: |\n          poetry publish --build \\\n            --username __token__ \\\n"
        "            --password ${{ secrets.PYPI }}\n          echo done\n"
    )
    result = rewrite_workflow(before, WORKFLOW_PATH, fixed_lookup("example"), IN_PLACE)
    assert result.status is Status.CHANGED
    assert "      - run: |\n          poetry build\n          echo done\n" in result.text
    assert result.removed_secrets == {"PYPI"}


def test_handover_in_a_file_that_ends_in_a_block_scalar_without_newline() -> None:
    before = (
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: poetry publish --build\n        env:\n"
        "          POETRY_PYPI_TOKEN_PYPI: ${{ secrets.PYPI }}\n"
        "      - run: |\n          echo one\n          echo two"
    )
    result = rewrite_workflow(before, WORKFLOW_PATH, fixed_lookup("example"), IN_PLACE)
    assert result.status is Status.CHANGED, [s.reason for s in result.skips]
    assert result.text.endswith("      - run: |\n          echo one\n          echo two")
    assert "uses: pypa/gh-action-pypi-publish@release/v1\n      - run: |" in result.text
