"""`check` as a gate: exit 1 exactly while a PyPI or TestPyPI token upload remains.

Uploads to other indexes are information, never findings; `# trustpub: ignore` acknowledges a
token upload (the gate passes, the report says it was ignored); a job already on trusted
publishing stays byte-identical even when it also uploads elsewhere with a password.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from trustpub.cli import app

HEAD = "on:\n  release:\n    types: [published]\njobs:\n"
ARTIFACTORY = """\
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          repository-url: https://acme.jfrog.io/artifactory/api/pypi/pypi-local
          password: ${{ secrets.ARTIFACTORY_TOKEN }}
"""
PYPI_TOKEN = """\
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""
TRUSTED_AND_DEVPI = """\
  publish:
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
      - run: twine upload --repository-url https://devpi.acme.test/root/prod/ dist/*
        env:
          TWINE_USERNAME: ci
          TWINE_PASSWORD: ${{ secrets.DEVPI_PASSWORD }}
"""


def make_repo(root: Path, *jobs: str, top: str = "") -> Path:
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "release.yml").write_text(top + HEAD + "".join(jobs), encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "acme-widgets"\n', encoding="utf-8")
    return root


def check(*paths: Path, fmt: str = "text") -> tuple[int, str]:
    args = ["check", *map(str, paths), "--color", "never", "--format", fmt]
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def test_an_upload_only_to_another_index_passes_and_is_told(tmp_path: Path) -> None:
    code, output = check(make_repo(tmp_path / "repo", ARTIFACTORY))
    assert code == 0, output
    assert "Uploads to other indexes (not PyPI: left as they are):" in output
    assert "acme.jfrog.io" in output
    assert "Left alone (a PyPI token" not in output


def test_a_pypi_token_upload_fails_the_gate(tmp_path: Path) -> None:
    code, output = check(make_repo(tmp_path / "repo", PYPI_TOKEN))
    assert code == 1, output


def test_a_token_upload_trustpub_cannot_migrate_still_fails_the_gate(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", PYPI_TOKEN.replace("ubuntu-latest", "windows-latest"))
    code, output = check(repo)
    assert code == 1, output
    assert "Left alone (a PyPI token is still used here: migrate it by hand):" in output
    assert "only runs on Linux" in output


def test_an_ignored_job_passes_and_the_report_says_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", "  # trustpub: ignore\n" + PYPI_TOKEN)
    code, output = check(repo)
    assert code == 0, output
    assert "Ignored with `# trustpub: ignore`" in output
    assert "job publish: opted out" in output


def test_an_ignored_file_passes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", PYPI_TOKEN, top="# trustpub: ignore\n")
    code, output = check(repo, fmt="json")
    assert code == 0, output
    document = json.loads(output)
    (repository,) = document["repositories"]
    assert repository["outcome"] == "ignored"
    assert repository["token_publishing_remains"] is False
    (skip,) = repository["files"][0]["skips"]
    assert skip["kind"] == "ignored"


def test_a_trusted_publishing_job_that_also_uploads_elsewhere_is_left_byte_identical(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", TRUSTED_AND_DEVPI)
    before = (repo / ".github/workflows/release.yml").read_bytes()
    code, output = check(repo, fmt="json")
    assert code == 0, output
    (repository,) = json.loads(output)["repositories"]
    assert repository["outcome"] == "migrated"
    assert [s["kind"] for s in repository["files"][0]["skips"]] == ["other-index"]
    diff = CliRunner().invoke(app, ["diff", str(repo), "--color", "never"])
    assert diff.exit_code == 0, diff.output
    assert (repo / ".github/workflows/release.yml").read_bytes() == before


def test_a_fleet_fails_only_for_the_repository_that_still_uses_a_token(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    make_repo(fleet / "elsewhere", ARTIFACTORY)
    make_repo(fleet / "ignored", "  # trustpub: ignore\n" + PYPI_TOKEN)
    code, output = check(fleet)
    assert code == 0, output
    make_repo(fleet / "token", PYPI_TOKEN)
    code, output = check(fleet)
    assert code == 1, output
