"""The check, diff and apply commands on real checkouts in tmp_path."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustpub.cli import app

DEMO = Path(__file__).parents[2] / "fixtures" / "demo"
TOKEN_WORKFLOW = """\
on:
  release:
    types: [published]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
        with:
          password: ${{ secrets.PYPI_API_TOKEN }}
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(DEMO, target)
    return target


def make_repo(root: Path, workflows: dict[str, str], pyproject: str | None = None) -> Path:
    directory = root / ".github" / "workflows"
    directory.mkdir(parents=True)
    for name, text in workflows.items():
        (directory / name).write_bytes(text.encode("utf-8"))
    (root / "pyproject.toml").write_text(pyproject or '[project]\nname = "demo-pkg"\n')
    return root


def test_diff_shows_the_change_and_writes_nothing(demo: Path) -> None:
    before = (demo / ".github/workflows/release.yml").read_bytes()
    code, output = run("diff", str(demo), "--color", "never")
    assert code == 1
    assert "-          password: ${{ secrets.PYPI_API_TOKEN }}" in output
    assert "+      id-token: write  # trusted publishing" in output
    assert "PYPI_API_TOKEN" in output
    assert (demo / ".github/workflows/release.yml").read_bytes() == before


def test_apply_writes_then_diff_is_clean(demo: Path) -> None:
    code, _ = run("apply", str(demo), "--color", "never")
    assert code == 0
    text = (demo / ".github/workflows/release.yml").read_text()
    assert "password" not in text
    assert "id-token: write" in text
    code, output = run("diff", str(demo), "--color", "never")
    assert code == 0, output
    code, output = run("check", str(demo), "--color", "never")
    assert code == 0, output


def test_check_exits_1_while_a_token_is_used(demo: Path) -> None:
    code, output = run("check", str(demo), "--color", "never")
    assert code == 1
    assert ".github/workflows/release.yml:" in output


def test_single_workflow_file_path(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"release.yml": TOKEN_WORKFLOW})
    code, output = run("diff", str(repo / ".github/workflows/release.yml"), "--color", "never")
    assert code == 1
    assert "url: https://pypi.org/p/demo-pkg" in output


def test_apply_keeps_crlf_bom_and_mode(tmp_path: Path) -> None:
    text = "\ufeff" + TOKEN_WORKFLOW.replace("\n", "\r\n")
    repo = make_repo(tmp_path, {"release.yml": text})
    path = repo / ".github/workflows/release.yml"
    os.chmod(path, 0o640)
    code, _ = run("apply", str(repo), "--color", "never")
    assert code == 0
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"password" not in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_invalid_yaml_fails_that_file_and_processes_the_others(tmp_path: Path) -> None:
    broken = "on: push\njobs:\n  publish: [\n"
    repo = make_repo(tmp_path, {"broken.yml": broken, "release.yml": TOKEN_WORKFLOW})
    code, output = run("apply", str(repo), "--color", "never")
    assert code == 3
    assert ".github/workflows/broken.yml:" in output
    assert "Traceback" not in output
    assert (repo / ".github/workflows/broken.yml").read_text() == broken
    assert "password" not in (repo / ".github/workflows/release.yml").read_text()


def test_invalid_yaml_that_cannot_publish_is_not_parsed(tmp_path: Path) -> None:
    # The pre-filter never parses files without upload-related words: not trustpub's business.
    repo = make_repo(tmp_path, {"lint.yml": "on: push\njobs:\n  a: [\n"})
    code, output = run("check", str(repo), "--color", "never")
    assert code == 0, output


def test_non_utf8_file_is_a_clear_failure(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"release.yml": TOKEN_WORKFLOW})
    bad = repo / ".github/workflows/latin1.yml"
    bad.write_bytes(b"name: caf\xe9 publish\non: push\n")
    code, output = run("diff", str(repo), "--color", "never")
    assert code == 3
    assert "latin1.yml:1: not valid UTF-8" in output
    assert bad.read_bytes() == b"name: caf\xe9 publish\non: push\n"


def test_missing_project_name_is_explained_not_guessed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"release.yml": TOKEN_WORKFLOW})
    (repo / "pyproject.toml").unlink()
    code, output = run("diff", str(repo), "--color", "never")
    assert code == 0
    assert "--project" in output
    code, output = run("diff", str(repo), "--project", "Some.Name", "--color", "never")
    assert code == 1
    assert "https://pypi.org/p/some-name" in output


def test_json_report_schema(demo: Path) -> None:
    code, output = run("diff", str(demo), "--format", "json")
    assert code == 1
    document = json.loads(output)
    assert document["version"] == 2
    (repo,) = document["repositories"]
    assert repo["outcome"] == "changed"
    assert [s["name"] for s in repo["obsolete_secrets"]] == ["PYPI_API_TOKEN"]
    (publisher,) = repo["publishers"]
    assert publisher["project"] == "Acme_Widgets"
    assert publisher["environment"] == "pypi"
    assert publisher["workflow"] == "release.yml"
    assert repo["files"][0]["diff"].startswith("--- a/.github/workflows/release.yml")


def test_github_option_fills_the_registration_link(demo: Path) -> None:
    _, output = run("diff", str(demo), "--github", "acme/widgets", "--format", "json")
    (publisher,) = json.loads(output)["repositories"][0]["publishers"]
    expected = "owner=acme&repository=widgets&workflow_filename=release.yml&environment=pypi"
    assert expected in publisher["register_url"]


def test_sarif_for_check(demo: Path) -> None:
    code, output = run("check", str(demo), "--format", "sarif")
    assert code == 1
    sarif = json.loads(output)
    assert sarif["version"] == "2.1.0"
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"token-publishing"}


def test_usage_error_exits_2(tmp_path: Path) -> None:
    code, _ = run("diff", str(tmp_path / "missing"))
    assert code == 2


def test_report_prints_text_literally_not_as_markup(demo: Path) -> None:
    # `[project]` in the project's provenance once vanished as a rich style tag.
    _, output = run("diff", str(demo), "--color", "never")
    assert "from pyproject.toml [project].name" in output
