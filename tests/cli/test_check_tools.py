"""`trustpub check` reports token uploads that zizmor's use-trusted-publishing audit misses.

zizmor checks `run:` uploads only in jobs without `id-token: write`, never reads credential
variables, and knows neither `maturin upload` nor `flit publish` (docs/domain.md §1.1). Each case
here is one of those: zizmor is quiet on it, trustpub check exits 1 and says what to remove, and
after `trustpub apply` check is clean.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustpub.cli import app
from validators import ValidatorMissing, idents, zizmor

HEAD = "on:\n  release:\n    types: [published]\njobs:\n  publish:\n    runs-on: ubuntu-latest\n"
ID_TOKEN = "    permissions:\n      id-token: write\n"
STEPS = "    steps:\n      - uses: actions/download-artifact@v4\n"

MISSED = {
    "id-token-and-twine-password": (
        HEAD + ID_TOKEN + STEPS + "      - run: pipx run twine upload dist/*\n        env:\n"
        "          TWINE_USERNAME: __token__\n"
        "          TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n",
        "removed `TWINE_USERNAME`, `TWINE_PASSWORD`",
    ),
    "id-token-and-uv-publish-token": (
        HEAD + ID_TOKEN + STEPS + "      - uses: astral-sh/setup-uv@v6\n"
        "      - run: uv publish\n        env:\n"
        "          UV_PUBLISH_TOKEN: ${{ secrets.PYPI_API_TOKEN }}\n",
        "removed `UV_PUBLISH_TOKEN`",
    ),
    "maturin-upload-token": (
        HEAD + STEPS + "      - run: pipx run maturin upload --skip-existing dist/*\n"
        "        env:\n          MATURIN_PYPI_TOKEN: ${{ secrets.PYPI_API_TOKEN }}\n",
        "removed `MATURIN_PYPI_TOKEN`",
    ),
    "flit-publish": (
        HEAD + "    steps:\n      - uses: actions/checkout@v4\n      - run: pip install flit\n"
        "      - run: flit publish\n        env:\n          FLIT_USERNAME: __token__\n"
        "          FLIT_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}\n",
        "`flit publish` now only builds",
    ),
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def make_repo(root: Path, workflow: str) -> Path:
    directory = root / ".github" / "workflows"
    directory.mkdir(parents=True)
    (directory / "release.yml").write_text(workflow)
    (root / "pyproject.toml").write_text('[project]\nname = "demo-pkg"\n')
    return root


@pytest.mark.parametrize("name", MISSED)
def test_check_reports_it(tmp_path: Path, name: str) -> None:
    workflow, change = MISSED[name]
    repo = make_repo(tmp_path, workflow)
    code, output = run("check", str(repo), "--color", "never")
    assert code == 1, output
    assert ".github/workflows/release.yml:" in output
    assert change in output
    assert "PYPI_API_TOKEN" in output  # the secret to delete afterwards


@pytest.mark.parametrize("name", MISSED)
def test_check_is_clean_after_apply(tmp_path: Path, name: str) -> None:
    repo = make_repo(tmp_path, MISSED[name][0])
    code, output = run("apply", str(repo), "--color", "never", "--keep-build-in-job")
    assert code == 0, output
    text = (repo / ".github/workflows/release.yml").read_text()
    assert "secrets.PYPI_API_TOKEN" not in text
    code, output = run("check", str(repo), "--color", "never")
    assert code == 0, output


@pytest.mark.validators
def test_zizmor_misses_them(tmp_path: Path) -> None:
    files = []
    for name, (workflow, _) in MISSED.items():
        path = tmp_path / f"{name}.yml"
        path.write_text(workflow)
        files.append(path)
    try:
        findings = zizmor(files)
    except ValidatorMissing as error:
        pytest.fail(str(error))
    for path in files:
        assert idents(findings[path])["use-trusted-publishing"] == 0, path.name
