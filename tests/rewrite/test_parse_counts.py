"""How often the engine parses a file: the parse is most of its cost (bench/ has the figures).

Counted by behaviour, never timed: every parse goes through `document._parse`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rewrite_cases import REPO_ROOT, fixed_lookup, read_text
from trustpub.rewrite import document
from trustpub.rewrite.engine import rewrite_workflow
from trustpub.rewrite.result import Options, Status

SPLIT = REPO_ROOT / "fixtures" / "split"
REWRITE = REPO_ROOT / "fixtures" / "rewrite"
CI_ONLY = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """One entry per parse of a workflow: whether the document checks (keys, alias bombs) ran.

    The one-line probes `render` reads back a new scalar with are not counted."""
    calls: list[bool] = []
    original = document._parse

    def counting(text: str, checked: bool = False) -> object:
        if "jobs:" in text:
            calls.append(not checked)
        return original(text, checked)

    monkeypatch.setattr(document, "_parse", counting)
    yield calls


def test_a_file_that_cannot_upload_is_never_parsed(parses: list[bool]) -> None:
    assert rewrite_workflow(CI_ONLY, "ci.yml", fixed_lookup("demo")).status is Status.UNCHANGED
    assert parses == []


def test_an_in_place_migration_parses_twice_and_checks_once(parses: list[bool]) -> None:
    text = read_text(REWRITE / "pypi-docs-trusted-publisher-page" / "before.yml")
    result = rewrite_workflow(text, "release.yml", fixed_lookup("demo"))
    assert result.status is Status.CHANGED
    # The input (with the document checks), then the result for the verifier (without).
    assert parses == [True, False]


def test_a_split_job_is_verified_once(parses: list[bool]) -> None:
    text = read_text(SPLIT / "build-and-publish-single-index" / "before.yml")
    result = rewrite_workflow(text, "release.yml", fixed_lookup("demo"))
    assert result.status is Status.CHANGED
    assert parses == [True, False]


def test_two_changed_jobs_verify_the_whole_file_again(parses: list[bool]) -> None:
    text = read_text(SPLIT / "two-build-jobs" / "before.yml")
    result = rewrite_workflow(text, "release.yml", fixed_lookup("demo"))
    assert result.status is Status.CHANGED
    assert len(result.publishers) >= 2
    # The input, each split job on its own (one publisher each), then the file with both.
    assert parses[0] is True
    assert parses[1:] and not any(parses[1:])
    assert len(parses) == 2 + len({p.job for p in result.publishers})


def test_planning_only_parses_the_input_alone(parses: list[bool]) -> None:
    text = read_text(SPLIT / "two-build-jobs" / "before.yml")
    planned = rewrite_workflow(text, "release.yml", fixed_lookup("demo"), Options(verify=False))
    assert parses == [True]
    verified = rewrite_workflow(text, "release.yml", fixed_lookup("demo"))
    assert planned == verified  # the same text and report: only the re-reading is left out


@pytest.mark.parametrize(
    "before",
    sorted([*SPLIT.glob("*/before.yml"), *REWRITE.glob("*/before.yml")]),
    ids=lambda path: f"{path.parent.parent.name}/{path.parent.name}",
)
def test_planning_only_reports_what_a_verified_run_reports(before: Path) -> None:
    text = read_text(before)
    planned = rewrite_workflow(text, "release.yml", fixed_lookup("demo"), Options(verify=False))
    assert planned == rewrite_workflow(text, "release.yml", fixed_lookup("demo"))


TWINE_IN_PLACE = """\
on:
  release:
    types: [published]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m build
      - run: twine upload dist/*
        env:
          TWINE_USERNAME: __token__
          TWINE_PASSWORD: ${{ secrets.PYPI_API_TOKEN }}
"""


@pytest.fixture
def publish_job_plans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tool uploads planned for a publish job of their own."""
    from trustpub.rewrite.rules import run_tools

    planned: list[str] = []
    original = run_tools.publish_job_variant

    def counting(workflow: object, upload: run_tools.Upload) -> run_tools.Upload:
        planned.append(upload.tool)
        return original(workflow, upload)  # type: ignore[arg-type]

    monkeypatch.setattr(run_tools, "publish_job_variant", counting)
    return planned


def test_a_tool_upload_that_stays_in_place_is_not_planned_for_a_publish_job(
    publish_job_plans: list[str],
) -> None:
    result = rewrite_workflow(TWINE_IN_PLACE, "release.yml", fixed_lookup("demo"))
    assert result.status is Status.CHANGED
    assert "TWINE_PASSWORD" not in result.text and "id-token: write" in result.text
    assert publish_job_plans == []


def test_a_tool_upload_split_by_index_is_planned_for_its_publish_job_once(
    publish_job_plans: list[str],
) -> None:
    text = TWINE_IN_PLACE.replace(
        "      - run: twine upload dist/*\n",
        "      - run: twine upload --repository testpypi dist/*\n"
        "        env:\n          TWINE_PASSWORD: ${{ secrets.TEST_PYPI_API_TOKEN }}\n"
        "      - run: twine upload dist/*\n",
    )
    result = rewrite_workflow(text, "release.yml", fixed_lookup("demo"))
    assert result.status is Status.CHANGED
    assert {p.index for p in result.publishers} == {"pypi", "testpypi"}
    assert sorted(publish_job_plans) == ["twine", "twine"]
