"""The engine on every fixtures/tools/<case>/: upload tools in `run:` steps and maturin-action.

Same case format as fixtures/rewrite (see tests/rewrite_cases.py): before.yml becomes after.yml
byte for byte, the report says what case.toml expects, a second run changes nothing, and CRLF, a
BOM or a missing final newline come out the same way.
"""

from __future__ import annotations

import pytest

from rewrite_cases import RewriteCase, assert_same_text
from tool_cases import load_tool_cases
from trustpub.rewrite.result import Status

CASES = load_tool_cases()
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
    result = case.rewrite(case.before)
    if case.removed_secrets is not None:
        assert result.removed_secrets == case.removed_secrets
    if case.publishers is not None:
        found = [
            {"index": p.index, "project": p.project, "environment": p.environment, "job": p.job}
            for p in result.publishers
        ]
        assert found == list(case.publishers)
    reasons = [s.reason for s in result.skips]
    if case.skip_reasons is not None:
        for expected in case.skip_reasons:
            assert any(expected in r for r in reasons), (expected, reasons)
    else:
        assert reasons == []
    if case.notes is not None:
        messages = [n.message for n in result.notes]
        if not case.notes:
            assert messages == []
        for expected in case.notes:
            assert any(expected in m for m in messages), (expected, messages)
    if case.status is Status.CHANGED:
        assert result.changes


def test_idempotent(case: RewriteCase) -> None:
    result = case.rewrite(case.after)
    assert_same_text(result.text, case.after)
    assert result.status is case.rerun_status
    assert not result.changes
    assert not result.removed_secrets


def test_no_token_is_left_in_a_migrated_job(case: RewriteCase) -> None:
    if case.status is not Status.CHANGED:
        pytest.skip("nothing was migrated")
    for name in ("TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "MATURIN_PYPI_TOKEN", "POETRY_PYPI_TOKEN"):
        assert name not in case.after
    assert "--password" not in case.after and " -p " not in case.after


def _crlf(text: str) -> str | None:
    return None if "\r\n" in text else text.replace("\n", "\r\n")


def _bom(text: str) -> str | None:
    return None if text.startswith("\ufeff") else "\ufeff" + text


def _no_final_newline(text: str) -> str | None:
    return text[:-1] if text.endswith("\n") and not text.endswith("\n\n") else None


VARIANTS = {"crlf": _crlf, "bom": _bom, "no-final-newline": _no_final_newline}


@pytest.mark.parametrize("variant", VARIANTS)
def test_byte_variants(case: RewriteCase, variant: str) -> None:
    change = VARIANTS[variant]
    before, after = change(case.before), change(case.after)
    if before is None or after is None:
        pytest.skip(f"the case already has this property ({variant})")
    result = case.rewrite(before)
    assert result.failure is None, result.failure
    assert_same_text(result.text, after)
