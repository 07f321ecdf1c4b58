"""The engine on every fixtures/tools/<case>/: upload tools in `run:` steps and maturin-action.

Same case format as fixtures/rewrite (see tests/rewrite_cases.py): before.yml becomes after.yml
byte for byte, the report says what case.toml expects, a second run changes nothing, and CRLF, a
BOM or a missing final newline come out the same way.
"""

from __future__ import annotations

import pytest

from rewrite_cases import (
    RewriteCase,
    assert_byte_variant,
    assert_expectations,
    assert_same_text,
    byte_variants,
)
from split_links import PYPA_ACTION, check_links
from tool_cases import load_tool_cases
from trustpub.rewrite.document import load_data
from trustpub.rewrite.result import Status

CASES = load_tool_cases()
MIGRATED = [c for c in CASES if c.status is Status.CHANGED]
# Cases whose job is split: the PyPA action publishes from new jobs.
SPLIT = [c for c in MIGRATED if "publish-to-" in c.after and "publish-to-" not in c.before]
TOOLS = ("twine", "uv", "pdm", "maturin", "poetry", "hatch", "flit")


@pytest.fixture(params=CASES, ids=lambda case: case.name)
def case(request: pytest.FixtureRequest) -> RewriteCase:
    result: RewriteCase = request.param
    return result


def test_every_tool_has_cases() -> None:
    names = [c.name for c in CASES]
    for tool in TOOLS:
        assert sum(n.startswith(tool) for n in names) >= 2, tool
    assert sum(c.status is Status.SKIPPED for c in CASES) >= 5


def test_before_becomes_after(case: RewriteCase) -> None:
    result = case.rewrite(case.before)
    assert result.failure is None, result.failure
    assert_same_text(result.text, case.after)
    assert result.status is case.status, [s.reason for s in result.skips]


def test_expectations(case: RewriteCase) -> None:
    assert_expectations(case, case.rewrite(case.before))


def test_idempotent(case: RewriteCase) -> None:
    result = case.rewrite(case.after)
    assert_same_text(result.text, case.after)
    assert result.status is case.rerun_status
    assert not result.changes
    assert not result.removed_secrets


@pytest.mark.parametrize("migrated", MIGRATED, ids=lambda case: case.name)
def test_no_token_is_left_in_a_migrated_job(migrated: RewriteCase) -> None:
    case = migrated
    for name in ("TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "MATURIN_PYPI_TOKEN", "POETRY_PYPI_TOKEN"):
        assert name not in case.after
    assert "--password" not in case.after and " -p " not in case.after


def test_every_split_tool_has_cases() -> None:
    names = [c.name for c in SPLIT]
    for tool in ("twine", "uv", "pdm", "poetry", "hatch", "flit"):
        assert any(n.startswith(tool) for n in names), tool


@pytest.mark.parametrize("split", SPLIT, ids=lambda case: case.name)
def test_publish_jobs_download_what_the_build_job_stored(split: RewriteCase) -> None:
    result = split.rewrite(split.before)
    data = load_data(result.text)
    assert check_links(result, data)
    for job_id, job in data["jobs"].items():
        calls = [s for s in job["steps"] if str(s.get("uses", "")).startswith(PYPA_ACTION)]
        assert len(calls) <= 1, job_id


@pytest.mark.parametrize(("variant_case", "variant"), byte_variants(CASES))
def test_byte_variants(variant_case: RewriteCase, variant: str) -> None:
    """The same case with CRLF endings, a BOM or no final newline gives the same variant out."""
    assert_byte_variant(variant_case, variant)
