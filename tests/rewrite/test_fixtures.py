"""The engine on every fixtures/rewrite/<case>/: before.yml becomes after.yml, byte for byte."""

from __future__ import annotations

import pytest

from rewrite_cases import RewriteCase, assert_expectations, assert_same_text, load_cases

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


def _crlf(text: str) -> str | None:
    return None if "\r\n" in text else text.replace("\n", "\r\n")


def _bom(text: str) -> str | None:
    return None if text.startswith("\ufeff") else "\ufeff" + text


def _no_final_newline(text: str) -> str | None:
    if not text.endswith("\n") or text.rstrip("\r\n").count("\n") < text.count("\n") - 1:
        return None  # none, or more than one line ending at the end
    return text.removesuffix("\r\n") if text.endswith("\r\n") else text[:-1]


VARIANTS = {"crlf": _crlf, "bom": _bom, "no-final-newline": _no_final_newline}


# Only the pairs where the variant makes a different file (a CRLF case has no CRLF variant).
VARIANT_CASES = [
    pytest.param(case, variant, id=f"{case.name}-{variant}")
    for case in CASES
    for variant, change in VARIANTS.items()
    if change(case.before) is not None and change(case.after) is not None
]


@pytest.mark.parametrize(("variant_case", "variant"), VARIANT_CASES)
def test_byte_variants(variant_case: RewriteCase, variant: str) -> None:
    """The same case with CRLF endings, a BOM or no final newline gives the same variant out."""
    change = VARIANTS[variant]
    before, after = change(variant_case.before), change(variant_case.after)
    assert before is not None and after is not None
    result = variant_case.rewrite(before)
    assert result.failure is None, result.failure
    assert_same_text(result.text, after)
