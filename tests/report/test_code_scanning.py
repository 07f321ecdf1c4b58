"""SARIF and `--format github` as code scanning and Actions use them: one result per PyPI token
upload that remains, rules with their help, stable fingerprints, columns, a valid empty
document, and nothing for uploads to other indexes or acknowledged ones."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from trustpub.cli import app
from trustpub.repository import migrate_repository
from trustpub.rewrite.result import Options

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "fixtures" / "demo"
SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
FIXTURES = sorted((ROOT / "fixtures").glob("*/*/before.yml"))
CORPUS = ROOT.parent / "shared" / "corpus" / "workflows"

OTHER_INDEX = """on: {release: {types: [published]}}
jobs:
  internal:
    runs-on: ubuntu-latest
    steps:
      - run: twine upload --repository-url https://pypi.acme.example/ dist/*
        env: {TWINE_PASSWORD: "${{ secrets.ACME_TOKEN }}"}
  ignored:  # trustpub: ignore
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with: {password: "${{ secrets.PYPI_API_TOKEN }}"}
"""
LEFT_ALONE = """on: {pull_request_target: {}}
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
        with: {password: "${{ secrets.PYPI_API_TOKEN }}"}
"""


def checkout(root: Path, workflow: str | None = None) -> Path:
    shutil.copytree(DEMO, root)
    if workflow is not None:
        (root / ".github" / "workflows" / "release.yml").write_text(workflow)
    return root


def sarif(*paths: Path) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["check", *map(str, paths), "--format", "sarif"])
    return result.exit_code, json.loads(result.stdout)


def validate(document: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.is_file():
        pytest.skip(f"no SARIF schema at {SCHEMA} (it lives in shared/ beside the repository)")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(document, schema, cls=jsonschema.Draft7Validator)


def test_one_valid_result_per_token_upload_with_rule_help(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, document = sarif(checkout(tmp_path / "demo"))
    assert code == 1
    validate(document)
    [run] = document["runs"]
    [result] = run["results"]
    assert result["ruleId"] == "token-publishing"
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == (
        "demo/.github/workflows/release.yml"
    )
    assert location["physicalLocation"]["region"] == {"startLine": 33, "startColumn": 9}
    assert location["logicalLocations"][0]["name"] == "release"
    assert "removed input `password`" in result["message"]["markdown"]
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["id"] == "token-publishing"
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"].startswith("https://")


def test_fingerprints_stay_when_lines_move(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    repo = checkout(tmp_path / "demo")
    _, before = sarif(repo)
    workflow = repo / ".github" / "workflows" / "release.yml"
    workflow.write_text("# a new first line\n\n" + workflow.read_text())
    _, after = sarif(repo)
    [old], [new] = before["runs"][0]["results"], after["runs"][0]["results"]
    assert new["partialFingerprints"] == old["partialFingerprints"]
    assert new["locations"][0]["physicalLocation"]["region"]["startLine"] == 35


def test_an_empty_run_is_a_valid_document(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    (clean / ".github" / "workflows").mkdir(parents=True)
    (clean / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
    )
    code, document = sarif(clean)
    assert code == 0
    validate(document)
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["tool"]["driver"]["rules"]


def test_other_indexes_and_acknowledged_uploads_are_never_results(tmp_path: Path) -> None:
    code, document = sarif(checkout(tmp_path / "demo", OTHER_INDEX))
    assert code == 0
    validate(document)
    assert document["runs"][0]["results"] == []
    github = CliRunner().invoke(app, ["check", str(tmp_path / "demo"), "--format", "github"])
    assert "::error" not in github.stdout


def test_a_token_upload_left_alone_has_the_manual_recipe(tmp_path: Path) -> None:
    code, document = sarif(checkout(tmp_path / "demo", LEFT_ALONE))
    assert code == 1
    validate(document)
    [result] = document["runs"][0]["results"]
    assert result["ruleId"] == "token-not-auto-migratable"
    assert "pull_request_target" in result["message"]["text"]
    assert "What to do" not in result["message"]["markdown"]  # the advice itself, not a label
    assert len(result["message"]["markdown"]) > len(result["message"]["text"])


def test_github_annotations_on_the_workflow_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    checkout(tmp_path / "demo")
    result = CliRunner().invoke(app, ["check", "demo", "--format", "github"])
    assert result.exit_code == 1
    [line] = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert line.startswith(
        "::error file=demo/.github/workflows/release.yml,line=33,col=9,"
        "title=trustpub%3A PyPI token upload::Job release uploads to PyPI"
    )
    assert "\n" not in line and "%0A- job `publish-to-pypi`: removed input `password`" in line


def test_several_checkouts_say_which_each_line_belongs_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    checkout(tmp_path / "one")
    checkout(tmp_path / "two", LEFT_ALONE)
    text = CliRunner().invoke(app, ["check", "one", "two", "--color", "never"]).stdout
    located = re.findall(r"(\S*)\.github/workflows/release\.yml:", text)
    assert sorted(set(located)) == ["one/", "two/"]
    assert text.startswith("one: changed\n") and "\n\ntwo: skipped\n" in text
    diff = CliRunner().invoke(app, ["diff", "one", "two", "--color", "never"]).stdout
    assert "--- a/one/.github/workflows/release.yml" in diff
    _, document = sarif(Path("one"), Path("two"))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    }
    assert uris == {"one/.github/workflows/release.yml", "two/.github/workflows/release.yml"}


def _invariant(path: str, text: str) -> None:
    from trustpub.report.problems import (
        NOT_AUTO_MIGRATABLE,
        TOKEN_PUBLISHING,
        UNREADABLE,
        problems,
    )

    result = migrate_repository("repo", {path: text}, lambda name: None, Options(verify=False))
    found = [p for p in problems(result) if p.rule != UNREADABLE]
    rules = [p.rule for p in found]
    [file] = result.files
    assert bool(found) == result.token_publishing_remains, path
    assert rules.count(TOKEN_PUBLISHING) == len(file.token_uploads), path
    assert rules.count(NOT_AUTO_MIGRATABLE) == sum(s.is_finding for s in file.skips), path
    assert not file.changed or file.token_uploads, f"{path}: changed without a token upload"
    assert len({p.fingerprint for p in found}) == len(found), path


@pytest.mark.parametrize(
    "before", FIXTURES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}"
)
def test_one_problem_per_remaining_token_upload_in_every_fixture(before: Path) -> None:
    _invariant(".github/workflows/release.yml", before.read_text(encoding="utf-8"))


@pytest.mark.corpus
def test_one_problem_per_remaining_token_upload_over_the_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (it lives in shared/ beside the repository)")
    for path in sorted(CORPUS.glob("*.yml")):
        _invariant(f".github/workflows/{path.name}", path.read_text(encoding="utf-8"))


def test_problems_for_an_unreadable_file(tmp_path: Path) -> None:
    repo = checkout(tmp_path / "demo", "on: push\njobs:\n  publish: [twine upload\n")
    code, document = sarif(repo)
    assert code == 3
    validate(document)
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["unreadable-workflow"]
