"""The engine on every fixtures/rewrite/<case>/: before.yml becomes after.yml, byte for byte."""

from __future__ import annotations

import pytest

from rewrite_cases import (
    RewriteCase,
    assert_byte_variant,
    assert_expectations,
    assert_same_text,
    byte_variants,
    load_cases,
)

CASES = load_cases()


def _ids(case: RewriteCase) -> str:
    return case.name


@pytest.fixture(params=CASES, ids=_ids)
def case(request: pytest.FixtureRequest) -> RewriteCase:
    result: RewriteCase = request.param
    return result


def test_there_are_cases() -> None:
    assert len(CASES) >= 40


def test_before_becomes_after(case: RewriteCase) -> None:
    result = case.rewrite(case.before)
    assert result.failure is None, result.failure
    assert_same_text(result.text, case.after)
    assert result.status is case.status


def test_expectations(case: RewriteCase) -> None:
    assert_expectations(case, case.rewrite(case.before))


def test_idempotent(case: RewriteCase) -> None:
    after = case.after
    result = case.rewrite(after)
    assert_same_text(result.text, after)
    assert result.failure is None, result.failure
    assert result.status is case.rerun_status
    assert not result.changes
    assert not result.removed_secrets


@pytest.mark.parametrize(("variant_case", "variant"), byte_variants(CASES))
def test_byte_variants(variant_case: RewriteCase, variant: str) -> None:
    """The same case with CRLF endings, a BOM or no final newline gives the same variant out."""
    assert_byte_variant(variant_case, variant)
