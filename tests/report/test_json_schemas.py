"""The JSON Schemas shipped in the package are valid, and real outputs follow them (the bot's and
`secrets`' outputs are checked where those commands are tested)."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from json_schemas import assert_valid, validator
from trustpub import schemas
from trustpub.cli import app

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "fixtures" / "demo"
CASES = sorted(p.parent for p in (ROOT / "fixtures").glob("*/*/before.yml"))


def run_json(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code in (0, 1, 3), result.output
    return result.stdout


@pytest.mark.parametrize("name", schemas.NAMES)
def test_each_schema_is_a_valid_schema(name: str) -> None:
    document = schemas.load(name)
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$id"].endswith(f"/schema/{name}.schema.json")


def test_an_unknown_schema_is_named_as_such() -> None:
    with pytest.raises(KeyError, match="one of report, report-lines, secrets, bot"):
        schemas.load("nope")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture case as a checkout, with a pyproject.toml (and one that fails)."""
    base = tmp_path_factory.mktemp("fleet")
    for case in CASES:
        repo = base / case.parent.name / case.name
        (repo / ".github" / "workflows").mkdir(parents=True)
        shutil.copy(case / "before.yml", repo / ".github" / "workflows" / "release.yml")
        shutil.copy(DEMO / "pyproject.toml", repo / "pyproject.toml")
    broken = base / "zz" / "broken" / ".github" / "workflows"
    broken.mkdir(parents=True)
    (broken / "release.yml").write_text("on: push\njobs:\n  publish: [twine upload\n")
    return base


@pytest.mark.parametrize("command", ["check", "diff", "apply"])
def test_reports_of_every_fixture_follow_the_report_schema(
    fleet: Path, tmp_path: Path, command: str
) -> None:
    copy_of = tmp_path / "fleet"
    shutil.copytree(fleet, copy_of)
    checkouts = sorted(str(p) for p in copy_of.glob("*/*"))
    document = json.loads(run_json(command, *checkouts))
    assert len(document["repositories"]) == len(CASES) + 1
    assert {r["outcome"] for r in document["repositories"]} >= {"changed", "failed", "skipped"}
    assert_valid("report", document)


def test_fleet_json_lines_follow_the_report_lines_schema(fleet: Path) -> None:
    lines = run_json("diff", str(fleet), "--jobs", "1").splitlines()
    assert len(lines) == len(CASES) + 2
    for line in lines:
        assert_valid("report-lines", json.loads(line))
    assert json.loads(lines[-1])["type"] == "summary"
    first = json.loads(lines[0])
    first["surprise"] = 1
    assert not validator("report-lines").is_valid(first)


def test_the_schemas_are_strict_enough_to_catch_drift() -> None:
    document = json.loads(run_json("check", str(DEMO)))
    assert_valid("report", document)
    renamed = copy.deepcopy(document)
    renamed["repositories"][0]["files"][0]["status_"] = renamed["repositories"][0]["files"][0].pop(
        "status"
    )
    wrong_kind = copy.deepcopy(document)
    wrong_kind["repositories"][0]["outcome"] = "done"
    extra = copy.deepcopy(document)
    extra["repositories"][0]["surprise"] = 1
    for bad in (renamed, wrong_kind, extra):
        assert not validator("report").is_valid(bad)
